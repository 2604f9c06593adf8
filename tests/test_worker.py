"""The social worker signs in with a password and a one-time code, and runs a family."""

import re
from datetime import timedelta

import pyotp
import pytest
from conftest import csrf_token, person, sign_in, sign_in_worker

from familjeapp.store import audit, checkins, families, now, timestamp


@pytest.fixture
def anna(demo):
    return demo["workers"][0]


@pytest.fixture
def worker(app, anna):
    client = app.test_client()
    sign_in_worker(client, anna)
    return client


def password_step(client, email, password):
    page = client.get("/personal/logga-in")
    return client.post(
        "/personal/logga-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def test_worker_signs_in_with_password_and_code(worker):
    page = worker.get("/personal/")
    assert page.status_code == 200
    assert "Anna Berg" in page.get_data(as_text=True)


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(client, anna):
    wrong = password_step(client, anna["email"], "fel")
    unknown = password_step(client, "ingen@kommunen.se", "fel")
    assert wrong.status_code == unknown.status_code == 400
    message = "E-postadressen eller lösenordet är fel."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_password_failures_make_the_browser_wait(client, anna, db, time_machine):
    time_machine.move_to(now(), tick=False)
    statuses = [password_step(client, anna["email"], "fel").status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    # Even the right password waits: guessing cannot go faster.
    assert password_step(client, anna["email"], anna["password"]).status_code == 429
    time_machine.shift(timedelta(seconds=30))
    assert password_step(client, anna["email"], anna["password"]).status_code == 303
    failed = audit.rows(db, action="staff_sign_in_failed")
    assert len(failed) == 7 and all(r["outcome"] == "denied" for r in failed)


def browser_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_attacker_waiting_does_not_keep_the_worker_out(app, anna, time_machine):
    """Knowing Anna's e-mail is not enough to keep her out: the attacker's browser and address
    wait, Anna's do not."""
    time_machine.move_to(now(), tick=False)
    attacker = browser_at(app, "198.51.100.7")
    statuses = [password_step(attacker, anna["email"], "gissning").status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    # A browser that drops its cookie for each try gains nothing: its address waits too.
    fresh = [
        password_step(browser_at(app, "198.51.100.7"), anna["email"], "gissning").status_code
        for _ in range(16)
    ]
    assert fresh[-2:] == [429, 429]
    own = browser_at(app, "10.20.30.40")
    sign_in_worker(own, anna)
    assert own.get("/personal/").status_code == 200


def comparable(response, email: str) -> str:
    """The page without what differs by design: the CSRF token and the e-mail as typed."""
    text = response.get_data(as_text=True)
    return text.replace(email, "E-MAIL").replace(csrf_token(text), "CSRF")


def test_known_and_unknown_emails_get_the_same_answers(app, anna, monkeypatch, time_machine):
    """Nothing in the answer, its status or the work done tells whether an e-mail has an
    account: the same pages, the same waits, and a password hash checked for each try."""
    from familjeapp.store import staff

    checked = []
    real_check = staff.check_password_hash
    monkeypatch.setattr(
        staff, "check_password_hash", lambda *args: checked.append(1) or real_check(*args)
    )
    time_machine.move_to(now(), tick=False)
    known, unknown = browser_at(app, "198.51.100.7"), browser_at(app, "198.51.100.8")
    for attempt in range(9):
        before = len(checked)
        a = password_step(known, anna["email"], "gissning")
        hashes_known = len(checked) - before
        b = password_step(unknown, "ingen.alls@kommunen.se", "gissning")
        hashes_unknown = len(checked) - before - hashes_known
        assert a.status_code == b.status_code, attempt
        assert a.headers.get("Retry-After") == b.headers.get("Retry-After"), attempt
        assert comparable(a, anna["email"]) == comparable(b, "ingen.alls@kommunen.se"), attempt
        assert hashes_known == hashes_unknown, attempt
        time_machine.shift(timedelta(seconds=20))


def test_the_password_alone_opens_nothing(client, anna):
    password_step(client, anna["email"], anna["password"])
    assert client.get("/personal/").status_code == 302


def code_step(client, code):
    page = client.get("/personal/engangskod")
    return client.post("/personal/engangskod", data={"csrf_token": csrf_token(page), "code": code})


def test_wrong_one_time_codes_make_the_account_wait(client, anna):
    password_step(client, anna["email"], anna["password"])
    right = pyotp.TOTP(anna["totp_secret"]).now()
    wrong = "000000" if right != "000000" else "111111"
    statuses = [code_step(client, wrong).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert code_step(client, right).status_code == 429


def test_a_one_time_code_works_only_once(app, anna):
    first, second = app.test_client(), app.test_client()
    sign_in_worker(first, anna)
    password_step(second, anna["email"], anna["password"])
    assert code_step(second, pyotp.TOTP(anna["totp_secret"]).now()).status_code == 400


def test_first_sign_in_connects_an_authenticator_app_with_a_qr_code(client, db, demo):
    team = db.execute("SELECT id FROM teams LIMIT 1").fetchone()[0]
    families.create_worker(
        db, team_id=team, email="ny@kommunen.se", name="Ny", password="hemligt lösen"
    )
    step = password_step(client, "ny@kommunen.se", "hemligt lösen")
    assert step.location == "/personal/tvastegsverifiering"
    page = client.get(step.location).get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    done = client.post(
        step.location,
        data={
            "csrf_token": csrf_token(client.get(step.location)),
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert done.status_code == 303 and client.get("/personal/").status_code == 200
    assert db.execute(
        "SELECT totp_secret FROM workers WHERE email = 'ny@kommunen.se'"
    ).fetchone() == (secret,)


def test_an_idle_worker_is_signed_out(worker, db):
    db.execute("UPDATE sessions SET last_seen_at = ?", [timestamp(now() - timedelta(minutes=31))])
    assert worker.get("/personal/").status_code == 302
    assert db.execute("SELECT ended_reason FROM sessions").fetchone() == ("timeout",)


def test_staying_signed_in_keeps_the_session(worker, db):
    db.execute("UPDATE sessions SET last_seen_at = ?", [timestamp(now() - timedelta(minutes=29))])
    page = worker.get("/personal/")
    response = worker.post(
        "/personal/fortsatt", data={"csrf_token": csrf_token(page)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert 'data-module="session-timeout"' in page.get_data(as_text=True)


def test_signing_out_ends_the_session(worker, db):
    token = csrf_token(worker.get("/personal/"))
    assert worker.post("/personal/logga-ut", data={"csrf_token": token}).status_code == 303
    assert worker.get("/personal/").status_code == 302


def test_dashboard_puts_the_most_urgent_first(worker, demo, db):
    family = demo["family_id"]
    sara = person(demo, "Sara")["id"]
    elsa = person(demo, "Elsa")["id"]
    checkins.save_checkin(db, family_id=family, person_id=sara, client_id="a" * 20, rating=6,
                          words="", shared=False, rules={"x": "no"}, version_id=None)  # fmt: skip
    checkins.save_checkin(db, family_id=family, person_id=elsa, client_id="b" * 20, rating=None,
                          words="", shared=False, rules={}, version_id=None,
                          wants_to_talk=True)  # fmt: skip
    page = worker.get("/personal/").get_data(as_text=True)
    assert page.index("Ett barn vill prata med någon") < page.index("En regel hölls inte")
    assert "Familjen Lind" in page


def test_marking_a_signal_handled_keeps_who_and_when(worker, demo, db):
    family = demo["family_id"]
    sara = person(demo, "Sara")["id"]
    checkins.save_checkin(db, family_id=family, person_id=sara, client_id="c" * 20, rating=1,
                          words="", shared=False, rules={}, version_id=None)  # fmt: skip
    signal = db.execute("SELECT id FROM attention_signals").fetchone()[0]
    token = csrf_token(worker.get("/personal/"))
    response = worker.post(
        f"/personal/familj/{family}/signaler/{signal}/hanterad",
        data={"csrf_token": token, "next": "/personal/"},
    )
    assert response.status_code == 303 and response.location == "/personal/"
    handled = db.execute("SELECT handled_at, handled_by FROM attention_signals").fetchone()
    assert handled[0] is not None and handled[1] == 1
    assert "Nothing needs attention" not in worker.get("/personal/").get_data(as_text=True)
    assert "Inget behöver uppmärksamhet just nu." in worker.get("/personal/").get_data(as_text=True)


def test_worker_creates_a_family_and_adds_a_parent(worker, db):
    page = worker.get("/personal/familjer/ny")
    created = worker.post(
        "/personal/familjer/ny", data={"csrf_token": csrf_token(page), "name": "Familjen Ek"}
    )
    assert created.status_code == 303
    family_url = created.location
    form = worker.get(family_url + "/personer/ny")
    added = worker.post(
        family_url + "/personer/ny",
        data={"csrf_token": csrf_token(form), "role": "parent", "name": "Mira",
              "relation": "mamma", "language": "sv", "picture": "woman"},
    )  # fmt: skip
    assert added.status_code == 303
    assert "Mira" in worker.get(family_url).get_data(as_text=True)


def test_an_invite_shows_a_link_a_qr_code_and_a_text_once(worker, demo, db):
    family = demo["family_id"]
    sara = person(demo, "Sara")
    token = csrf_token(worker.get(f"/personal/familj/{family}"))
    page = worker.post(
        f"/personal/familj/{family}/personer/{sara['id']}/inbjudan",
        data={"csrf_token": token, "days": "3"},
    ).get_data(as_text=True)
    link = re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', page).group(1)
    assert "/i/" in link and 'class="qr"' in page
    assert "Hej Sara!" in page and "i 3 dagar" in page
    phone = worker.application.test_client()
    assert phone.get(link.split("localhost", 1)[1]).status_code == 200


def test_worker_signs_out_a_lost_phone(app, worker, demo, db):
    family = demo["family_id"]
    britt = person(demo, "Farmor Britt")
    phone = app.test_client()
    plan = sign_in(phone, britt["invite_path"])
    page = worker.get(f"/personal/familj/{family}").get_data(as_text=True)
    action = re.search(
        rf'action="(/personal/familj/{family}/personer/{britt["id"]}/enheter/\d+/stang)"', page
    ).group(1)
    assert worker.post(action, data={"csrf_token": csrf_token(page)}).status_code == 303
    assert phone.get(plan).status_code == 302
