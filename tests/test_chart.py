"""The safety scale chart: where each rating and meeting lands."""

from datetime import UTC, date, datetime, timedelta

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
