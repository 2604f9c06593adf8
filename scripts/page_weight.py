#!/usr/bin/env python3
"""Measure what the demo family's plan page costs a phone: bytes over the wire and requests.

Run by hand from the repository root (tests/e2e/test_page_weight.py uses measure() for the budget):

    .venv/bin/python scripts/page_weight.py [--lighthouse]

On a fresh SQLite file in a temporary folder it starts the real ``familjeapp serve`` with one demo
family, signs Sara (a parent) in on a Pixel 7 in Chromium (Playwright; CHROMIUM_PATH or Debian's
/usr/bin/chromium), and opens her plan page: the first visit (nothing cached, the sign-in's own
pages do not count), the same page read to its end, and a repeat visit (the same browser, opening
the plan again). Bytes are
what Chromium reports as received for each request, the service worker's included (Playwright's
request sizes: headers and compressed bodies); a request answered from the browser's cache or the
service worker's cache costs nothing and is not counted. The issue 9 budget: first visit at
most 60 KB (also when the page is read to its end), repeat visit at most 10 KB. Then, in the
same browser, Sara ticks "Spara planen på den här telefonen…" and opens the plan again (kept):
the service worker asks with the ETag of the copy it keeps, and the server answers 304 (issue 12).

With --lighthouse, and when ``npx lighthouse`` is there (``npm install lighthouse@12``), it also
runs Lighthouse's mobile audit of the plan page with Sara's session cookie and prints the scores.
Lighthouse is optional: without it the script still measures the bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import familjeapp_command, free_port, start, stop  # noqa: E402

CODE = "2468"
BUDGET = {"first": 60_000, "scrolled": 60_000, "repeat": 10_000, "kept": 10_000}
KEEP_OFFLINE = "Spara planen på den här telefonen så att du kan läsa den utan internet"
KEPT_PLAN = "(url) => caches.open('familjeapp-personal').then(c => c.match(url)).then(Boolean)"


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def sign_in(page, invite_path: str) -> str:
    """Open the link, press its button, choose a code; returns the plan's path."""
    page.goto(invite_path)
    page.get_by_role("button", name="Öppna vår plan").click()
    page.wait_for_url("**/kod/ny")
    page.get_by_label("Välj en kod med 4 siffror").fill(CODE)
    page.get_by_label("Skriv samma kod en gång till").fill(CODE)
    page.get_by_role("button", name="Spara min kod").click()
    page.wait_for_url("**/familj/*/plan")
    return urlsplit(page.url).path


@contextmanager
def counting(context) -> Iterator[list[dict]]:
    """Collect what comes over the network while the block runs.

    Requests are counted where they reached the network: a request the service worker answered
    is counted as the worker's own fetch (Playwright reports the worker's requests too), one the
    browser or the worker answered from a cache costs nothing.
    """
    over_wire: list[dict] = []

    def finished(request):
        response = request.response()
        sizes = request.sizes()
        # A negative body size: the answer came from the browser's cache, not the network.
        if response is None or response.from_service_worker or sizes["responseBodySize"] < 0:
            return
        over_wire.append(
            {
                "url": request.url,
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "by": "service worker" if request.service_worker else "page",
            }
        )

    context.on("requestfinished", finished)
    try:
        yield over_wire
    finally:
        context.remove_listener("requestfinished", finished)


def settle(page) -> None:
    """Until the network is idle, the service worker (installing what it keeps) included."""
    page.wait_for_load_state("networkidle")
    page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : 0")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def scroll_to_the_end(page) -> None:
    """Read the page to its end, a screen at a time: the pictures further down load lazily."""
    while page.evaluate("window.scrollY + window.innerHeight < document.body.scrollHeight - 1"):
        page.evaluate("window.scrollBy(0, window.innerHeight)")
        page.wait_for_timeout(100)
    settle(page)


def summary(over_wire: list[dict]) -> dict:
    return {
        "bytes": sum(r["bytes"] for r in over_wire),
        "requests": len(over_wire),
        "items": sorted(over_wire, key=lambda r: -r["bytes"]),
    }


def measure(context, plan_url: str) -> dict:
    """The plan page in a signed-in context whose cache is empty: opened (first), then read to
    its end (scrolled: the first visit with every lazy picture), then opened again (repeat)."""
    page = context.new_page()
    with counting(context) as first:
        page.goto(plan_url)
        settle(page)
    with counting(context) as further_down:
        scroll_to_the_end(page)
    with counting(context) as repeat:
        page.goto(plan_url)
        settle(page)
    page.close()
    return {
        "first": summary(first),
        "scrolled": summary(first + further_down),
        "repeat": summary(repeat),
    }


def measure_kept(context, plan_url: str) -> dict:
    """A repeat visit with the plan kept on the phone (the box ticked): the service worker asks
    with the kept copy's ETag, the server answers 304, and the page is the kept copy."""
    page = context.new_page()
    page.goto(plan_url)
    settle(page)
    page.get_by_label(KEEP_OFFLINE).check()
    page.wait_for_function(KEPT_PLAN, arg=plan_url)
    settle(page)
    with counting(context) as kept:
        page.goto(plan_url)
        settle(page)
    page.close()
    return {"kept": summary(kept)}


def table(results: dict) -> str:
    lines = [f"{'visit':<8} {'bytes':>8} {'KB':>7} {'requests':>9} {'budget':>8}"]
    for name, result in results.items():
        lines.append(
            f"{name:<8} {result['bytes']:>8} {result['bytes'] / 1000:>7.1f} "
            f"{result['requests']:>9} {BUDGET[name] / 1000:>7.0f}K"
        )
    return "\n".join(lines)


def lighthouse(url: str, cookie: str) -> str:
    installed, npx = shutil.which("lighthouse"), shutil.which("npx")
    if installed is None and npx is None:
        return "Lighthouse: npx is not there (install Node and `npm install lighthouse@12`)."
    done = subprocess.run(
        [*([installed] if installed else [npx, "--no-install", "lighthouse"]), url,
         "--output=json", "--quiet", "--form-factor=mobile",
         "--only-categories=performance,accessibility,best-practices",
         "--chrome-flags=--headless=new --no-sandbox",
         "--extra-headers", json.dumps({"Cookie": cookie})],
        env={**os.environ, "CHROME_PATH": chromium_path() or ""},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return "Lighthouse did not run: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    report = json.loads(done.stdout)
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    weight = report["audits"]["total-byte-weight"]["numericValue"]
    return f"Lighthouse (mobile): {scores}, total byte weight {weight / 1000:.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse (npx)")
    parser.add_argument("--items", action="store_true", help="list each request of the visits")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    command = familjeapp_command()
    with tempfile.TemporaryDirectory(prefix="familjeapp-weight-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILJEAPP_")}
        env.update(
            FAMILJEAPP_DB=str(Path(folder) / "familjeapp.sqlite3"),
            FAMILJEAPP_SECRET_KEY=secrets.token_hex(16),
        )
        subprocess.run([command, "init-db"], env=env, check=True, capture_output=True)
        demo = json.loads(
            subprocess.run(
                [command, "demo", "--json"], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        sara = next(p for p in demo["people"] if p["name"] == "Sara")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env,
            Path(folder) / "familjeapp.log",
            port,
        )
        try:
            with sync_playwright() as playwright:
                path = chromium_path()
                browser = playwright.chromium.launch(**({"executable_path": path} if path else {}))
                device = dict(playwright.devices["Pixel 7"])
                device.pop("default_browser_type", None)
                signing_in = browser.new_context(**device, base_url=base)
                plan_path = sign_in(signing_in.new_page(), sara["invite_path"])
                state = signing_in.storage_state()
                signing_in.close()
                # A new context with only the session cookie: an empty cache, signed in.
                context = browser.new_context(**device, base_url=base, storage_state=state)
                results = measure(context, base + plan_path)
                results.update(measure_kept(context, base + plan_path))
                cookie = "; ".join(f"{c['name']}={c['value']}" for c in state["cookies"])
                context.close()
                browser.close()
            audit = lighthouse(base + plan_path, cookie) if args.lighthouse else None
        finally:
            stop(server)

    print(f"The demo family's plan page on a Pixel 7 ({plan_path}):")
    print(table(results))
    if args.items:
        for name, result in results.items():
            print(f"\n{name} visit:")
            for item in result["items"]:
                by = " (service worker)" if item["by"] == "service worker" else ""
                print(f"  {item['bytes']:>7}  {item['url'].removeprefix(base)}{by}")
    if audit:
        print(audit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
