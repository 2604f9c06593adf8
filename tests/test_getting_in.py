"""Getting in with a personal link and a code, and getting out again."""

import threading
from datetime import timedelta

import pytest
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
    ok = client.post("/kod/ny", data={"csrf_token": token, "code": "3817", "repeat": "3817"})
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


def freeze(time_machine) -> None:
    """Stop the clock now; the test moves it on by hand (time_machine.shift)."""
    time_machine.move_to(now(), tick=False)


def try_code(client, code: str, token: str | None = None):
    token = token or csrf_token(client.get("/kod"))
    return client.post("/kod", data={"csrf_token": token, "code": code})


def code_signals(db, person_id: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM attention_signals WHERE person_id = ? AND kind = 'code_failures'",
        [person_id],
    ).fetchone()[0]


def test_wrong_codes_make_the_person_wait_longer_and_tell_the_worker(
    client, demo, db, time_machine
):
    freeze(time_machine)
    sara = person(demo, "Sara")
    sign_in(client, sara["invite_path"], code="2468")
    time_machine.shift(timedelta(minutes=16))
    token = csrf_token(client.get("/kod"))
    assert [try_code(client, "1111", token).status_code for _ in range(2)] == [400, 400]
    third = try_code(client, "1111", token)
    assert third.status_code == 429 and third.headers["Retry-After"] == "30"
    # Even the right code waits until the pause is over: guessing cannot go faster.
    assert try_code(client, "2468", token).status_code == 429
    time_machine.shift(timedelta(seconds=30))
    assert try_code(client, "1111", token).headers["Retry-After"] == "60"
    time_machine.shift(timedelta(seconds=60))
    assert try_code(client, "1111", token).headers["Retry-After"] == "120"
    assert code_signals(db, sara["id"]) == 1
    time_machine.shift(timedelta(seconds=120))
    assert try_code(client, "2468", token).status_code == 303
    failed = audit.rows(db, family_id=demo["family_id"], action="code_failed")
    assert len(failed) == 6  # every refused try, the one made during the pause too


def test_each_new_burst_of_wrong_codes_tells_the_worker_again(client, demo, db, time_machine):
    freeze(time_machine)
    sara = person(demo, "Sara")
    sign_in(client, sara["invite_path"], code="2468")

    def five_wrong_codes():
        for _ in range(5):
            time_machine.shift(timedelta(minutes=16))  # longer than any wait, not an hour
            assert try_code(client, "1111").status_code in (400, 429)

    five_wrong_codes()
    assert code_signals(db, sara["id"]) == 1
    time_machine.shift(timedelta(minutes=5))
    assert try_code(client, "2468").status_code == 303
    five_wrong_codes()
    assert code_signals(db, sara["id"]) == 2  # again after the right code
    time_machine.shift(timedelta(minutes=5))
    try_code(client, "1111")
    assert code_signals(db, sara["id"]) == 2  # the same burst
    time_machine.shift(timedelta(minutes=61))
    five_wrong_codes()
    assert code_signals(db, sara["id"]) == 3  # again after an hour of quiet


def second_phone(app, demo, db, *, code: str, address: str):
    """The same person on another phone, from another place: a new link, a new code."""
    sara = person(demo, "Sara")
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = address
    sign_in(phone, "/i/" + invites.create_invite(db, sara["id"], days=7, created_by=None), code)
    return phone


def test_someone_holding_one_of_her_phones_cannot_keep_her_out_of_the_other(
    app, demo, db, time_machine
):
    freeze(time_machine)
    taken = app.test_client()
    taken.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    sign_in(taken, person(demo, "Sara")["invite_path"], code="2468")
    own = second_phone(app, demo, db, code="1357", address="203.0.113.20")
    time_machine.shift(timedelta(minutes=16))
    token = csrf_token(taken.get("/kod"))
    statuses = [try_code(taken, "0000", token).status_code for _ in range(8)]
    assert statuses == [400, 400, 429, 429, 429, 429, 429, 429]
    assert try_code(own, "1357").status_code == 303
    # The taken phone still waits, the right code or not.
    assert try_code(taken, "1357", token).status_code == 429


def test_guessing_from_many_phones_and_places_slows_every_phone(app, demo, db, time_machine):
    """Only the person's own limit, far above what one phone or place can reach, reaches the
    person's other phones: many sources together cannot guess freely either."""
    from familjeapp.store import throttle

    freeze(time_machine)
    sara = person(demo, "Sara")
    own = second_phone(app, demo, db, code="1357", address="203.0.113.20")
    time_machine.shift(timedelta(minutes=16))
    for number in range(throttle.CODES.account):
        throttle.failed(
            db, throttle.CODES, account=throttle.person_account(sara["id"]),
            source=throttle.Source(device=f"phone {number}", address=f"192.0.2.{number}"),
        )  # fmt: skip
    assert try_code(own, "1357").status_code == 429


def test_the_right_code_during_a_wait_is_told_to_wait_not_that_it_is_wrong(
    client, demo, db, time_machine
):
    freeze(time_machine)
    sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    time_machine.shift(timedelta(minutes=16))
    token = csrf_token(client.get("/kod"))
    for _ in range(2):
        try_code(client, "1111", token)
    started = try_code(client, "1111", token).get_data(as_text=True)
    assert "Det var inte rätt kod. Vänta 30 sekunder innan du försöker igen." in started
    waiting = try_code(client, "2468", token)
    assert waiting.status_code == 429
    text = waiting.get_data(as_text=True)
    assert "inte rätt kod" not in text
    assert "Vänta 30 sekunder innan du försöker igen." in text
    assert "vi prövade inte koden du skrev nu" in text
    # The time left, counted down by app.js, and right without it.
    assert 'data-module="countdown" data-seconds="30"' in text and ">0:30<" in text
    for wait in (30, 60):
        time_machine.shift(timedelta(seconds=wait))
        try_code(client, "1111", token)
    time_machine.shift(timedelta(seconds=30))
    longer = try_code(client, "2468", token).get_data(as_text=True)
    assert "Vänta 2 minuter innan du försöker igen." in longer  # 90 seconds left
    assert 'data-seconds="90"' in longer and ">1:30<" in longer


def test_a_new_link_lets_the_person_choose_a_new_code(app, demo, db):
    sara = person(demo, "Sara")
    sign_in(app.test_client(), sara["invite_path"], code="2468")
    new_path = "/i/" + invites.create_invite(db, sara["id"], days=7, created_by=None)
    phone = app.test_client()
    plan = sign_in(phone, new_path, code="1357")
    assert phone.get(plan).status_code == 200


def test_logging_out_asks_once_and_says_a_new_link_is_needed(client, demo):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    page = client.get("/logga-ut")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Vill du logga ut från den här telefonen?" in text
    assert "behöver du en ny länk från din socialsekreterare" in text
    # Asking changes nothing: the plan is still open.
    assert client.get(plan).status_code == 200


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


def asks_for_the_code(client, path: str) -> bool:
    response = client.get(path)
    return response.status_code == 302 and response.location.startswith("/kod?")


def test_quick_exit_locks_the_phone_and_the_code_opens_it_again(app, client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    response = client.post("/lamna-snabbt", data={"csrf_token": csrf_token(client.get(plan))})
    assert response.status_code == 303
    assert response.location == app.config["QUICK_EXIT_URL"]
    # The cookie stays, so the person's own code is enough to get back in.
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert asks_for_the_code(client, plan)
    code_page = client.get("/kod").get_data(as_text=True)
    assert "Sara" not in code_page
    again = client.post("/kod", data={"csrf_token": csrf_token(client.get("/kod")), "code": "2468"})
    assert again.status_code == 303
    assert client.get(plan).status_code == 200


@pytest.mark.parametrize("token", [None, "stale"])
def test_quick_exit_locks_the_phone_even_without_a_valid_form(app, client, demo, token):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    response = client.post("/lamna-snabbt", data={"csrf_token": token} if token else {})
    assert response.status_code == 303
    assert response.location == app.config["QUICK_EXIT_URL"]
    assert asks_for_the_code(client, plan)


def test_a_stolen_cookie_after_quick_exit_shows_only_the_code_prompt(app, client, demo):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    stolen = client.get_cookie("familjeapp").value
    client.post("/lamna-snabbt")
    thief = app.test_client()
    thief.set_cookie("familjeapp", stolen)
    for path in (plan, plan.replace("/plan", "/historik"), plan.replace("/plan", "/hur-gar-det")):
        assert asks_for_the_code(thief, path)


def test_quick_exit_before_a_code_was_chosen_ends_the_session(client, demo, db):
    page = client.get(person(demo, "Sara")["invite_path"])
    client.post(person(demo, "Sara")["invite_path"], data={"csrf_token": csrf_token(page)})
    client.post("/lamna-snabbt")
    assert db.execute("SELECT ended_reason FROM sessions").fetchone() == ("quick_exit",)
    assert client.get("/kod/ny").status_code == 302


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
    assert asks_for_the_code(client, plan)


@pytest.mark.parametrize("limits", ["CODES", "STAFF"])
def test_one_phone_guessing_as_fast_as_it_may_never_slows_another(db, time_machine, limits):
    """The rule's promise (store/throttle.py): one device alone cannot reach the address's or
    the account's limit, so the owner's other phone is never made to wait, even on the same
    network, while the guessing phone gets only a few tries an hour."""
    from familjeapp.store import throttle

    freeze(time_machine)
    rule = getattr(throttle, limits)
    account = throttle.person_account(1)
    guessing = throttle.Source(device="session:1", address="198.51.100.7")
    own = throttle.Source(device="session:2", address="198.51.100.7")
    tries, end = 0, now() + timedelta(hours=6)
    while now() < end:
        if wait := throttle.wait_seconds(db, rule, account=account, source=guessing):
            time_machine.shift(timedelta(seconds=wait))
            continue
        throttle.failed(db, rule, account=account, source=guessing)
        tries += 1
        assert throttle.wait_seconds(db, rule, account=account, source=own) == 0, tries
    assert tries < 6 * 6, tries  # a handful an hour
