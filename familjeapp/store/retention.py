"""Closed cases and their deletion once the retention period is over (SECURITY.md, "Data
lifecycle").

Closing a case starts its clock; only an explicit action after the period deletes it, and the
deletion is logged. Deleting the family row removes everything about the family through the
schema's ON DELETE CASCADE (people, their sessions and invites, plan versions with items,
commitments and events, answers, check-ins with their rules, signals and photos, and each
person's copies of their data, with their snapshots: m012). The audit rows stay: they hold no
content and no foreign key.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from ..db import transaction
from . import audit, now, throttle, timestamp


@dataclass(frozen=True)
class ClosedCase:
    """A closed case as the administrator sees it: no family name, only what deciding needs."""

    id: int
    team_name: str
    worker_name: str | None
    closed_at: str


def cutoff(days: int, *, at: datetime | None = None) -> str:
    """Cases closed before this moment are past their retention period."""
    return timestamp((at or now()) - timedelta(days=days))


def due_cases(db: Database, *, days: int) -> list[ClosedCase]:
    """Closed cases past the retention period, the longest closed first."""
    rows = db.query(
        """
        SELECT f.id, t.name AS team_name, w.name AS worker_name, f.closed_at
        FROM families f JOIN teams t ON t.id = f.team_id LEFT JOIN workers w ON w.id = f.worker_id
        WHERE f.closed_at IS NOT NULL AND f.closed_at < ?
        ORDER BY f.closed_at, f.id
        """,
        [cutoff(days)],
    )
    return [ClosedCase(r["id"], r["team_name"], r["worker_name"], r["closed_at"]) for r in rows]


def delete_case(
    db: Database,
    family_id: int,
    *,
    days: int,
    actor_type: str,
    actor_id: int | None = None,
    role: str | None = None,
) -> bool:
    """Delete one closed case past its period, and log it, in one transaction.

    False, and nothing changed, when the family does not exist, is open, or was closed too
    recently: the period is checked here, at the moment of deleting, not only on the page.
    """
    deleted = _delete(db, family_id, days=days, actor=(actor_type, actor_id, role))
    if deleted:
        _purge_write_ahead_log(db)
    return deleted


def delete_due_cases(
    db: Database,
    *,
    days: int,
    actor_type: str,
    actor_id: int | None = None,
    role: str | None = None,
) -> list[int]:
    """Delete every case past its period, each in its own transaction; return their ids."""
    actor = (actor_type, actor_id, role)
    deleted = [
        case.id for case in due_cases(db, days=days) if _delete(db, case.id, days=days, actor=actor)
    ]
    if deleted:
        _purge_write_ahead_log(db)
    return deleted


def _delete(db: Database, family_id: int, *, days: int, actor: tuple) -> bool:
    actor_type, actor_id, role = actor
    # Every connection overwrites what is deleted (db.connect sets secure_delete).
    with transaction(db):
        people = db.execute("SELECT id FROM people WHERE family_id = ?", [family_id]).fetchall()
        cursor = db.execute(
            "DELETE FROM families WHERE id = ? AND closed_at IS NOT NULL AND closed_at < ?",
            [family_id, cutoff(days)],
        )
        if cursor.rowcount != 1:
            return False
        # Wrong codes are kept by hashed keys, not by family: they go by each person.
        for (person_id,) in people:
            throttle.forget(db, throttle.person_account(person_id))
        audit.record(
            db, "case_deleted", actor_type=actor_type, actor_id=actor_id, role=role,
            object_type="family", object_id=family_id, family_id=family_id,
        )  # fmt: skip
    return True


def _purge_write_ahead_log(db: Database) -> None:
    """Copy the new state into the database file and empty the write-ahead log, so older
    copies of the deleted pages do not linger there. Best effort: while a reader is busy, or
    inside a caller's transaction, a later checkpoint does it.
    """
    if not db.conn.in_transaction:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
