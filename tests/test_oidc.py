"""Staff sign-in through the municipality's OpenID provider (worker/municipal.py), against a small
provider of our own running on a free port: its discovery document, keys, token and userinfo
endpoints are real HTTP, and its ID tokens are signed with its own RSA key, so Authlib checks
them as it would a real provider's. What the person does at the provider (signing in there) is
the test's part: it takes the app's redirect, reads what the app asked for, and comes back with
a code. The browser test (tests/e2e/test_municipal_sign_in.py) does the same with oidc-provider.
"""

import base64
import hashlib
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import csrf_token, sign_in_worker
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from familjeapp import create_app
from familjeapp.db import connect, migrate
from familjeapp.demo import add_demo_family
from familjeapp.store import audit, families

CLIENT_ID, CLIENT_SECRET = "familjeapp", "hemligt-for-testet"
ALLOWED = "socialtjanst-barn-och-familj"
ANNA = {"sub": "anna-1", "email": "anna.berg@kommunen.example", "groups": [ALLOWED, "alla"]}
OLLE = {"sub": "olle-2", "email": "olle.ek@kommunen.example", "groups": ["fritid", "alla"]}


class FakeProvider:
    """An OpenID provider in a thread. ``login(authorize_url, person)`` is the person signing in
    there: it returns the code the provider gives back, remembering what the app asked for."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "nyckel-1", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        # What the tests change: where the claims are, and a nonce that is not the app's.
        self.claims_in_id_token = False
        self.wrong_nonce = False
        self.server = make_server("127.0.0.1", 0, self.wsgi(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wsgi(self) -> Flask:
        provider = Flask("fake_provider")

        @provider.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/auth",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/me",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/session/end",
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
            )

        @provider.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @provider.post("/token")
        def token():
            self.token_requests.append(dict(request.form))
            grant = self.codes.pop(request.form.get("code", ""), None)
            auth = request.authorization
            if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if challenge != grant.get("code_challenge"):
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            person = grant["person"]
            now = int(time.time())
            claims = {
                "iss": self.issuer, "aud": CLIENT_ID, "sub": person["sub"], "iat": now,
                "exp": now + 300, "auth_time": now,
                "nonce": "not-the-apps-nonce" if self.wrong_nonce else grant["nonce"],
            }  # fmt: skip
            if self.claims_in_id_token:
                claims |= person
            id_token = jwt.encode({"alg": "RS256", "kid": "nyckel-1"}, claims, self.key)
            access = secrets.token_urlsafe(16)
            self.access_tokens[access] = person
            return jsonify(
                access_token=access, token_type="Bearer", expires_in=300, id_token=id_token
            )

        @provider.get("/me")
        def userinfo():
            bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
            person = self.access_tokens.get(bearer)
            if person is None:
                return jsonify(error="invalid_token"), 401
            return jsonify(person)

        self.access_tokens: dict[str, dict] = {}
        return provider

    def login(self, authorize_url: str, person: dict) -> tuple[str, dict]:
        """The person signs in at the provider: returns the code and what the app asked for."""
        asked = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**asked, "person": person}
        return code, asked

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def provider():
    fake = FakeProvider()
    yield fake
    fake.stop()


@pytest.fixture
def settings(provider) -> dict:
    provider.claims_in_id_token = False
    provider.wrong_nonce = False
    provider.token_requests.clear()
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPES": "openid email profile groups",
        "OIDC_ALLOWED_GROUPS": f"{ALLOWED}, ledning",
    }


@pytest.fixture
def oidc_app(tmp_path: Path, settings: dict):
    path = tmp_path / "familjeapp.sqlite3"
    db = connect(path)
    migrate(db)
    db.close()
    app = create_app({"DB": str(path), "SECRET_KEY": "test", "TESTING": True, **settings})
    app.instance_path = str(tmp_path)
    return app


@pytest.fixture
def db(oidc_app):
    database = connect(oidc_app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def accounts(db) -> dict:
    """Anna and Olle have accounts in the app, made by the administrator; Olle's municipal
    account is not in a group that may use it."""
    team = families.create_team(db, "Norr")
    ids = {}
    for who, name in ((ANNA, "Anna Berg"), (OLLE, "Olle Ek")):
        ids[who["sub"]] = families.create_worker(
            db, team_id=team, email=who["email"], name=name, password=secrets.token_hex(16)
        )
    return ids


def go_to_provider(client) -> str:
    """Logga in med kommunens konto: returns where the app sends the browser."""
    page = client.get("/personal/logga-in")
    assert "Logga in med kommunens konto" in page.get_data(as_text=True)
    answer = client.post("/personal/logga-in/kommun", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 303, answer.status_code
    return answer.location


def come_back(client, provider, person: dict, **changed):
    """Sign in at the provider and follow its redirect back to the app."""
    code, asked = provider.login(go_to_provider(client), person)
    params = {"code": code, "state": asked["state"], **changed}
    return client.get("/personal/logga-in/kommun/klar", query_string=params)


def refusals(db) -> list[tuple]:
    return [
        (r["actor_type"], r["actor_id"], r["object_id"], r["outcome"])
        for r in audit.rows(db, action="staff_sign_in_oidc_refused")
    ]


def test_a_worker_signs_in_with_the_municipality_account(oidc_app, provider, db, accounts):
    client = oidc_app.test_client()
    authorize = go_to_provider(client)
    assert authorize.startswith(f"{provider.issuer}/auth?")
    code, asked = provider.login(authorize, ANNA)
    # The code flow with PKCE (S256) and a nonce, for our own callback.
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["nonce"] and asked["state"] and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == "http://localhost/personal/logga-in/kommun/klar"
    assert set(asked["scope"].split()) == {"openid", "email", "profile", "groups"}

    back = client.get(
        "/personal/logga-in/kommun/klar", query_string={"code": code, "state": asked["state"]}
    )
    assert back.status_code == 303 and back.location == "/personal/"
    # The verifier went to the token endpoint (the fake compared it with the challenge).
    assert provider.token_requests[-1]["code_verifier"]
    dashboard = client.get("/personal/")
    assert dashboard.status_code == 200
    assert "Anna Berg" in dashboard.get_data(as_text=True)

    signed_in = audit.rows(db, action="staff_sign_in_oidc")
    assert [(r["actor_type"], r["actor_id"], r["role"]) for r in signed_in] == [
        ("worker", accounts["anna-1"], "worker")
    ]
    # No personal data in the audit log: no e-mail, no groups.
    assert not any(ANNA["email"] in str(r) or ALLOWED in str(r) for r in audit.rows(db))

    # The same answer from the provider a second time (a replay) is refused: state is used once.
    again = oidc_app.test_client().get(
        "/personal/logga-in/kommun/klar", query_string={"code": code, "state": asked["state"]}
    )
    assert again.status_code == 403


def test_an_answer_that_is_not_this_browsers_is_refused(oidc_app, provider, db, accounts):
    client = oidc_app.test_client()
    back = come_back(client, provider, ANNA, state="someone-elses-state")
    assert back.status_code == 403
    text = back.get_data(as_text=True)
    assert "Du kunde inte loggas in" in text
    assert "Inloggningen med kommunens konto gick inte" in text
    assert client.get("/personal/").status_code == 302  # not signed in

    # Login CSRF: an attacker's own code and state, sent to Anna's browser, sign nobody in.
    attacker = oidc_app.test_client()
    code, asked = provider.login(go_to_provider(attacker), OLLE)
    victim = oidc_app.test_client()
    back = victim.get(
        "/personal/logga-in/kommun/klar", query_string={"code": code, "state": asked["state"]}
    )
    assert back.status_code == 403
    assert victim.get("/personal/").status_code == 302
    assert refusals(db) == [("anonymous", None, "state_mismatch", "denied")] * 2
    assert provider.token_requests == []  # refused before the code was ever used


def test_an_id_token_with_another_nonce_is_refused(oidc_app, provider, db, accounts):
    provider.wrong_nonce = True
    client = oidc_app.test_client()
    back = come_back(client, provider, ANNA)
    assert back.status_code == 403
    assert client.get("/personal/").status_code == 302
    assert refusals(db) == [("anonymous", None, "id_token:invalid_claim", "denied")]


def test_only_active_accounts_in_the_allowed_groups_get_in(oidc_app, provider, db, accounts):
    # Olle has an account here, but his municipal account is not in an allowed group.
    client = oidc_app.test_client()
    back = come_back(client, provider, OLLE)
    assert back.status_code == 403
    text = back.get_data(as_text=True)
    assert "Ditt konto i kommunen ger dig inte tillgång till familjeappen" in text
    assert client.get("/personal/").status_code == 302
    # The account is named by its id only, and why.
    assert refusals(db) == [("worker", accounts["olle-2"], "not_in_allowed_group", "denied")]

    # In an allowed group, but no account here (or a disabled one).
    stranger = {**ANNA, "sub": "x-3", "email": "ny.person@kommunen.example"}
    back = come_back(oidc_app.test_client(), provider, stranger)
    assert back.status_code == 403
    assert "Be administratören att skapa ett åt dig" in back.get_data(as_text=True)
    db.execute("UPDATE workers SET disabled_at = '2026-01-01T00:00:00Z' WHERE id = ?",
               [accounts["anna-1"]])  # fmt: skip
    assert come_back(oidc_app.test_client(), provider, ANNA).status_code == 403
    assert refusals(db)[1:] == [("anonymous", None, "unknown_account", "denied")] * 2
    assert audit.rows(db, action="staff_sign_in_oidc") == []


def test_the_providers_own_no_is_said_and_logged_without_its_words(
    oidc_app, provider, db, accounts
):
    client = oidc_app.test_client()
    _code, asked = provider.login(go_to_provider(client), ANNA)
    back = client.get(
        "/personal/logga-in/kommun/klar",
        query_string={"error": "access_denied", "state": asked["state"]},
    )
    assert back.status_code == 403
    made_up = client.get(
        "/personal/logga-in/kommun/klar", query_string={"error": "<script>Anna Berg</script>"}
    )
    assert made_up.status_code == 403
    assert "<script>Anna" not in made_up.get_data(as_text=True)
    assert [r[2] for r in refusals(db)] == ["provider_said:access_denied", "provider_said:other"]


def test_signing_out_ends_the_session_here_and_at_the_provider(oidc_app, provider, db, accounts):
    # This time the provider puts the e-mail and the groups in the ID token itself.
    provider.claims_in_id_token = True
    client = oidc_app.test_client()
    assert come_back(client, provider, ANNA).status_code == 303
    session_id, id_token = db.execute(
        "SELECT id, oidc_id_token FROM sessions WHERE worker_id = ? AND ended_at IS NULL",
        [accounts["anna-1"]],
    ).fetchone()
    assert id_token

    dashboard = client.get("/personal/")
    out = client.post("/personal/logga-ut", data={"csrf_token": csrf_token(dashboard)})
    assert out.status_code == 303
    where = urlsplit(out.location)
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{provider.issuer}/session/end"
    asked = {k: v[0] for k, v in parse_qs(where.query).items()}
    assert asked["id_token_hint"] == id_token
    assert asked["post_logout_redirect_uri"] == "http://localhost/personal/logga-in"
    assert asked["client_id"] == CLIENT_ID
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'

    assert client.get("/personal/").status_code == 302
    # The ID token (it holds the e-mail) is gone with the session.
    assert db.execute(
        "SELECT ended_reason, oidc_id_token FROM sessions WHERE id = ?", [session_id]
    ).fetchone() == ("logout", None)
    assert [r["actor_id"] for r in audit.rows(db, action="staff_sign_out")] == [accounts["anna-1"]]


def test_the_sign_in_page_offers_both_and_a_password_session_signs_out_here(oidc_app, provider, db):
    client = oidc_app.test_client()
    page = client.get("/personal/logga-in")
    text = page.get_data(as_text=True)
    assert "Logga in med kommunens konto" in text
    assert 'name="password"' in text
    # Both forms post, then the browser is sent to the provider: the policy must allow it.
    policy = page.headers["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p)
    assert provider.issuer in form_action

    # Signed in with the password, signing out goes back to our own sign-in page.
    worker = add_demo_family(db)["workers"][0]
    sign_in_worker(client, worker)
    dashboard = client.get("/personal/")
    out = client.post("/personal/logga-ut", data={"csrf_token": csrf_token(dashboard)})
    assert out.location == "/personal/logga-in"


def test_with_the_provider_only_the_password_is_off(tmp_path, settings):
    path = tmp_path / "familjeapp.sqlite3"
    db = connect(path)
    migrate(db)
    worker = add_demo_family(db)["workers"][0]
    db.close()
    app = create_app(
        {"DB": str(path), "SECRET_KEY": "test", "TESTING": True, **settings, "OIDC_ONLY": 1}
    )
    client = app.test_client()
    page = client.get("/personal/logga-in")
    text = page.get_data(as_text=True)
    assert "Logga in med kommunens konto" in text
    assert 'name="password"' not in text
    tried = client.post(
        "/personal/logga-in",
        data={"csrf_token": csrf_token(page), "email": worker["email"],
              "password": worker["password"]},
    )  # fmt: skip
    assert tried.status_code == 404


def test_without_a_provider_nothing_changes(app, client):
    page = client.get("/personal/logga-in")
    assert "kommunens konto" not in page.get_data(as_text=True)
    started = client.post("/personal/logga-in/kommun", data={"csrf_token": csrf_token(page)})
    assert started.status_code == 404
    assert client.get("/personal/logga-in/kommun/klar?code=x&state=y").status_code == 404
    policy = page.headers["Content-Security-Policy"]
    assert "form-action 'self' https://www.smhi.se" in policy
