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
from . import now, parse_timestamp, sha256, throttle, timestamp

# At this many wrong codes in a burst the worker is told, so they can help (once a burst).
TELL_WORKER_AFTER = 5


@dataclass(frozen=True)
class Session:
    id: int
    person_id: int | None
    worker_id: int | None
    created_at: str
    last_seen_at: str
    unlocked_at: str | None
    # Set by Lämna snabbt: the device shows nothing until the person's code is typed again.
    locked_at: str | None = None


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
    # A plain read: on every request, and sqlite-utils' rows_where and query add three
    # statements around it (does the table exist, a savepoint and its release).
    cursor = db.execute(
        "SELECT * FROM sessions WHERE token_hash = ? AND ended_at IS NULL AND created_at > ?",
        [sha256(token), timestamp(now() - max_age)],
    )
    found = cursor.fetchone()
    if found is None:
        return None
    row = dict(zip([column[0] for column in cursor.description], found, strict=True))
    return Session(
        row["id"],
        row["person_id"],
        row["worker_id"],
        row["created_at"],
        row["last_seen_at"],
        row["unlocked_at"],
        row["locked_at"],
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


def needs_code(session: Session, *, idle: timedelta) -> bool:
    """The device must ask for the person's code before it shows anything personal."""
    return session.locked_at is not None or is_idle(session, idle=idle)


def lock_session(db: Database, session_id: int) -> None:
    """Lämna snabbt: lock the device at once; the person's own code opens it again."""
    db.execute(
        "UPDATE sessions SET locked_at = ? WHERE id = ? AND ended_at IS NULL AND locked_at IS NULL",
        [timestamp(), session_id],
    )


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
        db["people"].update(person_id, {"code_hash": generate_password_hash(code)})
        # A new link from the worker is how a person is let in again: old waits are gone.
        throttle.forget(db, throttle.person_account(person_id))
        stamp = timestamp()
        db["sessions"].update(
            session_id, {"unlocked_at": stamp, "last_seen_at": stamp, "locked_at": None}
        )


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    wait_seconds: int = 0
    # False when the code was not even tried, because of a wait (store/throttle.py).
    tried: bool = True


def check_code(
    db: Database, person_id: int, session_id: int, code: str, *, address: str
) -> CodeCheck:
    """Check a typed code on this device, as store/throttle.py says: wrong codes make this
    device wait longer each time, and each new burst of them tells the worker.

    There is no hard lockout: a parent must not be able to lock a child out on purpose, and
    someone holding one of the person's phones cannot keep the others out.
    """
    account = throttle.person_account(person_id)
    source = throttle.Source(device=f"session:{session_id}", address=address)
    with transaction(db):
        if wait := throttle.wait_seconds(db, throttle.CODES, account=account, source=source):
            return CodeCheck(False, wait, tried=False)
        person = next(db["people"].rows_where("id = ?", [person_id]))
        if person["code_hash"] and check_password_hash(person["code_hash"], code):
            stamp = timestamp()
            throttle.succeeded(db, account=account, source=source)
            db["sessions"].update(
                session_id, {"unlocked_at": stamp, "last_seen_at": stamp, "locked_at": None}
            )
            return CodeCheck(True)
        wait = throttle.failed(db, throttle.CODES, account=account, source=source)
        if throttle.wrong_in_a_row(db, account, up_to=TELL_WORKER_AFTER) == TELL_WORKER_AFTER:
            db["attention_signals"].insert(
                {
                    "family_id": person["family_id"],
                    "person_id": person_id,
                    "kind": "code_failures",
                    "created_at": timestamp(),
                }
            )
        return CodeCheck(False, wait)
