"""A parent reads the family's plan, and says what they think of each worry."""

import re

import pytest
from conftest import csrf_token, person, sign_in

from familjeapp.store import audit


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


def test_parent_sees_parents_items_but_never_the_workers_own(parent, demo):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    for item in demo["items"]:
        shown = item["text"] in page
        assert shown == (item["visibility"] != "worker"), item


def test_network_member_sees_only_what_is_shared_with_the_network(grandmother, demo):
    page = grandmother.get(grandmother.plan_url).get_data(as_text=True)
    for item in demo["items"]:
        assert (item["text"] in page) == (item["visibility"] in ("everyone", "adults")), item


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
