"""Personal invite links: single use, expiring, bound to one person, stored only as a hash."""

import secrets
from datetime import timedelta

from sqlite_utils import Database

from ..db import transaction
from . import now, sha256, timestamp


def create_invite(db: Database, person_id: int, *, days: int, created_by: int | None) -> str:
    """Make a new invite for a person and return its token; only the hash is stored."""
    token = secrets.token_urlsafe(32)
    db["invites"].insert(
        {
            "person_id": person_id,
            "token_hash": sha256(token),
            "created_by": created_by,
            "created_at": timestamp(),
            "expires_at": timestamp(now() + timedelta(days=days)),
        }
    )
    return token


def invite_state(db: Database, token: str) -> str:
    """'valid', 'used', 'expired' or 'unknown', without consuming anything."""
    row = next(db["invites"].rows_where("token_hash = ?", [sha256(token)]), None)
    if row is None:
        return "unknown"
    if row["used_at"] is not None:
        return "used"
    if row["expires_at"] <= timestamp():
        return "expired"
    return "valid"


def invited_role(db: Database, token: str) -> str | None:
    """The role of the person an invite is for ('parent', 'network' or 'child'), or None.
    Consumes nothing: the invite page uses it to say which code comes next."""
    row = db.execute(
        "SELECT p.role FROM invites i JOIN people p ON p.id = i.person_id WHERE i.token_hash = ?",
        [sha256(token)],
    ).fetchone()
    return row[0] if row else None


def invited_language(db: Database, token: str) -> str | None:
    """The language the worker chose for the person an invite is for, if any. Consumes
    nothing: the invite page is shown in it."""
    row = db.execute(
        "SELECT p.language FROM invites i JOIN people p ON p.id = i.person_id "
        "WHERE i.token_hash = ?",
        [sha256(token)],
    ).fetchone()
    return row[0] if row else None


def consume_invite(db: Database, token: str) -> int | None:
    """Use the invite once. Returns the person's id, or None if it was not valid.

    The single UPDATE ... WHERE used_at IS NULL makes two concurrent uses give one success.
    """
    with transaction(db):
        cursor = db.execute(
            """
            UPDATE invites SET used_at = ?
            WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
              AND person_id IN (SELECT id FROM people WHERE removed_at IS NULL)
            """,
            [timestamp(), sha256(token), timestamp()],
        )
        if cursor.rowcount != 1:
            return None
        row = next(db["invites"].rows_where("token_hash = ?", [sha256(token)]))
        return row["person_id"]
