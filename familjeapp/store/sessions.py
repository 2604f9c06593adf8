"""Server-side sessions for devices and staff browsers, and the family's short codes.

The browser holds a random token; the row holds its hash. Ending the row ends the session at once,
whatever the browser still has: logout, quick exit, or the worker revoking a lost phone.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import transaction
from . import now, parse_timestamp, sha256, timestamp

# Wrong codes in a row before the person has to wait, and how long the waits grow.
FREE_CODE_TRIES = 3
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
# At this many wrong codes in a row the worker is told, so they can help.
TELL_WORKER_AFTER = 5


@dataclass(frozen=True)
class Session:
    id: int
    person_id: int | None
    worker_id: int | None
    created_at: str
    last_seen_at: str
    unlocked_at: str | None


def start_session(
    db: Database, *, person_id: int | None = None, worker_id: int | None = None
) -> str:
    """Open a new session and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    stamp = timestamp()
    db["sessions"].insert(
        {
            "token_hash": sha256(token),
            "person_id": person_id,
            "worker_id": worker_id,
            "created_at": stamp,
            "last_seen_at": stamp,
        }
    )
    return token


def find_session(db: Database, token: str, *, max_age: timedelta) -> Session | None:
    """The open session for a token, or None when it was ended or is too old."""
    row = next(
        db["sessions"].rows_where(
            "token_hash = ? AND ended_at IS NULL AND created_at > ?",
            [sha256(token), timestamp(now() - max_age)],
        ),
        None,
    )
    if row is None:
        return None
    return Session(
        row["id"],
        row["person_id"],
        row["worker_id"],
        row["created_at"],
        row["last_seen_at"],
        row["unlocked_at"],
    )


def is_idle(session: Session, *, idle: timedelta) -> bool:
    """A device that lay unused this long asks for the code again."""
    return now() - parse_timestamp(session.last_seen_at) > idle


# Marking a session used is a write (and an fsync); once a minute is precise enough for limits
# counted in minutes, and keeps plain page views from queueing for the write lock.
TOUCH_EVERY = timedelta(minutes=1)


def touch(db: Database, session: Session) -> None:
    """Mark the session as in use now, at most once a minute."""
    if now() - parse_timestamp(session.last_seen_at) >= TOUCH_EVERY:
        db["sessions"].update(session.id, {"last_seen_at": timestamp()})


def end_session(db: Database, session_id: int, reason: str) -> None:
    db.execute(
        "UPDATE sessions SET ended_at = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL",
        [timestamp(), reason, session_id],
    )


def devices(db: Database, person_id: int) -> list[dict]:
    """The person's open sessions, newest first: what the worker sees to revoke a lost phone."""
    return list(
        db["sessions"].rows_where(
            "person_id = ? AND ended_at IS NULL", [person_id], order_by="id DESC"
        )
    )


def set_code(db: Database, person_id: int, session_id: int, code: str) -> None:
    """Save the person's new code and unlock this device."""
    with transaction(db):
        db["people"].update(
            person_id,
            {
                "code_hash": generate_password_hash(code),
                "code_failures": 0,
                "code_retry_after": None,
            },
        )
        stamp = timestamp()
        db["sessions"].update(session_id, {"unlocked_at": stamp, "last_seen_at": stamp})


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    wait_seconds: int = 0


def check_code(db: Database, person_id: int, session_id: int, code: str) -> CodeCheck:
    """Check a typed code. Wrong codes in a row make the person wait longer each time.

    There is no hard lockout: a parent must not be able to lock a child out on purpose.
    """
    with transaction(db):
        person = next(db["people"].rows_where("id = ?", [person_id]))
        retry_after = person["code_retry_after"]
        if retry_after and retry_after > timestamp():
            wait = parse_timestamp(retry_after) - now()
            return CodeCheck(False, max(1, int(wait.total_seconds()) + 1))
        if person["code_hash"] and check_password_hash(person["code_hash"], code):
            stamp = timestamp()
            db["people"].update(person_id, {"code_failures": 0, "code_retry_after": None})
            db["sessions"].update(session_id, {"unlocked_at": stamp, "last_seen_at": stamp})
            return CodeCheck(True)
        failures = person["code_failures"] + 1
        wait = timedelta(0)
        if failures >= FREE_CODE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (failures - FREE_CODE_TRIES), LONGEST_WAIT)
        db["people"].update(
            person_id,
            {
                "code_failures": failures,
                "code_retry_after": timestamp(now() + wait) if wait else None,
            },
        )
        if failures == TELL_WORKER_AFTER:
            db["attention_signals"].insert(
                {
                    "family_id": person["family_id"],
                    "person_id": person_id,
                    "kind": "code_failures",
                    "created_at": timestamp(),
                }
            )
        return CodeCheck(False, int(wait.total_seconds()))
