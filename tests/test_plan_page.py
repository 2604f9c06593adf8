"""A parent reads the family's plan, and says what they think of each worry."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from conftest import at, csrf_token, person, sign_in, signed_in

from familjeapp.demo import add_demo_family
from familjeapp.store import audit, plans


def items(demo, visibility=None, kind=None):
    return [
        i
        for i in demo["items"]
        if (visibility is None or i["visibility"] == visibility)
        and (kind is None or i["kind"] == kind)
    ]


def test_parent_reads_every_part_strengths_first(parent):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    order = ["working", "worries", "needs", "rules", "network", "scale", "timeframe"]
    positions = [page.index(f'id="{section}"') for section in order]
    assert positions == sorted(positions)
    for phrase in ("Anna Berg", 'href="tel:081234567"', "Hur trygg är Elsa hemma just nu?"):
        assert phrase in page
    assert "Elsa kan inte bo hemma nu." in page  # the scale's 0 explained
    assert "Nätverksmöte hos socialtjänsten" in page  # the next network meeting


def test_every_item_has_its_picture(parent, demo):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert page.count('class="picture') >= len(items(demo)) - 1


def adults_items(demo) -> list[dict]:
    """The demo's items for the adults' plan; the child's parts live on the child's pages."""
    return [i for i in demo["items"] if i["kind"] not in plans.KINDS["child"]]


def test_parent_sees_parents_items_but_never_the_workers_own(parent, demo):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    for item in adults_items(demo):
        shown = item["text"] in page
        assert shown == (item["visibility"] != "worker"), item


def test_network_member_sees_only_what_is_shared_with_the_network(grandmother, demo):
    page = grandmother.get(grandmother.plan_url).get_data(as_text=True)
    for item in adults_items(demo):
        assert (item["text"] in page) == (item["visibility"] in ("everyone", "adults")), item


def test_the_childs_parts_are_not_in_the_adults_plan(parent, demo):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    child_items = [i for i in demo["items"] if i["kind"] in plans.KINDS["child"]]
    assert child_items
    for item in child_items:
        assert item["text"] not in page, item


def test_rules_say_who_does_what_and_when_with_the_networks_commitments(parent):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert "Jag hämtar Elsa på skolan på måndagar och onsdagar." in page
    assert "Varje dag klockan 15" in page
    assert "Morbror Karim" in page


def worry_url(client, demo, kind="danger"):
    return client.plan_url.replace("/plan", f"/oro/{items(demo, kind=kind)[0]['id']}")


def test_parent_marks_a_view_with_htmx_and_gets_the_card_back(parent, demo):
    token = csrf_token(parent.get(parent.plan_url))
    response = parent.post(
        worry_url(parent, demo),
        data={"view": "partly", "words": "Det var en gång."},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'id="oro-' in fragment
    assert "Det var en gång." in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_parent_marks_a_view_without_javascript(parent, demo):
    token = csrf_token(parent.get(parent.plan_url))
    response = parent.post(
        worry_url(parent, demo), data={"csrf_token": token, "view": "disagree", "words": ""}
    )
    assert response.status_code == 303
    key = items(demo, kind="danger")[0]["id"]
    assert response.location.endswith(f"/plan?sparat={key}#oro-{key}")
    assert 'value="disagree" checked' in parent.get(parent.plan_url).get_data(as_text=True)


def test_the_other_parent_sees_what_sara_thinks(app, parent, demo):
    token = csrf_token(parent.get(parent.plan_url))
    parent.post(
        worry_url(parent, demo),
        data={"csrf_token": token, "view": "disagree", "words": "Jag ser det annorlunda."},
    )
    johan = app.test_client()
    page = johan.get(sign_in(johan, person(demo, "Johan")["invite_path"])).get_data(as_text=True)
    assert "Jag ser det annorlunda." in page


def test_a_newer_view_replaces_the_older_one(parent, demo, db):
    token = csrf_token(parent.get(parent.plan_url))
    for view in ("agree", "disagree"):
        parent.post(worry_url(parent, demo), data={"csrf_token": token, "view": view})
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert 'value="disagree" checked' in page and 'value="agree" checked' not in page
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 2  # history kept


@pytest.mark.parametrize(
    "data",
    [
        {"view": "maybe", "words": "Mina ord <b>här</b>"},
        {"words": "Mina ord <b>här</b>"},
        {"view": "agree", "words": "x" * 1001 + "Mina ord <b>här</b>"},
    ],
)
def test_a_bad_answer_is_refused_kindly_and_keeps_the_words(parent, demo, db, data):
    token = csrf_token(parent.get(parent.plan_url))
    response = parent.post(worry_url(parent, demo), data={"csrf_token": token, **data})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mina ord &lt;b&gt;här&lt;/b&gt;" in page
    assert "<b>här</b>" not in page
    assert 'role="alert"' in page
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 0


def test_a_worry_that_is_not_there_is_not_found(parent):
    assert parent.get(parent.plan_url.replace("/plan", "/oro/nope")).status_code == 404


def test_a_rule_is_not_a_worry(parent, demo):
    assert parent.get(worry_url(parent, demo, kind="rule")).status_code == 404


def test_network_member_cannot_answer_a_parents_only_worry(grandmother, demo, db):
    token = csrf_token(grandmother.get(grandmother.plan_url))
    response = grandmother.post(
        worry_url(grandmother, demo, kind="complicating"),
        data={"csrf_token": token, "view": "agree"},
    )
    assert response.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 0


def test_reading_the_plan_leaves_no_plan_text_in_the_audit(parent, demo, db):
    parent.get(parent.plan_url)
    logged = str(audit.rows(db))
    for item in demo["items"]:
        assert item["text"] not in logged
    assert "Sara" not in logged


def test_every_picture_on_the_page_is_there(parent):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    sources = set(re.findall(r'<img[^>]+src="([^"]+)"', page))
    assert len(sources) > 10
    for source in sources:
        with parent.get(source) as response:
            assert response.status_code == 200, source
            assert response.mimetype == "image/svg+xml"


def test_without_javascript_the_parent_is_thanked_back_on_the_plan(parent, demo):
    token = csrf_token(parent.get(parent.plan_url))
    response = parent.post(worry_url(parent, demo), data={"csrf_token": token, "view": "agree"})
    page = parent.get(response.location).get_data(as_text=True)
    assert page.count('role="status"') == 1
    assert "Tack! Nu kan de andra se vad du tycker." in page


def swedish(day: date, this_year: int) -> str:
    """A date as the plan writes it: the year only when it is not this year."""
    return format_date(day, "d MMMM" if day.year == this_year else "d MMMM y", locale="sv")


def test_the_next_meeting_and_a_promise_from_today_are_dated_by_swedens_calendar(app, db, night):
    page = signed_in(app, add_demo_family(db), "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    meeting = html[html.index("card--meeting") : html.index("card--worker")]
    # The demo's next meeting is ten days from today; Karim's promise runs six weeks from today.
    assert swedish(night.date + timedelta(days=10), night.date.year) in meeting
    period = f"{swedish(night.date, night.date.year)} till "
    period += swedish(night.date + timedelta(weeks=6), night.date.year)
    assert period in html


def test_a_meeting_that_was_yesterday_in_sweden_is_no_longer_the_next_one(app, db, night):
    # The demo puts its next meeting ten days after the day it is given: here Sweden's yesterday.
    family = add_demo_family(db, today=night.date - timedelta(days=11))
    page = signed_in(app, family, "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    assert "Nästa nätverksmöte" not in html and "timeline__event--next" not in html
    assert html.count("timeline__event--past") == 3  # the start and both meetings


def test_on_new_years_day_in_sweden_a_promise_for_this_year_is_written_without_a_year(
    app, db, stop_clock
):
    stop_clock(at(2026, 12, 31, 23, 30))  # 00:30 on 1 January 2027
    page = signed_in(app, add_demo_family(db), "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    assert "1 januari till 12 februari" in html  # Karim's promise, from today for six weeks


def words_on(page: str) -> str:
    """The page as a reader hears it: no tags, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()


def test_my_own_view_on_a_worry_reads_as_a_plain_sentence(parent, demo):
    token = csrf_token(parent.get(parent.plan_url))
    parent.post(worry_url(parent, demo), data={"csrf_token": token, "view": "disagree"})
    page = words_on(parent.get(parent.plan_url).get_data(as_text=True))
    assert "Du håller inte med" in page
    assert "Du Jag håller inte med" not in page


def the_scale_part(client) -> str:
    """The safety scale's part of the plan page."""
    page = client.get(client.plan_url).get_data(as_text=True)
    return page[page.index('id="scale"') : page.index('id="timeframe"')]


def checkin_by(db, demo, name, rating, *, shared):
    from familjeapp.store import checkins

    checkins.save_checkin(
        db, family_id=demo["family_id"], person_id=person(demo, name)["id"],
        client_id=f"{name[:4]}-{rating}-{shared}-0000000000", rating=rating,
        words="", shared=shared, rules={}, version_id=None,
    )  # fmt: skip


def test_the_scale_on_the_plan_leads_to_how_is_it_going(parent):
    part = the_scale_part(parent)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', part)
    assert link and link.group(1) == parent.plan_url.replace("/plan", "/hur-gar-det")
    assert link.group(2).startswith("Hur går det?")
    assert "Här syns inga svar på skalan än." in words_on(part)


def test_the_scale_on_the_plan_shows_the_latest_rating_the_reader_may_see(
    app, parent, grandmother, demo, db
):
    checkin_by(db, demo, "Sara", 6, shared=False)
    assert "Senast: 6 av 10, från dig," in words_on(the_scale_part(parent))
    # Not shared with anyone: farmor Britt does not see Sara's 6.
    assert "6 av 10" not in words_on(the_scale_part(grandmother))

    # Johan's unshared 2 is his own; his shared 8 is the newest that Sara may see.
    checkin_by(db, demo, "Johan", 2, shared=False)
    assert "Senast: 6 av 10, från dig," in words_on(the_scale_part(parent))
    checkin_by(db, demo, "Johan", 8, shared=True)
    assert "Senast: 8 av 10, från Johan," in words_on(the_scale_part(parent))
    assert "Senast: 8 av 10, från Johan," in words_on(the_scale_part(grandmother))

    # A child's rating never reaches the other family members, even marked as shared.
    checkin_by(db, demo, "Elsa", 1, shared=True)
    assert "Senast: 8 av 10, från Johan," in words_on(the_scale_part(parent))
    assert "1 av 10" not in words_on(the_scale_part(grandmother))


def worry_form_of(client, demo, kind) -> str:
    page = client.get(worry_url(client, demo, kind=kind)).get_data(as_text=True)
    start = page.index("<form", page.index('class="views"'))
    return words_on(page[start : page.index("</form>", start)])


def test_before_answering_a_worry_the_person_is_told_who_will_see_it(parent, grandmother, demo):
    shared = (
        "De andra vuxna i familjen ser det du svarar. "
        "Det gör också nätverket och din socialsekreterare."
    )
    parents_only = (
        "Bara föräldrarna och din socialsekreterare ser det du svarar. Nätverket ser det inte."
    )
    for client in (parent, grandmother):
        for kind in ("harm", "danger"):  # for adults, and for everyone
            assert shared in worry_form_of(client, demo, kind)
    assert parents_only in worry_form_of(parent, demo, "complicating")
