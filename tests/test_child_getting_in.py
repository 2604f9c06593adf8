"""A child gets in with a picture code, says "Jag vill prata med någon", and hands the phone
back with "Jag är klar"."""

import re
from datetime import timedelta

import pytest
from conftest import csrf_token, person, sign_in

from familjeapp.store import now, timestamp

PICTURES = ("dog-face", "sun", "rocket")


def open_invite(client, path):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page)})


def pictures(code=PICTURES) -> dict:
    return dict(zip(("first", "second", "third"), code, strict=True))


def choose_pictures(client, code=PICTURES, again=None):
    """Choose three pictures, then the same three again: what a child does after the link."""
    page = client.get("/kod/ny")
    first = client.post("/kod/ny", data={"csrf_token": csrf_token(page), **pictures(code)})
    assert first.status_code == 200, first.status_code
    return client.post("/kod/ny", data={"csrf_token": csrf_token(first), **pictures(again or code)})


def child_signs_in(client, demo, code=PICTURES):
    assert open_invite(client, person(demo, "Elsa")["invite_path"]).location == "/kod/ny"
    done = choose_pictures(client, code)
    assert done.status_code == 303, done.get_data(as_text=True)
    return done.location


@pytest.fixture
def child(app, demo):
    client = app.test_client()
    client.home = child_signs_in(client, demo)
    return client


def make_idle(db, minutes=16):
    db.execute(
        "UPDATE sessions SET last_seen_at = ?", [timestamp(now() - timedelta(minutes=minutes))]
    )


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- The picture code -------------------------------------------------------------------------


def test_a_child_chooses_three_pictures_from_nine_with_names(client, demo):
    open_invite(client, person(demo, "Elsa")["invite_path"])
    page = text_of(client.get("/kod/ny"))
    assert "Välj din bildkod" in page
    for legend in ("Första bilden", "Andra bilden", "Tredje bilden"):
        assert legend in page
    assert page.count('type="radio"') == 27
    for name in ("Hund", "Katt", "Sol"):
        assert f">{name}<" in page
    assert 'inputmode="numeric"' not in page


def test_a_child_chooses_the_pictures_twice_and_lands_on_her_pages(client, demo):
    home = child_signs_in(client, demo)
    assert home == f"/barn/{demo['family_id']}/"
    assert client.get(home).status_code == 200


def test_the_second_round_asks_for_the_same_pictures(client, demo):
    open_invite(client, person(demo, "Elsa")["invite_path"])
    page = client.get("/kod/ny")
    first = client.post("/kod/ny", data={"csrf_token": csrf_token(page), **pictures()})
    assert "Välj samma bilder en gång till" in text_of(first)


def test_other_pictures_the_second_time_start_again(client, demo, db):
    open_invite(client, person(demo, "Elsa")["invite_path"])
    answer = choose_pictures(client, again=("cat-face", "sun", "rocket"))
    assert answer.status_code == 400
    assert "inte samma bilder" in text_of(answer)
    elsa = person(demo, "Elsa")["id"]
    assert db.execute("SELECT code_hash FROM people WHERE id = ?", [elsa]).fetchone()[0] is None


def test_three_of_the_same_picture_is_refused_kindly(client, demo, db):
    open_invite(client, person(demo, "Elsa")["invite_path"])
    page = client.get("/kod/ny")
    answer = client.post(
        "/kod/ny", data={"csrf_token": csrf_token(page), **pictures(("sun", "sun", "sun"))}
    )
    assert answer.status_code == 400
    assert "samma bild alla tre" in text_of(answer)


@pytest.mark.parametrize(
    "bad", [("sun", "sun"), ("sun", "moon", "star"), ("<b>x</b>", "sun", "sun")]
)
def test_a_picture_not_in_the_grid_is_refused_and_not_shown(client, demo, bad):
    open_invite(client, person(demo, "Elsa")["invite_path"])
    page = client.get("/kod/ny")
    data = dict(zip(("first", "second", "third"), bad, strict=False))
    answer = client.post("/kod/ny", data={"csrf_token": csrf_token(page), **data})
    assert answer.status_code == 400
    assert "<b>x</b>" not in text_of(answer)
    assert "Välj samma bilder" not in text_of(answer)


def test_the_picture_code_is_asked_again_after_idle_time(child, db):
    make_idle(db)
    asked = child.get(child.home)
    assert asked.status_code == 302 and asked.location.startswith("/kod?next=")
    page = child.get(asked.location)
    assert "Första bilden" in text_of(page)
    back = child.post(asked.location, data={"csrf_token": csrf_token(page), **pictures()})
    assert back.status_code == 303 and back.location.startswith(child.home)


def test_wrong_pictures_make_the_child_wait_and_tell_the_worker(app, demo, db, time_machine):
    time_machine.move_to(now(), tick=False)
    child = app.test_client()
    home = child_signs_in(child, demo)
    time_machine.shift(timedelta(minutes=16))
    token = csrf_token(child.get("/kod"))
    wrong = {"csrf_token": token, **pictures(("cat-face", "cat-face", "fish"))}
    answers = [child.post("/kod", data=wrong) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert "Vänta 30 sekunder" in text_of(answers[-1])
    for _ in range(2):  # no hard lock-out: after each wait the child may try again
        time_machine.shift(timedelta(minutes=16))
        assert child.post("/kod", data=wrong).status_code == 429
    signals = "SELECT COUNT(*) FROM attention_signals WHERE kind = 'code_failures'"
    assert db.execute(signals).fetchone()[0] == 1
    time_machine.shift(timedelta(minutes=16))
    right = child.post("/kod", data={"csrf_token": token, **pictures()})
    assert right.status_code == 303 and child.get(home).status_code == 200


# --- Jag vill prata med någon ----------------------------------------------------------------


def talk_path(demo) -> str:
    return f"/barn/{demo['family_id']}/prata"


def press_talk(client, demo):
    page = client.get(client.home)
    return client.post(talk_path(demo), data={"csrf_token": csrf_token(page)})


def test_every_child_page_has_the_talk_and_done_buttons(child):
    page = text_of(child.get(child.home))
    assert "Jag vill prata med någon" in page
    assert "Jag är klar" in page


def test_pressing_talk_tells_the_worker_and_says_who_will_call(child, demo, db):
    pressed = press_talk(child, demo)
    assert pressed.status_code == 303 and pressed.location == talk_path(demo)
    page = text_of(child.get(pressed.location))
    assert "Anna, din socialsekreterare, har fått veta det." in page
    assert "senast nästa vardag" in page
    assert 'href="tel:116111"' in page and 'href="tel:112"' in page
    signals = list(db.query("SELECT * FROM attention_signals WHERE kind = 'child_wants_to_talk'"))
    assert len(signals) == 1
    assert signals[0]["person_id"] == person(demo, "Elsa")["id"]
    assert signals[0]["created_at"]


def test_pressing_talk_again_while_the_worker_has_not_answered_sends_no_more(child, demo, db):
    for _ in range(3):
        assert press_talk(child, demo).status_code == 303
    count = "SELECT COUNT(*) FROM attention_signals WHERE kind = 'child_wants_to_talk'"
    assert db.execute(count).fetchone()[0] == 1
    db.execute("UPDATE attention_signals SET handled_at = ?", [timestamp()])
    press_talk(child, demo)
    assert db.execute(count).fetchone()[0] == 2


def test_talk_needs_the_form_token(child, demo, db):
    assert child.post(talk_path(demo)).status_code == 400
    assert db.execute("SELECT COUNT(*) FROM attention_signals").fetchone()[0] == 0


def test_a_parent_cannot_press_talk_for_the_child(parent, demo, db):
    page = parent.get(parent.plan_url)
    answer = parent.post(talk_path(demo), data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM attention_signals").fetchone()[0] == 0


def without_tokens(page: str) -> str:
    return re.sub(r'(value=|"X-CSRFToken": )"[^"]+"', "", page)


def test_no_parent_page_shows_that_the_child_asked_to_talk(app, demo, child, parent):
    family = demo["family_id"]
    pages = [parent.plan_url, f"/familj/{family}/historik", f"/familj/{family}/hur-gar-det"]
    asks = [(path, headers) for path in pages for headers in ({}, {"HX-Request": "true"})]

    def seen():
        return [without_tokens(text_of(parent.get(p, headers=h))) for p, h in asks]

    before = seen()
    press_talk(child, demo)
    assert seen() == before


# --- Jag är klar ------------------------------------------------------------------------------


def press_done(client):
    page = client.get(client.home)
    return client.post("/klar", data={"csrf_token": csrf_token(page)})


def test_jag_ar_klar_locks_the_childs_own_phone_and_clears_it(child, db):
    done = press_done(child)
    assert done.status_code == 303
    assert done.headers["Clear-Site-Data"] == '"cache", "storage"'
    asked = child.get(child.home)
    assert asked.status_code == 302 and asked.location.startswith("/kod?next=")
    goodbye = text_of(child.get(done.location))
    assert "Hej då" in goodbye
    assert "välj dina bilder" in goodbye
    # The child's own pictures open it again: no new link needed.
    page = child.get("/kod")
    assert "Första bilden" in text_of(page)


def test_a_parents_phone_gets_the_parent_back_locked(app, demo, db):
    phone = app.test_client()
    plan = sign_in(phone, person(demo, "Sara")["invite_path"])
    phone.home = child_signs_in(phone, demo)
    assert phone.get(plan).status_code == 404  # the child cannot see the parent's plan
    press_done(phone)
    asked = phone.get(plan)
    assert asked.status_code == 302 and asked.location.startswith("/kod?next=")
    page = phone.get(asked.location)
    assert "Första bilden" not in text_of(page)
    back = phone.post(asked.location, data={"csrf_token": csrf_token(page), "code": "2468"})
    assert back.status_code == 303
    assert phone.get(plan).status_code == 200


def test_the_parent_is_locked_even_if_the_child_just_walks_away(app, demo, db):
    phone = app.test_client()
    plan = sign_in(phone, person(demo, "Sara")["invite_path"])
    child_signs_in(phone, demo)
    sara = person(demo, "Sara")["id"]
    locked = db.execute(
        "SELECT locked_at FROM sessions WHERE person_id = ? AND ended_at IS NULL", [sara]
    ).fetchone()
    assert locked[0] is not None
    assert plan


def test_quick_exit_by_the_child_also_gives_the_parent_back_locked(app, demo, db):
    phone = app.test_client()
    plan = sign_in(phone, person(demo, "Sara")["invite_path"])
    home = child_signs_in(phone, demo)
    assert phone.post("/lamna-snabbt").status_code == 303
    elsa = person(demo, "Elsa")["id"]
    open_child = "SELECT COUNT(*) FROM sessions WHERE person_id = ? AND ended_at IS NULL"
    assert db.execute(open_child, [elsa]).fetchone()[0] == 0
    assert phone.get(home).status_code == 404  # the parent's session now: not her pages
    assert phone.get(plan).location.startswith("/kod?next=")


def test_a_childs_invite_says_pictures_not_digits(client, demo):
    page = text_of(client.get(person(demo, "Elsa")["invite_path"]))
    assert "väljer du tre bilder" in page
    assert "4 siffror" not in page
    adult = text_of(client.get(person(demo, "Sara")["invite_path"]))
    assert "4 siffror" in adult
