"""The data layer: the only place with SQL. Every function takes the database first."""

import hashlib
import secrets
from datetime import UTC, datetime

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
