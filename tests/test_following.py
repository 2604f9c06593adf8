"""Följ planen and Skriv ut: the worker follows every check-in, the scale over time with their
own ratings, each commitment and each view on the worries, and prints the plan for one group."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from conftest import csrf_token, person, shows_picture, sign_in, sign_in_worker

from familjeapp.demo import add_demo_family
from familjeapp.store import audit, checkins, families, plans


def local_today():
    """Today where the workers are, as the app counts it."""
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


CSS = Path(__file__).resolve().parent.parent / "familjeapp" / "static" / "css" / "app.css"


@pytest.fixture
def worker(app, demo):
    """Anna, the family's social worker, reading in English so the words below are stable."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    sign_in_worker(client, demo["workers"][0])
    return client


@pytest.fixture
def outsider(app, demo):
    """Erik, a social worker in another team."""
    client = app.test_client()
    sign_in_worker(client, demo["workers"][1])
    return client


def follow_url(demo, **query) -> str:
    url = f"/personal/familj/{demo['family_id']}/folj"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rating_url(demo) -> str:
    return f"/personal/familj/{demo['family_id']}/folj/skattning"


def print_url(demo, audience: str | None = None) -> str:
    url = f"/personal/familj/{demo['family_id']}/utskrift"
    return url + (f"?for={audience}" if audience else "")


def text_of(demo, kind: str, visibility: str | None = None) -> str:
    return next(
        i["text"]
        for i in demo["items"]
        if i["kind"] == kind and (visibility is None or i["visibility"] == visibility)
    )


def key_of(demo, text_start: str) -> str:
    return next(i["id"] for i in demo["items"] if i["text"].startswith(text_start))


def check_in(db, demo, name, rating, words, *, shared=False, rules=None, client_id=None):
    return checkins.save_checkin(
        db, family_id=demo["family_id"], person_id=person(demo, name)["id"],
        client_id=client_id or f"test-{name}-{rating}-{len(words)}".replace(" ", "-"),
        rating=rating, words=words, shared=shared, rules=rules or {}, version_id=None,
    )[0]  # fmt: skip


def rating_form(client, demo) -> dict:
    """Open the page and return the rating form's hidden fields."""
    page = client.get(follow_url(demo))
    found = re.search(
        r'name="client_id" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    return {"csrf_token": csrf_token(page), "client_id": found.group(1)}


def worker_rows(db) -> list[dict]:
    return list(db.query("SELECT * FROM checkins WHERE worker_id IS NOT NULL"))


def test_the_worker_sees_every_check_in_unshared_ones_and_a_childs_too(worker, demo, db):
    no_alcohol = key_of(demo, "Johan dricker inte")
    check_in(db, demo, "Sara", 7, "En lugn vecka.", shared=True)
    check_in(db, demo, "Johan", 5, "Det var svårt i helgen.", rules={no_alcohol: "no"})
    check_in(db, demo, "Elsa", 2, "Jag var rädd i fredags.")
    page = worker.get(follow_url(demo))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in ("En lugn vecka.", "Det var svårt i helgen.", "Jag var rädd i fredags."):
        assert words in html
    assert '<span class="kept kept--no">No</span> Johan dricker inte alkohol' in html
    assert "Not shared: only this person and the social worker see it." in html
    assert "Shared with the family and the network." in html
    child_card = html[html.index("checkin-card--child") :]
    child_card = child_card[: child_card.index("</li>")]
    assert "Jag var rädd i fredags." in child_card
    assert "only the social worker sees it" in child_card
    # All three ratings are in the chart and in its table.
    assert "<svg" in html and "<td>2</td>" in html and "<td>5</td>" in html


def test_filtering_by_a_person_shows_only_their_check_ins(worker, demo, db):
    check_in(db, demo, "Sara", 7, "Saras ord.")
    check_in(db, demo, "Johan", 5, "Johans ord.")
    johan = person(demo, "Johan")["id"]
    html = worker.get(follow_url(demo, person=johan)).get_data(as_text=True)
    assert "Johans ord." in html and "Saras ord." not in html
    assert f'<option selected value="{johan}">Johan</option>' in html
    everyone = worker.get(follow_url(demo, person="")).get_data(as_text=True)
    assert "Johans ord." in everyone and "Saras ord." in everyone


def test_a_person_of_another_family_in_the_filter_shows_nothing(worker, demo, other_demo, db):
    check_in(db, other_demo, "Sara", 6, "Den andra familjens ord.")
    stranger = person(other_demo, "Sara")["id"]
    for value in (stranger, "abc", "-1"):
        response = worker.get(follow_url(demo, person=value))
        assert response.status_code == 404
        assert "Den andra familjens ord." not in response.get_data(as_text=True)
    denied = audit.rows(db, family_id=demo["family_id"], action="access_denied")
    assert len(denied) == 3 and {r["object_id"] for r in denied} == {"worker.follow"}


def test_the_worker_records_a_rating_of_4_and_it_shows_in_the_chart_and_table(worker, demo, db):
    form = rating_form(worker, demo)
    response = worker.post(
        rating_url(demo),
        data={
            **form,
            "rating": "4",
            "rated_on": local_today().isoformat(),
            "words": "Efter mötet.",
        },
    )
    assert response.status_code == 303
    assert response.location.endswith("#skattning")
    [row] = worker_rows(db)
    assert row["rating"] == 4 and row["person_id"] is None and row["shared"] == 0
    assert db.execute("SELECT COUNT(*) FROM attention_signals").fetchone()[0] == 0
    html = worker.get(response.location).get_data(as_text=True)
    assert 'role="status"' in html  # saved
    assert "<td>Anna Berg (social worker)</td>" in html and "<td>4</td>" in html
    legend = html[html.index("chart__legend") : html.index("</figcaption>")]
    assert "Anna Berg (social worker)" in legend
    assert "Efter mötet." in html


def test_a_rating_given_at_a_network_meeting_is_marked_as_one(worker, demo, db):
    meeting = local_today() - timedelta(days=14)  # the demo's first network meeting
    check_in(db, demo, "Sara", 6, "")
    form = rating_form(worker, demo)
    response = worker.post(
        rating_url(demo), data={**form, "rating": "5", "rated_on": meeting.isoformat()}
    )
    assert response.status_code == 303
    html = worker.get(follow_url(demo)).get_data(as_text=True)
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    row = next(r for r in table.split("<tr") if "Anna Berg (social worker)" in r)
    assert '<span class="badge">Network meeting</span>' in row and "<td>5</td>" in row
    assert "stroke-dasharray" in html  # the meeting's line in the chart


def english(day) -> str:
    """A date as the worker's English page writes it in the same year: "2 November"."""
    return format_date(day, "d MMMM", locale="en")


def test_at_any_hour_a_rating_at_the_demos_meeting_and_one_for_today_get_swedish_dates(
    app, db, night
):
    demo = add_demo_family(db)
    worker = app.test_client()
    worker.set_cookie("lang", "en")
    sign_in_worker(worker, demo["workers"][0])
    assert f'value="{night.date.isoformat()}"' in worker.get(follow_url(demo)).get_data(
        as_text=True
    )  # the rating's date is today in Sweden
    meeting = night.date - timedelta(days=14)  # the demo's first network meeting
    for rating, day in (("5", meeting), ("7", night.date)):
        response = worker.post(
            rating_url(demo), data={**rating_form(worker, demo), "rating": rating,
                                    "rated_on": day.isoformat()},
        )  # fmt: skip
        assert response.status_code == 303
    html = worker.get(follow_url(demo)).get_data(as_text=True)
    assert f"Network meetings so far: {english(meeting)}</p>" in html
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    at_meeting = next(r for r in table.split("<tr") if "<td>5</td>" in r)
    assert f"<td>{english(meeting)} " in at_meeting and "Network meeting</span>" in at_meeting
    today = next(r for r in table.split("<tr") if "<td>7</td>" in r)
    assert f"<td>{english(night.date)}</td>" in today


def test_sending_the_same_rating_form_twice_stores_one_rating(worker, demo, db):
    data = {**rating_form(worker, demo), "rating": "6", "rated_on": local_today().isoformat()}
    first = worker.post(rating_url(demo), data=data)
    again = worker.post(rating_url(demo), data=data)
    assert first.status_code == again.status_code == 303
    assert first.location == again.location
    assert len(worker_rows(db)) == 1


def test_a_rating_sent_without_a_date_is_for_today(worker, demo, db):
    form = rating_form(worker, demo)
    assert worker.post(rating_url(demo), data={**form, "rating": "8"}).status_code == 303
    [row] = worker_rows(db)
    a_minute_ago = datetime.now(ZoneInfo("UTC")) - timedelta(minutes=1)
    assert row["rating"] == 8 and datetime.fromisoformat(row["created_at"]) > a_minute_ago


def test_the_same_form_id_with_another_rating_is_refused_and_can_be_saved_again(worker, demo, db):
    form = rating_form(worker, demo)
    today = local_today().isoformat()
    worker.post(rating_url(demo), data={**form, "rating": "6", "rated_on": today})
    conflict = worker.post(rating_url(demo), data={**form, "rating": "2", "rated_on": today})
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "already saved with other values" in html
    new_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', html).group(1)
    assert new_id != form["client_id"]
    assert 'value="2" checked' in html  # what the worker chose is kept
    assert len(worker_rows(db)) == 1


@pytest.mark.parametrize(
    ("rating", "rated_on"),
    [
        ("11", None),
        ("-1", None),
        ("x", None),
        ("", None),
        ("5", "tomorrow"),
        ("5", "x"),
        ("5", ""),
        ("5", "long ago"),
    ],
)
def test_a_wrong_rating_is_refused_with_what_was_typed_kept(worker, demo, db, rating, rated_on):
    days = {
        None: local_today().isoformat(),
        "tomorrow": (local_today() + timedelta(days=1)).isoformat(),
        "long ago": (local_today() - timedelta(days=400)).isoformat(),
    }
    typed = days.get(rated_on, rated_on)
    data = {**rating_form(worker, demo), "rating": rating, "rated_on": typed,
            "words": "Mina <b>anteckningar</b>"}  # fmt: skip
    response = worker.post(rating_url(demo), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and "<title>Error:" in html
    assert "Mina &lt;b&gt;anteckningar&lt;/b&gt;</textarea>" in html
    assert f'value="{typed}"' in html
    assert worker_rows(db) == []


def test_a_rating_cannot_be_stored_outside_0_to_10_or_in_the_future(db, demo):
    today = local_today()
    common = {"family_id": demo["family_id"], "worker_id": 1, "words": "", "version_id": None}
    with pytest.raises(ValueError):
        checkins.save_worker_rating(
            db, client_id="a" * 20, rating=11, rated_on=today, today=today, **common
        )
    with pytest.raises(ValueError):
        checkins.save_worker_rating(
            db, client_id="b" * 20, rating=5, rated_on=today + timedelta(days=1), today=today,
            **common,
        )  # fmt: skip
    assert worker_rows(db) == []


def test_the_family_never_sees_the_workers_rating(app, worker, demo, db):
    check_in(db, demo, "Sara", 6, "Saras egen.", client_id="sara-own-checkin-01")
    data = {**rating_form(worker, demo), "rating": "3", "rated_on": local_today().isoformat(),
            "words": "Bara för socialsekreteraren."}  # fmt: skip
    assert worker.post(rating_url(demo), data=data).status_code == 303
    sara = app.test_client()
    sign_in(sara, person(demo, "Sara")["invite_path"])
    history = sara.get(f"/familj/{demo['family_id']}/historik").get_data(as_text=True)
    assert "Saras egen." in history
    assert "Bara för socialsekreteraren." not in history
    assert history.count("<tr><td>") == 1  # the table holds Sara's own rating only
    sara_id = person(demo, "Sara")["id"]
    for seen in (
        checkins.visible_checkins(db, demo["family_id"], viewer_id=sara_id, viewer_role="parent"),
        checkins.family_checkins(db, demo["family_id"]),
    ):
        assert [c.words for c in seen] == ["Saras egen."]


def commitment_key(db, demo, name, text_start):
    return db.execute(
        "SELECT commitment_key FROM commitments WHERE person_id = ? AND text LIKE ?",
        [person(demo, name)["id"], text_start + "%"],
    ).fetchone()[0]


def test_commitment_statuses_show_with_the_reason_for_withdrawing(worker, demo, db):
    calls = commitment_key(db, demo, "Farmor Britt", "Jag ringer")
    pick_up = commitment_key(db, demo, "Morbror Karim", "Jag hämtar")
    family = demo["family_id"]
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=calls, person_id=person(demo, "Farmor Britt")["id"],
        response="confirmed", reason="",
    )  # fmt: skip
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=pick_up,
        person_id=person(demo, "Morbror Karim")["id"], response="withdrawn",
        reason="Jag har fått nytt jobb på måndagar.",
    )  # fmt: skip
    html = worker.get(follow_url(demo)).get_data(as_text=True)

    def card(key):
        part = html[html.index(f'id="lofte-{key}"') :]
        return part[: part.index("</li>")]

    assert '<span class="status status--confirmed">Confirmed</span>' in card(calls)
    withdrawn = card(pick_up)
    assert '<span class="status status--withdrawn">Cannot any more</span>' in withdrawn
    assert "Jag har fått nytt jobb på måndagar." in withdrawn and "since " in withdrawn
    bed = commitment_key(db, demo, "Farmor Britt", "Jag har alltid")
    assert "Not confirmed yet" in card(bed)


def test_the_views_on_each_worry_show_with_their_words(worker, demo, db):
    danger = key_of(demo, "Vi är oroliga")
    for name, view, words in (
        ("Sara", "agree", "Jag förstår oron."),
        ("Johan", "disagree", "Jag har slutat dricka."),
    ):
        plans.record_worry_view(
            db, family_id=demo["family_id"], item_key=danger, person_id=person(demo, name)["id"],
            view=view, words=words,
        )  # fmt: skip
    html = worker.get(follow_url(demo)).get_data(as_text=True)
    start = html.index(f'id="oro-{danger}"')
    card = html[start : html.index("</section>", start)]
    assert "<strong>Sara</strong> agrees: <q>Jag förstår oron.</q>" in card
    assert "<strong>Johan</strong> does not agree: <q>Jag har slutat dricka.</q>" in card
    not_yet = re.search(r"Not said yet: ([^<]*)<", card).group(1)
    assert not_yet == "Farmor Britt, Morbror Karim"  # the adults who see it; not the child


def test_the_printout_shows_strengths_first_and_never_a_worker_only_item(worker, demo):
    response = worker.get(print_url(demo))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    strength = text_of(demo, "strength")
    worry = text_of(demo, "harm")
    assert html.index(strength) < html.index(worry)
    assert text_of(demo, "next_step", "worker") not in html
    assert text_of(demo, "complicating", "parents") in html  # for the parents, by default
    assert "Familjen Lind · Plan version 1 · Published " in html
    assert 'loading="lazy"' not in html and shows_picture(html, "school")
    assert 'data-module="read-aloud"' not in html  # read-aloud is on the family's own plan only
    # The three questions keep a heading and a picture, not only a colour.
    for heading in ("What is working well?", "What worries us?", "What needs to happen?"):
        assert re.search(r'<h2 id="\w+" class="section__heading"><img [^>]+>'
                         rf"<span>{re.escape(heading)}</span>", html)  # fmt: skip


def test_the_printout_for_the_network_leaves_out_what_is_for_the_parents_only(worker, demo):
    html = worker.get(print_url(demo, "network")).get_data(as_text=True)
    assert text_of(demo, "complicating", "parents") not in html
    assert text_of(demo, "harm", "adults") in html
    assert text_of(demo, "next_step", "worker") not in html
    assert "For the network" in html


def test_the_printout_for_everyone_holds_only_what_a_child_may_see(worker, demo, db):
    plans.record_worry_view(
        db, family_id=demo["family_id"], item_key=key_of(demo, "Vi är oroliga"),
        person_id=person(demo, "Johan")["id"], view="disagree", words="Johans syn.",
    )  # fmt: skip
    html = worker.get(print_url(demo, "everyone")).get_data(as_text=True)
    assert text_of(demo, "harm", "adults") not in html
    assert text_of(demo, "complicating", "parents") not in html
    assert "Du går till skolan och har kompisar." in html  # the child's words are there too
    assert "Johans syn." not in html  # the adults' views are not for the children


def test_every_printout_says_who_the_social_worker_is_and_how_to_call(worker, demo):
    for audience in ("parents", "network", "everyone"):
        html = worker.get(print_url(demo, audience)).get_data(as_text=True)
        printed = html[html.index('<article class="print-plan">') : html.index("</article>")]
        assert "Your social worker" in printed, audience
        assert "Anna Berg" in printed and "08-123 45 67" in printed, audience


def test_an_unknown_audience_is_refused(worker, demo):
    assert worker.get(print_url(demo, "alla")).status_code == 400


def test_the_stylesheet_prints_on_a4_without_the_staff_header():
    css = CSS.read_text()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    print_blocks = css.split("@media print")[1:]
    assert any(
        re.search(r"\.staff-header[^{]*{[^}]*display:\s*none", block.split("\n}\n")[0])
        for block in print_blocks
    )


def test_another_teams_worker_gets_404_on_every_page_and_changes_nothing(
    outsider, worker, demo, db
):
    form = rating_form(worker, demo)
    data = {**form, "rating": "5", "rated_on": local_today().isoformat()}
    assert outsider.get(follow_url(demo)).status_code == 404
    assert outsider.get(print_url(demo)).status_code == 404
    token = csrf_token(outsider.get("/personal/"))
    assert outsider.post(rating_url(demo), data={**data, "csrf_token": token}).status_code == 404
    assert worker_rows(db) == []


def test_without_signing_in_every_page_sends_to_sign_in(client, demo):
    token = csrf_token(client.get("/utloggad"))
    for response in (
        client.get(follow_url(demo)),
        client.get(print_url(demo)),
        client.post(rating_url(demo), data={"csrf_token": token, "rating": "5"}),
    ):
        assert response.status_code == 302
        assert "/personal/logga-in" in response.location


def test_reading_and_rating_are_logged_without_content(worker, demo, db):
    data = {**rating_form(worker, demo), "rating": "5", "rated_on": local_today().isoformat(),
            "words": "Hemligt ord."}  # fmt: skip
    worker.post(rating_url(demo), data=data)
    worker.get(print_url(demo, "network"))
    rows = list(db.query("SELECT * FROM audit WHERE family_id = ?", [demo["family_id"]]))
    kinds = [(r["action"], r["object_type"]) for r in rows]
    assert ("read", "worker.follow") in kinds
    assert ("change", "worker.record_rating") in kinds
    assert ("read", "worker.print_plan") in kinds
    assert "Hemligt" not in str(rows) and "Lind" not in str(rows)


def test_a_new_family_without_a_plan_can_be_followed_and_rated_but_has_nothing_to_print(
    worker, demo, db
):
    team = db.execute("SELECT team_id FROM families WHERE id = ?", [demo["family_id"]]).fetchone()
    new = families.create_family(db, team_id=team[0], name="Familjen Ny", worker_id=None)
    fresh = {"family_id": new}
    page = worker.get(follow_url(fresh))
    assert page.status_code == 200 and "No plan is published yet." in page.get_data(as_text=True)
    data = {**rating_form(worker, fresh), "rating": "2", "rated_on": local_today().isoformat()}
    assert worker.post(rating_url(fresh), data=data).status_code == 303
    assert worker_rows(db)[0]["version_id"] is None
    printout = worker.get(print_url(fresh))
    assert printout.status_code == 200
    assert "There is no published plan to print yet." in printout.get_data(as_text=True)
