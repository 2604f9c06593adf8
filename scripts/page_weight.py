#!/usr/bin/env python3
"""Measure what the demo family's plan page costs a phone: bytes over the wire and requests.

Run by hand from the repository root (tests/e2e/test_page_weight.py uses measure() for the budget):

    .venv/bin/python scripts/page_weight.py [--lighthouse]

On a fresh SQLite file in a temporary folder it starts the real ``familjeapp serve`` with one demo
family, signs Sara (a parent) in on a Pixel 7 in Chromium (Playwright; CHROMIUM_PATH or Debian's
/usr/bin/chromium), and opens her plan page twice: the first visit (nothing cached, the sign-in's
own pages do not count) and a repeat visit (the same browser, opening the plan again). Bytes are
what Chromium's DevTools protocol reports as received for each request (Network.loadingFinished's
encodedDataLength: headers and compressed bodies); a request answered from the browser's cache
costs nothing and is not counted. The issue 9 budget: first visit at most 60 KB, repeat visit at
most 10 KB.

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
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import familjeapp_command, free_port, start, stop  # noqa: E402

CODE = "2468"
BUDGET = {"first": 60_000, "repeat": 10_000}


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


def visit(page, url: str) -> dict:
    """Open url and count what came over the network until the page was loaded and idle."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests: dict[str, dict] = {}

    def sent(event):
        requests.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": 0})

    def from_cache(event):
        requests.get(event["requestId"], {})["cached"] = True

    def finished(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", from_cache)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    cdp.detach()
    over_wire = [r for r in requests.values() if not r.get("cached") and r["bytes"] > 0]
    return {
        "bytes": sum(r["bytes"] for r in over_wire),
        "requests": len(over_wire),
        "items": sorted(over_wire, key=lambda r: -r["bytes"]),
    }


def measure(context, plan_url: str) -> dict:
    """First and repeat visit of the plan page in a signed-in context whose cache is empty."""
    page = context.new_page()
    first = visit(page, plan_url)
    repeat = visit(page, plan_url)
    page.close()
    return {"first": first, "repeat": repeat}


def table(results: dict) -> str:
    lines = [f"{'visit':<8} {'bytes':>8} {'KB':>7} {'requests':>9} {'budget':>8}"]
    for name, result in results.items():
        lines.append(
            f"{name:<8} {result['bytes']:>8} {result['bytes'] / 1000:>7.1f} "
            f"{result['requests']:>9} {BUDGET[name] / 1000:>7.0f}K"
        )
    return "\n".join(lines)


def lighthouse(url: str, cookie: str) -> str:
    npx = shutil.which("npx")
    if npx is None:
        return "Lighthouse: npx is not there (install Node and `npm install lighthouse@12`)."
    done = subprocess.run(
        [npx, "--no-install", "lighthouse", url, "--output=json", "--quiet",
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
                print(f"  {item['bytes']:>7}  {item['url'].removeprefix(base)}")
    if audit:
        print(audit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
