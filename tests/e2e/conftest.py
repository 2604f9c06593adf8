"""Browser tests: the real `familjeapp serve` in a subprocess, driven by a real Chromium.

One server and one browser for the whole run. Each test gets fresh browser contexts (a Pixel 7,
or a 320 px phone) and, when it opens invite links (each works once), a fresh demo family.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Route

# Where "Lämna snabbt" leads in the tests. The network is closed, so every context answers it.
NEUTRAL_URL = "https://neutral.example/"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='sv'><head><title>Väder</title></head>"
    "<body><h1>Vädret i dag</h1></body></html>"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CODE = "2468"
# Expectations fail fast: a page of this app answers in milliseconds.
TIMEOUT_MS = 10_000


# --- The server ------------------------------------------------------------------------------


def _command() -> list[str]:
    beside = Path(sys.executable).with_name("familjeapp")
    found = str(beside) if beside.exists() else shutil.which("familjeapp")
    if not found:
        pytest.fail("the familjeapp command is not installed (pip install -e .)")
    return [found]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict:
    """The environment of every familjeapp command in the run: a fresh SQLite file of its own."""
    folder = tmp_path_factory.mktemp("e2e-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILJEAPP_")}
    env.update(
        FAMILJEAPP_DB=str(folder / "familjeapp.sqlite3"),
        FAMILJEAPP_SECRET_KEY="e2e-tests-only",
        FAMILJEAPP_QUICK_EXIT_URL=NEUTRAL_URL,
    )
    return env


def _run(env: dict, *args: str) -> str:
    done = subprocess.run(
        [*_command(), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"familjeapp {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def live_server(server_env: dict, tmp_path_factory) -> Iterator[str]:
    """`familjeapp serve` on a free port; yields its base URL; stopped at the end of the run."""
    _run(server_env, "init-db")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("e2e-log") / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    pytest.fail(f"familjeapp serve stopped at once:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(base_url + "/", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"familjeapp serve did not answer in 20 s:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def demo_family(live_server: str, server_env: dict) -> dict:
    """One demo family for the whole run. Do not open its invite links: each works only once."""
    return Family(json.loads(_run(server_env, "demo", "--json")))


@pytest.fixture
def new_family(live_server: str, server_env: dict) -> Callable[[], "Family"]:
    """Make a fresh demo family (its own people, invite links and plan) each time it is called."""

    def make() -> Family:
        return Family(json.loads(_run(server_env, "demo", "--json")))

    return make


class Family(dict):
    """What `familjeapp demo --json` printed, with two look-ups."""

    def person(self, name: str) -> dict:
        return next(p for p in self["people"] if p["name"] == name)

    def item(self, kind: str, visibility: str | None = None) -> dict:
        return next(
            i
            for i in self["items"]
            if i["kind"] == kind and (visibility is None or i["visibility"] == visibility)
        )

    def texts(self, *visibilities: str) -> list[str]:
        return [i["text"] for i in self["items"] if i["visibility"] in visibilities]


# --- The browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (SETUP.md): `playwright install` cannot download browsers here."""
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    return {**browser_type_launch_args, **({"executable_path": path} if path else {})}


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """The live server. Also replaces pytest-playwright's own `base_url` fixture, which pytest 9
    flags as deprecated (a session fixture on a plugin instance): with -W error, it would fail."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url: str) -> dict:
    """Every context talks to the live server; the device comes from the fixtures below."""
    kept = {k: v for k, v in browser_context_args.items() if k == "record_video_dir"}
    return {**kept, "base_url": base_url}


def _answer_neutral_site(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)


@pytest.fixture
def make_context(new_context, playwright) -> Callable[..., BrowserContext]:
    """A new browser context (another phone); device is a Playwright device name or None."""

    def make(device: str | None = "Pixel 7", **options) -> BrowserContext:
        args = dict(playwright.devices[device]) if device else {}
        args.pop("default_browser_type", None)
        args.update(options)
        context = new_context(**args)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route(NEUTRAL_URL + "**", _answer_neutral_site)
        return context

    return make


@pytest.fixture
def phone(make_context) -> BrowserContext:
    """A Pixel 7."""
    return make_context("Pixel 7")


@pytest.fixture
def narrow(make_context) -> BrowserContext:
    """The narrowest phone WCAG 1.4.10 asks for: 320 CSS px wide."""
    return make_context(
        None,
        viewport={"width": 320, "height": 640},
        screen={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


# --- What a person does ----------------------------------------------------------------------


def open_invite(page: Page, someone: dict) -> None:
    """Open the personal link and press its button; lands on the page to choose a code."""
    page.goto(someone["invite_path"])
    page.get_by_role("button", name="Öppna vår plan").click()
    page.wait_for_url("**/kod/ny")


def choose_code(page: Page, code: str = CODE) -> None:
    page.get_by_label("Välj en kod med 4 siffror").fill(code)
    page.get_by_label("Skriv samma kod en gång till").fill(code)
    page.get_by_role("button", name="Spara min kod").click()
    page.wait_for_url("**/familj/*/plan")


def sign_in(page: Page, someone: dict, code: str = CODE) -> str:
    """What a parent or network member does first; returns the plan's path."""
    open_invite(page, someone)
    choose_code(page, code)
    return urlsplit(page.url).path


# --- Checks ----------------------------------------------------------------------------------

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    if violations:
        lines = [f"axe found {len(violations)} WCAG violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
            for node in v["nodes"]:
                lines.append(f"    at {node['target']}: {node.get('failureSummary', '')!r}")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page: Page) -> None:
    """WCAG 1.4.10 Reflow: nothing makes the page scroll sideways."""
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] > widths["inner"]:
        wide = page.evaluate(
            """() => {
                const w = window.innerWidth;
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > w + 0.5)
                  .slice(0, 10)
                  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && typeof e.className === 'string'
                       ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                    + ' right=' + Math.round(e.getBoundingClientRect().right));
            }"""
        )
        pytest.fail(
            f"{page.url} scrolls sideways: scrollWidth {widths['scroll']} > innerWidth "
            f"{widths['inner']}; too wide: {wide}",
            pytrace=False,
        )


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    """sign_in(page, person, code="2468") -> the plan's path."""
    return sign_in


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    return assert_accessible


@pytest.fixture(name="assert_no_horizontal_scroll")
def assert_no_horizontal_scroll_fixture():
    return assert_no_horizontal_scroll
