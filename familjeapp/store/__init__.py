"""The data layer: the only place with SQL. Every function takes the database first."""

import hashlib
import secrets
from datetime import UTC, datetime

from sqlite_utils import Database

from ..clock import now


def timestamp(moment: datetime | None = None) -> str:
    """UTC time as ISO 8601 text, which sorts in time order."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def new_key() -> str:
    """A stable, unguessable key for a plan item or commitment across plan versions."""
    return secrets.token_hex(8)


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The answers a phone's outbox may send again, each stored with the id its form was made with.
ANSWERS_SENT_AGAIN = frozenset({"worry_views", "commitment_responses", "stepping_in"})


def already_kept(db: Database, table: str, person_id: int, client_id: str | None) -> bool:
    """Whether this person's answer made with this form id is stored already: the phone's outbox
    may send one answer more than once. Call it inside the transaction that stores the answer."""
    if table not in ANSWERS_SENT_AGAIN:
        raise ValueError(f"not a table of answers: {table!r}")
    if not client_id:
        return False
    found = db.execute(
        f"SELECT 1 FROM [{table}] WHERE person_id = ? AND client_id = ?",  # noqa: S608 (a name from the set above)
        [person_id, client_id],
    ).fetchone()
    return found is not None
