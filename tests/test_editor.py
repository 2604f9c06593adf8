"""The social worker writes the plan in a draft, checks the words, picks pictures and publishes a
new version; the family then sees what changed, each person only what they may read."""

import re

import pytest
from conftest import csrf_token, person, sign_in_worker

from familjeapp.store import audit, families, plans

JARGON = (
    "Vårdnadshavarna ska tillse att barnets grundläggande omsorg ombesörjs i enlighet med "
    "upprättad överenskommelse avseende föräldraförmågan."
)
PLAIN = "Johan dricker inte alkohol när Elsa är hemma."  # LIX 33: fine for adults, not a child


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    return client


def plan_url(demo, rest=""):
    return f"/personal/familj/{demo['family_id']}/plan{rest}"


def token(client) -> str:
    if not hasattr(client, "token"):
        client.token = csrf_token(client.get("/personal/"))
    return client.token


def post(client, url, data=None, *, htmx=False):
    headers = {"HX-Request": "true", "X-CSRFToken": token(client)} if htmx else {}
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, headers=headers)


def item(demo, kind):
    return next(i for i in demo["items"] if i["kind"] == kind)


def new_worry(**changes):
    return {
        "action": "save",
        "kind": "danger",
        "text": "Vi är oroliga att Elsa är ensam hemma på kvällarna.",
        "child_text": "",
        "picture": "",
        "visibility": "everyone",
        **changes,
    }


def publish(client, demo):
    response = post(client, plan_url(demo, "/publicera"))
    assert response.status_code == 303, response.status_code
    return response


def text_of(response) -> str:
    return response.get_data(as_text=True)


def changes_section(page: str) -> str:
    """The "what changed" box of the family's plan page, or "" when there is none."""
    match = re.search(r'<section class="changes".*?</section>', page, re.S)
    return match.group(0) if match else ""


# --- Writing in plain language ------------------------------------------------------------


def test_authority_language_is_flagged_with_plain_alternatives_while_writing(worker):
    response = post(worker, "/personal/klarsprak", {"text": JARGON}, htmx=True)
    assert response.status_code == 200
    fragment = text_of(response)
    assert "<html" not in fragment and "check--over" in fragment
    assert "LIX 75" in fragment
    for word, plain in (("ombesörjs", "se till"), ("Vårdnadshavarna", "förälder")):
        assert re.search(rf"{word}</span>.*?{plain}", fragment, re.S), word
    assert "föräldraförmågan" in fragment  # a word longer than 14 letters


def test_a_childs_text_is_held_to_the_lower_target(worker):
    as_adult = text_of(post(worker, "/personal/klarsprak", {"text": PLAIN}, htmx=True))
    as_child = text_of(post(worker, "/personal/klarsprak", {"child_text": PLAIN}, htmx=True))
    assert "LIX 33" in as_adult and "check--over" not in as_adult
    assert "LIX 33" in as_child and "check--over" in as_child


def test_the_text_fields_check_themselves_live_and_announce_it(worker, demo):
    page = text_of(worker.get(plan_url(demo, "/ny/worries")))
    for name, region in (("text", "text-check"), ("child_text", "child-text-check")):
        field = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'hx-post="/personal/klarsprak"' in field
        assert 'hx-trigger="input changed delay:600ms"' in field
        assert f'hx-target="#{region}"' in field and f'hx-params="{name}"' in field
        assert f'id="{region}" class="language-check" aria-live="polite"' in page


def test_without_javascript_the_check_shows_after_saving(worker, demo, db):
    assert post(worker, plan_url(demo, "/utkast")).status_code == 303
    saved = post(worker, plan_url(demo, "/ny/worries"), new_worry(text=JARGON))
    assert saved.status_code == 303 and "#punkt-" in saved.location
    page = text_of(worker.get(plan_url(demo)))
    assert JARGON in page and "LIX 75" in page and "se till" in page
    # The form itself also shows it, e.g. when the worker comes back to the item.
    key = saved.location.split("#punkt-")[1]
    form = text_of(worker.get(plan_url(demo, f"/punkt/{key}")))
    assert 'id="text-check"' in form and "LIX 75" in form


def test_a_check_never_blocks_saving(worker, demo, db):
    saved = post(worker, plan_url(demo, "/ny/worries"), new_worry(text=JARGON))
    assert saved.status_code == 303
    draft = plans.open_draft(db, demo["family_id"])
    assert JARGON in {
        i.text for i in plans.plan_version(db, draft, frozenset(plans.VISIBILITIES)).items
    }


# --- Drafts and versions -------------------------------------------------------------------


def test_looking_at_the_editor_makes_no_draft(worker, demo, db):
    page = worker.get(plan_url(demo))
    assert page.status_code == 200
    assert plans.open_draft(db, demo["family_id"]) is None
    assert f'action="/personal/familj/{demo["family_id"]}/plan/utkast"' in text_of(page)
    assert item(demo, "danger")["text"] in text_of(page)  # what the family sees now, read only


def test_a_draft_copies_the_plan_and_keeps_every_key(worker, demo, db):
    assert post(worker, plan_url(demo, "/utkast")).status_code == 303
    family = demo["family_id"]
    everything = frozenset(plans.VISIBILITIES)
    published = plans.published_plan(db, family, everything)
    draft = plans.plan_version(db, plans.open_draft(db, family), everything)
    assert draft.number == published.number + 1
    assert [(i.key, i.text) for i in draft.items] == [(i.key, i.text) for i in published.items]
    assert [c.key for c in draft.commitments] == [c.key for c in published.commitments]
    assert [(e.kind, e.happens_on) for e in draft.events] == [
        (e.kind, e.happens_on) for e in published.events
    ]
    assert (draft.scale_question, draft.scale_low) == (
        published.scale_question,
        published.scale_low,
    )
    # Pressing again finds the same draft.
    post(worker, plan_url(demo, "/utkast"))
    assert len(plans.versions(db, family)) == 2


def test_a_parents_view_on_a_worry_follows_into_the_new_version(worker, parent, demo):
    danger = item(demo, "danger")
    answered = parent.post(
        f"/familj/{demo['family_id']}/oro/{danger['id']}",
        data={
            "csrf_token": csrf_token(parent.get(parent.plan_url)),
            "view": "partly",
            "words": "Det har bara hänt en gång.",
        },
    )
    assert answered.status_code == 303
    post(
        worker,
        plan_url(demo, "/ny/working"),
        {
            "action": "save",
            "kind": "strength",
            "text": "Johan har börjat på samtal.",
            "visibility": "everyone",
        },
    )
    publish(worker, demo)
    page = text_of(parent.get(parent.plan_url))
    assert "Johan har börjat på samtal." in page
    assert "Det har bara hänt en gång." in page


def test_a_parents_only_item_shows_as_new_to_a_parent_but_not_to_the_network(
    worker, parent, grandmother, demo
):
    post(
        worker,
        plan_url(demo, "/ny/worries"),
        new_worry(
            kind="complicating",
            text="Sara och Johan har skulder.",
            visibility="parents",
        ),
    )
    post(
        worker,
        plan_url(demo, "/ny/needs"),
        new_worry(
            kind="next_step",
            text="Anna ringer BUP om en remiss.",
            visibility="worker",
        ),
    )
    publish(worker, demo)
    seen_by_parent = changes_section(text_of(parent.get(parent.plan_url)))
    assert "Sara och Johan har skulder." in seen_by_parent
    assert "Anna ringer BUP" not in seen_by_parent
    network_page = text_of(grandmother.get(grandmother.plan_url))
    assert changes_section(network_page) == ""  # nothing changed that she may read
    assert "skulder" not in network_page and "BUP" not in network_page


def test_what_changed_shows_new_changed_and_removed_items(worker, parent, grandmother, demo):
    strength = item(demo, "strength")
    harm = item(demo, "harm")  # for adults
    edited = post(
        worker,
        plan_url(demo, f"/punkt/{strength['id']}"),
        {
            "action": "save",
            "kind": "strength",
            "text": "Elsa går till skolan och har två bästa vänner.",
            "child_text": "",
            "picture": "school",
            "visibility": "everyone",
        },
    )
    assert edited.status_code == 303
    assert post(worker, plan_url(demo, f"/punkt/{harm['id']}/ta-bort")).status_code == 303
    post(
        worker, plan_url(demo, "/ny/working"), new_worry(kind="strength", text="Farmor lagar mat.")
    )
    publish(worker, demo)
    box = changes_section(text_of(grandmother.get(grandmother.plan_url)))
    for kind, text in (
        ("added", "Farmor lagar mat."),
        ("changed", "Elsa går till skolan och har två bästa vänner."),
        ("removed", harm["text"]),
    ):
        assert f'<li class="changes__item changes__item--{kind}">{text}</li>' in box, kind
    assert "changes__item--removed" in changes_section(text_of(parent.get(parent.plan_url)))


def test_no_changes_box_before_a_second_version(parent):
    assert changes_section(text_of(parent.get(parent.plan_url))) == ""


def test_worker_moves_an_item_within_its_list(worker, demo, db):
    strengths = [i["id"] for i in demo["items"] if i["kind"] == "strength"]
    moved = post(worker, plan_url(demo, f"/punkt/{strengths[2]}/flytta"), {"direction": "up"})
    assert moved.status_code == 303
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), frozenset({"everyone"}))
    assert [i.key for i in draft.of_kind("strength")] == [strengths[0], strengths[2], strengths[1]]
    post(worker, plan_url(demo, f"/punkt/{strengths[0]}/flytta"), {"direction": "up"})  # first
    assert (
        post(
            worker, plan_url(demo, f"/punkt/{strengths[0]}/flytta"), {"direction": "sideways"}
        ).status_code
        == 400
    )
    draft = plans.plan_version(db, draft.version_id, frozenset({"everyone"}))
    assert [i.key for i in draft.of_kind("strength")] == [strengths[0], strengths[2], strengths[1]]


def test_removing_a_rule_takes_its_promises_with_it_in_the_draft_only(worker, demo, db):
    rule = next(i for i in demo["items"] if i["kind"] == "rule" and "hämtar" in i["text"])
    post(worker, plan_url(demo, f"/punkt/{rule['id']}/ta-bort"))
    everything = frozenset(plans.VISIBILITIES)
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), everything)
    assert rule["id"] not in {i.key for i in draft.items}
    assert draft.commitments_for(rule["id"]) == []
    assert plans.published_plan(db, demo["family_id"], everything).commitments_for(rule["id"])


def test_worker_adds_a_promise_a_date_and_the_scales_words(worker, grandmother, demo, db):
    rule = next(i for i in demo["items"] if i["kind"] == "rule" and i["visibility"] == "everyone")
    britt = person(demo, "Farmor Britt")["id"]
    form = worker.get(plan_url(demo, f"/punkt/{rule['id']}/lofte"))
    assert form.status_code == 200 and f'value="{britt}"' in text_of(form)
    assert f'value="{person(demo, "Elsa")["id"]}"' not in text_of(form)  # not a child
    promised = post(
        worker,
        plan_url(demo, f"/punkt/{rule['id']}/lofte"),
        {
            "person": britt,
            "text": "Jag sover hos familjen vecka 12 till 14.",
            "starts_on": "2026-03-16",
            "ends_on": "2026-04-05",
        },
    )
    assert promised.status_code == 303
    dated = post(
        worker,
        plan_url(demo, "/tidsram/ny"),
        {
            "kind": "network_meeting",
            "happens_on": "2026-05-04",
            "title": "Möte hos farmor",
        },
    )
    assert dated.status_code == 303
    scaled = post(
        worker,
        plan_url(demo, "/skala"),
        {
            "question": "Hur trygg är Elsa hemma i dag?",
            "low": "Elsa kan inte bo hemma.",
            "high": "Elsa är trygg hemma.",
        },
    )
    assert scaled.status_code == 303
    publish(worker, demo)
    page = text_of(grandmother.get(grandmother.plan_url))
    for words in (
        "Jag sover hos familjen vecka 12 till 14.",
        "Möte hos farmor",
        "Hur trygg är Elsa hemma i dag?",
    ):
        assert words in page


def test_worker_removes_a_promise_and_a_date(worker, demo, db):
    post(worker, plan_url(demo, "/utkast"))
    everything = frozenset(plans.VISIBILITIES)
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), everything)
    promise, event = draft.commitments[0], draft.events[0]
    assert post(worker, plan_url(demo, f"/lofte/{promise.key}/ta-bort")).status_code == 303
    assert post(worker, plan_url(demo, f"/tidsram/{event.id}/ta-bort")).status_code == 303
    draft = plans.plan_version(db, draft.version_id, everything)
    assert promise.key not in {c.key for c in draft.commitments}
    assert event.id not in {e.id for e in draft.events}
    # Dates of the published version are not the draft's: nothing there to remove.
    published = plans.published_plan(db, demo["family_id"], everything)
    assert (
        post(worker, plan_url(demo, f"/tidsram/{published.events[0].id}/ta-bort")).status_code
        == 404
    )


def test_a_family_without_a_plan_gets_its_first_version(worker, demo, db):
    team = db.execute("SELECT team_id FROM families WHERE id = ?", [demo["family_id"]]).fetchone()[
        0
    ]
    family = families.create_family(db, team_id=team, name="Familjen Ny", worker_id=None)
    url = f"/personal/familj/{family}/plan"
    assert worker.get(url).status_code == 200
    assert post(worker, f"{url}/utkast").status_code == 303
    post(worker, f"{url}/ny/working", new_worry(kind="strength", text="Alla vill att det går bra."))
    assert post(worker, f"{url}/publicera").status_code == 303
    plan = plans.published_plan(db, family, frozenset({"everyone"}))
    assert plan.number == 1 and [i.text for i in plan.items] == ["Alla vill att det går bra."]


# --- Published versions are history --------------------------------------------------------


def test_a_published_version_cannot_be_changed(worker, demo, db):
    family = demo["family_id"]
    published = plans.published_plan(db, family, frozenset(plans.VISIBILITIES))
    key = published.items[0].key
    with pytest.raises(plans.NotADraft):
        plans.update_item(
            db, published.version_id, key, kind="strength", text="x", visibility="everyone"
        )
    with pytest.raises(plans.NotADraft):
        plans.remove_item(db, published.version_id, key)
    with pytest.raises(plans.NotADraft):
        plans.add_item(
            db,
            published.version_id,
            section="working",
            kind="strength",
            text="x",
            visibility="everyone",
        )
    with pytest.raises(plans.NotADraft):
        plans.publish(db, published.version_id)
    assert (
        worker.post(plan_url(demo, "/versioner/1"), data={"csrf_token": token(worker)}).status_code
        == 405
    )
    # An edit through the editor goes to a new draft; version 1 stays as the family read it.
    post(worker, plan_url(demo, f"/punkt/{key}"), new_worry(kind="strength", text="Nytt."))
    assert (
        plans.plan_version(db, published.version_id, frozenset(plans.VISIBILITIES)).items[0].text
        == published.items[0].text
    )


def test_publishing_twice_makes_one_version(worker, demo, db):
    post(worker, plan_url(demo, "/utkast"))
    publish(worker, demo)
    again = publish(worker, demo)
    assert "publicerad=2" in again.location
    assert [v.number for v in plans.versions(db, demo["family_id"])] == [2, 1]


def test_earlier_versions_stay_readable(worker, demo, db):
    strength = item(demo, "strength")
    post(
        worker,
        plan_url(demo, f"/punkt/{strength['id']}"),
        new_worry(kind="strength", text="Elsa har en ny kompis."),
    )
    publish(worker, demo)
    listing = text_of(worker.get(plan_url(demo, "/versioner")))
    assert plan_url(demo, "/versioner/1") in listing and plan_url(demo, "/versioner/2") in listing
    first = worker.get(plan_url(demo, "/versioner/1"))
    assert first.status_code == 200
    assert strength["text"] in text_of(first) and "Elsa har en ny kompis." not in text_of(first)
    assert item(demo, "next_step")["text"] in text_of(first)  # every visibility, for the worker
    assert "<form" not in text_of(first).split('id="main"')[1].split("</main>")[0]
    assert "Elsa har en ny kompis." in text_of(worker.get(plan_url(demo, "/versioner/2")))
    assert worker.get(plan_url(demo, "/versioner/3")).status_code == 404


# --- Bad input: 4xx, never 500, and what was typed stays -----------------------------------

TYPED = "Det här skrev jag <script>alert(1)</script> och vill inte skriva om."


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "rule"},  # not a kind of worry
        {"kind": "nonsense"},
        {"visibility": "alla"},
        {"visibility": ""},
        {"picture": "no-such-picture"},
        {"picture": "../../../etc/passwd"},
        {"child_text": "x" * 2001},
    ],
)
def test_bad_item_input_is_refused_and_what_was_typed_stays(worker, demo, db, changes):
    response = post(worker, plan_url(demo, "/ny/worries"), new_worry(text=TYPED, **changes))
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "Det här skrev jag &lt;script&gt;alert(1)&lt;/script&gt; och vill inte skriva om." in page
    )
    assert "<script>alert(1)" not in page
    assert 'class="error-summary"' in page
    assert plans.open_draft(db, demo["family_id"]) is None


def test_too_long_or_missing_text_is_refused(worker, demo):
    too_long = "Ord " * 501
    response = post(
        worker, plan_url(demo, "/ny/working"), new_worry(kind="strength", text=too_long)
    )
    assert response.status_code == 400 and too_long.strip() in text_of(response)
    empty = post(worker, plan_url(demo, "/ny/working"), new_worry(kind="strength", text="  "))
    assert empty.status_code == 400


def test_another_familys_item_is_not_found(worker, demo, other_demo):
    foreign = item(other_demo, "danger")["id"]
    assert worker.get(plan_url(demo, f"/punkt/{foreign}")).status_code == 404
    for path in (
        f"/punkt/{foreign}",
        f"/punkt/{foreign}/ta-bort",
        f"/punkt/{foreign}/flytta",
        f"/punkt/{foreign}/lofte",
    ):
        assert post(worker, plan_url(demo, path), new_worry(direction="up")).status_code == 404
    assert worker.get(plan_url(demo, "/ny/child")).status_code == 404
    assert worker.get(plan_url(demo, "/ny/nowhere")).status_code == 404


def test_a_promise_must_end_after_it_starts_and_be_someone_of_the_family(worker, demo, other_demo):
    rule = item(demo, "rule")["id"]
    url = plan_url(demo, f"/punkt/{rule}/lofte")
    backwards = post(
        worker,
        url,
        {
            "person": person(demo, "Morbror Karim")["id"],
            "text": TYPED,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert backwards.status_code == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text_of(backwards)
    assert 'value="2026-05-01"' in text_of(backwards)
    stranger = post(worker, url, {"person": person(other_demo, "Farmor Britt")["id"], "text": "x"})
    assert stranger.status_code == 400
    for nobody in ("", "abc"):
        assert post(worker, url, {"person": nobody, "text": "x"}).status_code == 400
    bad_date = post(
        worker, url, {"person": person(demo, "Sara")["id"], "text": "x", "starts_on": "12 mars"}
    )
    assert bad_date.status_code == 400
    warning_sign = item(demo, "warning_sign")["id"]
    assert worker.get(plan_url(demo, f"/punkt/{warning_sign}/lofte")).status_code == 404


def test_bad_dates_and_scale_words_are_refused(worker, demo):
    event = post(
        worker,
        plan_url(demo, "/tidsram/ny"),
        {"kind": "network_meeting", "happens_on": "2026-02-31", "title": TYPED},
    )
    assert event.status_code == 400 and "&lt;script&gt;" in text_of(event)
    kind = post(
        worker, plan_url(demo, "/tidsram/ny"), {"kind": "party", "happens_on": "2026-02-20"}
    )
    assert kind.status_code == 400
    scale = post(
        worker, plan_url(demo, "/skala"), {"question": TYPED, "low": "", "high": "x" * 301}
    )
    assert scale.status_code == 400 and "&lt;script&gt;" in text_of(scale)


# --- Pictures --------------------------------------------------------------------------------


def test_picture_search_with_htmx_gives_pictures_to_choose(worker):
    response = worker.get("/personal/bilder?q=tand", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = text_of(response)
    assert "<html" not in fragment
    assert 'type="radio" id="picture-toothbrush" name="picture" value="toothbrush"' in fragment
    assert re.search(r'<img src="/static/pictures/toothbrush\.\w+\.svg" alt="tandborste"', fragment)
    chosen = text_of(
        worker.get("/personal/bilder?q=hus&picture=toothbrush", headers={"HX-Request": "true"})
    )
    assert 'value="toothbrush" checked' in chosen  # what was chosen stays chosen
    assert worker.get("/personal/bilder?q=" + "å" * 5000).status_code == 200


def test_the_item_form_searches_for_pictures_without_javascript(worker, demo, db):
    form = text_of(worker.get(plan_url(demo, "/ny/rules")))
    assert 'hx-get="/personal/bilder"' in form and 'name="action" value="search"' in form
    searched = post(
        worker,
        plan_url(demo, "/ny/rules"),
        new_worry(action="search", q="tand", kind="rule", text=TYPED, responsible="Sara"),
    )
    assert searched.status_code == 200
    page = text_of(searched)
    assert re.search(r'<img src="/static/pictures/toothbrush\.\w+\.svg" alt="tandborste"', page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and 'value="Sara"' in page
    assert plans.open_draft(db, demo["family_id"]) is None  # a search saves nothing
    saved = post(
        worker,
        plan_url(demo, "/ny/rules"),
        new_worry(
            kind="rule",
            text="Elsa borstar tänderna varje kväll.",
            picture="toothbrush",
            responsible="Sara",
            when_text="Varje kväll",
            how_we_know="Elsa berättar.",
        ),
    )
    assert saved.status_code == 303
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), frozenset({"everyone"}))
    rule = next(i for i in draft.items if i.text == "Elsa borstar tänderna varje kväll.")
    assert (rule.picture, rule.responsible, rule.when_text) == ("toothbrush", "Sara", "Varje kväll")


# --- Who may use the editor -----------------------------------------------------------------


def editor_urls(demo, db):
    danger = item(demo, "danger")["id"]
    rule = item(demo, "rule")["id"]
    promise = db.execute("SELECT commitment_key FROM commitments LIMIT 1").fetchone()[0]
    gets = [
        "",
        "/ny/worries",
        f"/punkt/{danger}",
        f"/punkt/{rule}/lofte",
        "/skala",
        "/tidsram/ny",
        "/versioner",
        "/versioner/1",
    ]
    posts = [
        "/utkast",
        "/publicera",
        "/ny/worries",
        f"/punkt/{danger}",
        f"/punkt/{danger}/ta-bort",
        f"/punkt/{danger}/flytta",
        f"/punkt/{rule}/lofte",
        f"/lofte/{promise}/ta-bort",
        "/skala",
        "/tidsram/ny",
        "/tidsram/1/ta-bort",
    ]
    return gets, posts


def test_another_teams_worker_finds_no_editor_page(app, demo, db):
    other = app.test_client()
    sign_in_worker(other, demo["workers"][1])
    gets, posts = editor_urls(demo, db)
    for path in gets:
        assert other.get(plan_url(demo, path)).status_code == 404, path
    for path in posts:
        assert post(other, plan_url(demo, path), new_worry(direction="up")).status_code == 404, path
    assert plans.open_draft(db, demo["family_id"]) is None
    denied = audit.rows(db, family_id=demo["family_id"], action="access_denied")
    assert len(denied) == len(gets) + len(posts)


def test_the_family_and_strangers_are_sent_to_sign_in(app, parent, demo, db):
    gets, _posts = editor_urls(demo, db)
    anonymous = app.test_client()
    for client in (anonymous, parent):
        for path in gets:
            response = client.get(plan_url(demo, path))
            assert response.status_code == 302 and "/personal/logga-in" in response.location
        assert client.get("/personal/bilder?q=tand").status_code == 302
        assert client.get("/personal/klarsprak").status_code == 302


def test_every_editor_read_and_change_is_audited_without_content(worker, demo, db):
    worker.get(plan_url(demo))
    post(worker, plan_url(demo, "/ny/working"), new_worry(kind="strength", text="Hemligt ord."))
    rows = audit.rows(db, family_id=demo["family_id"])
    assert ("read", "worker.plan_editor") in {(r["action"], r["object_type"]) for r in rows}
    assert ("change", "worker.plan_new_item") in {(r["action"], r["object_type"]) for r in rows}
    assert "Hemligt" not in str(rows)


# --- Found by use (issue #7) -------------------------------------------------------------------


def hidden_kind(page: str) -> str:
    """What the form sends as the item's kind when its part of the plan has only one kind."""
    match = re.search(r'<input type="hidden" name="kind" value="([^"]*)">', page)
    assert match, "the form has no hidden kind"
    return match.group(1)


def test_worker_adds_and_changes_a_strength_with_the_form_as_the_page_gives_it(worker, demo, db):
    form = text_of(worker.get(plan_url(demo, "/ny/working")))
    added = post(
        worker,
        plan_url(demo, "/ny/working"),
        new_worry(kind=hidden_kind(form), text="Elsa sover gott hos farmor."),
    )
    assert added.status_code == 303, "Välj vilken sorts punkt" in text_of(added)
    key = added.location.rsplit("#punkt-", 1)[1]

    form = text_of(worker.get(plan_url(demo, f"/punkt/{key}")))
    changed = post(
        worker,
        plan_url(demo, f"/punkt/{key}"),
        new_worry(kind=hidden_kind(form), text="Elsa sover gott hos farmor varje fredag."),
    )
    assert changed.status_code == 303
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), frozenset({"everyone"}))
    strength = next(i for i in draft.items if i.key == key)
    assert strength.kind == "strength"
    assert strength.text == "Elsa sover gott hos farmor varje fredag."


def test_a_refused_save_is_logged_as_not_done_and_a_saved_one_as_done(worker, demo, db):
    refused = post(worker, plan_url(demo, "/ny/worries"), new_worry(text=""))
    assert refused.status_code == 400
    saved = post(worker, plan_url(demo, "/ny/worries"), new_worry())
    assert saved.status_code == 303
    missing = worker.get(plan_url(demo, "/versioner/99"))
    assert missing.status_code == 404
    rows = audit.rows(db, family_id=demo["family_id"])
    logged = [(r["action"], r["object_type"], r["outcome"]) for r in rows if r["action"] != "read"]
    assert logged == [
        ("change", "worker.plan_new_item", "not_done"),
        ("change", "worker.plan_new_item", "ok"),
    ]
    looked = [r["outcome"] for r in rows if r["object_type"] == "worker.plan_version"]
    assert looked == ["not_done"]


def test_a_search_that_finds_only_the_chosen_picture_does_not_say_none_was_found(worker):
    fragment = text_of(
        worker.get("/personal/bilder?q=skola&picture=school", headers={"HX-Request": "true"})
    )
    assert 'value="school" checked' in fragment
    assert "Ingen bild" not in fragment
    assert "1 bild för ”skola”." in fragment


def test_what_changed_shows_new_and_removed_promises_and_moved_dates(
    worker, parent, grandmother, demo, db
):
    rule = next(i for i in demo["items"] if i["kind"] == "rule" and i["visibility"] == "everyone")
    post(worker, plan_url(demo, "/utkast"))
    everything = frozenset(plans.VISIBILITIES)
    draft = plans.plan_version(db, plans.open_draft(db, demo["family_id"]), everything)
    kept_away = next(c for c in draft.commitments if c.text.startswith("Jag ringer Johan"))
    follow_up = next(e for e in draft.events if e.kind == "follow_up")
    planned_end = next(e for e in draft.events if e.kind == "planned_end")
    promised = post(
        worker,
        plan_url(demo, f"/punkt/{rule['id']}/lofte"),
        {"person": person(demo, "Sara")["id"], "text": "Jag ringer farmor varje söndag.",
         "starts_on": "2026-03-16", "ends_on": "2026-04-05"},
    )  # fmt: skip
    assert promised.status_code == 303
    assert post(worker, plan_url(demo, f"/lofte/{kept_away.key}/ta-bort")).status_code == 303
    assert post(worker, plan_url(demo, "/tidsram/ny"), {
        "kind": "network_meeting", "happens_on": "2026-05-04", "title": "Möte hos farmor",
    }).status_code == 303  # fmt: skip
    # The follow-up is moved: its old date goes and a new one comes, with the same words.
    assert post(worker, plan_url(demo, f"/tidsram/{follow_up.id}/ta-bort")).status_code == 303
    assert post(worker, plan_url(demo, "/tidsram/ny"), {
        "kind": "follow_up", "happens_on": "2026-06-01", "title": follow_up.title,
    }).status_code == 303  # fmt: skip
    assert post(worker, plan_url(demo, f"/tidsram/{planned_end.id}/ta-bort")).status_code == 303

    # The worker sees before publishing what the family will see as new.
    editor = text_of(worker.get(plan_url(demo)))
    summary = editor[editor.index('class="plan-status__changes"') : editor.index("</details>")]
    assert "5 ändringar sedan versionen som familjen ser" in summary
    for words in ("Jag ringer farmor varje söndag.", kept_away.text, "Möte hos farmor",
                  "1 juni", "Planen ska vara klar"):  # fmt: skip
        assert words in summary, words

    publish(worker, demo)
    for reader in (parent, grandmother):
        box = changes_section(text_of(reader.get(reader.plan_url)))
        new = box[box.index("changes__kind--added") : box.index("changes__kind--changed")]
        changed = box[box.index("changes__kind--changed") : box.index("changes__kind--removed")]
        removed = box[box.index("changes__kind--removed") :]
        assert "Sara har lovat:" in new and "Jag ringer farmor varje söndag." in new
        assert "16 mars" in new and "Nätverksmöte" in new and "Möte hos farmor" in new
        assert "Uppföljning" in changed and "1 juni" in changed
        assert "Farmor Britt har lovat:" in removed and kept_away.text in removed
        assert "Planerat slut" in removed
