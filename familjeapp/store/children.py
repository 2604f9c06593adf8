"""What a child adds to the three houses (Tre hus): a library picture and/or a few words.

Saved exactly once with a client_id made when the form was shown, like a check-in. A child's
additions reach the social worker only, unless the worker shares one: no family page may read
them except the child's own (``own_additions``).
"""

import json
from dataclasses import dataclass

from sqlite_utils import Database

from ..db import transaction
from . import timestamp
from .plans import HOUSES


class AdditionConflict(Exception):
    """The client_id was already used for another addition, or by someone else."""


@dataclass(frozen=True)
class Addition:
    id: int
    person_id: int
    house: str  # 'worries', 'good' or 'dreams'
    picture: str | None
    words: str
    created_at: str
    shared_at: str | None


def _addition(row: dict) -> Addition:
    return Addition(
        row["id"],
        row["person_id"],
        row["house"],
        row["picture"],
        row["words"],
        row["created_at"],
        row["shared_at"],
    )


def add_to_house(
    db: Database,
    *,
    family_id: int,
    person_id: int,
    client_id: str,
    house: str,
    picture: str | None,
    words: str,
) -> tuple[int, bool]:
    """Store a child's own thing in one of the three houses, once.

    Returns its id and whether this call made it. A resend of the same form finds the row
    already made; the same client_id with other content, or from another person, raises
    AdditionConflict. Raises ValueError for a house that does not exist or an empty addition.
    """
    if house not in HOUSES:
        raise ValueError(f"unknown house {house!r}")
    if not picture and not words:
        raise ValueError("an addition needs a picture or words")
    # The id is the client's; the content is in the row itself, so compare it directly.
    fingerprint = json.dumps([person_id, house, picture, words], ensure_ascii=False)
    with transaction(db):
        earlier = db.execute(
            "SELECT id, person_id, house, picture, words FROM child_additions WHERE client_id = ?",
            [client_id],
        ).fetchone()
        if earlier is not None:
            if json.dumps(list(earlier[1:]), ensure_ascii=False) == fingerprint:
                return earlier[0], False
            raise AdditionConflict(client_id)
        addition_id = (
            db["child_additions"]
            .insert(
                {
                    "family_id": family_id,
                    "person_id": person_id,
                    "client_id": client_id,
                    "house": house,
                    "picture": picture or None,
                    "words": words,
                    "created_at": timestamp(),
                }
            )
            .last_pk
        )
        return addition_id, True


def own_additions(db: Database, person_id: int) -> list[Addition]:
    """What one child added to the houses, oldest first: for that child's own pages."""
    return [
        _addition(row)
        for row in db["child_additions"].rows_where(
            "person_id = ?", [person_id], order_by="created_at, id"
        )
    ]


def family_additions(db: Database, family_id: int) -> list[Addition]:
    """Every child's additions in the family, newest first: for the social worker only."""
    return [
        _addition(row)
        for row in db["child_additions"].rows_where(
            "family_id = ?", [family_id], order_by="created_at DESC, id DESC"
        )
    ]


# --- Sharing a child's addition with the parents (the worker's explicit, audited action) ---


def family_addition(db: Database, family_id: int, addition_id: int) -> Addition | None:
    """One addition of a child of this family, for the worker; None for any other id."""
    row = next(
        db["child_additions"].rows_where("id = ? AND family_id = ?", [addition_id, family_id]),
        None,
    )
    return _addition(row) if row else None


def share_addition(db: Database, *, family_id: int, addition_id: int, worker_id: int) -> bool:
    """Show a child's addition to the parents (not the network) from now on.

    Sharing again keeps the first time and who shared it. Returns False, and changes nothing,
    for an id that is not an addition of this family. There is no unsharing.
    """
    with transaction(db):
        return bool(
            db.execute(
                """
                UPDATE child_additions
                SET shared_by_worker = COALESCE(shared_by_worker, ?),
                    shared_at = COALESCE(shared_at, ?)
                WHERE id = ? AND family_id = ?
                """,
                [worker_id, timestamp(), addition_id, family_id],
            ).rowcount
        )


def shared_additions(db: Database, family_id: int) -> list[tuple[str, Addition]]:
    """What the worker shared of the children's additions, newest shared first, with each
    child's name: for the parents only (never the network)."""
    return [
        (row["name"], _addition(row))
        for row in db.query(
            """
            SELECT a.*, p.name FROM child_additions a JOIN people p ON p.id = a.person_id
            WHERE a.family_id = ? AND a.shared_by_worker IS NOT NULL AND p.removed_at IS NULL
            ORDER BY a.shared_at DESC, a.id DESC
            """,
            [family_id],
        )
    ]
