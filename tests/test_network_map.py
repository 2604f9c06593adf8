"""Vårt nätverk and Tidsram drawn as pictures: where each person and each date lands."""

import math
import re
from datetime import date, timedelta

from babel.dates import format_date
from conftest import person, signed_in

from familjeapp import clock
from familjeapp.demo import add_demo_family
from familjeapp.network_map import network_map, timeline
from familjeapp.store import families
from familjeapp.store.families import Person
from familjeapp.store.plans import PlanEvent


def someone(role: str, name: str, number: int = 1) -> Person:
    return Person(number, 1, role, name, "", None, None, False)


def names(spots) -> list[str]:
    return [spot.person.name for spot in spots]


def test_nobody_no_map():
    assert network_map([]) is None


def test_the_child_is_in_the_middle_the_parents_closest_and_the_network_around():
    drawn = network_map(
        [someone("parent", "Sara", 1), someone("parent", "Johan", 2), someone("child", "Elsa", 3),
         someone("network", "Farmor Britt", 4), someone("network", "Karim", 5),
         someone("network", "Lina", 6)]
    )  # fmt: skip
    assert names(drawn.ring(0)) == ["Elsa"]
    assert names(drawn.ring(1)) == ["Sara", "Johan"]
    assert names(drawn.ring(2)) == ["Farmor Britt", "Karim", "Lina"]
    # Each ring is drawn half above the middle and half below it, everyone once.
    assert (names(drawn.above(1)), names(drawn.below(1))) == (["Sara"], ["Johan"])
    assert (names(drawn.above(2)), names(drawn.below(2))) == (["Farmor Britt", "Karim"], ["Lina"])


def test_several_children_share_the_middle():
    drawn = network_map([someone("child", "Elsa", 1), someone("child", "Oskar", 2)])
    assert names(drawn.above(0)) == ["Elsa", "Oskar"] and drawn.below(0) == []
    assert drawn.ring(1) == drawn.ring(2) == []


def test_the_page_shows_the_map_and_lists_each_ring_by_name(parent):
    html = parent.get(parent.plan_url).get_data(as_text=True)
    network = html[html.index('id="part-network"') : html.index('id="part-scale"')]
    assert '<div class="netmap__picture" role="img" aria-labelledby="netmap-title">' in network
    assert re.search(r'<span id="netmap-title" hidden>Vårt nätverk som en bild\.', network)
    # The names are the page's own text (so they grow with it), in rings nested in one another.
    picture = network[network.index("netmap__picture") : network.index("<figcaption>")]
    drawn = re.findall(r'netmap__ring--(\d)|<span class="netmap__name">([^<]+)</span>', picture)
    assert [ring or name for ring, name in drawn] == [
        "2", "Farmor Britt", "1", "Sara", "0", "Elsa", "Johan", "Morbror Karim"
    ]  # fmt: skip
    rings = network[network.index('class="netmap__rings"') : network.index("</figcaption>")]
    assert "<strong>I mitten:</strong> <bdi>Elsa (9 år)</bdi>" in rings
    assert "<strong>Närmast:</strong> <bdi>Sara (mamma)</bdi>, <bdi>Johan (pappa)</bdi>" in rings
    assert (
        "<strong>Runt omkring:</strong> <bdi>Farmor Britt (farmor)</bdi>, "
        "<bdi>Morbror Karim (morbror)</bdi>" in rings
    )
    # Each person's library picture is drawn in their circle, the same picture as on their card.
    assert picture.count('<img src="') == 5 and ".svg#old-woman" in picture


# --- The timeline ----------------------------------------------------------------------------

START = date(2026, 3, 1)
EVENTS = [
    PlanEvent("start", START, ""),
    PlanEvent("network_meeting", START + timedelta(days=15), ""),
    PlanEvent("follow_up", START + timedelta(days=20), ""),
    PlanEvent("planned_end", START + timedelta(days=30), ""),
]


def test_no_dates_no_line():
    assert timeline([], START) is None


def test_the_dates_stand_to_scale_from_the_start_to_the_planned_end():
    line = timeline(EVENTS, START + timedelta(days=3))
    left, right = line.line
    start, meeting, follow_up, end = line.marks
    assert (start.x, end.x) == (left, right)
    assert meeting.x == (left + right) / 2  # day 15 of 30
    assert math.isclose(follow_up.x - meeting.x, (right - left) / 6, abs_tol=0.1)  # 5 of 30 days
    assert math.isclose(line.today_x, left + (right - left) / 10, abs_tol=0.1)  # day 3 of 30
    assert [m.past for m in line.marks] == [True, False, False, False]


def test_today_after_the_planned_end_stretches_the_line_to_today():
    line = timeline(EVENTS, START + timedelta(days=60))
    assert line.last == START + timedelta(days=60)
    assert line.today_x == line.line[1] and line.marks[-1].x == (line.line[0] + line.line[1]) / 2
    assert line.next_event is None


def test_the_next_meeting_is_told_before_a_nearer_follow_up():
    line = timeline(
        EVENTS[:1] + EVENTS[2:] + [PlanEvent("network_meeting", START + timedelta(days=25), "")],
        START,
    )
    assert line.next_event.kind == "network_meeting" and line.days_to_next == 25


def test_right_to_left_time_runs_leftwards():
    line = timeline(EVENTS, START + timedelta(days=3)).in_direction("rtl")
    start, meeting, _, end = line.marks
    assert start.x > meeting.x > end.x
    assert line.start_x == line.line[1] > line.end_x == line.line[0]
    assert line.today_x > meeting.x  # three days in: near the start, at the right
    assert line.in_direction("ltr").marks[0].x < line.in_direction("ltr").marks[-1].x


def swedish(day: date) -> str:
    return format_date(day, "d MMMM" if day.year == clock.today().year else "d MMMM y", locale="sv")


def test_today_is_marked_and_what_is_next_said_by_swedens_calendar(app, db, night):
    # At 23:30 UTC it is already tomorrow in Sweden: today and "in 10 days" count from there.
    page = signed_in(app, add_demo_family(db), "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    part = html[html.index('id="part-timeframe"') :]
    meeting = night.date + timedelta(days=10)
    assert (
        f'<p class="timeline__next">Nästa nätverksmöte är {swedish(meeting)}, om 10 dagar.</p>'
        in part
    )
    assert re.search(
        r'<svg class="chart__svg timeframe-line__svg"[^>]* role="img"'
        r' aria-labelledby="timeline-title"',
        part,
    )
    assert ">I dag</text>" in part
    # In the list, today stands between the last meeting and the next one, with Sweden's date.
    today = part.index("timeline__event--today")
    assert f'<span class="timeline__date">{swedish(night.date)}</span>' in part[today : today + 200]
    assert (
        part.index("Första nätverksmötet") < today < part.index("Nätverksmöte hos socialtjänsten")
    )
    # The today mark stands 30 days after the start on a line of 150 days, as a share of the
    # width: no viewBox shrinks "I dag" with the picture.
    assert "viewBox" not in part[: part.index("</svg>")]
    found = re.search(r'<line class="timeframe-line__today" x1="([\d.]+)%"', part)
    assert math.isclose(float(found.group(1)), (16 + 30 / 150 * 328) / 360 * 100, abs_tol=0.05)


def test_a_meeting_today_and_nothing_ahead_are_said_too(app, db, stop_clock):
    stop_clock(clock.start_of_day(date(2026, 11, 16)))
    demo = add_demo_family(db, today=date(2026, 11, 6))  # the next meeting is on 16 November
    page = signed_in(app, demo, "Sara")
    assert "Nästa nätverksmöte är i dag, 16 november." in page.get(page.plan_url).get_data(
        as_text=True
    )
    late = add_demo_family(db, today=date(2026, 11, 16) - timedelta(days=121))
    page = signed_in(app, late, "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    assert "Det finns inga fler datum i planen framåt." in html
    assert "timeline__event--today" in html  # at the end of the list, after the planned end


def test_in_arabic_the_timeline_runs_right_to_left(app, db):
    demo = add_demo_family(db)
    families.set_language(db, person(demo, "Sara")["id"], "ar")
    page = signed_in(app, demo, "Sara")
    html = page.get(page.plan_url).get_data(as_text=True)
    part = html[html.index('id="part-timeframe"') :]
    assert 'direction="rtl" role="img" aria-labelledby="timeline-title"' in part
    assert ">اليوم</text>" in part
    # The start mark (a bar) is at the right end, the planned end at the left.
    bars = [
        float(re.search(rf'timeframe-line__mark--{kind}" x="([\d.]+)%"', part).group(1))
        for kind in ("start", "planned_end")
    ]
    assert bars[0] > bars[1]
