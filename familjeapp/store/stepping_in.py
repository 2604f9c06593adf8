"""Who steps in: when a network member says they cannot keep a commitment any more, another
adult of the family answers "Jag kan ta det", and the worker puts it in the plan.

One offer for each "Jag kan inte längre": the first is kept, and everyone who may see the
commitment then sees who took it. An offer raises an attention signal (``someone_steps_in``);
the worker's one action moves the commitment to that person in the family's draft, as a new
commitment of theirs (a new key, so it starts as "not confirmed yet" for them), and the worker
publishes the draft as usual. The reason the person gave for withdrawing is never read here.
"""

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from ..db import transaction
from . import already_kept, timestamp
from . import plans as plan_store
from .plans import Commitment, Plan


@dataclass(frozen=True)
class Offer:
    id: int
    person_id: int
    person_name: str
    created_at: str
    placed_at: str | None


@dataclass(frozen=True)
class Withdrawal:
    """A commitment of the plan that its person said they cannot keep any more."""

    commitment: Commitment
    withdrawal_id: int
    offer: Offer | None


def _offer(row: dict | None) -> Offer | None:
    if row is None:
        return None
    return Offer(row["id"], row["person_id"], row["name"], row["created_at"], row["placed_at"])


def _latest_withdrawal(db: Database, family_id: int, commitment: Commitment) -> int | None:
    """The id of the commitment's person's newest answer to it, if that answer is a withdrawal."""
    row = db.execute(
        """
        SELECT id, response FROM commitment_responses
        WHERE family_id = ? AND commitment_key = ? AND person_id = ?
        ORDER BY id DESC LIMIT 1
        """,
        [family_id, commitment.key, commitment.person_id],
    ).fetchone()
    return row[0] if row and row[1] == "withdrawn" else None


def _offer_for(db: Database, withdrawal_id: int) -> Offer | None:
    return _offer(
        next(
            db.query(
                """
                SELECT s.*, p.name FROM stepping_in s JOIN people p ON p.id = s.person_id
                WHERE s.withdrawal_id = ?
                """,
                [withdrawal_id],
            ),
            None,
        )
    )


def withdrawn(
    db: Database, family_id: int, plan: Plan | None, *, viewer_id: int
) -> list[Withdrawal]:
    """The plan's commitments that their person cannot keep any more, for another adult to
    take: only those in ``plan`` (read with the viewer's visibilities, so only commitments the
    viewer may see), never the viewer's own."""
    found = []
    for c in plan.commitments if plan else []:
        if c.status != "withdrawn" or c.person_id == viewer_id:
            continue
        withdrawal_id = _latest_withdrawal(db, family_id, c)
        if withdrawal_id is not None:
            found.append(Withdrawal(c, withdrawal_id, _offer_for(db, withdrawal_id)))
    return found


def offer(
    db: Database,
    *,
    family_id: int,
    withdrawal: Withdrawal,
    person_id: int,
    client_id: str | None = None,
) -> tuple[Offer, bool]:
    """Someone answers "Jag kan ta det". Returns the offer that stands and whether this call
    made it: after a first offer, a second person's is not kept (they see who took it), and a
    resend with the same ``client_id`` is kept once."""
    if person_id == withdrawal.commitment.person_id:
        raise ValueError("the person who cannot any more cannot take it over")
    with transaction(db):
        if already_kept(db, "stepping_in", person_id, client_id):
            return _offer_for(db, withdrawal.withdrawal_id), False
        earlier = _offer_for(db, withdrawal.withdrawal_id)
        if earlier is not None:
            return earlier, False
        stamp = timestamp()
        signal_id = (
            db["attention_signals"]
            .insert(
                {
                    "family_id": family_id,
                    "person_id": person_id,
                    "kind": "someone_steps_in",
                    "commitment_key": withdrawal.commitment.key,
                    "created_at": stamp,
                }
            )
            .last_pk
        )
        db["stepping_in"].insert(
            {
                "family_id": family_id,
                "commitment_key": withdrawal.commitment.key,
                "withdrawal_id": withdrawal.withdrawal_id,
                "person_id": person_id,
                "client_id": client_id or None,
                "signal_id": signal_id,
                "created_at": stamp,
            }
        )
        return _offer_for(db, withdrawal.withdrawal_id), True


@dataclass(frozen=True)
class OfferToPlace:
    """An offer as the worker sees it: who offered, who could not, and what."""

    id: int
    family_id: int
    commitment_key: str
    person_id: int
    person_name: str
    withdrawn_by: str
    placed_at: str | None
    placed_commitment_key: str | None


def get_offer(db: Database, family_id: int, offer_id: int) -> OfferToPlace | None:
    """One offer of this family; None for another family's."""
    row = next(
        db.query(
            """
            SELECT s.*, p.name, wp.name AS withdrawn_by
            FROM stepping_in s
            JOIN people p ON p.id = s.person_id
            JOIN commitment_responses r ON r.id = s.withdrawal_id
            JOIN people wp ON wp.id = r.person_id
            WHERE s.id = ? AND s.family_id = ?
            """,
            [offer_id, family_id],
        ),
        None,
    )
    if row is None:
        return None
    return OfferToPlace(
        row["id"], row["family_id"], row["commitment_key"], row["person_id"], row["name"],
        row["withdrawn_by"], row["placed_at"], row["placed_commitment_key"],
    )  # fmt: skip


def _commitment_row(db: Database, family_id: int, commitment_key: str) -> dict | None:
    """The commitment's words and period: from the draft if it is there, else from the newest
    published version that has it."""
    return next(
        db.query(
            """
            SELECT c.* FROM commitments c JOIN plan_versions v ON v.id = c.version_id
            WHERE v.family_id = ? AND c.commitment_key = ?
            ORDER BY v.status = 'draft' DESC, v.number DESC LIMIT 1
            """,
            [family_id, commitment_key],
        ),
        None,
    )


def rule_of(db: Database, family_id: int, commitment_key: str) -> str | None:
    """The key of the rule a commitment of this family is for."""
    row = _commitment_row(db, family_id, commitment_key)
    return row["rule_key"] if row else None


class NothingToPlace(LookupError):
    """The commitment is in no version of the family's plan any more."""


def place_in_plan(
    db: Database, *, family_id: int, offer_id: int, worker_id: int
) -> tuple[str, bool]:
    """The worker's one action: in the family's draft (made if need be), the commitment becomes
    one of the person who offered (a new commitment with the same rule, words and period, the
    old one taken out). The signal is marked handled. Returns the new commitment's key and
    whether this call did it: pressing again changes nothing.

    Raises LookupError for another family's offer, NothingToPlace when the commitment is gone.
    """
    with transaction(db):
        found = get_offer(db, family_id, offer_id)
        if found is None:
            raise LookupError(offer_id)
        if found.placed_at is not None:
            return found.placed_commitment_key, False
        promise = _commitment_row(db, family_id, found.commitment_key)
        if promise is None:
            raise NothingToPlace(found.commitment_key)
        draft = plan_store.draft_for(db, family_id, worker_id)
        plan_store.remove_commitment(db, draft, found.commitment_key)
        new_key = plan_store.add_commitment(
            db,
            draft,
            rule_key=promise["rule_key"],
            person_id=found.person_id,
            text=promise["text"],
            starts_on=_day(promise["starts_on"]),
            ends_on=_day(promise["ends_on"]),
        )
        stamp = timestamp()
        db.execute(
            """
            UPDATE stepping_in SET placed_at = ?, placed_by = ?, placed_version_id = ?,
                placed_commitment_key = ?
            WHERE id = ?
            """,
            [stamp, worker_id, draft, new_key, offer_id],
        )
        db.execute(
            """
            UPDATE attention_signals SET handled_at = ?, handled_by = ?
            WHERE id = (SELECT signal_id FROM stepping_in WHERE id = ?) AND handled_at IS NULL
            """,
            [stamp, worker_id, offer_id],
        )
        return new_key, True


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
