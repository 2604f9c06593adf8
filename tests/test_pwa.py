"""The service worker and the page it shows offline (issue 9): served so that a new version is
seen at once, keeping only what is not personal, and the same for everyone."""

import json
import re

from conftest import person, sign_in


def settings_of(script: str) -> dict:
    found = re.search(r"const SETTINGS = (\{.*?\});", script)
    assert found, "sw.js carries its settings"
    return json.loads(found.group(1))


def test_the_service_worker_is_served_from_the_root_and_never_from_an_old_copy(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    settings = settings_of(response.get_data(as_text=True))
    # What it keeps when installed: the offline page and the app's own files, nothing personal.
    assert settings["offline"] == "/utan-internet"
    assert all(url.startswith("/static/") for url in settings["shell"])
    assert re.fullmatch(r"[0-9a-f]{12}", settings["version"])


def test_a_new_version_of_the_static_files_gives_a_new_service_worker(app):
    """The worker's version follows the static files' hashed names: one changed file, a new
    version, so the new worker replaces the old cache."""
    from familjeapp import static_files

    before = settings_of(app.test_client().get("/sw.js").get_data(as_text=True))["version"]
    assert before == static_files.version(app)
    names = app.extensions["static_names"]
    saved = names["css/app.css"]
    try:
        names["css/app.css"] = static_files.hashed_name("css/app.css", b"body { color: navy; }")
        after = settings_of(app.test_client().get("/sw.js").get_data(as_text=True))["version"]
    finally:
        names["css/app.css"] = saved
    assert after != before


def test_the_offline_page_says_there_is_no_connection_and_nothing_personal(app, demo):
    client = app.test_client()
    sign_in(client, person(demo, "Sara")["invite_path"])
    page = client.get("/utan-internet")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Du är inte ansluten" in text
    assert "Sara" not in text and demo["items"][0]["text"] not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_a_phone_the_social_worker_ended_is_told_to_forget_what_it_kept(app, db, demo):
    """Without JavaScript too: the next request of an ended phone gets Clear-Site-Data, so the
    browser deletes the kept plan, the outbox and the service worker."""
    from familjeapp.store import sessions as sessions_store

    client = app.test_client()
    plan_path = sign_in(client, person(demo, "Sara")["invite_path"])
    assert "Clear-Site-Data" not in client.get(plan_path).headers
    for device in sessions_store.devices(db, person(demo, "Sara")["id"]):
        sessions_store.end_session(db, device["id"], "revoked")
    ended = client.get(plan_path)
    assert ended.status_code in (302, 303)
    assert ended.headers["Clear-Site-Data"] == '"cache", "storage"'
    # Once: the phone is no longer signed in, and the next pages are ordinary again.
    assert "Clear-Site-Data" not in client.get("/").headers


def test_a_view_on_a_worry_or_a_promise_sent_twice_is_kept_once(app, db, demo):
    """The outbox may send one answer twice (the page and the service worker, or an answer
    lost on its way back): the form's id keeps it once, and a signal is raised once."""
    from conftest import csrf_token

    client = app.test_client()
    britt = person(demo, "Farmor Britt")
    plan_path = sign_in(client, britt["invite_path"])
    plan = client.get(plan_path).get_data(as_text=True)
    promise = re.search(r'action="(/familj/\d+/lofte/\w+)"', plan).group(1)
    worry = re.search(r'action="(/familj/\d+/oro/\w+)"', plan).group(1)
    token = csrf_token(client.get(plan_path))
    sent = {
        promise: {"response": "withdrawn", "reason": "Jag har flyttat.", "client_id": "a" * 24},
        worry: {"view": "partly", "words": "Delvis.", "client_id": "b" * 24},
    }
    for _ in range(3):
        for url, fields in sent.items():
            answer = client.post(url, data={"csrf_token": token, **fields})
            assert answer.status_code == 303, (url, answer.status_code)
    count = lambda sql: db.execute(sql, [britt["id"]]).fetchone()[0]  # noqa: E731
    assert count("SELECT COUNT(*) FROM commitment_responses WHERE person_id = ?") == 1
    assert count("SELECT COUNT(*) FROM worry_views WHERE person_id = ?") == 1
    assert (
        count(
            "SELECT COUNT(*) FROM attention_signals"
            " WHERE person_id = ? AND kind = 'commitment_withdrawn'"
        )
        == 1
    )
    # A new answer (a new form, a new id) is a new answer.
    client.post(promise, data={"csrf_token": token, "response": "confirmed", "client_id": "c" * 24})
    assert count("SELECT COUNT(*) FROM commitment_responses WHERE person_id = ?") == 2
