"""The safety scale over time, drawn on the server as SVG: no chart JavaScript.

This module only works out where things go; the template `components/_chart.html` draws them,
beside a table of the same values for screen readers and for anyone who prefers numbers.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from . import clock

# Drawn about as wide as a phone is, so its text stays readable at 320 px.
WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 28, 12, 12, 32
# Lines that stay apart for colour-blind readers too (Okabe–Ito), each also with its own marker.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    rating: int
    when: datetime


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    marker: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    meetings: list[tuple[float, date]]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, date]]
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    # Read from right to left (Arabic, Persian): time runs leftwards, the newest rating at the
    # left, and the scale's numbers stand at the right, beside where the reader starts.
    rtl: bool = False

    def in_direction(self, direction: str) -> "Chart":
        """The chart for a page written in this direction ("ltr" or "rtl"): mirrored for rtl.

        The template asks with the page's own direction, so every page that shows the chart
        (the family's history, the child's safe home, the worker's follow view) gets it right.
        """
        rtl = direction == "rtl"
        if rtl == self.rtl:
            return self

        def flip(x: float) -> float:
            return self.width - x

        left, top, right, bottom = self.plot
        return replace(
            self,
            lines=[
                replace(line, points=[replace(p, x=flip(p.x)) for p in line.points])
                for line in self.lines
            ],
            meetings=[(flip(x), day) for x, day in self.meetings],
            x_ticks=[(flip(x), day) for x, day in self.x_ticks],
            plot=(self.width - right, top, self.width - left, bottom),
            rtl=rtl,
        )


def scale_chart(ratings: list[tuple[str, datetime, int]], meetings: list[date]) -> Chart | None:
    """Place each (name, when, rating) and each network meeting on the chart; None if empty."""
    if not ratings:
        return None
    rated = [when.timestamp() for _, when, _ in ratings]
    last = max(rated)
    # Meetings after the newest rating would only squeeze what has been said into a corner.
    meeting_times = [(_midnight(d), d) for d in meetings if _midnight(d) <= last]
    first = min(rated + [t for t, _ in meeting_times])
    span = max(last - first, 24 * 3600)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x_of(moment: float) -> float:
        return LEFT + (moment - first) / span * (right - LEFT)

    def y_of(rating: int) -> float:
        return bottom - rating / 10 * (bottom - TOP)

    names = list(dict.fromkeys(name for name, _, _ in ratings))
    lines = []
    for index, name in enumerate(names):
        points = [
            Point(x_of(when.timestamp()), y_of(rating), rating, when)
            for who, when, rating in sorted(ratings, key=lambda r: r[1])
            if who == name
        ]
        lines.append(
            Line(name, COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)], points)
        )
    meeting_marks = [(x_of(moment), d) for moment, d in meeting_times]
    ticks = [first + span * i / 2 for i in range(3)]
    x_ticks = [(x_of(t), clock.local_date(datetime.fromtimestamp(t, UTC))) for t in ticks]
    return Chart(
        WIDTH,
        HEIGHT,
        lines,
        meeting_marks,
        [(y_of(v), v) for v in (0, 5, 10)],
        x_ticks,
        (LEFT, TOP, right, bottom),
    )


def _midnight(day: date) -> float:
    """Where a day starts on the chart: midnight in Sweden, not in the server's zone."""
    return clock.start_of_day(day).timestamp()
