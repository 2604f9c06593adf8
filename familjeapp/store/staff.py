"""Social workers and administrators: signing in, teams, and what needs their attention."""

import hmac
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import transaction
from . import now, throttle, timestamp

# Checked against when the e-mail is unknown, so both answers take as long (no account probing).
_NOBODY = generate_password_hash("nobody has this password")

# Most urgent first: what the worker should look at before anything else.
URGENCY = (
    "child_wants_to_talk",
    "low_rating",
    "rating_fell",
    "commitment_withdrawn",
    "someone_steps_in",
    "rule_not_kept",
    "code_failures",
)


@dataclass(frozen=True)
class StaffMember:
    id: int
    team_id: int
    team_name: str
    email: str
    name: str
    phone: str
    is_admin: bool
    has_totp: bool


@dataclass(frozen=True)
class SignInCheck:
    worker_id: int | None
    wait_seconds: int = 0
    # False when nothing was tried, because of a wait (store/throttle.py).
    tried: bool = True


def get_staff(db: Database, worker_id: int) -> StaffMember | None:
    row = next(
        db.query(
            """
            SELECT w.*, t.name AS team_name FROM workers w JOIN teams t ON t.id = w.team_id
            WHERE w.id = ? AND w.disabled_at IS NULL
            """,
            [worker_id],
        ),
        None,
    )
    if row is None:
        return None
    return StaffMember(
        row["id"], row["team_id"], row["team_name"], row["email"], row["name"], row["phone"],
        bool(row["is_admin"]), row["totp_secret"] is not None,
    )  # fmt: skip


def check_password(
    db: Database, email: str, password: str, *, source: throttle.Source
) -> SignInCheck:
    """The first step: e-mail and password, slowed down as store/throttle.py says.

    An unknown e-mail gets the same answers, the same waits and the same work (a hash checked).
    """
    account = throttle.staff_account(email)
    with transaction(db):
        if wait := throttle.wait_seconds(db, throttle.STAFF, account=account, source=source):
            return SignInCheck(None, wait, tried=False)
        row = next(
            db["workers"].rows_where("email = ? AND disabled_at IS NULL", [email.strip().lower()]),
            None,
        )
        right = check_password_hash(row["password_hash"] if row else _NOBODY, password)
        if right and row is not None:
            return SignInCheck(row["id"])
        return SignInCheck(
            None, throttle.failed(db, throttle.STAFF, account=account, source=source)
        )


def check_totp(
    db: Database,
    worker_id: int,
    code: str,
    *,
    source: throttle.Source,
    secret: str | None = None,
) -> SignInCheck:
    """The second step: a one-time code from the authenticator app, good once. Wrong codes
    count with wrong passwords (store/throttle.py); a right one clears this browser's.

    ``secret`` is given while enrolling, before it is saved for the worker.
    """
    with transaction(db):
        row = next(db["workers"].rows_where("id = ?", [worker_id]))
        account = throttle.staff_account(row["email"])
        if wait := throttle.wait_seconds(db, throttle.STAFF, account=account, source=source):
            return SignInCheck(None, wait, tried=False)
        totp = pyotp.TOTP(secret or row["totp_secret"] or "")
        step = None
        for offset in (0, -1, 1):  # allow for a phone clock a little off
            moment = now() + timedelta(seconds=30 * offset)
            if code and secrets_equal(totp.at(moment), code):
                step = totp.timecode(moment)
                break
        if step is None or (row["totp_last_step"] is not None and step <= row["totp_last_step"]):
            return SignInCheck(
                None, throttle.failed(db, throttle.STAFF, account=account, source=source)
            )
        update = {"totp_last_step": step}
        if secret:
            update["totp_secret"] = secret
        db["workers"].update(worker_id, update)
        throttle.succeeded(db, account=account, source=source)
        return SignInCheck(worker_id)


def secrets_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.strip().encode())


def create_team(db: Database, name: str) -> int:
    return db["teams"].insert({"name": name}).last_pk


def teams(db: Database) -> list[dict]:
    return list(db["teams"].rows_where(order_by="name"))


def workers(db: Database) -> list[dict]:
    return list(
        db.query(
            """
            SELECT w.id, w.email, w.name, w.phone, w.is_admin, w.disabled_at,
                   w.totp_secret IS NOT NULL AS has_totp, t.name AS team
            FROM workers w JOIN teams t ON t.id = w.team_id ORDER BY t.name, w.name
            """
        )
    )


def team_families(db: Database, team_id: int) -> list[dict]:
    """The team's open families, with how many signals wait for attention in each."""
    return list(
        db.query(
            """
            SELECT f.id, f.name, f.created_at, f.closed_at, w.name AS worker_name,
                (SELECT COUNT(*) FROM attention_signals s
                 WHERE s.family_id = f.id AND s.handled_at IS NULL) AS open_signals,
                (SELECT MAX(created_at) FROM checkins c
                 WHERE c.family_id = f.id AND c.person_id IS NOT NULL) AS last_checkin
            FROM families f LEFT JOIN workers w ON w.id = f.worker_id
            WHERE f.team_id = ? ORDER BY f.closed_at IS NOT NULL, open_signals DESC, f.name
            """,
            [team_id],
        )
    )


def attention_queue(db: Database, team_id: int, *, family_id: int | None = None) -> list[dict]:
    """Signals not yet handled across the team's families, most urgent first, then newest."""
    order = " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(URGENCY))
    where = "f.team_id = ? AND s.handled_at IS NULL"
    params: list = [team_id]
    if family_id is not None:
        where += " AND f.id = ?"
        params.append(family_id)
    return list(
        db.query(
            f"""
            SELECT s.id, s.kind, s.created_at, s.family_id, s.checkin_id, f.name AS family_name,
                   p.name AS person_name, p.role AS person_role, c.rating,
                   si.id AS offer_id, si.placed_at AS offer_placed_at,
                   (SELECT rp.name FROM commitment_responses r JOIN people rp
                    ON rp.id = r.person_id WHERE r.id = si.withdrawal_id) AS withdrawn_by
            FROM attention_signals s
            JOIN families f ON f.id = s.family_id
            LEFT JOIN people p ON p.id = s.person_id
            LEFT JOIN checkins c ON c.id = s.checkin_id
            LEFT JOIN stepping_in si ON si.signal_id = s.id
            WHERE {where}
            ORDER BY CASE s.kind {order} ELSE 99 END, s.id DESC
            """,  # noqa: S608 - only our own constant kinds are formatted in
            params,
        )
    )


def handle_signal(db: Database, signal_id: int, *, worker_id: int, family_id: int) -> bool:
    """Mark a signal handled, with who and when. False if it is not the family's or done."""
    cursor = db.execute(
        """
        UPDATE attention_signals SET handled_at = ?, handled_by = ?
        WHERE id = ? AND family_id = ? AND handled_at IS NULL
        """,
        [timestamp(), worker_id, signal_id, family_id],
    )
    return cursor.rowcount == 1
