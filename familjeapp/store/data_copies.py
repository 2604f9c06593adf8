"""A person's copy of their data (GDPR art. 15), prepared by the social worker.

``gather`` reads everything the app holds about one person into plain data: the person row,
their invites and devices (dates only), check-ins with their rules, views on worries, answers to
commitments, the commitments and rules of the plan that name them, offers to step in, calendar
addresses (dates only), a child's additions to the three houses, attention signals about them,
their photo, and which staff read or changed the family's data (art. 15(1)(c), the recipients).
No secret is ever gathered: no token or code hash, no one-time-code secret.

The copy is a snapshot: ``prepare`` stores what was gathered, the worker reviews that stored
content and may leave parts out where secrecy applies (``review``), and ``hand_over`` makes a
one-time link (only its SHA-256 is kept). ``consume`` uses the link once, atomically, as invites
are used. What is downloaded is exactly the reviewed snapshot.

The content's keys are stable (``FORMAT``), documented in the README and in ``copy.json``:

- ``format``: ``"familjeapp-data-copy/1"``; ``prepared_at``: ISO 8601 in Swedish time.
- ``social_worker``: ``{"name", "phone"}``, who prepared it and whom to ask.
- ``sections``: a list of ``{"key", "items"}`` in a fixed order (``SECTIONS``); each item is
  ``{"id", ...fields}``, its ``id`` (e.g. ``"checkin-12"``) stable within the copy. Moments are
  ISO 8601 with Stockholm's offset, dates ``YYYY-MM-DD``, answers as codes (``"agree"``); a
  rule's ``visibility`` is who in the family sees it in the app (``everyone``, ``adults``,
  ``parents``, ``worker``).
- ``left_out`` (only in what is handed over): ``[{"section", "count", "reasons"}]``.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlite_utils import Database

from .. import clock
from ..db import transaction
from . import audit, now, sha256, timestamp

FORMAT = "familjeapp-data-copy/1"

SECTIONS = (
    "person", "invites", "devices", "checkins", "worry_views", "commitment_answers",
    "commitments", "rules", "stepping_in", "calendars", "child_additions", "signals", "photo",
    "staff_access",
)  # fmt: skip

# Why a part was left out: codes only, so the audit log keeps the reason without any content.
REASONS = ("other_person", "informant", "child_secrecy", "other_secrecy")


def _moment(text: str | None) -> str | None:
    """A stored UTC moment as ISO 8601 in Swedish time."""
    return clock.local(text).isoformat(timespec="seconds") if text else None


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    return list(db.query(sql, params))


def _newest_text(db: Database, family_id: int, key_column: str, key: str) -> str:
    """The words of a plan item or commitment in the family's newest version that has it."""
    table = "plan_items" if key_column == "item_key" else "commitments"
    row = db.execute(
        f"SELECT t.text FROM [{table}] t JOIN plan_versions v ON v.id = t.version_id "  # noqa: S608 - fixed names
        f"WHERE v.family_id = ? AND t.{key_column} = ? ORDER BY v.number DESC LIMIT 1",
        [family_id, key],
    ).fetchone()
    return row[0] if row else ""


def gather(db: Database, person_id: int) -> dict:
    """Everything the app holds about one person, as plain data in the copy's format."""
    p = next(db["people"].rows_where("id = ?", [person_id]), None)
    if p is None:
        raise LookupError(person_id)
    family_id = p["family_id"]
    family = next(db["families"].rows_where("id = ?", [family_id]))
    worker = next(db["workers"].rows_where("id = ?", [family["worker_id"]]), None)
    sections: dict[str, list[dict]] = {key: [] for key in SECTIONS}

    sections["person"].append(
        {
            "id": f"person-{person_id}",
            "name": p["name"],
            "family": family["name"],
            "role": p["role"],
            "relation": p["relation"],
            "language": p["language"] or "sv",
            "picture": p["picture"],
            "phone": p["phone"],
            "phone_shared_with": p["phone_shared_with"],
            "has_code": p["code_hash"] is not None,
            "added_at": _moment(p["created_at"]),
            "removed_at": _moment(p["removed_at"]),
        }
    )
    for row in _rows(
        db, "SELECT id, created_at, expires_at, used_at FROM invites WHERE person_id = ? "
        "ORDER BY id", [person_id],
    ):  # fmt: skip
        sections["invites"].append(
            {
                "id": f"invite-{row['id']}",
                "made_at": _moment(row["created_at"]),
                "expires_at": _moment(row["expires_at"]),
                "used_at": _moment(row["used_at"]),
            }
        )
    for row in _rows(
        db, "SELECT id, created_at, last_seen_at, locked_at, ended_at, ended_reason FROM sessions "
        "WHERE person_id = ? ORDER BY id", [person_id],
    ):  # fmt: skip
        sections["devices"].append(
            {
                "id": f"device-{row['id']}",
                "signed_in_at": _moment(row["created_at"]),
                "last_used_at": _moment(row["last_seen_at"]),
                "ended_at": _moment(row["ended_at"]),
                "ended_reason": row["ended_reason"],
            }
        )
    for row in _rows(
        db, "SELECT * FROM checkins WHERE person_id = ? ORDER BY created_at, id", [person_id]
    ):
        rules = _rows(
            db,
            "SELECT r.rule_key, r.kept, COALESCE(i.text, '') AS text FROM checkin_rules r "
            "LEFT JOIN plan_items i ON i.version_id = ? AND i.item_key = r.rule_key "
            "WHERE r.checkin_id = ? ORDER BY i.position, r.rule_key",
            [row["version_id"], row["id"]],
        )
        sections["checkins"].append(
            {
                "id": f"checkin-{row['id']}",
                "at": _moment(row["created_at"]),
                "rating": row["rating"],
                "words": row["words"],
                "picture": row["picture"],
                "rules": [{"rule": r["text"], "answer": r["kept"]} for r in rules],
                "shared": bool(row["shared"] or row["shared_at"]),
                "wants_to_talk": bool(row["wants_to_talk"]),
            }
        )
    for row in _rows(
        db, "SELECT * FROM worry_views WHERE person_id = ? ORDER BY created_at, id", [person_id]
    ):
        sections["worry_views"].append(
            {
                "id": f"worry-view-{row['id']}",
                "at": _moment(row["created_at"]),
                "worry": _newest_text(db, family_id, "item_key", row["item_key"]),
                "view": row["view"],
                "words": row["words"],
            }
        )
    for row in _rows(
        db, "SELECT * FROM commitment_responses WHERE person_id = ? ORDER BY created_at, id",
        [person_id],
    ):  # fmt: skip
        sections["commitment_answers"].append(
            {
                "id": f"commitment-answer-{row['id']}",
                "at": _moment(row["created_at"]),
                "commitment": _newest_text(db, family_id, "commitment_key", row["commitment_key"]),
                "answer": row["response"],
                "reason": row["reason"],
            }
        )
    _plan_sections(db, family_id, p, sections)
    for row in _rows(db, "SELECT * FROM stepping_in WHERE person_id = ? ORDER BY id", [person_id]):
        sections["stepping_in"].append(
            {
                "id": f"stepping-in-{row['id']}",
                "at": _moment(row["created_at"]),
                "commitment": _newest_text(db, family_id, "commitment_key", row["commitment_key"]),
                "placed_in_plan_at": _moment(row["placed_at"]),
            }
        )
    for row in _rows(
        db, "SELECT id, full_titles, created_at, revoked_at FROM calendar_subscriptions "
        "WHERE person_id = ? ORDER BY id", [person_id],
    ):  # fmt: skip
        sections["calendars"].append(
            {
                "id": f"calendar-{row['id']}",
                "made_at": _moment(row["created_at"]),
                "stopped_at": _moment(row["revoked_at"]),
                "full_titles": bool(row["full_titles"]),
            }
        )
    for row in _rows(
        db, "SELECT * FROM child_additions WHERE person_id = ? ORDER BY created_at, id",
        [person_id],
    ):  # fmt: skip
        sections["child_additions"].append(
            {
                "id": f"child-addition-{row['id']}",
                "at": _moment(row["created_at"]),
                "house": row["house"],
                "picture": row["picture"],
                "words": row["words"],
                "shared_with_parents_at": _moment(row["shared_at"]),
            }
        )
    for row in _rows(
        db, "SELECT * FROM attention_signals WHERE person_id = ? ORDER BY created_at, id",
        [person_id],
    ):  # fmt: skip
        sections["signals"].append(
            {
                "id": f"signal-{row['id']}",
                "at": _moment(row["created_at"]),
                "kind": row["kind"],
                "handled_at": _moment(row["handled_at"]),
            }
        )
    if p["photo_id"]:
        photo = db.execute(
            "SELECT id, mime, width, height, created_at FROM photos WHERE id = ?", [p["photo_id"]]
        ).fetchone()
        if photo:
            sections["photo"].append(
                {
                    "id": f"photo-{photo[0]}",
                    "file": photo_name(photo[1]),
                    "width": photo[2],
                    "height": photo[3],
                    "added_at": _moment(photo[4]),
                }
            )
    sections["staff_access"] = _staff_access(db, family_id)
    return {
        "format": FORMAT,
        "prepared_at": _moment(timestamp()),
        "social_worker": {"name": worker["name"], "phone": worker["phone"]} if worker else None,
        "sections": [{"key": key, "items": items} for key, items in sections.items()],
    }


def photo_name(mime: str) -> str:
    """The photo's file name in the ZIP."""
    return "photo." + {"image/png": "png", "image/webp": "webp"}.get(mime, "jpg")


def _plan_sections(db: Database, family_id: int, person: dict, sections: dict) -> None:
    """The commitments that are the person's, in every published version (the newest words),
    and the rules of the newest published plan that have a commitment of theirs or name them."""
    commitments: dict[str, dict] = {}
    for row in _rows(
        db,
        "SELECT c.commitment_key, c.rule_key, c.text, c.starts_on, c.ends_on, v.number, v.id AS v "
        "FROM commitments c JOIN plan_versions v ON v.id = c.version_id "
        "WHERE c.person_id = ? AND v.status = 'published' ORDER BY v.number, c.id",
        [person["id"]],
    ):
        rule = db.execute(
            "SELECT text FROM plan_items WHERE version_id = ? AND item_key = ?",
            [row["v"], row["rule_key"]],
        ).fetchone()
        versions = commitments.get(row["commitment_key"], {}).get("plan_versions", [])
        commitments[row["commitment_key"]] = {
            "id": f"commitment-{row['commitment_key']}",
            "text": row["text"],
            "rule": rule[0] if rule else "",
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            "plan_versions": [*versions, row["number"]],
        }
    sections["commitments"] = list(commitments.values())
    newest = db.execute(
        "SELECT id FROM plan_versions WHERE family_id = ? AND status = 'published' "
        "ORDER BY number DESC LIMIT 1",
        [family_id],
    ).fetchone()
    if newest is None:
        return
    own_rules = {
        r[0]
        for r in db.execute(
            "SELECT rule_key FROM commitments WHERE version_id = ? AND person_id = ?",
            [newest[0], person["id"]],
        )
    }
    name = person["name"].casefold()
    for row in _rows(
        db, "SELECT * FROM plan_items WHERE version_id = ? AND section = 'rules' "
        "ORDER BY position, id", [newest[0]],
    ):  # fmt: skip
        words = " ".join(
            (row["text"], row["responsible"], row["when_text"], row["how_we_know"])
        ).casefold()
        if row["item_key"] in own_rules or (name and name in words):
            sections["rules"].append(
                {
                    "id": f"rule-{row['item_key']}",
                    "text": row["text"],
                    "who": row["responsible"],
                    "when": row["when_text"],
                    "how_we_know": row["how_we_know"],
                    "visibility": row["visibility"],
                }
            )


def _staff_access(db: Database, family_id: int) -> list[dict]:
    """Which staff read or changed the family's data, a row per worker, day and kind."""
    counted: dict[tuple, int] = {}
    for row in _rows(
        db,
        "SELECT a.at, a.action, w.name FROM audit a JOIN workers w ON w.id = a.actor_id "
        "WHERE a.actor_type = 'worker' AND a.family_id = ? AND a.outcome = 'ok' ORDER BY a.id",
        [family_id],
    ):
        kind = "read" if row["action"] == "read" else "change"
        key = (clock.local_date(row["at"]).isoformat(), row["name"], kind)
        counted[key] = counted.get(key, 0) + 1
    return [
        {"id": f"staff-{n}", "date": day, "worker": name, "what": kind, "times": times}
        for n, ((day, name, kind), times) in enumerate(counted.items(), start=1)
    ]


@dataclass(frozen=True)
class DataCopy:
    id: int
    family_id: int
    person_id: int
    prepared_by: int | None
    prepared_at: str
    content: dict
    photo: bytes | None
    photo_mime: str | None
    left_out: list[dict]
    reviewed_at: str | None
    handed_over_at: str | None
    expires_at: str | None
    downloaded_at: str | None

    @property
    def person_name(self) -> str:
        return self.content["sections"][0]["items"][0]["name"]

    def reviewed(self) -> dict:
        """The content without the parts left out, with a count of them per section: what the
        person downloads."""
        left = {part["id"]: part["reason"] for part in self.left_out}
        sections, summary = [], []
        for section in self.content["sections"]:
            key = section["key"]
            whole = f"section-{key}"
            kept = [] if whole in left else [i for i in section["items"] if i["id"] not in left]
            removed = [
                left.get(i["id"], left.get(whole)) for i in section["items"] if i not in kept
            ]
            if whole in left and not section["items"]:
                removed = [left[whole]]
            sections.append({"key": key, "items": kept})
            if removed:
                reasons = sorted({r for r in removed if r})
                summary.append({"section": key, "count": len(removed), "reasons": reasons})
        return {**self.content, "sections": sections, "left_out": summary}

    @property
    def photo_left_out(self) -> bool:
        photo = next(s for s in self.reviewed()["sections"] if s["key"] == "photo")
        return not photo["items"]


def _copy(row: dict) -> DataCopy:
    return DataCopy(
        id=row["id"],
        family_id=row["family_id"],
        person_id=row["person_id"],
        prepared_by=row["prepared_by"],
        prepared_at=row["prepared_at"],
        content=json.loads(row["content"]),
        photo=row["photo"],
        photo_mime=row["photo_mime"],
        left_out=json.loads(row["left_out"]),
        reviewed_at=row["reviewed_at"],
        handed_over_at=row["handed_over_at"],
        expires_at=row["expires_at"],
        downloaded_at=row["downloaded_at"],
    )


def _record(db: Database, action: str, copy: DataCopy | dict, **actor) -> None:
    audit.record(
        db, action, object_type="data_copy", object_id=copy["id"] if isinstance(copy, dict)
        else copy.id, family_id=copy["family_id"] if isinstance(copy, dict) else copy.family_id,
        **actor,
    )  # fmt: skip


def prepare(db: Database, person_id: int, *, worker_id: int, role: str = "worker") -> int:
    """Take the snapshot of everything about the person now; return the copy's id. Audited."""
    with transaction(db):
        content = gather(db, person_id)
        person = next(db["people"].rows_where("id = ?", [person_id]))
        photo = None
        if person["photo_id"]:
            photo = next(db["photos"].rows_where("id = ?", [person["photo_id"]]), None)
        copy_id = (
            db["data_copies"]
            .insert(
                {
                    "family_id": person["family_id"],
                    "person_id": person_id,
                    "prepared_by": worker_id,
                    "prepared_at": timestamp(),
                    "content": json.dumps(content, ensure_ascii=False),
                    "photo": photo["data"] if photo else None,
                    "photo_mime": photo["mime"] if photo else None,
                    "left_out": "[]",
                }
            )
            .last_pk
        )
        _record(
            db, "data_copy_prepared", {"id": copy_id, "family_id": person["family_id"]},
            actor_type="worker", actor_id=worker_id, role=role,
        )  # fmt: skip
    return copy_id


def get_copy(db: Database, family_id: int, copy_id: int) -> DataCopy | None:
    """One copy of this family's, or None."""
    row = next(db["data_copies"].rows_where("id = ? AND family_id = ?", [copy_id, family_id]), None)
    return _copy(row) if row else None


def copies_by_person(db: Database, family_id: int) -> dict[int, list[DataCopy]]:
    """The family's copies, newest first, by person: what the family page shows of them."""
    found: dict[int, list[DataCopy]] = {}
    for row in db["data_copies"].rows_where("family_id = ?", [family_id], order_by="id DESC"):
        found.setdefault(row["person_id"], []).append(_copy(row))
    return found


class AlreadyHandedOver(ValueError):
    """A copy handed over is what the person gets: it is not reviewed again."""


def review(
    db: Database, copy: DataCopy, left_out: dict[str, str], *, worker_id: int, role: str = "worker"
) -> None:
    """Keep which parts are left out, each with its reason code. Audited: one row for the
    review and one for each part left out (its id and the reason, never its content)."""
    known = {f"section-{s['key']}" for s in copy.content["sections"]} | {
        item["id"] for s in copy.content["sections"] for item in s["items"]
    }
    parts = [
        {"id": part, "reason": reason}
        for part, reason in sorted(left_out.items())
        if part in known and reason in REASONS
    ]
    with transaction(db):
        cursor = db.execute(
            "UPDATE data_copies SET left_out = ?, reviewed_at = ? "
            "WHERE id = ? AND handed_over_at IS NULL",
            [json.dumps(parts), timestamp(), copy.id],
        )
        if cursor.rowcount != 1:
            raise AlreadyHandedOver(copy.id)
        actor = {"actor_type": "worker", "actor_id": worker_id, "role": role}
        _record(db, "data_copy_reviewed", copy, **actor)
        for part in parts:
            audit.record(
                db, "data_copy_left_out", object_type="data_copy_part",
                object_id=f"{copy.id}/{part['id']}/{part['reason']}", family_id=copy.family_id,
                **actor,
            )  # fmt: skip


def hand_over(
    db: Database, copy: DataCopy, *, days: int, worker_id: int, role: str = "worker"
) -> str:
    """Make the copy's one-time link; return its token (only the hash is kept). Audited."""
    token = secrets.token_urlsafe(32)
    with transaction(db):
        cursor = db.execute(
            "UPDATE data_copies SET token_hash = ?, handed_over_by = ?, handed_over_at = ?, "
            "expires_at = ?, reviewed_at = COALESCE(reviewed_at, ?) "
            "WHERE id = ? AND handed_over_at IS NULL",
            [
                sha256(token), worker_id, timestamp(), timestamp(now() + timedelta(days=days)),
                timestamp(), copy.id,
            ],
        )  # fmt: skip
        if cursor.rowcount != 1:
            raise AlreadyHandedOver(copy.id)
        _record(
            db, "data_copy_handed_over", copy, actor_type="worker", actor_id=worker_id, role=role
        )
    return token


def _by_token(db: Database, token: str) -> dict | None:
    return next(db["data_copies"].rows_where("token_hash = ?", [sha256(token)]), None)


def link_state(db: Database, token: str) -> tuple[str, DataCopy | None]:
    """'valid', 'used', 'expired' or 'unknown', with the copy; consumes nothing."""
    row = _by_token(db, token)
    if row is None:
        return "unknown", None
    copy = _copy(row)
    if copy.downloaded_at is not None:
        return "used", copy
    if copy.expires_at <= timestamp():
        return "expired", copy
    return "valid", copy


def person_language(db: Database, person_id: int) -> str | None:
    row = db.execute("SELECT language FROM people WHERE id = ?", [person_id]).fetchone()
    return row[0] if row else None


def consume(db: Database, token: str) -> DataCopy | None:
    """Use the link once: the copy to download, or None when the link is used, too old or
    unknown. One UPDATE ... WHERE downloaded_at IS NULL makes two uses give one download."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE data_copies SET downloaded_at = ? WHERE token_hash = ? "
            "AND downloaded_at IS NULL AND handed_over_at IS NOT NULL AND expires_at > ?",
            [timestamp(), sha256(token), timestamp()],
        )
        if cursor.rowcount != 1:
            return None
        copy = _copy(_by_token(db, token))
        role = person_role(db, copy.person_id)
        _record(
            db, "data_copy_downloaded", copy, actor_type="person", actor_id=copy.person_id,
            role=role,
        )  # fmt: skip
    return copy


def person_role(db: Database, person_id: int) -> str | None:
    row = db.execute("SELECT role FROM people WHERE id = ?", [person_id]).fetchone()
    return row[0] if row else None
