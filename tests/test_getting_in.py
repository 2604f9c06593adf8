"""Getting in with a personal link and a code, and getting out again."""

import threading
from datetime import timedelta

from conftest import csrf_token, person, sign_in

from familjeapp.db import connect
from familjeapp.store import audit, invites, now, sha256, timestamp


def open_invite(client, path):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page)})


def test_opening_the_link_consumes_nothing(client, demo, db):
    path = person(demo, "Sara")["invite_path"]
    for _ in range(3):  # a chat app previewing the link, then the parent, twice
        assert client.get(path).status_code == 200
    assert db.execute("SELECT COUNT(*) FROM invites WHERE used_at IS NOT NULL").fetchone()[0] == 0
    assert open_invite(client, path).status_code == 303


def test_a_link_works_only_once(app, demo):
    path = person(demo, "Sara")["invite_path"]
    assert open_invite(app.test_client(), path).location == "/kod/ny"
    second = app.test_client()
    response = open_invite(second, path)
    assert response.status_code == 410
    assert "/kod/ny" not in response.headers.get("Location", "")
    assert second.get("/kod/ny").status_code == 302  # no session was started


def test_used_link_explains_itself_on_opening(app, demo):
    path = person(demo, "Sara")["invite_path"]
    open_invite(app.test_client(), path)
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert 'action="' not in response.get_data(as_text=True).split("<main")[1].split("</main>")[0]


def test_expired_link_gives_no_access(client, demo, db):
    path = person(demo, "Sara")["invite_path"]
    db.execute(
        "UPDATE invites SET expires_at = ? WHERE token_hash = ?",
        [timestamp(now() - timedelta(minutes=1)), sha256(path.removeprefix("/i/"))],
    )
    assert client.get(path).status_code == 410
    response = client.post(path, data={"csrf_token": csrf_token(client.get("/"))})
    assert response.status_code == 410


def test_unknown_link_is_not_found(client):
    assert client.get("/i/not-a-real-token").status_code == 404


def test_only_the_hash_of_a_link_is_stored(demo, app):
    token = person(demo, "Sara")["invite_path"].removeprefix("/i/")
    with open(app.config["DATABASE"], "rb") as raw:
        assert token.encode() not in raw.read()


def test_two_phones_pressing_at_once_give_one_success(app, demo):
    token = person(demo, "Sara")["invite_path"].removeprefix("/i/")
    results, start = [], threading.Barrier(8)

    def press():
        db = connect(app.config["DATABASE"])
        start.wait()
        results.append(invites.consume_invite(db, token))
        db.close()

    threads = [threading.Thread(target=press) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(None) == 7
    assert [r for r in results if r is not None] == [person(demo, "Sara")["id"]]


def test_codes_must_be_four_digits_and_match(client, demo):
    page = client.get(person(demo, "Sara")["invite_path"])
    client.post(person(demo, "Sara")["invite_path"], data={"csrf_token": csrf_token(page)})
    token = csrf_token(client.get("/kod/ny"))
    for code, repeat in (("12a4", "12a4"), ("123", "123"), ("12345", "12345"), ("1234", "4321")):
        response = client.post(
            "/kod/ny", data={"csrf_token": token, "code": code, "repeat": repeat}
        )
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    ok = client.post("/kod/ny", data={"csrf_token": token, "code": "1234", "repeat": "1234"})
    assert ok.status_code == 303


def make_idle(db, minutes=16):
    db.execute(
        "UPDATE sessions SET last_seen_at = ?", [timestamp(now() - timedelta(minutes=minutes))]
    )


def test_code_is_asked_again_after_fifteen_minutes_unused(client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    make_idle(db, minutes=14)
    assert client.get(plan).status_code == 200
    make_idle(db, minutes=16)
    asked = client.get(plan)
    assert asked.status_code == 302 and asked.location.startswith("/kod?next=")
    page = client.get(asked.location)
    back = client.post(asked.location, data={"csrf_token": csrf_token(page), "code": "2468"})
    assert back.status_code == 303 and back.location.startswith(plan)
    assert client.get(plan).status_code == 200


def test_an_idle_phone_cannot_choose_a_new_code(client, demo, db):
    sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    make_idle(db)
    page = client.get("/kod")
    response = client.post(
        "/kod/ny", data={"csrf_token": csrf_token(page), "code": "0000", "repeat": "0000"}
    )
    assert response.status_code == 302 and response.location == "/kod"


def test_wrong_codes_make_the_person_wait_longer_and_tell_the_worker(client, demo, db):
    sara = person(demo, "Sara")
    sign_in(client, sara["invite_path"], code="2468")
    make_idle(db)
    token = csrf_token(client.get("/kod"))
    statuses = [
        client.post("/kod", data={"csrf_token": token, "code": "1111"}).status_code
        for _ in range(2)
    ]
    assert statuses == [400, 400]
    third = client.post("/kod", data={"csrf_token": token, "code": "1111"})
    assert third.status_code == 429
    # Even the right code waits until the pause is over: guessing cannot go faster.
    assert client.post("/kod", data={"csrf_token": token, "code": "2468"}).status_code == 429
    db.execute("UPDATE people SET code_retry_after = ? WHERE id = ?", [timestamp(), sara["id"]])
    for _ in range(2):
        client.post("/kod", data={"csrf_token": token, "code": "1111"})
        db.execute("UPDATE people SET code_retry_after = ? WHERE id = ?", [timestamp(), sara["id"]])
    signals = db.execute(
        "SELECT kind FROM attention_signals WHERE person_id = ?", [sara["id"]]
    ).fetchall()
    assert signals == [("code_failures",)]
    assert client.post("/kod", data={"csrf_token": token, "code": "2468"}).status_code == 303
    failed = audit.rows(db, family_id=demo["family_id"], action="code_failed")
    assert len(failed) == 6  # every refused try, the one made during the pause too


def test_a_new_link_lets_the_person_choose_a_new_code(app, demo, db):
    sara = person(demo, "Sara")
    sign_in(app.test_client(), sara["invite_path"], code="2468")
    new_path = "/i/" + invites.create_invite(db, sara["id"], days=7, created_by=None)
    phone = app.test_client()
    plan = sign_in(phone, new_path, code="1357")
    assert phone.get(plan).status_code == 200


def test_logging_out_ends_the_session_on_the_server(client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    cookie = client.get_cookie("familjeapp")
    response = client.post("/logga-ut", data={"csrf_token": csrf_token(client.get(plan))})
    assert response.status_code == 303
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert db.execute("SELECT ended_reason FROM sessions").fetchone() == ("logout",)
    # Even with the old cookie put back, the session is gone.
    client.set_cookie("familjeapp", cookie.value)
    assert client.get(plan).status_code == 302


def test_quick_exit_leaves_for_a_neutral_site_and_ends_the_session(app, client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    response = client.post("/lamna-snabbt", data={"csrf_token": csrf_token(client.get(plan))})
    assert response.status_code == 303
    assert response.location == app.config["QUICK_EXIT_URL"]
    assert "storage" in response.headers["Clear-Site-Data"]
    assert db.execute("SELECT ended_reason FROM sessions").fetchone() == ("quick_exit",)
    assert client.get(plan).status_code == 302


def test_quick_exit_still_leaves_when_the_form_is_stale(app, client, demo):
    sign_in(client, person(demo, "Sara")["invite_path"])
    response = client.post("/lamna-snabbt", data={"csrf_token": "stale"})
    assert response.status_code == 303
    assert response.location == app.config["QUICK_EXIT_URL"]


def test_code_page_never_redirects_to_another_site(client, demo, db):
    sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    make_idle(db)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        page = client.get("/kod", query_string={"next": target})
        response = client.post(
            "/kod",
            query_string={"next": target},
            data={"csrf_token": csrf_token(page), "code": "2468"},
        )
        assert response.location.startswith("/familj/")
        make_idle(db)


def test_the_quick_exit_beacon_gets_a_plain_answer(app, client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    response = client.post(
        "/lamna-snabbt?via=beacon", data={"csrf_token": csrf_token(client.get(plan))}
    )
    assert response.status_code == 204
    assert "storage" in response.headers["Clear-Site-Data"]
    assert db.execute("SELECT ended_reason FROM sessions").fetchone() == ("quick_exit",)
