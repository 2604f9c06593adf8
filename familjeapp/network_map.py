"""Vårt nätverk and Tidsram drawn as pictures on the server (SVG), like the chart in chart.py.

This module only works out where things go; the templates `components/_network_map.html` and
`components/_timeline.html` draw them, beside lists of the same people and dates.

Closeness: the data says nothing about how close someone is, so the rings follow the roles. The
children stand in the middle, the parents in the first ring around them and the network in the
second. The social worker is not drawn: the worker's card stands above the plan already.
"""

import math
from dataclasses import dataclass, replace
from datetime import date

# Drawn about as wide as a phone is; the names stay readable at 320 px.
MAP_SIZE = 360
CENTRE = MAP_SIZE / 2
RINGS = {"child": 0, "parent": 1, "network": 2}
RADII = (0, 82, 140)  # the middle, the first ring, the second ring
NODE = 20  # the radius of a person's circle

TIMELINE_WIDTH, TIMELINE_HEIGHT = 360, 96
LINE_Y = 48
EDGE = 16  # room at each end of the line


@dataclass(frozen=True)
class Spot:
    """One person on the map: where the circle's centre is, and the ring they are in."""

    person: object
    ring: int
    x: float
    y: float

    @property
    def label(self) -> str:
        """The name under the circle: the whole name if short, else its first word."""
        name = self.person.name
        return name if len(name) <= 14 else name.split()[0][:14]

    @property
    def anchor(self) -> str:
        """How the name stands beside the circle: inwards near the map's sides, so it fits."""
        if self.x < CENTRE - 90:
            return "start"
        if self.x > CENTRE + 90:
            return "end"
        return "middle"

    @property
    def label_x(self) -> float:
        return {"start": self.x - NODE, "end": self.x + NODE}.get(self.anchor, self.x)

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.person.name.split()[:2]).upper()


@dataclass(frozen=True)
class NetworkMap:
    size: int
    spots: list[Spot]
    radii: tuple[int, ...]

    def ring(self, ring: int) -> list[Spot]:
        return [spot for spot in self.spots if spot.ring == ring]


def network_map(people: list) -> NetworkMap | None:
    """Place each person on the rings by role (children, parents, network); None if nobody."""
    spots = []
    for role, ring in RINGS.items():
        members = [p for p in people if p.role == role]
        if not members:
            continue
        if ring == 0 and len(members) == 1:
            spots.append(Spot(members[0], 0, CENTRE, CENTRE))
            continue
        # Several children share the middle on a small circle of their own.
        radius = RADII[ring] or 30
        # Each ring starts at the top, the second half a step round, so that names on the two
        # rings stand apart.
        offset = 0.5 if ring == 2 else 0.0
        for index, member in enumerate(members):
            angle = 2 * math.pi * (index + offset) / len(members) - math.pi / 2
            x = CENTRE + radius * math.cos(angle)
            y = CENTRE + radius * math.sin(angle)
            spots.append(Spot(member, ring, round(x, 1), round(y, 1)))
    if not spots:
        return None
    return NetworkMap(MAP_SIZE, spots, RADII)


@dataclass(frozen=True)
class Mark:
    kind: str  # start, network_meeting, follow_up, planned_end
    day: date
    x: float
    past: bool


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
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
        TIMELINE_HEIGHT,
        first,
        last,
        marks,
        today,
        x_of(today),
        (left, right),
        next_event,
        (next_event.happens_on - today).days if next_event else None,
    )
