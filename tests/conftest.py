"""Fixtures: an app on a real SQLite file, a test client, the demo family, and signing in."""

import re
from pathlib import Path

import pytest

from familjeapp import create_app
from familjeapp.db import connect, migrate
from familjeapp.demo import add_demo_family

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
