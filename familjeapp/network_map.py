"""Vårt nätverk and Tidsram as pictures, like the chart in chart.py.

This module only works out where things go; the templates `components/_network_map.html` and
`components/_timeline.html` draw them, beside lists of the same people and dates.

Closeness: the data says nothing about how close someone is, so the rings follow the roles. The
children stand in the middle, the parents in the first ring around them and the network in the
second, half of each ring above the middle and half below. The social worker is not drawn: the
worker's card stands above the plan already. The map is drawn in HTML, not SVG, so that the
names are the page's own text: they grow with Större text and the phone's text size, and the
rings grow round them and wrap at 320 px instead of shrinking them with the picture.
"""

import math
from dataclasses import dataclass, replace
from datetime import date

RINGS = {"child": 0, "parent": 1, "network": 2}

# The timeline's own units; the template draws them as shares of its width (`Timeline.at`), and
# its heights in em, so the words on it grow with the page's text.
TIMELINE_WIDTH = 360
EDGE = 16  # room at each end of the line


@dataclass(frozen=True)
class Spot:
    """One person on the map, and the ring they are in (0 the middle, 1 the parents, 2 the rest)."""

    person: object
    ring: int

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.person.name.split()[:2]).upper()


@dataclass(frozen=True)
class NetworkMap:
    spots: list[Spot]

    def ring(self, ring: int) -> list[Spot]:
        return [spot for spot in self.spots if spot.ring == ring]

    def above(self, ring: int) -> list[Spot]:
        """The part of a ring drawn above the middle: its first half (the larger, if odd)."""
        members = self.ring(ring)
        return members if ring == 0 else members[: math.ceil(len(members) / 2)]

    def below(self, ring: int) -> list[Spot]:
        """The rest of the ring, drawn below the middle; the children are all in the middle."""
        members = self.ring(ring)
        return [] if ring == 0 else members[math.ceil(len(members) / 2) :]


def network_map(people: list) -> NetworkMap | None:
    """Put each person in a ring by role (children, parents, network); None if nobody."""
    spots = [
        Spot(person, ring)
        for role, ring in RINGS.items()
        for person in people
        if person.role == role
    ]
    return NetworkMap(spots) if spots else None


@dataclass(frozen=True)
class Mark:
    kind: str  # start, network_meeting, follow_up, planned_end
    day: date
    x: float
    past: bool


@dataclass(frozen=True)
class Timeline:
    width: int
    first: date
    last: date
    marks: list[Mark]
    today: date
    today_x: float
    line: tuple[float, float]  # where the line starts and ends (left, right)
    next_event: object | None  # the plan's next PlanEvent from today, if any
    days_to_next: int | None
    # Read from right to left (Arabic, Persian): time runs leftwards, the start at the right.
    rtl: bool = False

    def in_direction(self, direction: str) -> "Timeline":
        """The timeline for a page written in this direction ("ltr" or "rtl"): mirrored for rtl."""
        rtl = direction == "rtl"
        if rtl == self.rtl:
            return self

        def flip(x: float) -> float:
            return round(self.width - x, 1)

        return replace(
            self,
            marks=[replace(m, x=flip(m.x)) for m in self.marks],
            today_x=flip(self.today_x),
            line=(flip(self.line[1]), flip(self.line[0])),
            rtl=rtl,
        )

    def at(self, x: float) -> str:
        """Where x stands as a share of the drawing's width ("27.5%"), whatever its width."""
        return f"{x * 100 / self.width:.2f}%"

    @property
    def start_x(self) -> float:
        """Where the first day stands: at the left, or at the right from right to left."""
        return self.line[1] if self.rtl else self.line[0]

    @property
    def end_x(self) -> float:
        return self.line[0] if self.rtl else self.line[1]


def timeline(events: list, today: date) -> Timeline | None:
    """The plan's dates to scale, from the first (the start) to the last (the planned end).

    Today is always on the line: before the start it stands at the beginning, after the planned
    end the line runs on to it. None when the plan has no dates.
    """
    if not events:
        return None
    days = [e.happens_on for e in events]
    first, last = min(days + [today]), max(days + [today])
    span = max((last - first).days, 1)
    left, right = EDGE, TIMELINE_WIDTH - EDGE

    def x_of(day: date) -> float:
        return round(left + (day - first).days / span * (right - left), 1)

    marks = [Mark(e.kind, e.happens_on, x_of(e.happens_on), e.happens_on < today) for e in events]
    upcoming = sorted((e for e in events if e.happens_on >= today), key=lambda e: e.happens_on)
    # The next network meeting is what a family asks about most; else whatever comes next.
    meetings = [e for e in upcoming if e.kind == "network_meeting"]
    next_event = meetings[0] if meetings else (upcoming[0] if upcoming else None)
    return Timeline(
        TIMELINE_WIDTH,
        first,
        last,
        marks,
        today,
        x_of(today),
        (left, right),
        next_event,
        (next_event.happens_on - today).days if next_event else None,
    )
