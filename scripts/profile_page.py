#!/usr/bin/env python3
"""Time the plan page and a check-in inside one process, and say where the time goes.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python scripts/profile_page.py [--requests 300] [--pyinstrument]

On a fresh SQLite file in a temporary folder, with the demo family and Sara (a parent) signed in
through Flask's test client (no server, no network), it asks for the plan page again and again
and prints the median CPU time of one request: the page as the server keeps it for an unchanged
tag, the page built anew (as after any change), the 304 for a phone that holds the page, and
saving a check-in (POST, answered 303). Then the function calls and SQL statements of each.
``--pyinstrument`` also prints pyinstrument's call tree of building the page anew
(``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from familjeapp import create_app  # noqa: E402
from familjeapp.db import connect, migrate  # noqa: E402
from familjeapp.demo import add_demo_family  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CODE = "2468"


def token(page) -> str:
    return CSRF.search(page.get_data(as_text=True)).group(1)


def signed_in_client(app, invite_path: str):
    client = app.test_client()
    client.post(invite_path, data={"csrf_token": token(client.get(invite_path))})
    chosen = client.post(
        "/kod/ny",
        data={"csrf_token": token(client.get("/kod/ny")), "code": CODE, "repeat": CODE},
    )
    return client, chosen.location


def median_ms(request, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.process_time()
        request()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def counted(request, n: int) -> tuple[float, float]:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        request()
    profile.disable()
    stats = pstats.Stats(profile)
    executes = sum(
        v[1]
        for k, v in stats.stats.items()
        if k[2]
        in (
            "<method 'execute' of 'sqlite3.Connection' objects>",
            "<method 'execute' of 'sqlite3.Cursor' objects>",
            "<method 'executemany' of 'sqlite3.Connection' objects>",
            "<method 'executemany' of 'sqlite3.Cursor' objects>",
        )
    )
    return stats.total_calls / n, executes / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="familjeapp-profile-") as folder:
        path = Path(folder) / "familjeapp.sqlite3"
        db = connect(path)
        migrate(db)
        demo = add_demo_family(db)
        db.close()
        app = create_app({"DB": str(path), "SECRET_KEY": secrets.token_hex(16)})
        app.instance_path = folder
        sara = next(p for p in demo["people"] if p["name"] == "Sara")
        client, plan = signed_in_client(app, sara["invite_path"])
        checkin = plan.removesuffix("plan") + "hur-gar-det"
        csrf = token(client.get(checkin))
        kept = app.extensions["page_cache"]

        def page():
            assert client.get(plan).status_code == 200

        def page_anew():
            kept._pages.clear()
            page()

        tag = client.get(plan).headers["ETag"]

        def not_modified():
            assert client.get(plan, headers={"If-None-Match": tag}).status_code == 304

        def save():
            fields = {"csrf_token": csrf, "client_id": secrets.token_urlsafe(18),
                      "rating": "5", "words": "", "shared": "y"}  # fmt: skip
            headers = {"Sec-Fetch-Site": "same-origin"}
            assert client.post(checkin, data=fields, headers=headers).status_code == 303

        cases = [
            ("plan page, unchanged (kept)", page),
            ("plan page, built anew", page_anew),
            ("plan page, 304", not_modified),
            ("check-in (POST)", save),
        ]
        for _name, request in cases:
            for _ in range(20):  # warm up
                request()
        tag = client.get(plan).headers["ETag"]
        size = len(client.get(plan).data)
        print(f"Plan page: {size:,} bytes; {args.requests} requests each; CPU time per request")
        for name, request in cases:
            ms = median_ms(request, args.requests)
            tag = client.get(plan).headers["ETag"]  # a check-in changes the page
            calls, executes = counted(request, 50)
            tag = client.get(plan).headers["ETag"]
            print(f"  {name:30} {ms:6.2f} ms  {calls:8,.0f} calls  {executes:4.0f} SQL")

        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                page_anew()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
