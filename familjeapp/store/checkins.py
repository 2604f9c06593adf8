"""Check-ins (Hur går det?): saved exactly once, never changed, seen only by whom they may be.

A check-in carries a client_id made for it before it is sent. Sending it again (a double tap, a
retry after a timeout, the offline outbox) finds the row already made and answers as the first
time did; the same id with other content is refused. Attention signals for the worker are worked
out in the same transaction, so a check-in is never stored without them.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlite_utils import Database

from ..clock import SWEDEN
from ..db import transaction
from . import already_kept, now, timestamp
from .plans import heard_by

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
    wants_to_talk: bool = False
    # Set on the worker's own rating (person_id is None then); see save_worker_rating.
    worker_id: int | None = None
    # A library picture a child chose with the answer, and when the worker shared a child's
    # check-in with the parents (None: the worker alone sees it).
    picture: str | None = None
    shared_at: str | None = None

    @property
    def by_worker(self) -> bool:
        return self.worker_id is not None

    @property
    def at(self) -> datetime:
        """When it was said, as an aware datetime (UTC)."""
        return datetime.fromisoformat(self.created_at)


@dataclass(frozen=True)
class CommitmentResponse:
    """The newest answer a person gave to a commitment: confirmed, or withdrawn and why."""

    commitment_key: str
    person_id: int
    response: str
    reason: str
    created_at: str

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


def content_hash(
    *,
    person_id: int,
    rating: int | None,
    words: str,
    shared: bool,
    rules: dict[str, str],
    picture: str | None = None,
) -> str:
    """A fingerprint of what was said, to tell a resend from a different check-in."""
    said = [person_id, rating, words, shared, sorted(rules.items())]
    # Only with a picture (a child's), so the fingerprints of earlier check-ins still match.
    content = json.dumps(said + [picture] if picture else said, ensure_ascii=False)
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
    picture: str | None = None,
) -> tuple[int, bool]:
    """Store a check-in once. Returns its id and whether this call made it.

    ``picture`` is a library picture a child chose to go with the answer.
    Raises CheckinConflict when the id was used before for other content or another person.
    """
    fingerprint = content_hash(
        person_id=person_id, rating=rating, words=words, shared=shared, rules=rules, picture=picture
    )
    with transaction(db):
        # One read, inside the write lock: a check-in already made with this client_id, and the
        # person's previous rating (for a fall since then).
        earlier_id, earlier_person, earlier_hash, previous = db.conn.execute(
            """
            SELECT e.id, e.person_id, e.content_hash,
                (SELECT rating FROM checkins WHERE person_id = ? AND rating IS NOT NULL
                 ORDER BY id DESC LIMIT 1)
            FROM (SELECT 1) LEFT JOIN checkins e ON e.client_id = ?
            """,
            [person_id, client_id],
        ).fetchone()
        if earlier_id is not None:
            if earlier_person == person_id and earlier_hash == fingerprint:
                return earlier_id, False
            raise CheckinConflict(client_id)
        stamp = timestamp()
        # Plain INSERTs: sqlite-utils' insert() first reads the schema three times, on the path
        # every check-in takes (README, *Performance*).
        checkin_id = db.execute(
            """
            INSERT INTO checkins (family_id, person_id, client_id, content_hash, version_id,
                                  rating, words, shared, wants_to_talk, picture, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [family_id, person_id, client_id, fingerprint, version_id, rating, words,
             int(shared), int(wants_to_talk), picture or None, stamp],
        ).lastrowid  # fmt: skip
        if rules:
            db.conn.executemany(
                "INSERT INTO checkin_rules (checkin_id, rule_key, kept) VALUES (?, ?, ?)",
                [(checkin_id, key, kept) for key, kept in rules.items()],
            )
        signals = []
        if rating is not None and rating <= LOW_RATING:
            signals.append("low_rating")
        if rating is not None and previous is not None and previous - rating >= BIG_FALL:
            signals.append("rating_fell")
        if "no" in rules.values():
            signals.append("rule_not_kept")
        if wants_to_talk:
            signals.append("child_wants_to_talk")
        if signals:
            db.conn.executemany(
                """
                INSERT INTO attention_signals (family_id, person_id, kind, checkin_id, created_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                [(family_id, person_id, kind, checkin_id, stamp) for kind in signals],
            )
        return checkin_id, True


# Who may see a family member's check-in: its writer, and the adults when an adult shared it.
# Children's check-ins reach the worker only, unless the worker shared one: then the parents
# see it, never the network (PRODUCT.md: the worker shares a child's answer with the parents).
# A press of "Jag vill prata med någon" is never shared.
_VISIBLE_TO_VIEWER = """
    SELECT c.*, p.name, p.role FROM checkins c JOIN people p ON p.id = c.person_id
    WHERE c.family_id = :family AND (
        c.person_id = :viewer
        OR (:adult AND c.shared = 1 AND p.role IN ('parent', 'network'))
        OR (:parent AND p.role = 'child' AND c.shared_by_worker IS NOT NULL
            AND c.wants_to_talk = 0)
    )
"""


def _viewer(family_id: int, viewer_id: int, viewer_role: str) -> dict:
    return {
        "family": family_id,
        "viewer": viewer_id,
        "adult": viewer_role != "child",
        "parent": viewer_role == "parent",
    }


def visible_checkins(
    db: Database, family_id: int, *, viewer_id: int, viewer_role: str
) -> list[Checkin]:
    """The check-ins a person may see, newest first: their own, and what adults shared."""
    rows = list(
        db.query(
            _VISIBLE_TO_VIEWER + "ORDER BY c.created_at DESC, c.id DESC",
            _viewer(family_id, viewer_id, viewer_role),
        )
    )
    return _with_rules(db, rows)


def latest_visible_rating(
    db: Database, family_id: int, *, viewer_id: int, viewer_role: str
) -> Checkin | None:
    """The newest check-in with a rating that the person may see (as in visible_checkins)."""
    rows = list(
        db.query(
            _VISIBLE_TO_VIEWER
            + "AND c.rating IS NOT NULL ORDER BY c.created_at DESC, c.id DESC LIMIT 1",
            _viewer(family_id, viewer_id, viewer_role),
        )
    )
    return _with_rules(db, rows)[0] if rows else None


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


def following_checkins(db: Database, family_id: int) -> list[Checkin]:
    """Every check-in of the family and the worker's own ratings, newest first: for staff only.

    Unlike ``family_checkins`` this includes the rows without a person (the worker's ratings,
    named after the worker who gave them, role ``"worker"``). No family page may call this.
    """
    rows = list(
        db.query(
            """
            SELECT c.*, COALESCE(p.name, w.name, '') AS name, COALESCE(p.role, 'worker') AS role
            FROM checkins c
            LEFT JOIN people p ON p.id = c.person_id
            LEFT JOIN workers w ON w.id = c.worker_id
            WHERE c.family_id = ? ORDER BY c.created_at DESC, c.id DESC
            """,
            [family_id],
        )
    )
    return _with_rules(db, rows)


def worker_rating_hash(*, worker_id: int, rating: int, words: str, rated_on: date) -> str:
    """A fingerprint of the worker's rating, to tell a resend from a different rating.

    The day is in it, not the moment: a resend made later must still match the first send.
    """
    content = json.dumps(["worker", worker_id, rating, words, rated_on.isoformat()])
    return hashlib.sha256(content.encode()).hexdigest()


def save_worker_rating(
    db: Database,
    *,
    family_id: int,
    worker_id: int,
    client_id: str,
    rating: int,
    words: str,
    rated_on: date,
    today: date,
    version_id: int | None,
) -> tuple[int, bool]:
    """Store the worker's own 0-10 rating (e.g. at a network meeting) once, as a check-in row
    with ``worker_id`` set and no person. Returns its id and whether this call made it.

    ``today`` is the date in Sweden (``clock.today()``). A rating for today gets the present
    moment; one for an earlier day gets noon in Sweden of that day (stored in UTC), so the chart
    and lists place it on the day the worker chose. It is never shared with the family
    (their queries join people) and raises no attention signal: the worker made it.

    Raises ValueError for a rating outside 0-10 or a day after ``today``, and CheckinConflict
    when the client_id was used before for anything else.
    """
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
        raise ValueError(f"rating must be 0 to 10, not {rating!r}")
    if rated_on > today:
        raise ValueError("a rating cannot be given in the future")
    fingerprint = worker_rating_hash(
        worker_id=worker_id, rating=rating, words=words, rated_on=rated_on
    )
    with transaction(db):
        earlier = db.execute(
            "SELECT id, worker_id, content_hash FROM checkins WHERE client_id = ?", [client_id]
        ).fetchone()
        if earlier is not None:
            if earlier[1] == worker_id and earlier[2] == fingerprint:
                return earlier[0], False
            raise CheckinConflict(client_id)
        moment = now() if rated_on == today else datetime.combine(rated_on, time(12), SWEDEN)
        checkin_id = (
            db["checkins"]
            .insert(
                {
                    "family_id": family_id,
                    "person_id": None,
                    "worker_id": worker_id,
                    "client_id": client_id,
                    "content_hash": fingerprint,
                    "version_id": version_id,
                    "rating": rating,
                    "words": words,
                    "shared": 0,
                    "wants_to_talk": 0,
                    "created_at": timestamp(moment),
                }
            )
            .last_pk
        )
        return checkin_id, True


def wants_to_talk_open(db: Database, person_id: int) -> bool:
    """Whether the child's "Jag vill prata med någon" waits for the worker still."""
    return (
        db.execute(
            """
            SELECT 1 FROM attention_signals
            WHERE person_id = ? AND kind = 'child_wants_to_talk' AND handled_at IS NULL LIMIT 1
            """,
            [person_id],
        ).fetchone()
        is not None
    )


def child_wants_to_talk(db: Database, *, family_id: int, person_id: int) -> bool:
    """A child pressed "Jag vill prata med någon": the worker's most urgent signal, once.

    Saved as a check-in without a rating, so the worker's follow view shows it with its time.
    While a signal waits, pressing again adds nothing. Returns whether a signal was raised.
    """
    with transaction(db):
        if wants_to_talk_open(db, person_id):
            return False
        save_checkin(
            db,
            family_id=family_id,
            person_id=person_id,
            client_id=f"talk-{secrets.token_urlsafe(16)}",
            rating=None,
            words="",
            shared=False,
            rules={},
            version_id=None,
            wants_to_talk=True,
        )
        return True


def rules_to_check(
    db: Database, family_id: int, *, person_id: int, role: str, visibilities: frozenset[str]
) -> tuple[int, tuple[tuple[str, str], ...]] | None:
    """The latest published plan version's id and the (key, text) of each rule the person says
    was kept or not, in the plan's order: what saving a check-in needs, in one statement
    instead of reading the whole plan. The same rules as ``published_plan(...).rules_for(...)``:
    every rule the reader may see for a parent, and for the network those they have promised
    something for. None when the family has no published plan."""
    allowed = sorted(visibilities)
    marks = ", ".join("?" for _ in allowed)
    rows = db.conn.execute(
        f"""
        SELECT v.id, i.item_key, i.text FROM plan_versions v
        LEFT JOIN plan_items i ON i.version_id = v.id AND i.kind = 'rule'
            AND i.visibility IN ({marks})
            AND (? OR (i.section = 'rules' AND EXISTS (
                SELECT 1 FROM commitments c JOIN people p ON p.id = c.person_id
                WHERE c.version_id = v.id AND c.rule_key = i.item_key AND c.person_id = ?
                  AND p.removed_at IS NULL)))
        WHERE v.id = (SELECT id FROM plan_versions WHERE family_id = ? AND status = 'published'
                      ORDER BY number DESC LIMIT 1)
        ORDER BY i.position, i.id
        """,  # noqa: S608 - only placeholders are formatted in
        [*allowed, role == "parent", person_id, family_id],
    ).fetchall()
    if not rows:
        return None
    return rows[0][0], tuple((key, text) for _id, key, text in rows if key is not None)


def rule_texts(db: Database, family_id: int) -> dict[str, str]:
    """The text of every rule the family's published plans have had, by key, newest wording
    first, so a check-in about a rule dropped from a later version still says which rule."""
    texts: dict[str, str] = {}
    for row in db.query(
        """
        SELECT i.item_key, i.text FROM plan_items i
        JOIN plan_versions v ON v.id = i.version_id
        WHERE v.family_id = ? AND v.status = 'published' AND i.kind = 'rule'
        ORDER BY v.number, i.position, i.id
        """,
        [family_id],
    ):
        texts[row["item_key"]] = row["text"]
    return texts


def commitment_responses(
    db: Database, family_id: int, visibilities: frozenset[str]
) -> dict[str, CommitmentResponse]:
    """The newest answer to each of the family's commitments, by commitment key: only answers
    the reader may hear (``visibilities`` as for plan items; a child's reaches the worker only)."""
    heard, allowed = heard_by(visibilities)
    heard_too, _ = heard_by(visibilities, writer="p2")
    return {
        row["commitment_key"]: CommitmentResponse(
            row["commitment_key"],
            row["person_id"],
            row["response"],
            row["reason"],
            row["created_at"],
        )
        for row in db.query(
            f"""
            SELECT r.* FROM commitment_responses r JOIN people p ON p.id = r.person_id
            WHERE r.family_id = ? AND {heard} AND r.id = (
                SELECT MAX(r2.id) FROM commitment_responses r2
                JOIN people p2 ON p2.id = r2.person_id
                WHERE r2.family_id = r.family_id AND r2.commitment_key = r.commitment_key
                  AND {heard_too})
            """,  # noqa: S608 - only placeholders are formatted in
            [family_id, *allowed, *allowed],
        )
    }


def _with_rules(db: Database, rows: list[dict]) -> list[Checkin]:
    kept: dict[int, dict[str, str]] = {}
    if rows:
        ids = [row["id"] for row in rows]
        marks = ", ".join("?" for _ in ids)
        for row in db.query(
            # In the order they were saved, which is the order of the form.
            f"SELECT * FROM checkin_rules WHERE checkin_id IN ({marks}) ORDER BY rowid",  # noqa: S608
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
            bool(row["wants_to_talk"]),
            row["worker_id"],
            row.get("picture"),
            row.get("shared_at"),
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
    db: Database,
    *,
    family_id: int,
    commitment_key: str,
    person_id: int,
    response: str,
    reason: str,
    client_id: str | None = None,
) -> None:
    """A network member confirms a commitment or says they can't any more (for the worker).

    An answer sent again with the same ``client_id`` (the phone's outbox) is kept once."""
    if response not in ("confirmed", "withdrawn"):
        raise ValueError(f"unknown response {response!r}")
    with transaction(db):
        if already_kept(db, "commitment_responses", person_id, client_id):
            return
        stamp = timestamp()
        db["commitment_responses"].insert(
            {
                "family_id": family_id,
                "commitment_key": commitment_key,
                "person_id": person_id,
                "response": response,
                "reason": reason,
                "client_id": client_id or None,
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


# --- Sharing a child's check-in with the parents (the worker's explicit, audited action) ---


def child_checkin(db: Database, family_id: int, checkin_id: int) -> Checkin | None:
    """One check-in of a child of this family that the worker may share: a rating or words,
    never a press of "Jag vill prata med någon". None for anything else."""
    rows = list(
        db.query(
            """
            SELECT c.*, p.name, p.role FROM checkins c JOIN people p ON p.id = c.person_id
            WHERE c.id = ? AND c.family_id = ? AND p.role = 'child' AND c.wants_to_talk = 0
            """,
            [checkin_id, family_id],
        )
    )
    return _with_rules(db, rows)[0] if rows else None


def share_child_checkin(db: Database, *, family_id: int, checkin_id: int, worker_id: int) -> bool:
    """Show a child's check-in to the parents (not the network) from now on.

    Sharing again keeps the first time and who shared it. Returns False, and changes nothing,
    for anything but a shareable check-in of a child of this family (see ``child_checkin``).
    There is no unsharing: once the parents may have seen it, taking it back would hide that.
    """
    with transaction(db):
        if child_checkin(db, family_id, checkin_id) is None:
            return False
        db.execute(
            "UPDATE checkins SET shared_by_worker = ?, shared_at = ? "
            "WHERE id = ? AND shared_by_worker IS NULL",
            [worker_id, timestamp(), checkin_id],
        )
        return True
