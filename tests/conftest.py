"""Fixtures: an app on a real SQLite file, a test client, the demo family, and signing in."""

import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import werkzeug.security

from familjeapp import create_app
from familjeapp.auth import views as auth_views
from familjeapp.db import connect, migrate
from familjeapp.demo import add_demo_family
from familjeapp.store import accounts, families, sessions

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _cheaper_hash(password: str, method: str = "scrypt:1024:8:1", salt_length: int = 16) -> str:
    return werkzeug.security.generate_password_hash(password, method, salt_length)


# The app hashes codes and passwords with werkzeug's scrypt at its full cost (n = 2**15, about a
# tenth of a second), and these tests choose codes and make accounts thousands of times. In this
# process they hash with the same scrypt at a lower cost; a hash names its own cost, so checking
# is unchanged. The browser and durability tests run the real `serve`, at the full cost.
for _module in (auth_views, accounts, families, sessions):
    _module.generate_password_hash = _cheaper_hash


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs two pytest processes (pytest-xdist, `--dist loadgroup`): the browser tests
    all go to one of them, so there is still one browser and one server for the run, while the
    other process takes the unit tests."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def app(tmp_path: Path):
    path = tmp_path / "familjeapp.sqlite3"
    db = connect(path)
    migrate(db)
    db.close()
    app = create_app({"DB": str(path), "SECRET_KEY": "test", "TESTING": True})
    app.instance_path = str(tmp_path)
    return app


@pytest.fixture
def db(app):
    database = connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(db):
    return add_demo_family(db)


@pytest.fixture
def other_demo(db):
    return add_demo_family(db)


def shows_picture(html: str, name: str) -> bool:
    """Whether a page shows a library picture: on its picture sheet (picture_sheets.py), or
    under its plain or content-hashed static URL."""
    name = re.escape(name)
    return (
        re.search(rf'\.svg#{name}"|/static/pictures/{name}(\.[0-9a-f]{{12}})?\.svg', html)
        is not None
    )


def csrf_token(page) -> str:
    """The CSRF token of the first form on a page (a response, or its text)."""
    match = CSRF.search(page if isinstance(page, str) else page.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def person(demo: dict, name: str) -> dict:
    return next(p for p in demo["people"] if p["name"] == name)


def sign_in(client, invite_path: str, code: str = "2468"):
    """Open the invite link, press the button and choose a code: what a parent does first."""
    page = client.get(invite_path)
    used = client.post(invite_path, data={"csrf_token": csrf_token(page)})
    assert used.status_code == 303, used.status_code
    form = client.get("/kod/ny")
    if 'name="first"' in form.get_data(as_text=True):  # a child: pictures, chosen twice
        pictures = {"first": "dog-face", "second": "sun", "third": "rocket"}
        again = client.post("/kod/ny", data={"csrf_token": csrf_token(form), **pictures})
        chosen = client.post("/kod/ny", data={"csrf_token": csrf_token(again), **pictures})
        assert chosen.status_code == 303, chosen.status_code
        return chosen.location
    chosen = client.post(
        "/kod/ny", data={"csrf_token": csrf_token(form), "code": code, "repeat": code}
    )
    assert chosen.status_code == 303, chosen.status_code
    return chosen.location


def sign_in_worker(client, worker: dict) -> None:
    """Password, then the code from the authenticator app: what a social worker does."""
    import pyotp

    page = client.get("/personal/logga-in")
    first = client.post(
        "/personal/logga-in",
        data={
            "csrf_token": csrf_token(page),
            "email": worker["email"],
            "password": worker["password"],
        },
    )
    assert first.status_code == 303, first.status_code
    second = client.post(
        first.location,
        data={"csrf_token": csrf_token(client.get(first.location)),
              "code": pyotp.TOTP(worker["totp_secret"]).now()},
    )  # fmt: skip
    assert second.status_code == 303, second.status_code


def signed_in(app, demo: dict, name: str):
    """A browser of a family member who has opened their invite and chosen a code."""
    client = app.test_client()
    client.plan_url = sign_in(client, person(demo, name)["invite_path"])
    client.family = demo["family_id"]
    return client


@pytest.fixture
def parent(app, demo):
    return signed_in(app, demo, "Sara")


@pytest.fixture
def grandmother(app, demo):
    return signed_in(app, demo, "Farmor Britt")


@dataclass(frozen=True)
class Night:
    """A moment as the server's clock has it (UTC), and the date and time in Sweden then."""

    utc: datetime
    date: date
    time: str


def at(*moment: int) -> datetime:
    """A moment in UTC: at(2026, 11, 15, 23, 30)."""
    return datetime(*moment, tzinfo=UTC)


# Moments when Sweden's date is not the server's, or Sweden changes its clocks. Every date the
# app stores or shows is Sweden's at each of them, whatever zone the server runs in.
NIGHTS = {
    "23:30 UTC in winter": Night(at(2026, 11, 15, 23, 30), date(2026, 11, 16), "00:30"),
    "22:30 UTC in summer": Night(at(2026, 7, 15, 22, 30), date(2026, 7, 16), "00:30"),
    "into summer time": Night(at(2026, 3, 29, 1), date(2026, 3, 29), "03:00"),
    "out of summer time": Night(at(2026, 10, 25, 1), date(2026, 10, 25), "02:00"),
}  # fmt: skip


@pytest.fixture(params=["UTC", "America/Los_Angeles"])
def server_zone(request):
    """The zone of the server's own clock (TZ), which must change no date the app shows."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def stop_clock(server_zone, time_machine):
    """Stop the clock at a moment, on a server whose own clock is in ``server_zone``."""

    def stop(moment: datetime) -> None:
        # Given a moment in a ZoneInfo, time-machine sets the process's TZ to it as well.
        time_machine.move_to(moment.astimezone(ZoneInfo(server_zone)), tick=False)

    return stop


@pytest.fixture(params=list(NIGHTS.values()), ids=list(NIGHTS))
def night(request, stop_clock) -> Night:
    """The clock stopped at one of NIGHTS on a server in another zone than Sweden's.

    Make the demo family inside the test, so that it too is made at this moment."""
    stop_clock(request.param.utc)
    return request.param
