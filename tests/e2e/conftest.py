"""Browser tests: the real `familjeapp serve` in a subprocess, driven by a real Chromium.

One server and one browser for the whole run. Each test gets fresh browser contexts (a Pixel 7,
or a 320 px phone) and, when it opens invite links (each works once), a fresh demo family.
"""

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Route, expect

from familjeapp.store.plans import KINDS

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


# The run's server environment, for staff_sign_in (a plain function, not a fixture).
_SERVER_ENV: dict = {}


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
    _SERVER_ENV.update(env)
    return env


def _run(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*_command(), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"familjeapp {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


@contextmanager
def _running(command: list[str], env: dict, log_path: Path, ready_url: str) -> Iterator[None]:
    """Start a server process, wait until ready_url answers 200, stop it when done."""
    # The TLS proxy's certificate is made for the test: trust it for this check only.
    unverified = ssl._create_unverified_context()  # noqa: S323
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    pytest.fail(f"{command[0]} stopped at once:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(ready_url, timeout=2, context=unverified) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{command[0]} did not answer in 20 s:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _serve(env: dict, port: int) -> list[str]:
    return [*_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]


@pytest.fixture(scope="session")
def live_server(server_env: dict, tmp_path_factory) -> Iterator[str]:
    """`familjeapp serve` on a free port; yields its base URL; stopped at the end of the run."""
    _run(server_env, "init-db")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("e2e-log") / "serve.log"
    with _running(_serve(server_env, port), server_env, log_path, base_url + "/"):
        yield base_url


# --- HTTPS, as a municipality runs it ---------------------------------------------------------
# deploy/nginx.conf itself, from Debian's nginx, with a certificate made for the run, in front of
# a second `familjeapp serve` told that one proxy is in front (FAMILJEAPP_PROXIES=1). Both
# servers share the run's database, so new_family() works for either.

DEPLOY_NGINX = Path(__file__).parents[2] / "deploy" / "nginx.conf"


def _nginx() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if not found:
        pytest.fail("nginx is not installed (make test installs Debian's nginx-light)")
    return found


def _test_certificate(folder: Path) -> tuple[Path, Path]:
    key, crt = folder / "key.pem", folder / "crt.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, crt


def nginx_site(folder: Path, *, app_port: int, https_port: int, http_port: int) -> str:
    """deploy/nginx.conf with only the names a municipality would change replaced."""
    key, crt = _test_certificate(folder)
    site = DEPLOY_NGINX.read_text()
    for ours, theirs in [
        ("/etc/letsencrypt/live/familjeapp.example.se/fullchain.pem", str(crt)),
        ("/etc/letsencrypt/live/familjeapp.example.se/privkey.pem", str(key)),
        ("server_name familjeapp.example.se;", "server_name 127.0.0.1;"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/var/log/nginx/familjeapp.access.log", str(folder / "access.log")),
    ]:
        assert ours in site, f"deploy/nginx.conf no longer has {ours!r}: update the test"
        site = site.replace(ours, theirs)
    return site


@pytest.fixture(scope="session")
def tls_proxy(live_server: str, server_env: dict, tmp_path_factory) -> Iterator[dict]:
    """nginx ending TLS in front of `familjeapp serve`; yields its URL and its access log."""
    folder = tmp_path_factory.mktemp("tls-proxy")
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    (folder / "site.conf").write_text(
        nginx_site(folder, app_port=app_port, https_port=https_port, http_port=http_port)
    )
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{ {temp} include {folder / 'site.conf'}; }}\n"
    )
    env = {**server_env, "FAMILJEAPP_PROXIES": "1"}
    url = f"https://127.0.0.1:{https_port}"
    nginx = [_nginx(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    with (
        _running(_serve(env, app_port), env, folder / "serve.log", f"http://127.0.0.1:{app_port}/"),
        _running(nginx, env, folder / "nginx.log", url + "/"),
    ):
        yield {
            "url": url,
            "http_url": f"http://127.0.0.1:{http_port}",
            "log": folder / "access.log",
        }


@pytest.fixture
def https_phone(make_context, tls_proxy: dict) -> BrowserContext:
    """A Pixel 7 that reaches the app over HTTPS through the TLS proxy."""
    return make_context("Pixel 7", base_url=tls_proxy["url"], ignore_https_errors=True)


@pytest.fixture
def https_desktop(make_context, tls_proxy: dict) -> BrowserContext:
    """A social worker's desktop browser over HTTPS through the TLS proxy."""
    return make_context(
        None, viewport=DESKTOP, screen=DESKTOP, base_url=tls_proxy["url"], ignore_https_errors=True
    )


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
    """What `familjeapp demo --json` printed, with look-ups by name, kind and visibility."""

    def person(self, name: str) -> dict:
        return next(p for p in self["people"] if p["name"] == name)

    def item(self, kind: str, visibility: str | None = None) -> dict:
        return next(
            i
            for i in self["items"]
            if i["kind"] == kind and (visibility is None or i["visibility"] == visibility)
        )

    def texts(self, *visibilities: str) -> list[str]:
        """The texts of the adults' plan with these visibilities (the child's parts of the plan
        are on the child's own pages, not on the adults' plan page)."""
        return [
            i["text"]
            for i in self["items"]
            if i["visibility"] in visibilities and i["kind"] not in KINDS["child"]
        ]


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
def browser_context_args(browser_context_args) -> dict:
    """The device and the server (base_url) come from make_context below."""
    return {k: v for k, v in browser_context_args.items() if k == "record_video_dir"}


def _answer_neutral_site(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)


@pytest.fixture
def make_context(new_context, playwright, base_url: str) -> Callable[..., BrowserContext]:
    """A new browser context (another phone); device is a Playwright device name or None.
    It talks to the live server unless options give another base_url (the TLS proxy)."""

    def make(device: str | None = "Pixel 7", **options) -> BrowserContext:
        args = dict(playwright.devices[device]) if device else {}
        args.pop("default_browser_type", None)
        args["base_url"] = base_url
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
def context(make_context) -> BrowserContext:
    """pytest-playwright's own `context` (and so `page`) is a Pixel 7 with the neutral site too."""
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


# A child chooses three pictures instead of digits, then the same three again.
CHILD_PICTURES = ("Hund", "Sol", "Raket")
PICTURE_ROUNDS = ("Första bilden", "Andra bilden", "Tredje bilden")


def sign_in_child(page: Page, child: dict, pictures=CHILD_PICTURES) -> str:
    """A child opens their link and chooses a picture code; returns the child's home path."""
    open_invite(page, child)
    for button in ("Nästa", "Spara min bildkod"):
        for round, name in zip(PICTURE_ROUNDS, pictures, strict=True):
            page.get_by_role("group", name=round).get_by_role("radio", name=name).check(
                force=True  # the radio itself is drawn as its picture
            )
        page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/barn/[0-9]+/$"))
    return urlsplit(page.url).path


# By keyboard alone, as a child who cannot use the touch screen well would.


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
             const set = e.closest('fieldset');
             return {text: ((e.labels && e.labels[0]) || e).innerText.trim(),
                     round: set ? set.querySelector('legend').innerText.trim() : null,
                     tag: e.tagName}; }"""
    )


def tab_to(page: Page, *, text: str | None = None, round: str | None = None) -> None:
    """Press Tab until the focus is on what a keyboard user is looking for."""
    for _ in range(80):
        page.keyboard.press("Tab")
        now_on = focused(page)
        if now_on["tag"] == "BODY":
            continue  # Tab left the page for the browser's own controls: nothing focused
        if (round and now_on["round"] == round) or (text and text in now_on["text"]):
            return
    pytest.fail(f"Tab never reached {text or round}")


def choose_by_keyboard(page: Page, pictures=CHILD_PICTURES, button="Nästa") -> None:
    """Tab into each row, arrow keys to the picture, Space; then Tab to the button, Enter."""
    for round, name in zip(PICTURE_ROUNDS, pictures, strict=True):
        tab_to(page, round=round)
        for _ in range(9):
            if focused(page)["text"] == name:
                page.keyboard.press("Space")
                break
            page.keyboard.press("ArrowRight")
        expect(
            page.get_by_role("group", name=round).get_by_role("radio", name=name)
        ).to_be_checked()
    tab_to(page, text=button)
    page.keyboard.press("Enter")


def choose_picture_code(page: Page) -> None:
    """Both rounds of the picture code; lands on the child's own start page."""
    choose_by_keyboard(page)
    expect(page.get_by_role("heading", name="Välj samma bilder en gång till")).to_be_visible()
    choose_by_keyboard(page, button="Spara min bildkod")
    page.wait_for_url(re.compile(r"/barn/[0-9]+/$"))


# --- The social worker's side -----------------------------------------------------------------
# Workers sit at a desktop. They sign in with a password and then a 6-digit code from an
# authenticator app (TOTP); the server takes each code once per worker (replay protection).

DESKTOP = {"width": 1280, "height": 800}
STAFF_SIGN_IN_PATH = "/personal/logga-in"


@pytest.fixture
def desktop(make_context) -> BrowserContext:
    """A social worker's desktop browser, 1280 x 800."""
    return make_context(None, viewport=DESKTOP, screen=DESKTOP)


# The last time step each secret was used for in this run: the server refuses a code whose step
# it has already seen for that worker. The demo's workers are the same in every demo family, so
# they sign in many times in a run.
_used_steps: dict[str, int] = {}


def one_time_code(secret: str) -> str:
    """What the authenticator app shows now. When that code was used, the next one (the server
    takes it too, for a phone whose clock is a little ahead); when both were, waits for a new."""
    totp = pyotp.TOTP(secret)
    moment = time.time()
    step = int(moment // totp.interval)
    wanted = max(step, _used_steps.get(secret, -1) + 1)
    if wanted > step + 1:
        time.sleep((wanted - 1) * totp.interval - moment + 0.1)
    _used_steps[secret] = wanted
    return totp.at(wanted * totp.interval)


def own_account(worker: dict) -> None:
    """Give a demo worker of this test's family an account of its own: same name, same team (so
    the same families), a new e-mail, no authenticator app yet.

    The demo's staff are the same in every demo family, and each one-time code works once, so
    tests signing in as the same demo Anna within half a minute would wait for a new code."""
    with sqlite3.connect(_SERVER_ENV["FAMILJEAPP_DB"]) as db:
        team, name = db.execute(
            "SELECT w.team_id, w.name FROM workers w WHERE w.email = ?", [worker["email"]]
        ).fetchone()
    suffix = secrets.token_hex(4)
    worker.update(
        email=f"{worker['email'].split('@')[0]}.{suffix}@e2e.familjeapp.se",
        password=secrets.token_urlsafe(16),
        totp_secret=None,
        own_account=True,
    )
    _run(
        _SERVER_ENV,
        "create-worker",
        "--email", worker["email"],
        "--name", name,
        "--team", str(team),
        "--password-stdin",
        stdin=worker["password"] + "\n",
    )  # fmt: skip


def staff_sign_in(
    page: Page,
    worker: dict,
    *,
    check: Callable[[Page], None] | None = None,
    demo_account: bool = False,
) -> None:
    """E-mail and password, then the code from the app; lands signed in (the dashboard).

    A worker without an authenticator app yet (a new account) connects one first: the secret is
    read from the page, as a person would type it into the app, and kept in ``worker``.
    A demo worker signs in with an account of its own (own_account), unless ``demo_account``.
    ``check`` runs on the sign-in page and on the code page (e.g. assert_accessible).
    """
    if "sees_family" in worker and not worker.get("own_account") and not demo_account:
        own_account(worker)
    page.goto(worker.get("login_path") or STAFF_SIGN_IN_PATH)
    if check:
        check(page)
    page.get_by_label("E-post").fill(worker["email"])
    page.get_by_label("Lösenord").fill(worker["password"])
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(re.compile(r"/personal/(engangskod|tvastegsverifiering)$"))
    if page.url.endswith("/tvastegsverifiering"):
        worker["totp_secret"] = page.locator("code.secret").inner_text().strip()
        button = "Koppla och logga in"
    else:
        button = "Logga in"
    if check:
        check(page)
    page.get_by_label("Kod från autentiseringsappen").fill(one_time_code(worker["totp_secret"]))
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()


@pytest.fixture
def new_admin(live_server: str, server_env: dict) -> Callable[[], dict]:
    """Make an administrator account in the running server's database, as an operator would
    (`familjeapp create-team`, `familjeapp create-worker --admin`). It has no authenticator app
    yet: staff_sign_in connects one at the first sign-in."""

    def make() -> dict:
        suffix = secrets.token_hex(3)
        team = _run(server_env, "create-team", f"Administration {suffix}").strip()
        worker = {
            "email": f"admin.{suffix}@e2e.familjeapp.se",
            "password": secrets.token_urlsafe(16),
            "name": "Alva Admin",
            "team_id": int(team),
            "totp_secret": None,
            "login_path": STAFF_SIGN_IN_PATH,
        }
        _run(
            server_env,
            "create-worker",
            "--email", worker["email"],
            "--name", worker["name"],
            "--team", team,
            "--admin",
            "--password-stdin",
            stdin=worker["password"] + "\n",
        )  # fmt: skip
        return worker

    return make


@pytest.fixture(name="staff_sign_in")
def staff_sign_in_fixture():
    """staff_sign_in(page, worker, check=None): password, then the code from the app."""
    return staff_sign_in


# --- Checks ----------------------------------------------------------------------------------
# Both run JavaScript in the page: do not use them in a context with java_script_enabled=False
# (page.evaluate then waits for ever).

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
    """WCAG 1.4.10 Reflow: nothing makes the page scroll sideways.

    Measured against the layout viewport (`documentElement.clientWidth`) as well as
    `window.innerWidth`: on an emulated phone (is_mobile) Chromium zooms out to fit content that
    is too wide, so `innerWidth` grows with the overflow and alone would never catch it.
    """
    widths = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth,
                   inner: window.innerWidth})"""
    )
    room = min(widths["client"], widths["inner"])
    if widths["scroll"] > room:
        wide = page.evaluate(
            """room => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > room + 0.5)
                .filter(e => ![...e.children]
                  .some(c => c.getBoundingClientRect().right > room + 0.5))
                .slice(0, 8)
                .map(e => (e.closest('[id]') && e.closest('[id]') !== e
                           ? '#' + e.closest('[id]').id + ' ' : '')
                  + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (typeof e.className === 'string' && e.className.trim()
                     ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                  + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px): '
                  + JSON.stringify((e.innerText || '').trim().slice(0, 40)))""",
            room,
        )
        pytest.fail(
            f"{page.url} scrolls sideways: {widths['scroll']} px of content in a "
            f"{room} px wide viewport. Widest parts:\n  " + "\n  ".join(wide),
            pytrace=False,
        )


@pytest.fixture
def neutral_url() -> str:
    """Where "Lämna snabbt" leads in these tests (FAMILJEAPP_QUICK_EXIT_URL)."""
    return NEUTRAL_URL


@pytest.fixture
def code() -> str:
    """The code sign_in chooses for each person."""
    return CODE


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
