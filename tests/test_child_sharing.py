"""The child's parts of the plan and the child's answers, from the social worker's side.

The worker writes Tre hus, Det trygga hemmet and Ord och bilder with the child; the child reads
them. What the child answers (a rating, words, a picture, something added to a house, "Jag vill
prata med någon") reaches the worker only, until the worker shares one answer with the parents.
"""

import re

import pytest
from conftest import csrf_token, person, shows_picture, sign_in_worker, signed_in

from familjeapp.access import visibilities
from familjeapp.store import audit, checkins, plans, timestamp

WORRY = "Jag blir ledsen när det är bråk på kvällen."
GRANDMOTHER = "Farmor Britt kommer när jag ringer."
ROOF_RULE = "Ingen dricker alkohol hemma."
FIRST_PAGE = "Socialtjänsten kom för att hjälpa er."
SECOND_PAGE = "Nu bor farmor hos er en tid."


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    client.set_cookie("lang", "en")
    client.token = csrf_token(client.get("/personal/"))
    return client


def reader(app, demo, name):
    """A family member's browser, in English like the tests' words."""
    client = signed_in(app, demo, name)
    client.set_cookie("lang", "en")
    return client


def staff_url(demo, rest: str) -> str:
    return f"/personal/familj/{demo['family_id']}{rest}"


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": client.token, **(data or {})})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def add_child_item(worker, demo, part, kind, words, picture="house", **more):
    response = post(
        worker,
        staff_url(demo, f"/plan/ny/{part}"),
        {"action": "save", "kind": kind, "child_text": words, "picture": picture,
         "visibility": "everyone", **more},
    )  # fmt: skip
    assert response.status_code == 303, text_of(response)
    return response


def write_the_childs_parts(worker, demo):
    add_child_item(worker, demo, "three_houses", "house_worries", WORRY, "worried-face")
    add_child_item(worker, demo, "safety_house", "safety_person", GRANDMOTHER, "old-woman")
    add_child_item(worker, demo, "safety_house", "safety_rule", ROOF_RULE, "no-entry")
    add_child_item(worker, demo, "words_pictures", "story_page", FIRST_PAGE, "house")
    add_child_item(worker, demo, "words_pictures", "story_page", SECOND_PAGE, "old-woman")
    assert post(worker, staff_url(demo, "/plan/publicera")).status_code == 303


def child_said(db, demo, *, rating=2, words="Jag var rädd i fredags.", picture=None, talk=False,
               client_id="elsa-checkin-0001"):  # fmt: skip
    checkin_id = checkins.save_checkin(
        db, family_id=demo["family_id"], person_id=person(demo, "Elsa")["id"],
        client_id=client_id, rating=rating, words=words, shared=False, rules={},
        version_id=None, wants_to_talk=talk,
    )[0]  # fmt: skip
    if picture:
        db.execute("UPDATE checkins SET picture = ? WHERE id = ?", [picture, checkin_id])
    return checkin_id


def child_added(db, demo, *, house="worries", picture="thunder-cloud-and-rain",
                words="När det är bråk.", client_id="elsa-addition-0001"):  # fmt: skip
    return (
        db["child_additions"]
        .insert(
            {
                "family_id": demo["family_id"],
                "person_id": person(demo, "Elsa")["id"],
                "client_id": client_id,
                "house": house,
                "picture": picture,
                "words": words,
                "created_at": timestamp(),
            }
        )  # fmt: skip
        .last_pk
    )


def parent_pages(client, demo) -> dict[str, str]:
    """Every page a parent reads, without what changes on each load (the form tokens and ids)."""
    family = demo["family_id"]
    danger = next(i["id"] for i in demo["items"] if i["kind"] == "danger")
    pages = {}
    for path in ("/plan", "/historik", "/hur-gar-det", f"/oro/{danger}"):
        response = client.get(f"/familj/{family}{path}")
        assert response.status_code == 200, path
        html = text_of(response)
        html = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)
        html = re.sub(r'name="client_id" type="hidden" value="[^"]+"', "", html)
        html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
        pages[path] = html
    return pages


# --- The child's parts of the plan ---------------------------------------------------------


def test_the_worker_writes_each_child_part_and_the_child_reads_it_after_publishing(
    app, worker, demo, db
):
    parent = reader(app, demo, "Sara")
    assert post(worker, staff_url(demo, "/plan/utkast")).status_code == 303
    editor = text_of(worker.get(staff_url(demo, "/plan")))
    for part in ("Three houses", "The safe home", "Words and pictures"):
        assert part in editor
    for part in ("three_houses", "safety_house", "words_pictures"):
        assert staff_url(demo, f"/plan/ny/{part}") in editor
    write_the_childs_parts(worker, demo)

    child_plan = plans.published_plan(db, demo["family_id"], visibilities("child"))
    ours = (WORRY, GRANDMOTHER, ROOF_RULE, FIRST_PAGE, SECOND_PAGE)  # the demo may have more
    child_items = [
        (i.kind, i.child_text, i.picture)
        for i in child_plan.items
        if i.section == "child" and i.child_text in ours
    ]
    assert child_items == [
        ("house_worries", WORRY, "worried-face"),
        ("safety_person", GRANDMOTHER, "old-woman"),
        ("safety_rule", ROOF_RULE, "no-entry"),
        ("story_page", FIRST_PAGE, "house"),
        ("story_page", SECOND_PAGE, "old-woman"),
    ]
    editor = text_of(worker.get(staff_url(demo, "/plan")))
    for words in (WORRY, GRANDMOTHER, ROOF_RULE, FIRST_PAGE, SECOND_PAGE):
        assert words in editor
    # The parents' plan page is the adults' plan: the child's parts are on the child's pages.
    page = text_of(parent.get(f"/familj/{demo['family_id']}/plan"))
    for words in (WORRY, GRANDMOTHER, ROOF_RULE, FIRST_PAGE, SECOND_PAGE):
        assert words not in page
    assert '<section class="changes"' not in page  # nor in "what is new in the plan"


def test_a_child_part_item_is_for_everyone_unless_the_worker_says_otherwise(worker, demo):
    page = text_of(worker.get(staff_url(demo, "/plan/ny/three_houses")))
    assert re.search(
        r'<input[^>]*checked[^>]*value="everyone"|<input[^>]*value="everyone"[^>]*checked', page
    )
    assert "A child sees only what is for everyone." in page
    # The kind radio says which house.
    for house in ("The house of worries", "The house of good things", "The house of dreams"):
        assert house in page


def test_the_childs_words_are_required_and_checked_at_the_childrens_target(worker, demo, db):
    response = post(worker, staff_url(demo, "/plan/ny/words_pictures"),
                    {"action": "save", "kind": "story_page", "child_text": "", "picture": "",
                     "visibility": "everyone"})  # fmt: skip
    assert response.status_code == 400
    assert "Write the words for the child." in text_of(response)
    assert plans.open_draft(db, demo["family_id"]) is None
    # The check on the child's words aims at the children's target, also when a word is missing.
    page = text_of(post(worker, staff_url(demo, "/plan/ny/words_pictures"),
                        {"action": "search", "kind": "story_page", "q": "hus",
                         "child_text": "Johan dricker inte alkohol när Elsa är hemma.",
                         "visibility": "everyone"}))  # fmt: skip
    assert "Aim for 30 or lower" in page
    assert page.index('name="child_text"') < page.index('name="text"')  # the child's words first


def test_story_pages_keep_their_order_and_can_be_moved(worker, demo, db):
    write_the_childs_parts(worker, demo)
    assert post(worker, staff_url(demo, "/plan/utkast")).status_code == 303
    draft = plans.open_draft(db, demo["family_id"])
    second = next(
        i
        for i in plans.plan_version(db, draft, visibilities("worker")).items
        if i.child_text == SECOND_PAGE
    )
    moved = post(worker, staff_url(demo, f"/plan/punkt/{second.key}/flytta"), {"direction": "up"})
    assert moved.status_code == 303
    pages = plans.plan_version(db, draft, visibilities("worker")).of_kind("story_page")
    ours = [p.child_text for p in pages if p.child_text in (FIRST_PAGE, SECOND_PAGE)]
    assert ours == [SECOND_PAGE, FIRST_PAGE]
    # Only among the story's pages: the other child items stay where they were.
    everything = plans.plan_version(db, draft, visibilities("worker")).of_kind(
        *plans.KINDS["child"]
    )
    ours = [i.child_text for i in everything if i.child_text in (WORRY, GRANDMOTHER, ROOF_RULE)]
    assert ours == [WORRY, GRANDMOTHER, ROOF_RULE]


def test_the_print_for_everyone_lists_the_childs_parts_the_parents_print_does_not(worker, demo):
    write_the_childs_parts(worker, demo)
    for_everyone = text_of(worker.get(staff_url(demo, "/utskrift?for=everyone")))
    assert "For the children" in for_everyone
    for words in (WORRY, GRANDMOTHER, ROOF_RULE, FIRST_PAGE, SECOND_PAGE):
        assert words in for_everyone
    for_parents = text_of(worker.get(staff_url(demo, "/utskrift?for=parents")))
    assert WORRY not in for_parents and FIRST_PAGE not in for_parents


# --- The child's answers in the follow view -----------------------------------------------


def test_the_follow_view_shows_each_childs_answer_marked_as_the_childs(worker, demo, db):
    child_said(db, demo, rating=2, words="Jag var rädd i fredags.", picture="crying-face")
    child_said(db, demo, rating=None, words="", talk=True, client_id="elsa-talk-00000001")
    child_added(db, demo)
    html = text_of(worker.get(staff_url(demo, "/folj")))
    answers = html[html.index('id="barnet"') :]
    answers = answers[: answers.index("</section>")]
    assert "Jag var rädd i fredags." in answers
    assert shows_picture(answers, "crying-face")  # the child's own picture
    assert shows_picture(answers, "disappointed-face")  # the face of 2 on the scale
    assert "När det är bråk." in answers and shows_picture(answers, "thunder-cloud-and-rain")
    assert "The house of worries" in answers
    assert "Wants to talk to someone" in answers
    assert answers.count("Elsa, child") >= 3
    assert "The family does not see this." in answers
    # In the chart the child's line says it is a child's.
    assert "Elsa (child)" in html


def test_before_sharing_the_parents_see_nothing_the_child_answered(app, worker, demo, db):
    sara = reader(app, demo, "Sara")
    before = parent_pages(sara, demo)
    child_said(db, demo, rating=2, words="Jag var rädd i fredags.", picture="crying-face")
    child_said(db, demo, rating=None, words="", talk=True, client_id="elsa-talk-00000001")
    child_added(db, demo)
    after = parent_pages(sara, demo)
    for path, page in before.items():
        assert after[path].splitlines() == page.splitlines(), path
    network = reader(app, demo, "Farmor Britt")
    history = text_of(network.get(f"/familj/{demo['family_id']}/historik"))
    assert "Jag var rädd" not in history and "Elsa" not in history


def share_page(worker, demo, what, which):
    return worker.get(staff_url(demo, f"/folj/dela/{what}/{which}"))


def test_the_worker_shares_the_rating_and_then_only_the_parents_see_it(app, worker, demo, db):
    rating = child_said(db, demo, rating=2, words="Jag var rädd i fredags.")
    talk = child_said(db, demo, rating=None, words="", talk=True, client_id="elsa-talk-00000001")
    confirm = share_page(worker, demo, "avstamning", rating)
    assert confirm.status_code == 200
    assert "Share with the parents" in text_of(confirm)
    assert "Jag var rädd i fredags." in text_of(confirm)
    shared = post(worker, staff_url(demo, f"/folj/dela/avstamning/{rating}"))
    assert shared.status_code == 303

    sara = reader(app, demo, "Sara")
    history = text_of(sara.get(f"/familj/{demo['family_id']}/historik"))
    assert "Jag var rädd i fredags." in history
    assert "Elsa (child)" in history  # in the chart and the table, as the child's
    assert "<td>2</td>" in history
    britt = reader(app, demo, "Farmor Britt")
    assert "Jag var rädd" not in text_of(britt.get(f"/familj/{demo['family_id']}/historik"))
    # Only what was shared: the press of "Jag vill prata med någon" stays the worker's.
    seen = checkins.visible_checkins(
        db, demo["family_id"], viewer_id=person(demo, "Sara")["id"], viewer_role="parent"
    )
    assert talk not in [c.id for c in seen] and rating in [c.id for c in seen]

    changes = audit.rows(db, family_id=demo["family_id"], action="change")
    assert ("worker.share_child_answer", f"avstamning/{rating}", "ok") in [
        (r["object_type"], r["object_id"], r["outcome"]) for r in changes
    ]
    follow = text_of(worker.get(staff_url(demo, "/folj")))
    assert "Shared with the parents" in follow


def test_a_shared_house_addition_shows_on_the_parents_history(app, worker, demo, db):
    addition = child_added(db, demo)
    assert post(worker, staff_url(demo, f"/folj/dela/hus/{addition}")).status_code == 303
    sara = reader(app, demo, "Sara")
    history = text_of(sara.get(f"/familj/{demo['family_id']}/historik"))
    assert "What Elsa wants you to see" in history
    assert "När det är bråk." in history and shows_picture(history, "thunder-cloud-and-rain")
    britt = reader(app, demo, "Farmor Britt")
    assert "När det är bråk." not in text_of(britt.get(f"/familj/{demo['family_id']}/historik"))
    row = db["child_additions"].get(addition)
    anna = db.execute(
        "SELECT id FROM workers WHERE email = ?", [demo["workers"][0]["email"]]
    ).fetchone()[0]
    assert row["shared_by_worker"] == anna and row["shared_at"]


def test_only_a_childs_answer_of_this_family_can_be_shared(worker, demo, other_demo, db):
    adult = checkins.save_checkin(
        db, family_id=demo["family_id"], person_id=person(demo, "Sara")["id"],
        client_id="sara-checkin-00001", rating=5, words="", shared=False, rules={},
        version_id=None,
    )[0]  # fmt: skip
    other_child = child_said(db, other_demo, client_id="other-elsa-0000001")
    other_addition = child_added(db, other_demo, client_id="other-elsa-add-001")
    for what, which in (("avstamning", adult), ("avstamning", other_child),
                        ("hus", other_addition), ("hus", 999999), ("nagot", 1)):  # fmt: skip
        assert post(worker, staff_url(demo, f"/folj/dela/{what}/{which}")).status_code == 404
    assert (
        db.execute("SELECT COUNT(*) FROM checkins WHERE shared_by_worker IS NOT NULL").fetchone()[0]
        == 0
    )
    assert (
        db.execute(
            "SELECT COUNT(*) FROM child_additions WHERE shared_by_worker IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


def test_sharing_needs_the_form_token(worker, demo, db):
    rating = child_said(db, demo)
    response = worker.post(staff_url(demo, f"/folj/dela/avstamning/{rating}"), data={})
    assert response.status_code == 400
    assert (
        db.execute("SELECT shared_by_worker FROM checkins WHERE id = ?", [rating]).fetchone()[0]
        is None
    )


def test_changing_a_childs_item_keeps_its_part_and_its_note_for_the_adults(worker, demo, db):
    assert post(worker, staff_url(demo, "/plan/utkast")).status_code == 303
    draft = plans.open_draft(db, demo["family_id"])
    rule = plans.plan_version(db, draft, visibilities("worker")).of_kind("safety_rule")[0]
    form = text_of(worker.get(staff_url(demo, f"/plan/punkt/{rule.key}")))
    assert "The safe home" in form and rule.child_text in form and rule.text in form
    fields = {"action": "save", "kind": "safety_rule", "child_text": ROOF_RULE,
              "text": rule.text, "picture": "no-entry", "visibility": "everyone"}  # fmt: skip
    changed = post(worker, staff_url(demo, f"/plan/punkt/{rule.key}"), fields)
    assert changed.status_code == 303
    after = plans.get_item(db, draft, rule.key)
    assert (after.section, after.child_text, after.text) == ("child", ROOF_RULE, rule.text)
