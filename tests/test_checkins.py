"""Hur går det? Check-ins are saved exactly once, seen only by whom they may be, and raise
the worker's attention when something is wrong."""

import json
import re
import threading
from pathlib import Path

import pytest
from babel.dates import format_date
from conftest import csrf_token, person, signed_in

from familjeapp.db import connect
from familjeapp.demo import add_demo_family
from familjeapp.store import checkins

HOSTILE = json.loads((Path(__file__).parent / "data" / "blns.json").read_text())


@pytest.fixture
def sara(app, demo):
    return signed_in(app, demo, "Sara")


@pytest.fixture
def johan(app, demo):
    return signed_in(app, demo, "Johan")


@pytest.fixture
def britt(app, demo):
    return signed_in(app, demo, "Farmor Britt")


def checkin_url(client):
    return f"/familj/{client.family}/hur-gar-det"


def open_form(client) -> dict:
    """Open Hur går det? and return the form's hidden fields and rule questions."""
    page = client.get(checkin_url(client)).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    rules = sorted(set(re.findall(r'name="(rule_[0-9a-f]+)"', page)))
    return {"csrf_token": csrf_token(page), "client_id": client_id, "rules": rules}


def post(client, form, **answers):
    data = {"csrf_token": form["csrf_token"], "client_id": form["client_id"], **answers}
    return client.post(checkin_url(client), data=data)


def count(db, table="checkins"):
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_parent_records_a_check_in_and_sees_it_in_the_history(sara, db):
    form = open_form(sara)
    assert len(form["rules"]) == 3  # a parent answers for every rule
    answers = {rule: "yes" for rule in form["rules"]}
    response = post(sara, form, rating="7", words="En lugn vecka.", **answers)
    assert response.status_code == 303
    history = sara.get(response.location).get_data(as_text=True)
    assert 'role="status"' in history  # the thank-you
    assert "En lugn vecka." in history
    assert '<span class="rating">7</span>' in history
    assert "<svg" in history and "<table" in history
    assert count(db) == 1 and count(db, "checkin_rules") == 3


def test_a_check_in_after_midnight_in_sweden_is_dated_that_day(app, db, night):
    sara = signed_in(app, add_demo_family(db), "Sara")
    response = post(sara, open_form(sara), rating="6", words="Sent på kvällen.")
    assert response.status_code == 303
    history = sara.get(response.location).get_data(as_text=True)
    day = format_date(night.date, "d MMMM", locale="sv")
    assert f"<td>{day}, {night.time}</td>" in history  # the table under the chart
    # The chart's last date, on its right edge, is the check-in's own day.
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', history)
    assert labels[-1] == day


def test_grandmother_answers_only_for_the_rules_she_promised_something_for(britt):
    assert len(open_form(britt)["rules"]) == 2


def test_sending_the_same_check_in_again_stores_it_once_and_answers_the_same(sara, db):
    form = open_form(sara)
    first = post(sara, form, rating="6")
    again = post(sara, form, rating="6")
    assert first.status_code == again.status_code == 303
    assert first.location == again.location
    assert count(db) == 1


def test_three_concurrent_resends_make_one_row(app, sara, db):
    form = open_form(sara)
    cookie = sara.get_cookie("familjeapp").value
    answers, start = [], threading.Barrier(3)

    def resend():
        phone = app.test_client()
        phone.set_cookie("familjeapp", cookie)
        phone.family = sara.family
        start.wait()
        answers.append(post(phone, form, rating="5", words="Samma").status_code)

    threads = [threading.Thread(target=resend) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [303, 303, 303]
    assert count(db) == 1


def test_the_same_id_with_other_answers_is_refused_and_keeps_what_was_typed(sara, db):
    form = open_form(sara)
    post(sara, form, rating="6")
    response = post(sara, form, rating="2", words="Annat svar")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "Annat svar" in page and 'value="2" checked' in page
    assert form["client_id"] not in page  # a new id, so that saving again works
    assert count(db) == 1
    assert checkins.family_checkins(db, sara.family)[0].rating == 6  # never changed


def test_a_saved_check_in_is_never_changed_by_the_database_layer(sara, db):
    form = open_form(sara)
    post(sara, form, rating="6")
    with pytest.raises(checkins.CheckinConflict):
        checkins.save_checkin(
            db, family_id=sara.family, person_id=1, client_id=form["client_id"], rating=9,
            words="", shared=False, rules={}, version_id=None,
        )  # fmt: skip


@pytest.mark.parametrize("rating", ["11", "-1", "abc", "", "5.5", "1e1"])
def test_a_rating_outside_0_to_10_is_refused(sara, db, rating):
    response = post(sara, open_form(sara), rating=rating, words="Mina ord")
    assert response.status_code == 400
    assert "Mina ord" in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_missing_rating_is_refused_kindly(sara, db):
    response = post(sara, open_form(sara), words="Mina ord")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and 'href="#rating-0"' in page
    assert count(db) == 0


def test_a_rule_that_does_not_concern_the_person_is_refused(britt, sara, db):
    parents_rules = set(open_form(sara)["rules"])
    hers = open_form(britt)
    not_hers = (parents_rules - set(hers["rules"])).pop()
    response = post(britt, hers, rating="5", words="Mina ord", **{not_hers: "no"})
    assert response.status_code == 400
    assert "Mina ord" in response.get_data(as_text=True)
    assert count(db) == 0 and count(db, "attention_signals") == 0


def test_a_rule_of_another_family_is_refused(app, sara, other_demo, db):
    theirs = open_form(signed_in(app, other_demo, "Sara"))["rules"][0]
    response = post(sara, open_form(sara), rating="5", **{theirs: "yes"})
    assert response.status_code == 400
    assert count(db) == 0


def test_an_answer_that_is_not_one_of_the_four_is_refused(sara, db):
    form = open_form(sara)
    response = post(sara, form, rating="5", **{form["rules"][0]: "kanske"})
    assert response.status_code == 400
    assert count(db) == 0


def test_over_long_words_are_refused_and_kept(sara, db):
    words = "Det här är mina ord. " * 60
    response = post(sara, open_form(sara), rating="5", words=words)
    assert response.status_code == 400
    assert words.strip() in response.get_data(as_text=True)
    assert count(db) == 0


def test_hostile_strings_are_stored_as_text_and_never_reflected_unescaped(sara, db):
    for text in HOSTILE:
        response = post(sara, open_form(sara), rating="5", words=text[:1000])
        assert response.status_code in (303, 400), text
    assert count(db) >= len(HOSTILE) - 5  # empty and whitespace-only strings are fine too
    history = sara.get(f"/familj/{sara.family}/historik").get_data(as_text=True)
    assert "<script>alert" not in history
    assert "<img src=x onerror" not in history
    assert "&lt;script&gt;alert(" in history


def share(client, rating, shared):
    form = open_form(client)
    extra = {"shared": "y"} if shared else {}
    assert post(client, form, rating=str(rating), words=f"ord {rating}", **extra).status_code == 303


def history_of(client) -> str:
    return client.get(f"/familj/{client.family}/historik").get_data(as_text=True)


def test_a_check_in_that_is_not_shared_is_seen_by_its_writer_only(sara, johan, britt):
    share(sara, 4, shared=False)
    assert "ord 4" in history_of(sara)
    assert "ord 4" not in history_of(johan)
    assert "ord 4" not in history_of(britt)


def test_a_shared_check_in_is_seen_by_the_family_and_the_network(sara, johan, britt):
    share(sara, 8, shared=True)
    assert "ord 8" in history_of(johan)
    assert "ord 8" in history_of(britt)


def test_a_childs_check_in_reaches_no_other_family_member(sara, demo, db):
    elsa = person(demo, "Elsa")["id"]
    checkins.save_checkin(
        db, family_id=sara.family, person_id=elsa, client_id="elsa-checkin-000001", rating=2,
        words="hemligt från Elsa", shared=True, rules={}, version_id=None,
    )  # fmt: skip
    assert "hemligt från Elsa" not in history_of(sara)
    assert checkins.visible_checkins(db, sara.family, viewer_id=elsa, viewer_role="child")


def test_another_familys_check_ins_are_never_shown(app, sara, other_demo):
    other = signed_in(app, other_demo, "Sara")
    share(other, 9, shared=True)
    assert "ord 9" not in history_of(sara)


def signals(db, family_id):
    return [row[0] for row in db.execute(
        "SELECT kind FROM attention_signals WHERE family_id = ? ORDER BY id", [family_id]
    )]  # fmt: skip


def test_a_low_rating_needs_attention(sara, db):
    share(sara, 3, shared=False)
    assert signals(db, sara.family) == ["low_rating"]


def test_a_rating_of_four_needs_no_attention(sara, db):
    share(sara, 4, shared=False)
    assert signals(db, sara.family) == []


def test_a_fall_of_three_needs_attention_but_a_fall_of_two_does_not(sara, db):
    share(sara, 9, shared=False)
    share(sara, 7, shared=False)
    assert signals(db, sara.family) == []
    share(sara, 4, shared=False)
    assert signals(db, sara.family) == ["rating_fell"]


def test_a_rule_not_kept_needs_attention(sara, db):
    form = open_form(sara)
    post(sara, form, rating="6", **{form["rules"][0]: "no", form["rules"][1]: "partly"})
    assert signals(db, sara.family) == ["rule_not_kept"]


def commitment_url(client, db, name="Farmor Britt", demo=None):
    key = db.execute(
        "SELECT commitment_key FROM commitments c JOIN people p ON p.id = c.person_id "
        "WHERE p.name = ? AND p.family_id = ? ORDER BY c.id LIMIT 1",
        [name, client.family],
    ).fetchone()[0]
    return f"/familj/{client.family}/lofte/{key}", key


def test_grandmother_confirms_her_commitment_and_the_parents_see_it(britt, sara, db):
    url, key = commitment_url(britt, db)
    token = csrf_token(britt.get(britt.plan_url))
    response = britt.post(url, data={"csrf_token": token, "response": "confirmed"})
    assert response.status_code == 303 and response.location.endswith(f"#lofte-{key}")
    plan = sara.get(sara.plan_url).get_data(as_text=True)
    assert 'class="status status--confirmed"' in plan
    assert signals(db, sara.family) == []


def test_grandmother_withdraws_with_a_reason_and_the_worker_is_told(britt, sara, db):
    url, key = commitment_url(britt, db)
    token = csrf_token(britt.get(britt.plan_url))
    response = britt.post(
        url,
        data={"csrf_token": token, "response": "withdrawn", "reason": "Jag är sjuk."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="lofte-{key}"' in response.get_data(as_text=True)
    assert 'class="status status--withdrawn"' in sara.get(sara.plan_url).get_data(as_text=True)
    assert signals(db, sara.family) == ["commitment_withdrawn"]


def test_withdrawing_needs_a_reason(britt, db):
    url, _key = commitment_url(britt, db)
    token = csrf_token(britt.get(britt.plan_url))
    response = britt.post(url, data={"csrf_token": token, "response": "withdrawn", "reason": " "})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count(db, "commitment_responses") == 0


def test_grandmother_cannot_answer_for_someone_elses_commitment(britt, db):
    url, _key = commitment_url(britt, db, name="Morbror Karim")
    token = csrf_token(britt.get(britt.plan_url))
    response = britt.post(url, data={"csrf_token": token, "response": "withdrawn", "reason": "x"})
    assert response.status_code == 404
    assert count(db, "commitment_responses") == 0


def test_concurrent_writers_on_separate_connections_all_succeed(app, demo):
    sara_id = person(demo, "Sara")["id"]
    errors, start = [], threading.Barrier(20)

    def write(n):
        db = connect(app.config["DATABASE"])
        start.wait()
        try:
            checkins.save_checkin(
                db, family_id=demo["family_id"], person_id=sara_id, client_id=f"writer-{n:012d}",
                rating=n % 11, words="", shared=False, rules={}, version_id=None,
            )  # fmt: skip
        except Exception as error:  # noqa: BLE001 - any error is the failure we look for
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = connect(app.config["DATABASE"])
    assert count(db) == 20
    db.close()


def test_the_history_gives_the_rule_answers_in_the_order_of_the_form(sara, demo, db):
    from familjeapp.store import plans

    # Put the rules in the reverse order of their keys, so that no accidental order (such as
    # the database's own) can pass for the plan's.
    family = demo["family_id"]
    keys = [i.key for i in plans.published_plan(db, family, frozenset({"adults", "everyone"}))
            .of_kind("rule")]  # fmt: skip
    wanted = sorted(keys, reverse=True)
    draft = plans.draft_for(db, family, None)
    for place, key in enumerate(wanted):
        while keys.index(key) > place:
            plans.move_item(db, draft, key, "up")
            at = keys.index(key)
            keys[at - 1], keys[at] = keys[at], keys[at - 1]
    plans.publish(db, draft)

    page = sara.get(checkin_url(sara)).get_data(as_text=True)
    on_the_form = list(dict.fromkeys(re.findall(r'name="rule_([0-9a-f]+)"', page)))
    assert on_the_form == wanted
    form = open_form(sara)
    answers = dict(zip(form["rules"], ("yes", "partly", "no"), strict=True))
    saved = post(sara, form, rating="5", **answers)
    history = sara.get(saved.location).get_data(as_text=True)
    card = history[history.index("checkin-card__rules") :]
    texts = {i["id"]: i["text"] for i in demo["items"]}
    in_the_history = sorted(on_the_form, key=lambda key: card.index(texts[key]))
    assert in_the_history == on_the_form
