"""Påminnelser i din kalender: a person's commitments, the network meetings and a weekly
*Hur går det?* in the phone's own calendar, with neutral titles unless the person chooses
otherwise, and an address that stops at once when it is revoked."""

import logging
import re
from datetime import UTC, date

import pytest
from conftest import at, csrf_token, person, sign_in, sign_in_worker, signed_in
from dateutil.rrule import rrulestr
from icalendar import Calendar

from familjeapp import calendar_feed
from familjeapp.demo import add_demo_family
from familjeapp.store import audit, plans

ADDRESS = re.compile(r'value="(https?://[^"]+/kalender/([A-Za-z0-9_-]+)\.ics)"')
NEUTRAL = {"Påminnelse", "Påminnelse 19:00", "Påminnelse 15:00", "Möte", "Hur går det?"}


def make_address(client, titles: str = "neutral"):
    """Open the page, choose the titles and make the address: what the person does."""
    page = client.get(f"/familj/{client.family}/kalender")
    assert page.status_code == 200
    made = client.post(
        f"/familj/{client.family}/kalender/ny",
        data={"csrf_token": csrf_token(page), "titles": titles},
    )
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    address, token = ADDRESS.search(html).groups()
    return html, address, token


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_grandmother_adds_her_promises_and_the_meetings_to_her_calendar(app, grandmother, demo):
    html, address, token = make_address(grandmother)
    assert f'href="webcal://{address.split("://", 1)[1]}"' in html
    assert re.search(r'<svg [^>]*class="qr"', html)
    calendar_app = app.test_client()  # no cookie, as a calendar app
    feed = calendar_app.get(f"/kalender/{token}.ics")
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert feed.headers["Cache-Control"] == "no-store"
    found = events(feed.data)
    # Her two promises, the two network meetings and the weekly Hur går det?
    assert len(found) == 5
    assert all(len(e.walk("VALARM")) == 1 for e in found)
    assert {str(e["SUMMARY"]) for e in found} <= NEUTRAL
    assert {str(e["SUMMARY"]) for e in found} >= {"Påminnelse 19:00", "Möte", "Hur går det?"}
    assert len({str(e["UID"]) for e in found}) == 5
    # One event for each commitment and each meeting: "varje kväll klockan 19" repeats by its
    # rule until the promise ends, instead of one event for each evening.
    daily = next(e for e in found if str(e["SUMMARY"]) == "Påminnelse 19:00")
    assert daily["RRULE"]["FREQ"] == ["DAILY"] and daily["RRULE"]["UNTIL"]
    assert sum(str(e["SUMMARY"]) == "Möte" for e in found) == 2
    assert all(f"/familj/{demo['family_id']}/" in str(e["URL"]) for e in found)
    assert Calendar.from_ical(feed.data).walk("VTIMEZONE")[0]["TZID"] == "Europe/Stockholm"


def test_neutral_titles_say_no_name_no_promise_and_no_worry(app, grandmother, demo):
    _, _, token = make_address(grandmother)
    text = app.test_client().get(f"/kalender/{token}.ics").get_data(as_text=True)
    unfolded = text.replace("\r\n ", "")
    for secret in [
        "Elsa",
        "Johan",
        "Sara",
        "Britt",
        "Karim",
        "Jag ",
        *(i["text"] for i in demo["items"]),
    ]:
        assert secret not in unfolded, secret


def test_full_titles_carry_her_own_words_but_never_a_worry(app, grandmother, demo):
    _, _, token = make_address(grandmother, titles="full")
    text = app.test_client().get(f"/kalender/{token}.ics").get_data(as_text=True)
    summaries = {str(e["SUMMARY"]) for e in events(text.encode())}
    assert "Jag ringer Johan varje kväll klockan 19 och frågar hur det går." in summaries
    assert "Nätverksmöte hos socialtjänsten" in summaries
    unfolded = text.replace("\r\n ", "")
    for item in demo["items"]:
        assert item["text"] not in unfolded


def test_the_title_choice_can_be_changed_later(app, grandmother):
    _, _, token = make_address(grandmother)
    page = grandmother.get(f"/familj/{grandmother.family}/kalender")
    assert "Spara valet" in page.get_data(as_text=True)
    saved = grandmother.post(
        f"/familj/{grandmother.family}/kalender/rubriker",
        data={"csrf_token": csrf_token(page), "titles": "full"},
    )
    assert saved.status_code == 303
    feed = app.test_client().get(f"/kalender/{token}.ics").get_data(as_text=True)
    assert "Jag ringer Johan" in feed.replace("\r\n ", "")


def test_a_revoked_address_is_gone_and_an_unknown_one_was_never_there(app, grandmother):
    _, _, token = make_address(grandmother)
    calendar_app = app.test_client()
    page = grandmother.get(f"/familj/{grandmother.family}/kalender")
    stopped = grandmother.post(
        f"/familj/{grandmother.family}/kalender/stang", data={"csrf_token": csrf_token(page)}
    )
    assert stopped.status_code == 303
    gone = calendar_app.get(f"/kalender/{token}.ics")
    assert gone.status_code == 410 and gone.data == b""
    assert calendar_app.get("/kalender/" + "A" * 43 + ".ics").status_code == 404


def test_a_new_address_ends_the_old_one(app, grandmother):
    _, _, old = make_address(grandmother)
    _, _, new = make_address(grandmother)
    calendar_app = app.test_client()
    assert calendar_app.get(f"/kalender/{old}.ics").status_code == 410
    assert calendar_app.get(f"/kalender/{new}.ics").status_code == 200


def test_the_worker_stops_a_lost_phones_calendar_and_it_is_audited(app, grandmother, demo, db):
    _, _, token = make_address(grandmother)
    worker = app.test_client()
    sign_in_worker(worker, demo["workers"][0])
    family = worker.get(f"/personal/familj/{demo['family_id']}")
    britt = person(demo, "Farmor Britt")["id"]
    action = f"/personal/familj/{demo['family_id']}/personer/{britt}/kalender/stang"
    assert action in family.get_data(as_text=True)
    stopped = worker.post(action, data={"csrf_token": csrf_token(family)})
    assert stopped.status_code == 303
    assert app.test_client().get(f"/kalender/{token}.ics").status_code == 410
    changes = audit.rows(db, family_id=demo["family_id"], action="change")
    assert changes[-1]["object_type"] == "worker.revoke_calendar"
    assert action not in worker.get(f"/personal/familj/{demo['family_id']}").get_data(as_text=True)


def test_without_the_form_token_no_address_is_made(grandmother, db):
    refused = grandmother.post(
        f"/familj/{grandmother.family}/kalender/ny", data={"titles": "neutral"}
    )
    assert refused.status_code == 400
    assert db.execute("SELECT COUNT(*) FROM calendar_subscriptions").fetchone()[0] == 0


def test_another_familys_parent_can_neither_make_nor_stop_this_familys_address(
    app, grandmother, demo, other_demo, db
):
    _, _, token = make_address(grandmother)
    stranger = signed_in(app, other_demo, "Sara")
    own = stranger.get(f"/familj/{other_demo['family_id']}/kalender")
    for path in ("ny", "stang"):
        answer = stranger.post(
            f"/familj/{demo['family_id']}/kalender/{path}",
            data={"csrf_token": csrf_token(own), "titles": "neutral"},
        )
        assert answer.status_code == 404
    assert app.test_client().get(f"/kalender/{token}.ics").status_code == 200
    # Her own address holds her own family's plan only.
    _, _, theirs = make_address(stranger)
    feed = app.test_client().get(f"/kalender/{theirs}.ics").get_data(as_text=True)
    assert f"/familj/{other_demo['family_id']}/" in feed
    assert f"/familj/{demo['family_id']}/" not in feed


def test_a_child_has_no_calendar_page(app, demo):
    child = app.test_client()
    sign_in(child, person(demo, "Elsa")["invite_path"])
    assert child.get(f"/familj/{demo['family_id']}/kalender").status_code == 404


def test_the_file_to_download_once_is_a_calendar_too(grandmother):
    download = grandmother.get(f"/familj/{grandmother.family}/kalender/kalender.ics")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="kalender.ics"'
    assert len(events(download.data)) == 5


def test_the_address_never_reaches_the_log(app, grandmother, caplog):
    caplog.set_level(logging.DEBUG)
    _, _, token = make_address(grandmother)
    calendar_app = app.test_client()
    calendar_app.get(f"/kalender/{token}.ics")
    page = grandmother.get(f"/familj/{grandmother.family}/kalender")
    grandmother.post(
        f"/familj/{grandmother.family}/kalender/stang", data={"csrf_token": csrf_token(page)}
    )
    calendar_app.get(f"/kalender/{token}.ics")
    assert token not in caplog.text
    # Nor the proxy's: nginx writes /kalender/[calendar] for every calendar address.
    with open("deploy/nginx.conf") as conf:
        assert re.search(r"~\^/kalender/\s+/kalender/\[calendar\];", conf.read())


def test_the_token_is_kept_as_a_hash_only(grandmother, db):
    _, _, token = make_address(grandmother)
    stored = db.execute("SELECT token_hash FROM calendar_subscriptions").fetchone()[0]
    assert token not in stored and len(stored) == 64


def test_a_wednesday_promise_keeps_its_time_when_summer_time_starts(app, db, demo_at_march):
    """Wednesdays 15.00 from 18 March to 8 April 2026: Sweden moves its clocks on 29 March."""
    demo = demo_at_march
    britt = person(demo, "Farmor Britt")["id"]
    rule = next(i["id"] for i in demo["items"] if i["kind"] == "rule")
    draft = plans.draft_for(db, demo["family_id"], None)
    key = plans.add_commitment(
        db, draft, rule_key=rule, person_id=britt, text="Jag hämtar Elsa onsdagar 15.00.",
        starts_on=date(2026, 3, 16), ends_on=date(2026, 4, 8),
    )  # fmt: skip
    plans.publish(db, draft)
    client = signed_in(app, demo, "Farmor Britt")
    _, _, token = make_address(client)
    body = app.test_client().get(f"/kalender/{token}.ics").data
    event = next(e for e in events(body) if str(e["UID"]) == calendar_feed._uid("commitment", key))
    assert str(event["SUMMARY"]) == "Påminnelse 15:00"
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Stockholm"
    occurrences = list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=start.dt))
    assert [o.date() for o in occurrences] == [
        date(2026, 3, 18), date(2026, 3, 25), date(2026, 4, 1), date(2026, 4, 8),
    ]  # fmt: skip
    assert {f"{o:%H:%M}" for o in occurrences} == {"15:00"}
    # In UTC: 14:00 in winter time, 13:00 in summer time.
    assert [o.astimezone(UTC).hour for o in occurrences] == [14, 14, 13, 13]
    zone = Calendar.from_ical(body).walk("VTIMEZONE")[0]
    assert "+0200" in zone.to_ical().decode()


@pytest.fixture
def demo_at_march(db, time_machine):
    time_machine.move_to(at(2026, 3, 10, 9), tick=False)
    return add_demo_family(db)


@pytest.mark.parametrize(
    ("words", "days", "at_time"),
    [
        ("Jag hämtar Elsa onsdagar 15.00", ("WE",), "15:00"),
        (
            "Jag ringer Johan varje kväll klockan 19",
            tuple(calendar_feed.WEEKDAYS.values()),
            "19:00",
        ),
        ("Jag hämtar Elsa på måndagar och onsdagar.", ("MO", "WE"), None),
        ("Farmor bor hos familjen", (), None),
        ("Vardagar kl. 7.30", ("MO", "TU", "WE", "TH", "FR"), "07:30"),
    ],
)
def test_days_and_times_are_read_from_the_promise(words, days, at_time):
    when = calendar_feed.read_when(words)
    assert when.days == days
    assert (f"{when.at:%H:%M}" if when.at else None) == at_time


def test_the_rules_when_fills_in_a_time_the_promise_leaves_out():
    when = calendar_feed.read_when("Jag hämtar Elsa på måndagar.", "Varje dag klockan 15")
    assert when.days == ("MO",) and f"{when.at:%H:%M}" == "15:00"


def test_a_withdrawn_promise_leaves_the_calendar(app, grandmother, demo, db):
    key = db.execute(
        "SELECT commitment_key FROM commitments WHERE text LIKE 'Jag ringer%'"
    ).fetchone()[0]
    page = grandmother.get(grandmother.plan_url)
    answered = grandmother.post(
        f"/familj/{demo['family_id']}/lofte/{key}",
        data={"csrf_token": csrf_token(page), "response": "withdrawn", "reason": "Jag orkar inte."},
    )
    assert answered.status_code == 303
    _, _, token = make_address(grandmother)
    found = events(app.test_client().get(f"/kalender/{token}.ics").data)
    assert len(found) == 4
    assert calendar_feed._uid("commitment", key) not in {str(e["UID"]) for e in found}
