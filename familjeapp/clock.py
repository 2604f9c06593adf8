"""Swedish time: the one place that says what "now" and "today" are.

The families and their social workers are in Sweden, so every calendar date the app stores or
shows (today, a network meeting, a commitment's period, the day of a rating, a day in the audit
log's filter) is a date in Europe/Stockholm, whatever zone the server's own clock is set to.
Moments are stored in UTC and turned into Swedish time only to be dated or shown. Nothing here
needs a request, so the command line counts days the same way as the pages do.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def now() -> datetime:
    """The present moment, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Sweden."""
    return local(now()).date()


def local(moment: datetime | str) -> datetime:
    """A moment, aware or as stored (ISO text), in Swedish time.

    A moment without a zone is taken as UTC, the zone everything is stored in, never as the
    server's own zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SWEDEN)


def local_date(moment: datetime | str) -> date:
    """The Swedish calendar date of a moment."""
    return local(moment).date()


def start_of_day(day: date) -> datetime:
    """The moment a Swedish calendar day begins (midnight in Sweden, never inside a clock change,
    which happens at 02:00 or 03:00)."""
    return datetime.combine(day, time.min, tzinfo=SWEDEN)
