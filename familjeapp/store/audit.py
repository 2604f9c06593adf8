"""The append-only audit log: who did what to which family's data, and when. Never content."""

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
