"""Staff sign in with the municipality's account (OpenID Connect), in Chromium, against a real
OpenID provider: oidc-provider (OpenID Certified), run by tests/oidc/provider.mjs, which requires
PKCE and has two people, one in a group that may use the app and one not.

The provider is http://localhost:PORT and the app http://127.0.0.1:PORT, two different sites: the
provider's redirect back is a cross-site top-level GET, and the sign-in's state must come along in
the app's own cookie (SameSite=Lax), as with a municipality's real provider.
"""

import json
import os
import re
import secrets
import shutil
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from familjeapp.db import connect
from familjeapp.store import families

from .conftest import DESKTOP, _free_port, _running, _serve

PROVIDER = Path(__file__).parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "familjeapp", secrets.token_urlsafe(24)
ALLOWED_GROUP = "socialtjanst-barn-och-familj"


@pytest.fixture(scope="module")
def municipality(live_server: str, server_env: dict, tmp_path_factory):
    """The municipality's provider, and a second `familjeapp serve` (same database) told to
    use it. Anna (in the allowed group) and Olle (not) have staff accounts in the app."""
    node = shutil.which("node")
    if not node or not (PROVIDER / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test provider is not installed: run `make test` (npm ci in tests/oidc)")
    folder = tmp_path_factory.mktemp("municipality")
    app_port, provider_port = _free_port(), _free_port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://localhost:{provider_port}"
    suffix = secrets.token_hex(3)
    people = {}
    # Made as the administrator would, in the run's database (in-process: quicker than the CLI).
    db = connect(server_env["FAMILJEAPP_DB"])
    team = families.create_team(db, f"Kommunens team {suffix}")
    for login, name, groups in (
        ("anna", "Anna Kommunsdotter", [ALLOWED_GROUP, "alla"]),
        ("olle", "Olle Fritidsson", ["fritid", "alla"]),
    ):
        email = f"{login}.{suffix}@kommunen.example"
        families.create_worker(
            db, team_id=team, email=email, name=name, password=secrets.token_urlsafe(16)
        )
        people[login] = {
            "login": f"{login}-{suffix}", "password": secrets.token_urlsafe(12), "email": email,
            "name": name, "groups": groups,
        }  # fmt: skip
    db.close()
    provider_env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILJEAPP_")}
    provider_env.update(
        PORT=str(provider_port), ISSUER=issuer, CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET,
        REDIRECT_URI=f"{app_url}/personal/logga-in/kommun/klar",
        POST_LOGOUT_REDIRECT_URI=f"{app_url}/personal/logga-in",
        USERS=json.dumps(list(people.values())),
    )  # fmt: skip
    app_env = {
        **server_env,
        "FAMILJEAPP_OIDC_ISSUER": issuer,
        "FAMILJEAPP_OIDC_CLIENT_ID": CLIENT_ID,
        "FAMILJEAPP_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "FAMILJEAPP_OIDC_SCOPES": "openid email profile groups",
        "FAMILJEAPP_OIDC_ALLOWED_GROUPS": ALLOWED_GROUP,
    }
    with (
        _running(
            [node, str(PROVIDER / "provider.mjs")], provider_env, folder / "provider.log",
            f"{issuer}/.well-known/openid-configuration",
        ),
        _running(_serve(app_env, app_port), app_env, folder / "serve.log", f"{app_url}/"),
    ):  # fmt: skip
        yield {"url": app_url, "issuer": issuer, **people}


def audit_rows(server_env: dict, action: str, email: str) -> list[tuple]:
    with sqlite3.connect(server_env["FAMILJEAPP_DB"]) as db:
        return db.execute(
            "SELECT a.actor_type, a.object_id, a.outcome FROM audit a JOIN workers w"
            " ON w.id = a.actor_id WHERE a.action = ? AND w.email = ?",
            [action, email],
        ).fetchall()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_provider_refuses_a_sign_in_without_pkce(municipality):
    """The provider the app signs in with in the next test requires PKCE (S256)."""
    query = urlencode(
        {"client_id": CLIENT_ID, "response_type": "code", "scope": "openid", "state": "s",
         "nonce": "n", "redirect_uri": f"{municipality['url']}/personal/logga-in/kommun/klar"}
    )  # fmt: skip
    opener = urllib.request.build_opener(NoRedirects)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(f"{municipality['issuer']}/auth?{query}", timeout=10)
    answer.value.close()
    back = parse_qs(urlsplit(answer.value.headers["Location"]).query)
    assert back["error"] == ["invalid_request"]
    assert "PKCE" in back["error_description"][0]


def test_a_worker_signs_in_and_out_with_the_municipality_account(
    make_context, municipality, server_env, assert_accessible
):
    anna, olle = municipality["anna"], municipality["olle"]
    browser = make_context(None, viewport=DESKTOP, screen=DESKTOP, base_url=municipality["url"])
    page = browser.new_page()

    page.goto("/personal/logga-in")
    assert_accessible(page)
    page.get_by_role("button", name="Logga in med kommunens konto").click()
    page.wait_for_url(f"{municipality['issuer']}/interaction/**")
    page.get_by_label("Username").fill(anna["login"])
    page.get_by_label("Password").fill(anna["password"])
    page.get_by_role("button", name="Sign in").click()

    # Back on her own overview, signed in; no password or authenticator app here.
    page.wait_for_url(f"{municipality['url']}/personal/")
    expect(page.get_by_text(anna["name"])).to_be_visible()
    assert audit_rows(server_env, "staff_sign_in_oidc", anna["email"]) == [("worker", None, "ok")]

    # Signing out ends her session here and, after she confirms there, at the provider.
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{municipality['issuer']}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{municipality['url']}/personal/logga-in?**")  # with the logout's state
    page.reload()
    expect(page.get_by_role("heading", name="Logga in", level=1)).to_be_visible()
    page.goto("/personal/")
    assert urlsplit(page.url).path == "/personal/logga-in"
    assert audit_rows(server_env, "staff_sign_out", anna["email"]) == [("worker", None, "ok")]

    # Olle signs in at the provider (it asks again: Anna's session there ended too), but his
    # municipal account is not in a group that may use the app.
    page.get_by_role("button", name="Logga in med kommunens konto").click()
    page.wait_for_url(f"{municipality['issuer']}/interaction/**")
    page.get_by_label("Username").fill(olle["login"])
    page.get_by_label("Password").fill(olle["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/personal/logga-in/kommun/klar\?"))
    expect(page.get_by_role("heading", name="Du kunde inte loggas in", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Ditt konto i kommunen ger dig inte tillgång till familjeappen."
    )
    assert_accessible(page)
    page.goto("/personal/")
    assert urlsplit(page.url).path == "/personal/logga-in"
    assert audit_rows(server_env, "staff_sign_in_oidc_refused", olle["email"]) == [
        ("worker", "not_in_allowed_group", "denied")
    ]
