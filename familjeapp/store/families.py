"""Teams, workers, families and the people in them."""

from dataclasses import dataclass

from sqlite_utils import Database
from werkzeug.security import generate_password_hash

from . import timestamp

ROLES = ("parent", "network", "child")


@dataclass(frozen=True)
class Person:
    id: int
    family_id: int
    role: str
    name: str
    relation: str
    picture: str | None
    language: str | None
    has_code: bool
    photo_id: int | None = None


@dataclass(frozen=True)
class Worker:
    id: int
    team_id: int
    email: str
    name: str
    phone: str


@dataclass(frozen=True)
class Family:
    id: int
    team_id: int
    name: str
    worker: Worker | None
    closed_at: str | None


def create_team(db: Database, name: str) -> int:
    return db["teams"].insert({"name": name}).last_pk


def create_worker(
    db: Database,
    *,
    team_id: int,
    email: str,
    name: str,
    password: str,
    phone: str = "",
    totp_secret: str | None = None,
    is_admin: bool = False,
) -> int:
    """Add a social worker; only a hash of the password is kept."""
    return (
        db["workers"]
        .insert(
            {
                "team_id": team_id,
                "email": email.strip().lower(),
                "name": name,
                "phone": phone,
                "password_hash": generate_password_hash(password),
                "totp_secret": totp_secret,
                "is_admin": int(is_admin),
                "created_at": timestamp(),
            }
        )
        .last_pk
    )


def get_worker(db: Database, worker_id: int) -> Worker | None:
    row = next(db["workers"].rows_where("id = ?", [worker_id]), None)
    return _worker(row) if row else None


def _worker(row: dict) -> Worker:
    return Worker(row["id"], row["team_id"], row["email"], row["name"], row["phone"])


def create_family(db: Database, *, team_id: int, name: str, worker_id: int | None) -> int:
    return (
        db["families"]
        .insert(
            {"team_id": team_id, "worker_id": worker_id, "name": name, "created_at": timestamp()}
        )
        .last_pk
    )


def get_family(db: Database, family_id: int) -> Family | None:
    row = next(db["families"].rows_where("id = ?", [family_id]), None)
    if row is None:
        return None
    worker = get_worker(db, row["worker_id"]) if row["worker_id"] else None
    return Family(row["id"], row["team_id"], row["name"], worker, row["closed_at"])


def add_person(
    db: Database,
    *,
    family_id: int,
    role: str,
    name: str,
    relation: str = "",
    picture: str | None = None,
    language: str | None = None,
    photo_id: int | None = None,
) -> int:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return (
        db["people"]
        .insert(
            {
                "family_id": family_id,
                "role": role,
                "name": name,
                "relation": relation,
                "picture": picture,
                "photo_id": photo_id,
                "language": language,
                "created_at": timestamp(),
            }
        )
        .last_pk
    )


def _person(row: dict) -> Person:
    return Person(
        row["id"],
        row["family_id"],
        row["role"],
        row["name"],
        row["relation"],
        row["picture"],
        row["language"],
        row["code_hash"] is not None,
        row["photo_id"],
    )


def get_person(db: Database, person_id: int) -> Person | None:
    """A current member of a family; people the worker removed are gone for sign-in too."""
    # A plain read: on every request (see sessions.find_session).
    cursor = db.execute("SELECT * FROM people WHERE id = ? AND removed_at IS NULL", [person_id])
    found = cursor.fetchone()
    if found is None:
        return None
    return _person(dict(zip([column[0] for column in cursor.description], found, strict=True)))


def family_people(db: Database, family_id: int) -> list[Person]:
    """Everyone in the family and its network, parents first, then children, then network."""
    rows = db.query(
        """
        SELECT * FROM people WHERE family_id = ? AND removed_at IS NULL
        ORDER BY CASE role WHEN 'parent' THEN 0 WHEN 'child' THEN 1 ELSE 2 END, id
        """,
        [family_id],
    )
    return [_person(row) for row in rows]


def set_language(db: Database, person_id: int, language: str) -> None:
    db["people"].update(person_id, {"language": language})


def close_case(db: Database, family_id: int) -> bool:
    """Mark the family's case closed, which starts its retention clock. Nothing is deleted.

    The first close counts: closing again keeps the original date, so a second click cannot
    push deletion further away. True if this call closed it.
    """
    cursor = db.execute(
        "UPDATE families SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
        [timestamp(), family_id],
    )
    return cursor.rowcount == 1


# --- Numbers to call (m010) --------------------------------------------------------------------

# Who in the family may see a person's phone number on the plan, as a plan item's visibility:
# nobody, the parents, or the parents and the network. Never a child.
SHARED_WITH = ("nobody", "parents", "adults")
_READERS = {"parent": ("parents", "adults"), "network": ("adults",)}


@dataclass(frozen=True)
class PhoneNumber:
    phone: str
    shared_with: str


def set_phone(db: Database, person_id: int, phone: str, shared_with: str) -> None:
    """The worker writes a person's number and chooses who sees it; no number is shared with
    nobody, whatever was chosen."""
    if shared_with not in SHARED_WITH:
        raise ValueError(f"unknown audience {shared_with!r}")
    phone = phone.strip()
    db.execute(
        "UPDATE people SET phone = ?, phone_shared_with = ? WHERE id = ?",
        [phone, shared_with if phone else "nobody", person_id],
    )


def phone_numbers(db: Database, family_id: int) -> dict[int, PhoneNumber]:
    """For the social worker: every current person's number and who sees it."""
    rows = db.execute(
        "SELECT id, phone, phone_shared_with FROM people"
        " WHERE family_id = ? AND removed_at IS NULL",
        [family_id],
    ).fetchall()
    return {row[0]: PhoneNumber(row[1], row[2]) for row in rows}


def numbers_to_call(db: Database, family_id: int, *, reader_id: int, role: str) -> dict[int, str]:
    """The numbers this reader may see, by person id: only those the worker shared with the
    reader's role (a child: none), never the reader's own. Filtered here, so a number that is not
    shared never reaches a page."""
    audiences = _READERS.get(role, ())
    if not audiences:
        return {}
    marks = ", ".join("?" for _ in audiences)
    rows = db.execute(
        f"""
        SELECT id, phone FROM people
        WHERE family_id = ? AND removed_at IS NULL AND id != ? AND phone != ''
          AND phone_shared_with IN ({marks})
        """,  # noqa: S608 - only placeholders are put in
        [family_id, reader_id, *audiences],
    ).fetchall()
    return {row[0]: row[1] for row in rows}
