"""Staff accounts and teams as the administrator manages them.

Disabling an account or resetting its authenticator ends the worker's open sessions at once:
the server-side session row is what lets a browser in, whatever cookie it still holds.
"""

import sqlite3

from sqlite_utils import Database
from werkzeug.security import generate_password_hash

from ..db import transaction
from . import families, throttle, timestamp

# NIST SP 800-63B: length, not composition rules, makes a password strong. The administrator
# gives the first password over a safe channel; it protects the account until the second factor.
PASSWORD_MIN_LENGTH = 12
# One @, something on each side and a dot in the domain: enough to catch a typo. Whether the
# address works shows when the administrator hands over the password.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z"


class EmailInUse(ValueError):
    """Another account already signs in with this e-mail address."""


def teams(db: Database) -> list[dict]:
    """Every team with how many active workers and open cases it has, by name."""
    return list(
        db.query(
            """
            SELECT t.id, t.name,
                (SELECT COUNT(*) FROM workers w
                 WHERE w.team_id = t.id AND w.disabled_at IS NULL) AS workers,
                (SELECT COUNT(*) FROM families f
                 WHERE f.team_id = t.id AND f.closed_at IS NULL) AS open_cases
            FROM teams t ORDER BY t.name, t.id
            """
        )
    )


def team_exists(db: Database, team_id: int) -> bool:
    return db.execute("SELECT 1 FROM teams WHERE id = ?", [team_id]).fetchone() is not None


def worker_exists(db: Database, worker_id: int) -> bool:
    return db.execute("SELECT 1 FROM workers WHERE id = ?", [worker_id]).fetchone() is not None


def workers(db: Database) -> list[dict]:
    """Every account, active or disabled, with its team and whether 2FA is set up."""
    return list(
        db.query(
            """
            SELECT w.id, w.email, w.name, w.phone, w.is_admin, w.disabled_at, w.team_id,
                   w.totp_secret IS NOT NULL AS has_totp, t.name AS team
            FROM workers w JOIN teams t ON t.id = w.team_id
            ORDER BY w.disabled_at IS NOT NULL, t.name, w.name, w.id
            """
        )
    )


def add_worker(
    db: Database,
    *,
    team_id: int,
    email: str,
    name: str,
    password: str,
    phone: str = "",
    is_admin: bool = False,
) -> int:
    """Add an account without an authenticator: the worker connects one at first sign-in.

    Raises EmailInUse when the address is taken (compared as stored: trimmed, lower case).
    """
    with transaction(db):
        taken = db.execute(
            "SELECT 1 FROM workers WHERE email = ?", [email.strip().lower()]
        ).fetchone()
        if taken:
            raise EmailInUse(email)
        try:
            return families.create_worker(
                db, team_id=team_id, email=email, name=name, password=password, phone=phone,
                is_admin=is_admin,
            )  # fmt: skip
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise
            raise EmailInUse(email) from error  # another writer got there first


def end_sessions(db: Database, worker_id: int, reason: str) -> int:
    """End every open session of the worker now; return how many there were."""
    cursor = db.execute(
        """
        UPDATE sessions SET ended_at = ?, ended_reason = ?
        WHERE worker_id = ? AND ended_at IS NULL
        """,
        [timestamp(), reason, worker_id],
    )
    return cursor.rowcount


def set_disabled(db: Database, worker_id: int, disabled: bool) -> bool:
    """Disable an account (ending its sessions) or enable it again. False if nothing changed."""
    with transaction(db):
        if disabled:
            cursor = db.execute(
                "UPDATE workers SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                [timestamp(), worker_id],
            )
            end_sessions(db, worker_id, "disabled")
        else:
            cursor = db.execute(
                "UPDATE workers SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL",
                [worker_id],
            )
            # A fresh start: waits earned by old failed sign-ins would only confuse.
            for (email,) in db.execute("SELECT email FROM workers WHERE id = ?", [worker_id]):
                throttle.forget(db, throttle.staff_account(email))
        return cursor.rowcount == 1


def reset_authenticator(db: Database, worker_id: int) -> bool:
    """Forget the worker's authenticator, so the next sign-in connects a new one, and end their
    sessions. False if there is no such account."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE workers SET totp_secret = NULL, totp_last_step = NULL WHERE id = ?",
            [worker_id],
        )
        end_sessions(db, worker_id, "totp_reset")
        return cursor.rowcount == 1


def find_worker(db: Database, email: str) -> dict | None:
    """An account by its e-mail address (compared as stored), active or disabled."""
    return next(db["workers"].rows_where("email = ?", [email.strip().lower()]), None)


def make_ready(db: Database, worker_id: int, *, password: str, totp_secret: str) -> None:
    """Give an account this password and authenticator key, enabled and with no wait left from
    failed sign-ins. For the demo's own accounts, which every demo run makes ready to try."""
    db["workers"].update(
        worker_id,
        {
            "password_hash": generate_password_hash(password),
            "totp_secret": totp_secret,
            "disabled_at": None,
        },
    )
    # Wrong tries are kept apart from the account (store/throttle.py), by its e-mail.
    for (email,) in db.execute("SELECT email FROM workers WHERE id = ?", [worker_id]):
        throttle.forget(db, throttle.staff_account(email))
