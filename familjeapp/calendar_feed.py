"""The plan's dates for a phone's own calendar (iCalendar, RFC 5545, made with ``icalendar``).

What goes in: what the person may read in the published plan (access.py) and no more: their own
commitments that are not withdrawn, the network meetings, and a weekly *Hur går det?* reminder.
Each event has a reminder (VALARM) and a link back to the app.

Titles are neutral unless the person chose full titles: "Reminder 15:00", "Meeting",
"How is it going?" in the person's language. Not even a child's name is in a neutral title: a
calendar is seen on a locked phone, on a shared computer and in a partner's synced account. Full
titles are the commitment's own words and the meeting's title. Worries, plan items and check-ins
are never in a feed.

A commitment's days and time are read from its words, or else from its rule's "when"
("onsdagar 15.00", "varje kväll klockan 19", "måndagar och onsdagar"): named weekdays give a
weekly event on those days, "varje dag" (or a time alone, over a period) a daily one, between
the commitment's first and last day, in Swedish time with its summer time (a VTIMEZONE for
Europe/Stockholm, DTSTART with TZID, RRULE with UNTIL). Words without a time give all-day events.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_time
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vDuration, vRecur

from . import clock
from .store import plans

WEEKDAYS = {
    "måndag": "MO", "tisdag": "TU", "onsdag": "WE", "torsdag": "TH",
    "fredag": "FR", "lördag": "SA", "söndag": "SU",
}  # fmt: skip
_WEEKDAY = re.compile(r"\b(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?:ar|en|s)?\b")
_WORKDAYS = re.compile(r"\bvardag(?:ar|en)?\b")
_DAILY = re.compile(r"\b(?:varje|alla) (?:dag|dagar|kväll|kvällar|morgon|morgnar)\b|\bdagligen\b")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[.:]([0-5]\d)\b")
_HOUR = re.compile(r"\b(?:kl\.?|klockan)\s*([01]?\d|2[0-3])\b")
# The day before a meeting, at 18:00 (a meeting is a day, with no time in the plan).
MEETING_ALARM = timedelta(hours=-6)
COMMITMENT_ALARM = timedelta(minutes=-30)
# On the day of an all-day commitment, at 08:00.
ALL_DAY_ALARM = timedelta(hours=8)
CHECKIN_AT = time(18, 0)
CHECKIN_DAY = 6  # Sunday
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class When:
    """The days and the time a commitment's words name."""

    days: tuple[str, ...]  # RFC 5545 weekdays; empty for none, all seven for every day
    at: time | None


def read_when(*texts: str) -> When:
    """The weekdays and the time named in the first text that names them ("onsdagar 15.00")."""
    days: tuple[str, ...] = ()
    at = None
    for text in texts:
        words = text.lower()
        if not days:
            if _DAILY.search(words):
                days = tuple(WEEKDAYS.values())
            else:
                named = [WEEKDAYS[m.group(1)] for m in _WEEKDAY.finditer(words)]
                if _WORKDAYS.search(words):
                    named += ["MO", "TU", "WE", "TH", "FR"]
                days = tuple(d for d in WEEKDAYS.values() if d in named)
        if at is None:
            if m := _CLOCK.search(words):
                at = time(int(m.group(1)), int(m.group(2)))
            elif m := _HOUR.search(words):
                at = time(int(m.group(1)))
    return When(days, at)


def _uid(*parts: object) -> str:
    """A stable id for an event, the same in every download, that says nothing of the family."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32] + "@familjeapp"


def _alarm(description: str, trigger: timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", trigger)
    return alarm


def _event(uid: str, summary: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("description", _("Open the app to read more."))
    event.add("url", url)
    return event


def _first_on_or_after(day: date, days: tuple[str, ...]) -> date:
    order = list(WEEKDAYS.values())
    while order[day.weekday()] not in days:
        day += timedelta(days=1)
    return day


def _commitment_event(
    commitment: plans.Commitment, rule_when: str, *, full: bool, url: str, stamp: datetime
) -> Event | None:
    if commitment.status == "withdrawn" or not commitment.starts_on:
        return None
    start = date.fromisoformat(commitment.starts_on)
    end = date.fromisoformat(commitment.ends_on) if commitment.ends_on else None
    when = read_when(commitment.text, rule_when)
    days = when.days
    if not days and when.at is not None and end and end > start:
        days = tuple(WEEKDAYS.values())  # a time over a period, without a day: every day
    if days:
        start = _first_on_or_after(start, days)
        if end and start > end:
            return None
    if when.at is not None:
        title = _("Reminder %(time)s", time=format_time(when.at, "short"))
    else:
        title = _("Reminder")
    event = _event(
        _uid("commitment", commitment.key), commitment.text if full else title, url, stamp
    )
    if when.at is not None:
        begins = datetime.combine(start, when.at, tzinfo=clock.SWEDEN)
        event.add("dtstart", begins)
        event.add("dtend", begins + timedelta(minutes=30))
        alarm = COMMITMENT_ALARM
    else:
        event.add("dtstart", start)
        last = end if end and not days else start
        event.add("dtend", last + timedelta(days=1))
        alarm = ALL_DAY_ALARM
    if days:
        rule = {"freq": "daily"} if len(days) == 7 else {"freq": "weekly", "byday": list(days)}
        if end is not None:
            # With a TZID start, UNTIL is in UTC (RFC 5545, 3.3.10): the end of the last day.
            rule["until"] = (
                datetime.combine(end, time(23, 59, 59), tzinfo=clock.SWEDEN).astimezone(UTC)
                if when.at is not None
                else end
            )
        event.add("rrule", vRecur(rule))
    event.add_component(_alarm(event["summary"], alarm))
    return event


def feed(
    plan: plans.Plan | None,
    *,
    person_id: int,
    full_titles: bool,
    url: Callable[[str], str],
) -> bytes:
    """The person's calendar as iCalendar bytes. ``url(page)`` gives the absolute address of
    'plan' or 'checkin', the pages the events link back to."""
    cal = Calendar()
    cal.add("prodid", "-//familjeapp//familjeapp//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Our plan") if full_titles else _("Reminders"))
    # How often a subscribed calendar asks again (RFC 7986; Outlook and Apple read the X- one).
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = clock.now().replace(microsecond=0)
    if plan is not None:
        rules = {item.key: item.when_text for item in plan.of_kind("rule")}
        for commitment in plan.commitments_of(person_id):
            event = _commitment_event(
                commitment,
                rules.get(commitment.rule_key, ""),
                full=full_titles,
                url=url("plan"),
                stamp=stamp,
            )
            if event is not None:
                cal.add_component(event)
        for meeting in plan.events:
            if meeting.kind != "network_meeting":
                continue
            title = (meeting.title or _("Network meeting")) if full_titles else _("Meeting")
            event = _event(_uid("meeting", person_id, meeting.happens_on), title,
                           url("plan"), stamp)  # fmt: skip
            event.add("dtstart", meeting.happens_on)
            event.add("dtend", meeting.happens_on + timedelta(days=1))
            event.add_component(_alarm(title, MEETING_ALARM))
            cal.add_component(event)
        cal.add_component(
            _checkin_event(plan, person_id=person_id, url=url("checkin"), stamp=stamp)
        )
    cal.add_missing_timezones()
    return cal.to_ical()


def _checkin_event(plan: plans.Plan, *, person_id: int, url: str, stamp: datetime) -> Event:
    """Every Sunday at 18:00 from the plan's start, until its planned end if it has one."""
    begun = clock.local_date(plan.published_at) if plan.published_at else clock.today()
    first = begun + timedelta(days=(CHECKIN_DAY - begun.weekday()) % 7)
    title = _("How is it going?")
    event = _event(_uid("checkin", person_id), title, url, stamp)
    begins = datetime.combine(first, CHECKIN_AT, tzinfo=clock.SWEDEN)
    event.add("dtstart", begins)
    event.add("dtend", begins + timedelta(minutes=15))
    rule = {"freq": "weekly", "byday": ["SU"]}
    ends = [e.happens_on for e in plan.events if e.kind == "planned_end"]
    if ends:
        rule["until"] = datetime.combine(
            max(ends), time(23, 59, 59), tzinfo=clock.SWEDEN
        ).astimezone(UTC)
    event.add("rrule", vRecur(rule))
    event.add_component(_alarm(title, timedelta(0)))
    return event
