"""Check-ins (Hur går det?): saved exactly once, never changed, seen only by whom they may be.

A check-in carries a client_id made for it before it is sent. Sending it again (a double tap, a
retry after a timeout, the offline outbox) finds the row already made and answers as the first
time did; the same id with other content is refused. Attention signals for the worker are worked
out in the same transaction, so a check-in is never stored without them.
"""

import hashlib
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..db import transaction
from . import timestamp

KEPT = ("yes", "partly", "no", "unknown")
LOW_RATING = 3  # a rating this low or lower needs the worker's attention
BIG_FALL = 3  # so does a fall this big since the person's previous rating


class CheckinConflict(Exception):
    """The client_id was already used for a check-in with other content."""


@dataclass(frozen=True)
class Checkin:
    id: int
    person_id: int | None
    person_name: str
    role: str
    rating: int | None
    words: str
    shared: bool
    created_at: str
    rules: dict[str, str] = field(default_factory=dict)


def content_hash(
    *, person_id: int, rating: int | None, words: str, shared: bool, rules: dict[str, str]
) -> str:
    """A fingerprint of what was said, to tell a resend from a different check-in."""
    content = json.dumps(
        [person_id, rating, words, shared, sorted(rules.items())], ensure_ascii=False
    )
    return hashlib.sha256(content.encode()).hexdigest()


def save_checkin(
    db: Database,
    *,
    family_id: int,
    person_id: int,
    client_id: str,
    rating: int | None,
    words: str,
    shared: bool,
    rules: dict[str, str],
    version_id: int | None,
    wants_to_talk: bool = False,
) -> tuple[int, bool]:
    """Store a check-in once. Returns its id and whether this call made it.

    Raises CheckinConflict when the id was used before for other content or another person.
    """
    fingerprint = content_hash(
        person_id=person_id, rating=rating, words=words, shared=shared, rules=rules
    )
    with transaction(db):
        earlier = db.execute(
            "SELECT id, person_id, content_hash FROM checkins WHERE client_id = ?", [client_id]
        ).fetchone()
        if earlier is not None:
            if earlier[1] == person_id and earlier[2] == fingerprint:
                return earlier[0], False
            raise CheckinConflict(client_id)
        previous = db.execute(
            """
            SELECT rating FROM checkins WHERE person_id = ? AND rating IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """,
            [person_id],
        ).fetchone()
        stamp = timestamp()
        checkin_id = (
            db["checkins"]
            .insert(
                {
                    "family_id": family_id,
                    "person_id": person_id,
                    "client_id": client_id,
                    "content_hash": fingerprint,
                    "version_id": version_id,
                    "rating": rating,
                    "words": words,
                    "shared": int(shared),
                    "wants_to_talk": int(wants_to_talk),
                    "created_at": stamp,
                }
            )
            .last_pk
        )
        db["checkin_rules"].insert_all(
            {"checkin_id": checkin_id, "rule_key": key, "kept": kept} for key, kept in rules.items()
        )
        signals = []
        if rating is not None and rating <= LOW_RATING:
            signals.append("low_rating")
        if rating is not None and previous and previous[0] - rating >= BIG_FALL:
            signals.append("rating_fell")
        if "no" in rules.values():
            signals.append("rule_not_kept")
        if wants_to_talk:
            signals.append("child_wants_to_talk")
        db["attention_signals"].insert_all(
            {
                "family_id": family_id,
                "person_id": person_id,
                "kind": kind,
                "checkin_id": checkin_id,
                "created_at": stamp,
            }
            for kind in signals
        )
        return checkin_id, True


def visible_checkins(
    db: Database, family_id: int, *, viewer_id: int, viewer_role: str
) -> list[Checkin]:
    """The check-ins a person may see, newest first: their own, and what adults shared.

    Children's check-ins reach the worker only, so they are never among what others share.
    """
    rows = list(
        db.query(
            """
            SELECT c.*, p.name, p.role FROM checkins c JOIN people p ON p.id = c.person_id
            WHERE c.family_id = :family AND (
                c.person_id = :viewer
                OR (:adult AND c.shared = 1 AND p.role IN ('parent', 'network'))
            )
            ORDER BY c.created_at DESC, c.id DESC
            """,
            {"family": family_id, "viewer": viewer_id, "adult": viewer_role != "child"},
        )
    )
    return _with_rules(db, rows)


def family_checkins(db: Database, family_id: int) -> list[Checkin]:
    """Every check-in of the family, newest first: for the worker only."""
    rows = list(
        db.query(
            """
            SELECT c.*, p.name, p.role FROM checkins c JOIN people p ON p.id = c.person_id
            WHERE c.family_id = ? ORDER BY c.created_at DESC, c.id DESC
            """,
            [family_id],
        )
    )
    return _with_rules(db, rows)


def _with_rules(db: Database, rows: list[dict]) -> list[Checkin]:
    kept: dict[int, dict[str, str]] = {}
    if rows:
        ids = [row["id"] for row in rows]
        marks = ", ".join("?" for _ in ids)
        for row in db.query(
            f"SELECT * FROM checkin_rules WHERE checkin_id IN ({marks})",  # noqa: S608
            ids,
        ):
            kept.setdefault(row["checkin_id"], {})[row["rule_key"]] = row["kept"]
    return [
        Checkin(
            row["id"],
            row["person_id"],
            row["name"],
            row["role"],
            row["rating"],
            row["words"],
            bool(row["shared"]),
            row["created_at"],
            kept.get(row["id"], {}),
        )
        for row in rows
    ]


def get_checkin(db: Database, checkin_id: int) -> Checkin | None:
    rows = list(
        db.query(
            """
            SELECT c.*, p.name, p.role FROM checkins c JOIN people p ON p.id = c.person_id
            WHERE c.id = ?
            """,
            [checkin_id],
        )
    )
    return _with_rules(db, rows)[0] if rows else None


def open_signals(db: Database, family_id: int) -> list[dict]:
    """The attention signals not yet handled, newest first."""
    return list(
        db["attention_signals"].rows_where(
            "family_id = ? AND handled_at IS NULL", [family_id], order_by="id DESC"
        )
    )


def respond_to_commitment(
    db: Database, *, family_id: int, commitment_key: str, person_id: int, response: str, reason: str
) -> None:
    """A network member confirms a commitment or says they can't any more (for the worker)."""
    if response not in ("confirmed", "withdrawn"):
        raise ValueError(f"unknown response {response!r}")
    with transaction(db):
        stamp = timestamp()
        db["commitment_responses"].insert(
            {
                "family_id": family_id,
                "commitment_key": commitment_key,
                "person_id": person_id,
                "response": response,
                "reason": reason,
                "created_at": stamp,
            }
        )
        if response == "withdrawn":
            db["attention_signals"].insert(
                {
                    "family_id": family_id,
                    "person_id": person_id,
                    "kind": "commitment_withdrawn",
                    "commitment_key": commitment_key,
                    "created_at": stamp,
                }
            )
