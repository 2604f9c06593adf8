"""The audit log as people read it: local time, who in words, and a CSV that a spreadsheet
cannot turn into a formula."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from .. import clock
from ..store.audit import AuditFilter

# A cell is read as a formula by Excel and LibreOffice (OWASP, "CSV injection") when it starts
# with tab or CR, or when its first character after any blank ones (spaces, no-break and
# zero-width spaces, line breaks) is = + - @ or their full-width forms, which some spreadsheets
# fold to the plain ones: a worker's name like " =HYPERLINK(...)" must stay text.
LOOKS_LIKE_A_FORMULA = re.compile(r"[\t\r]|[\s\u200b-\u200d\u2060\ufeff]*[=+\-@＝＋－＠]")


def to_filter(
    *, worker_id: int | None, family_id: int | None, since: date | None, until: date | None
) -> AuditFilter:
    """The filter for whole Swedish days: from the start of ``since`` to the end of ``until``
    (23 or 25 hours long on the days the clocks change)."""
    return AuditFilter(
        worker_id=worker_id,
        family_id=family_id,
        since=clock.start_of_day(since) if since else None,
        before=clock.start_of_day(until + timedelta(days=1)) if until else None,
    )


def local_time(row: dict) -> datetime:
    return clock.local(row["at"])


def role_name(role: str | None) -> str:
    names = {
        "admin": _("administrator"),
        "worker": _("social worker"),
        "parent": _("parent"),
        "network": _("network"),
        "child": _("child"),
    }
    return names.get(role, role or "")


def who(row: dict) -> str:
    """The actor in words: a worker by name, a family member by number and role only."""
    if row["actor_type"] == "worker":
        name = row["actor_name"] or _("worker #%(id)s", id=row["actor_id"])
        return f"{name} ({role_name(row['role'])})" if row["role"] else name
    if row["actor_type"] == "person":
        return _("person #%(id)s (%(role)s)", id=row["actor_id"], role=role_name(row["role"]))
    if row["actor_type"] == "system":
        return _("the system")
    return _("anonymous")


def csv_cell(value) -> str | int:
    """A value as a CSV cell, text that looks like a formula made inert with a leading '."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if LOOKS_LIKE_A_FORMULA.match(text) else text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """The export, one line at a time, so a long log never sits whole in memory."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells: list) -> str:
        writer.writerow([csv_cell(cell) for cell in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    # The byte order mark makes Excel read the file as UTF-8, so å, ä and ö survive.
    yield "\ufeff" + line(
        [
            _("Row"), _("Time (Swedish time)"), _("Time (UTC)"), _("Who"), _("Actor type"),
            _("Actor id"), _("Role"), _("Action"), _("Object type"), _("Object"), _("Family"),
            _("Outcome"),
        ]
    )  # fmt: skip
    for row in rows:
        yield line(
            [
                row["id"], local_time(row).isoformat(timespec="seconds"), row["at"], who(row),
                row["actor_type"], row["actor_id"], row["role"], row["action"],
                row["object_type"], row["object_id"], row["family_id"], row["outcome"],
            ]
        )  # fmt: skip
