"""Swedish time: every "today", every date stored or shown, every period and meeting is Sweden's,
whatever zone the server's clock is in. Moments are stored in UTC."""

from datetime import UTC, date, timedelta

import pytest
from babel.dates import format_date
from conftest import at

from familjeapp import clock, templating
from familjeapp.demo import add_demo_family


def test_today_is_the_date_in_sweden(night):
    assert clock.today() == night.date


def test_now_is_the_present_moment_in_utc(night):
    assert clock.now() == night.utc and clock.now().utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("moment", "in_sweden"),
    [
        (at(2026, 11, 15, 22, 59), "2026-11-15 23:59"),
        (at(2026, 11, 15, 23, 0), "2026-11-16 00:00"),
        (at(2026, 7, 15, 21, 59), "2026-07-15 23:59"),
        (at(2026, 7, 15, 22, 0), "2026-07-16 00:00"),
        # Into summer time: at 01:00 UTC on 29 March 2026 Sweden's 02:00 becomes 03:00.
        (at(2026, 3, 28, 23, 0), "2026-03-29 00:00"),
        (at(2026, 3, 29, 0, 59), "2026-03-29 01:59"),
        (at(2026, 3, 29, 1, 0), "2026-03-29 03:00"),
        (at(2026, 3, 29, 21, 59), "2026-03-29 23:59"),
        (at(2026, 3, 29, 22, 0), "2026-03-30 00:00"),
        # Out of summer time: at 01:00 UTC on 25 October 2026 Sweden's 03:00 becomes 02:00.
        (at(2026, 10, 24, 21, 59), "2026-10-24 23:59"),
        (at(2026, 10, 24, 22, 0), "2026-10-25 00:00"),
        (at(2026, 10, 25, 0, 59), "2026-10-25 02:59"),
        (at(2026, 10, 25, 1, 0), "2026-10-25 02:00"),
        (at(2026, 10, 25, 22, 59), "2026-10-25 23:59"),
        (at(2026, 10, 25, 23, 0), "2026-10-26 00:00"),
    ],
)
def test_a_stored_moment_is_dated_and_timed_in_sweden(server_zone, moment, in_sweden):
    for stored in (moment, moment.isoformat()):
        assert f"{clock.local(stored):%Y-%m-%d %H:%M}" == in_sweden
        assert clock.local_date(stored) == date.fromisoformat(in_sweden[:10])


def test_a_swedish_day_starts_at_swedish_midnight_and_the_clocks_change_within_a_day():
    def length(day: date) -> timedelta:
        start, end = clock.start_of_day(day), clock.start_of_day(day + timedelta(days=1))
        return end.astimezone(UTC) - start.astimezone(UTC)

    assert clock.start_of_day(date(2026, 11, 16)) == at(2026, 11, 15, 23)
    assert clock.start_of_day(date(2026, 7, 16)) == at(2026, 7, 15, 22)
    assert length(date(2026, 3, 29)) == timedelta(hours=23)
    assert length(date(2026, 10, 25)) == timedelta(hours=25)
    assert length(date(2026, 11, 16)) == timedelta(hours=24)


def test_the_demo_counts_its_meetings_and_promises_from_the_swedish_date(night, db):
    demo = add_demo_family(db)
    family = demo["family_id"]
    meetings = [
        row[0]
        for row in db.execute(
            """
            SELECT e.happens_on FROM plan_events e JOIN plan_versions v ON v.id = e.version_id
            WHERE v.family_id = ? AND e.kind = 'network_meeting' ORDER BY e.happens_on
            """,
            [family],
        )
    ]
    assert meetings == [str(night.date - timedelta(days=14)), str(night.date + timedelta(days=10))]
    starts = {
        row[0]
        for row in db.execute(
            """
            SELECT c.starts_on FROM commitments c JOIN plan_versions v ON v.id = c.version_id
            WHERE v.family_id = ?
            """,
            [family],
        )
    }
    assert str(night.date) in starts  # Karim's promise starts today


def test_a_date_in_this_swedish_year_is_written_without_the_year(app, stop_clock):
    stop_clock(at(2026, 12, 31, 23, 30))  # New Year's Day in Sweden
    with app.test_request_context():
        assert templating.day(date(2027, 3, 12)) == "12 mars"
        assert templating.day(date(2026, 12, 31)) == "31 december 2026"


def test_a_stored_moment_is_shown_in_swedish_time(app, night):
    with app.test_request_context():
        shown = templating.moment(night.utc.isoformat())
        assert templating.day(night.utc) == templating.day(night.date)
    assert shown == f"{format_date(night.date, 'd MMMM', locale='sv')}, {night.time}"
