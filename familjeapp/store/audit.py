"""The append-only audit log: who did what to which family's data, and when. Never content."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from . import timestamp


def record(
    db: Database,
    action: str,
    *,
    actor_type: str,
    actor_id: int | None = None,
    role: str | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    family_id: int | None = None,
    outcome: str = "ok",
) -> None:
    """Append one row to the audit log."""
    db["audit"].insert(
        {
            "at": timestamp(),
            "actor_type": actor_type,
            "actor_id": actor_id,
            "role": role,
            "action": action,
            "object_type": object_type,
            "object_id": None if object_id is None else str(object_id),
            "family_id": family_id,
            "outcome": outcome,
        }
    )


def rows(db: Database, *, family_id: int | None = None, action: str | None = None) -> list[dict]:
    """Audit rows, oldest first, optionally for one family or one action."""
    where, params = [], []
    if family_id is not None:
        where.append("family_id = ?")
        params.append(family_id)
    if action is not None:
        where.append("action = ?")
        params.append(action)
    clause = " AND ".join(where) or None
    return list(db["audit"].rows_where(clause, params, order_by="id"))


@dataclass(frozen=True)
class AuditFilter:
    """What the log review asks for. Times are moments (with a zone); ``before`` is exclusive."""

    worker_id: int | None = None
    family_id: int | None = None
    since: datetime | None = None
    before: datetime | None = None
    # Rows up to this id only: an export is the log as it stood when it was asked for.
    last_id: int | None = None


def _where(wanted: AuditFilter) -> tuple[str, list]:
    where, params = ["1 = 1"], []
    if wanted.worker_id is not None:
        where.append("a.actor_type = 'worker' AND a.actor_id = ?")
        params.append(wanted.worker_id)
    if wanted.family_id is not None:
        where.append("a.family_id = ?")
        params.append(wanted.family_id)
    # Stored times are UTC ISO text, which sorts in time order: compare like with like.
    if wanted.since is not None:
        where.append("a.at >= ?")
        params.append(timestamp(wanted.since.astimezone(UTC)))
    if wanted.before is not None:
        where.append("a.at < ?")
        params.append(timestamp(wanted.before.astimezone(UTC)))
    if wanted.last_id is not None:
        where.append("a.id <= ?")
        params.append(wanted.last_id)
    return " AND ".join(where), params


# The worker's name is joined in for reading the log; a family member is shown by id and role
# only, so the log review does not spread the family's names.
_SELECT = """
    SELECT a.id, a.at, a.actor_type, a.actor_id, a.role, a.action, a.object_type, a.object_id,
           a.family_id, a.outcome, w.name AS actor_name
    FROM audit a LEFT JOIN workers w ON a.actor_type = 'worker' AND w.id = a.actor_id
"""


def search(db: Database, wanted: AuditFilter, *, limit: int, offset: int = 0) -> list[dict]:
    """One page of matching rows, newest first."""
    clause, params = _where(wanted)
    return list(
        db.query(
            f"{_SELECT} WHERE {clause} ORDER BY a.id DESC LIMIT ? OFFSET ?",  # noqa: S608 - fixed parts only
            [*params, limit, offset],
        )
    )


def last_id(db: Database) -> int:
    """The newest row's id (0 for an empty log)."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]


def count(db: Database, wanted: AuditFilter) -> int:
    """How many rows match, for paging."""
    clause, params = _where(wanted)
    sql = f"SELECT COUNT(*) FROM audit a WHERE {clause}"  # noqa: S608 - fixed parts only
    return db.execute(sql, params).fetchone()[0]


def each(db: Database, wanted: AuditFilter, *, batch: int = 1000) -> Iterator[dict]:
    """Every matching row, newest first, fetched a batch at a time (for an export).

    Batches follow the id rather than an offset, so rows added meanwhile neither repeat nor
    shift the rest, and no read stays open between batches.
    """
    clause, params = _where(wanted)
    last_id = None
    while True:
        page_clause = clause if last_id is None else f"{clause} AND a.id < ?"
        page_params = params if last_id is None else [*params, last_id]
        found = list(
            db.query(
                f"{_SELECT} WHERE {page_clause} ORDER BY a.id DESC LIMIT ?",  # noqa: S608
                [*page_params, batch],
            )
        )
        yield from found
        if len(found) < batch:
            return
        last_id = found[-1]["id"]
