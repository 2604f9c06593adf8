"""Staff signing in through the municipality's OpenID provider: the account it names, and the
provider's ID token kept with the session for signing out (id_token_hint).

The token holds the worker's e-mail, so the database drops it as soon as the session ends,
however it ends (a trigger, m013).
"""

from sqlite_utils import Database

from . import sha256


def active_account(db: Database, email: str) -> int | None:
    """The active staff account with this e-mail address, as the administrator entered it."""
    row = db.execute(
        "SELECT id FROM workers WHERE email = ? AND disabled_at IS NULL", [email.strip().lower()]
    ).fetchone()
    return row[0] if row else None


def remember_id_token(db: Database, session_token: str, id_token: str) -> None:
    """Keep the provider's ID token with the staff session the token in the cookie opens."""
    db.execute(
        "UPDATE sessions SET oidc_id_token = ? WHERE token_hash = ? AND ended_at IS NULL",
        [id_token, sha256(session_token)],
    )


def id_token_of(db: Database, session_id: int) -> str | None:
    """The provider's ID token of an open session started through the provider, else None."""
    row = db.execute(
        "SELECT oidc_id_token FROM sessions WHERE id = ? AND ended_at IS NULL", [session_id]
    ).fetchone()
    return row[0] if row else None
