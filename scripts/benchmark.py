#!/usr/bin/env python3
"""Measure familjeapp under HTTP load with wrk, against a hello-world baseline in the same run.

Run by hand from the repository root (it is not part of the test suite):

    .venv/bin/python scripts/benchmark.py --duration 10s --connections 16 --threads 2

It needs the ``wrk`` command (Debian/Ubuntu: ``apt-get install -y wrk``) and installs nothing.
On a fresh SQLite file in a temporary folder it starts ``familjeapp serve`` with one demo family
and one signed-in device (Sara, a parent), and a hello-world Flask app under the same server
(``familjeapp.serving``: gunicorn, or waitress where there is none) with the same number of worker
processes and threads. Then wrk measures, one after the other:

* the plan page, GET /familj/<id>/plan with the session cookie;
* the same page asked for again unchanged, with ``If-None-Match`` and the page's ETag: every
  answer must be 304 with no body (a phone revalidating the page it holds);
* saving a check-in, POST /familj/<id>/hur-gar-det with the cookie, the CSRF token and a new
  client_id for every request (a wrk Lua script); every answer must be 303, the others are counted
  and reported, and the rows stored are compared with the 303s;
* hello world, GET /.

It prints a table (requests/s, p50, p99 and requests/s as a share of the baseline's), then the same
table as Markdown with the machine it ran on. ``--workers 1,2`` does all of it for each number of
worker processes, both servers with that many, then prints how requests/s grew with the workers.
SETUP.md, "Load and hostile input", says why wrk.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CODE = "2468"  # a code the app accepts (1234 is refused as too easy to guess)

HELLO_WORLD = """
import sys
from flask import Flask
from familjeapp.serving import serve

app = Flask("hello")


@app.get("/")
def hello():
    return "Hello, World!"


serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]),
      workers=int(sys.argv[3]))
"""

# One Lua script for every run. With BENCH_POST_PATH set, each request is a new check-in with a
# client_id of its own; done() prints one JSON line that the Python side reads.
WRK_LUA = r"""
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local post_path = os.getenv("BENCH_POST_PATH")
local csrf = os.getenv("BENCH_CSRF")
local run = os.getenv("BENCH_RUN_ID") or "run"
local cookie = os.getenv("BENCH_COOKIE")
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")
local counter = 0
statuses = {}

function init(args)
  if cookie then wrk.headers["Cookie"] = cookie end
  if if_none_match then wrk.headers["If-None-Match"] = if_none_match end
  if post_path then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
end

if post_path then
  request = function()
    counter = counter + 1
    local client_id = string.format("bench-%s-%d-%d", run, tid, counter)
    local body = "csrf_token=" .. csrf .. "&client_id=" .. client_id
      .. "&rating=" .. (counter % 11) .. "&words=&shared=y"
    return wrk.format("POST", post_path, nil, body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do
      local key = tostring(status)
      counts[key] = (counts[key] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, '
    .. '"status": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
"""


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def familjeapp_command() -> str:
    beside = Path(sys.executable).with_name("familjeapp")
    found = str(beside) if beside.exists() else shutil.which("familjeapp")
    if not found:
        sys.exit("The familjeapp command is not installed: pip install -e . (in .venv)")
    return found


def wait_until_answering(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped at once:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    sys.exit(f"The server did not answer in 30 s:\n{log.read_text()}")


def start(command: list[str], env: dict, log: Path, port: int) -> subprocess.Popen:
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_until_answering(process, port, log)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- One signed-in device --------------------------------------------------------------------


class Device:
    """Just enough of a browser: cookies, one connection per request, no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer.status, answer.getheader("Location", ""), text

    def token(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        match = CSRF.search(text)
        if status != 200 or not match:
            sys.exit(f"GET {path} answered {status} without a form")
        return match.group(1)

    def sign_in(self, invite_path: str) -> str:
        """Open the invite, press its button, choose a code; returns the plan's path."""
        status, _, _ = self.request("POST", invite_path, {"csrf_token": self.token(invite_path)})
        if status != 303:
            sys.exit(f"Using the invite answered {status}")
        fields = {"csrf_token": self.token("/kod/ny"), "code": CODE, "repeat": CODE}
        status, location, _ = self.request("POST", "/kod/ny", fields)
        if status != 303:
            sys.exit(f"Choosing the code answered {status}")
        return urlsplit(location).path


# --- wrk -------------------------------------------------------------------------------------


def run_wrk(
    name: str, url: str, args: argparse.Namespace, lua: Path, extra_env: dict | None = None
) -> dict:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}",
        f"--timeout={args.timeout}",
        f"--script={lua}",
        url,
    ]
    print(f"... {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        command, env={**os.environ, **(extra_env or {})}, capture_output=True, text=True
    )
    line = next((s for s in done.stdout.splitlines() if s.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["name"] = name
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def unexpected(result: dict, expected: int) -> int:
    """Answers other than the expected status, plus socket errors and timeouts."""
    other = sum(n for status, n in result["statuses"].items() if int(status) != expected)
    errors = result["errors"]
    return other + errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]


# --- Reporting -------------------------------------------------------------------------------


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "nproc": nproc,
        "cpu": model,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "wrk": (wrk_version.stdout or wrk_version.stderr).split("Copyright")[0].strip(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def rows(results: list[dict], baseline: dict) -> list[list[str]]:
    table = []
    for r in results:
        table.append(
            [
                r["name"],
                f"{r['rps']:,.0f}",
                f"{r['p50_us'] / 1000:.1f}",
                f"{r['p99_us'] / 1000:.1f}",
                f"{r['requests']:,}",
                f"{r['unexpected']:,}",
                f"{r['rps'] / baseline['rps']:.2f}",
            ]
        )
    return table


HEADER = ["", "requests/s", "p50 ms", "p99 ms", "requests", "not expected", "req/s ÷ baseline"]


def plain_table(table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [HEADER, *table]) for i in range(len(HEADER))]
    lines = []
    for row in [HEADER, *table]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---" + "|---:" * (len(HEADER) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


# --- Main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", default="10s", help="each wrk run (wrk syntax: 10s, 1m)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--server-threads", type=int, default=8, help="threads per worker, for both servers"
    )
    parser.add_argument(
        "--workers", type=worker_counts, default=[1],
        help="worker processes, for both servers; a list (1,2) measures each in turn",
    )  # fmt: skip
    parser.add_argument("--timeout", default="10s", help="wrk's timeout per request")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print(
            "wrk is not on PATH. Install it, then run this again:\n"
            "  Debian/Ubuntu: sudo apt-get install -y wrk\n"
            "  macOS:         brew install wrk",
            file=sys.stderr,
        )
        return 2

    command = familjeapp_command()
    measured: list[tuple[int, list[dict]]] = []
    status = 0
    for workers in args.workers:
        status |= measure(args, command, workers, measured)
        print()
    if len(measured) > 1:
        print(growth_table(measured))
    return status


def worker_counts(text: str) -> list[int]:
    counts = [int(n) for n in text.split(",") if n.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("one or more numbers from 1, like 1,2")
    return counts


def growth_table(measured: list[tuple[int, list[dict]]]) -> str:
    """Requests/s of each case for each number of workers, and as a multiple of the first."""
    first_workers, first = measured[0]
    header = ["", *(f"{w} worker{'s' if w > 1 else ''}" for w, _ in measured)]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for n, result in enumerate(first):
        cells = [result["name"]]
        for _, results in measured:
            rps = results[n]["rps"]
            cells.append(f"{rps:,.0f} (×{rps / result['rps']:.2f})")
        lines.append("| " + " | ".join(cells) + " |")
    return (
        f"Requests/s by worker processes (× the same case with {first_workers}):\n\n"
        + "\n".join(lines)
    )


def measure(args, command: str, workers: int, measured: list) -> int:
    """One full run with `workers` worker processes in both servers; prints its tables."""
    print(f"## {workers} worker{'s' if workers > 1 else ''}", flush=True)
    with tempfile.TemporaryDirectory(prefix="familjeapp-bench-") as folder:
        folder_path = Path(folder)
        db_path = folder_path / "familjeapp.sqlite3"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILJEAPP_")}
        env.update(FAMILJEAPP_DB=str(db_path), FAMILJEAPP_SECRET_KEY=secrets.token_hex(16))
        subprocess.run([command, "init-db"], env=env, check=True, capture_output=True)
        demo = json.loads(
            subprocess.run(
                [command, "demo", "--json"], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        sara = next(p for p in demo["people"] if p["name"] == "Sara")

        ours_port, hello_port = free_port(), free_port()
        threads = str(args.server_threads)
        ours = start(
            [command, "serve", "--host", "127.0.0.1", "--port", str(ours_port)]
            + ["--threads", threads, "--workers", str(workers)],
            env,
            folder_path / "familjeapp.log",
            ours_port,
        )
        hello = start(
            [sys.executable, "-c", HELLO_WORLD, str(hello_port), threads, str(workers)],
            env,
            folder_path / "hello.log",
            hello_port,
        )
        try:
            device = Device(ours_port)
            plan_path = device.sign_in(sara["invite_path"])
            checkin_path = plan_path.removesuffix("plan") + "hur-gar-det"
            csrf = device.token(checkin_path)
            cookie = f"familjeapp={device.cookies['familjeapp']}"
            lua = folder_path / "bench.lua"
            lua.write_text(WRK_LUA)
            base = f"http://127.0.0.1:{ours_port}"

            # Asking for the page's ETag is also the warm-up: the first page a server process
            # builds reads its templates and the release's files once.
            etag = page_etag(ours_port, plan_path, cookie)
            plan = run_wrk("plan page (GET)", base + plan_path, args, lua, {"BENCH_COOKIE": cookie})
            plan["unexpected"] = unexpected(plan, 200)

            revalidated = run_wrk(
                "plan page unchanged (304)",
                base + plan_path,
                args,
                lua,
                {"BENCH_COOKIE": cookie, "BENCH_IF_NONE_MATCH": etag},
            )
            revalidated["unexpected"] = unexpected(revalidated, 304)

            before = sqlite_count(db_path)
            checkin = run_wrk(
                "check-in (POST)",
                base + checkin_path,
                args,
                lua,
                {
                    "BENCH_COOKIE": cookie,
                    "BENCH_POST_PATH": checkin_path,
                    "BENCH_CSRF": quote(csrf, safe=""),
                    "BENCH_RUN_ID": secrets.token_hex(4),
                },
            )
            checkin["unexpected"] = unexpected(checkin, 303)
            stored = sqlite_count(db_path) - before

            baseline = run_wrk("hello world (GET)", f"http://127.0.0.1:{hello_port}/", args, lua)
            baseline["unexpected"] = unexpected(baseline, 200)
        finally:
            stop(ours)
            stop(hello)

    results = [plan, revalidated, checkin, baseline]
    table = rows(results, baseline)
    info = machine()
    saved_303 = checkin["statuses"].get("303", 0)
    # wrk stops counting at the end of the duration, so up to one request per connection can
    # be saved without its 303 being counted; more rows than that, or fewer rows, is wrong.
    in_flight = stored - saved_303
    rows_ok = 0 <= in_flight <= args.connections
    notes = [
        f"Check-ins: {saved_303:,} answered 303 and {stored:,} rows were stored"
        + (
            f" ({in_flight} still in flight when wrk stopped: as expected)."
            if rows_ok
            else " (WRONG: the rows do not match the 303s)."
        ),
    ]
    for r in results:
        if r["unexpected"]:
            notes.append(
                f"{r['name']}: {r['unexpected']:,} answers not as expected "
                f"(statuses {r['statuses']}, errors {r['errors']})."
            )

    print(plain_table(table))
    for note in notes:
        print(note)
    print()
    print(
        f"Command: `{Path(sys.argv[0]).as_posix()} --duration {args.duration} "
        f"--connections {args.connections} --threads {args.threads} "
        f"--server-threads {args.server_threads} --workers {workers}`"
    )
    print()
    print(markdown_table(table))
    print()
    for note in notes:
        print(f"- {note}")
    print(
        f"- wrk {args.threads} threads, {args.connections} connections, {args.duration} per run; "
        f"both servers {server_name()} with {workers} worker process(es) of "
        f"{args.server_threads} threads; "
        "wrk and the server on the same machine."
    )
    print(
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['os']}, "
        f"Python {info['python']}, {info['wrk']}; {info['date']}."
    )
    measured.append((workers, results))
    return 0 if rows_ok and not checkin["unexpected"] and not revalidated["unexpected"] else 1


def server_name() -> str:
    from familjeapp.serving import has_prefork_server

    return "gunicorn (gthread)" if has_prefork_server() else "waitress"


def page_etag(port: int, path: str, cookie: str) -> str:
    """The ETag of the page as the signed-in device gets it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    tag = answer.getheader("ETag")
    if answer.status != 200 or not tag:
        sys.exit(f"GET {path} answered {answer.status} without an ETag")
    return tag


def sqlite_count(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM checkins").fetchone()[0]
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
