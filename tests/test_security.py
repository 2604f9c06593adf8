"""The security baseline every response keeps (SECURITY.md, "Every response")."""

import logging
import re
from pathlib import Path

import pytest
from conftest import csrf_token, person, sign_in

from familjeapp.store import audit

TEMPLATES = Path(__file__).parent.parent / "familjeapp" / "templates"


def test_pages_forbid_inline_script_and_style(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_templates_hold_no_inline_script_style_or_handlers():
    inline = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


def test_other_headers(client):
    headers = client.get("/").headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_personal_pages_are_never_stored_in_a_cache(parent):
    assert parent.get(parent.plan_url).headers["Cache-Control"] == "no-store"


def test_our_own_static_files_may_be_cached(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_hsts_over_plain_http_but_hsts_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert "max-age" in secure.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("path", ["/logga-ut", "/sprak", "/kod/ny", "/kod"])
def test_a_post_without_the_csrf_token_is_refused(parent, path):
    response = parent.post(path, data={"language": "en", "code": "1234", "repeat": "1234"})
    assert response.status_code == 400


def test_a_worry_view_without_the_csrf_token_is_refused(parent, demo, db):
    key = next(i["id"] for i in demo["items"] if i["kind"] == "danger")
    url = parent.plan_url.replace("/plan", f"/oro/{key}")
    response = parent.post(url, data={"view": "agree"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 0


def test_an_invite_cannot_be_used_without_the_csrf_token(client, demo, db):
    assert client.post(person(demo, "Sara")["invite_path"]).status_code == 400
    assert db.execute("SELECT COUNT(*) FROM invites WHERE used_at IS NOT NULL").fetchone()[0] == 0


def test_session_cookie_is_httponly_and_samesite(client, demo):
    page = client.get(person(demo, "Sara")["invite_path"])
    response = client.post(
        person(demo, "Sara")["invite_path"], data={"csrf_token": csrf_token(page)}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cookie.startswith("familjeapp=") and "Secure" not in cookie


def test_over_https_the_cookie_is_secure_and_host_only(client, demo):
    path = person(demo, "Sara")["invite_path"]
    page = client.get(path, base_url="https://localhost")
    response = client.post(
        path,
        data={"csrf_token": csrf_token(page)},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-familjeapp=")
    assert "Secure" in cookie and "Domain" not in cookie and "Path=/" in cookie


def test_sign_ins_and_denials_are_audited(app, parent, demo, other_demo, db):
    parent.get(f"/familj/{other_demo['family_id']}/plan")
    actions = {row["action"] for row in audit.rows(db)}
    assert {"sign_in_invite", "code_chosen", "access_denied"} <= actions


def test_audit_rows_cannot_be_changed_or_removed(parent, db):
    with pytest.raises(Exception, match="cannot be changed"):
        db.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(Exception, match="cannot be removed"):
        db.execute("DELETE FROM audit")


def test_no_names_or_plan_text_reach_the_log(app, demo, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    key = next(i["id"] for i in demo["items"] if i["kind"] == "danger")
    token = csrf_token(client.get(plan))
    client.post(
        plan.replace("/plan", f"/oro/{key}"),
        data={"csrf_token": token, "view": "agree", "words": "Hemligt"},
    )
    logged = caplog.text
    for secret in ["Sara", "Hemligt", *(i["text"] for i in demo["items"])]:
        assert secret not in logged


def test_bad_requests_get_a_plain_page_not_a_stack_trace(client):
    response = client.get("/familj/abc/plan")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
    assert '<html lang="sv"' in response.get_data(as_text=True)


def test_over_https_a_form_works_without_a_referer(client, demo):
    """Browsers send no Referer under Referrer-Policy: no-referrer; the form must still work."""
    path = person(demo, "Sara")["invite_path"]
    page = client.get(path, base_url="https://localhost")
    response = client.post(
        path,
        data={"csrf_token": csrf_token(page)},
        base_url="https://localhost",
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    )
    assert response.status_code == 303
    assert response.location == "/kod/ny"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ],
)
def test_a_form_sent_from_another_site_is_refused(client, demo, db, headers):
    path = person(demo, "Sara")["invite_path"]
    page = client.get(path, base_url="https://localhost")
    response = client.post(
        path, data={"csrf_token": csrf_token(page)}, base_url="https://localhost", headers=headers
    )
    assert response.status_code == 400
    assert "Sidan är för gammal" in response.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM invites WHERE used_at IS NOT NULL").fetchone()[0] == 0


def test_quick_exit_works_even_from_another_site(client, demo):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    response = client.post("/lamna-snabbt", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 303
    assert client.get(plan).location.startswith("/kod?")
