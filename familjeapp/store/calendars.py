"""A person's calendar address: the plan's dates in the phone's own calendar.

The address holds a secret token (``secrets.token_urlsafe(32)``); only its SHA-256 is stored, as
for invites. A person has at most one address that works: making a new one ends the old one. The
person, or the family's worker, revokes it; a revoked address answers 410 Gone for good.
"""

import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from ..db import transaction
from . import sha256, timestamp


@dataclass(frozen=True)
class Subscription:
    id: int
    person_id: int
    full_titles: bool
    created_at: str
    revoked_at: str | None


def _subscription(row: dict) -> Subscription:
    return Subscription(
        row["id"], row["person_id"], bool(row["full_titles"]), row["created_at"], row["revoked_at"]
    )


def create_subscription(db: Database, person_id: int, *, full_titles: bool = False) -> str:
    """Make a new calendar address for a person and return its token; any older one stops."""
    token = secrets.token_urlsafe(32)
    with transaction(db):
        db.execute(
            "UPDATE calendar_subscriptions SET revoked_at = ? "
            "WHERE person_id = ? AND revoked_at IS NULL",
            [timestamp(), person_id],
        )
        db["calendar_subscriptions"].insert(
            {
                "person_id": person_id,
                "token_hash": sha256(token),
                "full_titles": int(full_titles),
                "created_at": timestamp(),
            }
        )
    return token


def active_subscription(db: Database, person_id: int) -> Subscription | None:
    """The person's calendar address that works now, if any."""
    row = next(
        db["calendar_subscriptions"].rows_where(
            "person_id = ? AND revoked_at IS NULL", [person_id], order_by="id DESC", limit=1
        ),
        None,
    )
    return _subscription(row) if row else None


def find_by_token(db: Database, token: str) -> Subscription | None:
    """The subscription a token belongs to, revoked or not; None for an unknown token."""
    row = next(db["calendar_subscriptions"].rows_where("token_hash = ?", [sha256(token)]), None)
    return _subscription(row) if row else None


def set_full_titles(db: Database, person_id: int, full_titles: bool) -> bool:
    """Choose neutral or full titles for the person's working address. False if there is none."""
    with transaction(db):
        return bool(
            db.execute(
                "UPDATE calendar_subscriptions SET full_titles = ? "
                "WHERE person_id = ? AND revoked_at IS NULL",
                [int(full_titles), person_id],
            ).rowcount
        )


def revoke(db: Database, person_id: int, *, worker_id: int | None = None) -> bool:
    """End the person's calendar address at once. False if none was working."""
    with transaction(db):
        return bool(
            db.execute(
                "UPDATE calendar_subscriptions SET revoked_at = ?, revoked_by = ? "
                "WHERE person_id = ? AND revoked_at IS NULL",
                [timestamp(), worker_id, person_id],
            ).rowcount
        )


def people_with_calendars(db: Database, family_id: int) -> set[int]:
    """The ids of the family's people whose calendar address works now (the worker's page)."""
    return {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT s.person_id FROM calendar_subscriptions s "
            "JOIN people p ON p.id = s.person_id "
            "WHERE p.family_id = ? AND s.revoked_at IS NULL",
            [family_id],
        ).fetchall()
    }
