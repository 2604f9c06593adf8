"""The safety scale chart: where each rating and meeting lands."""

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import at

from familjeapp.chart import scale_chart

START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_no_ratings_no_chart():
    assert scale_chart([], [date(2026, 3, 1)]) is None


def test_each_person_gets_a_line_with_its_own_colour_and_shape():
    chart = scale_chart(
        [("Sara", START, 2), ("Farmor Britt", START + timedelta(days=3), 6),
         ("Sara", START + timedelta(days=7), 8)],
        [],
    )  # fmt: skip
    assert [line.name for line in chart.lines] == ["Sara", "Farmor Britt"]
    sara, britt = chart.lines
    assert [p.rating for p in sara.points] == [2, 8]
    assert sara.colour != britt.colour and sara.marker != britt.marker


def test_higher_ratings_sit_higher_and_later_ones_further_right():
    chart = scale_chart([("Sara", START, 2), ("Sara", START + timedelta(days=7), 8)], [])
    early, late = chart.lines[0].points
    assert late.y < early.y  # SVG's y grows downwards
    assert late.x > early.x
    left, top, right, bottom = chart.plot
    assert left <= early.x < late.x <= right and top <= late.y < early.y <= bottom


def test_meetings_in_the_period_are_marked_and_later_ones_are_left_out():
    chart = scale_chart(
        [("Sara", START, 5), ("Sara", START + timedelta(days=10), 7)],
        [date(2026, 2, 25), date(2026, 3, 5), date(2026, 4, 1)],
    )
    assert [day for _, day in chart.meetings] == [date(2026, 2, 25), date(2026, 3, 5)]
    assert chart.meetings[0][0] == chart.plot[0]  # the first meeting starts the time axis


def test_the_date_labels_are_swedish_dates(server_zone):
    # 23:30 UTC on 15 November is half past midnight on the 16th in Sweden.
    chart = scale_chart([("Sara", at(2026, 11, 15, 23, 30), 6)], [])
    assert [day for _, day in chart.x_ticks] == [
        date(2026, 11, 16), date(2026, 11, 16), date(2026, 11, 17)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("meeting", "midnight_in_sweden"),
    [
        (date(2026, 11, 16), at(2026, 11, 15, 23)),
        (date(2026, 7, 16), at(2026, 7, 15, 22)),
        (date(2026, 3, 29), at(2026, 3, 28, 23)),  # the day summer time starts
        (date(2026, 3, 30), at(2026, 3, 29, 22)),
        (date(2026, 10, 25), at(2026, 10, 24, 22)),  # the day summer time ends
        (date(2026, 10, 26), at(2026, 10, 25, 23)),
    ],
)
def test_a_meeting_stands_at_swedish_midnight_with_a_rating_given_just_after(
    server_zone, meeting, midnight_in_sweden
):
    just_after = midnight_in_sweden + timedelta(minutes=30)
    chart = scale_chart([("Sara", midnight_in_sweden, 4), ("Sara", just_after, 6)], [meeting])
    [(x, day)] = chart.meetings
    assert day == meeting and x == pytest.approx(chart.lines[0].points[0].x)


def test_read_from_right_to_left_the_newest_rating_is_at_the_left():
    chart = scale_chart(
        [("Sara", START, 2), ("Sara", START + timedelta(days=7), 8)], [date(2026, 2, 27)]
    )
    mirrored = chart.in_direction("rtl")
    early, late = mirrored.lines[0].points
    left, top, right, bottom = mirrored.plot
    assert mirrored.rtl and late.x < early.x and late.y < early.y
    assert left <= late.x < early.x <= right
    # The first meeting starts the time axis, at its right end now; the first date stands there.
    assert mirrored.meetings[0][0] == right
    assert mirrored.x_ticks[0] == (right, date(2026, 2, 27))
    # The room for the scale's numbers is at the right of the plot, where the reader starts.
    assert chart.width - right == chart.plot[0]
    assert chart.in_direction("ltr") is chart and mirrored.in_direction("rtl") is mirrored
    back = mirrored.in_direction("ltr")
    assert back.plot == chart.plot
    assert [p.x for p in back.lines[0].points] == pytest.approx(
        [p.x for p in chart.lines[0].points]
    )
