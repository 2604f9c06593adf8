"""A plan item's words in the family's other languages, written by the worker (often with an
interpreter).

A translation belongs to one item of one version, as the item's Swedish words do: a new draft
gets a copy of the translations of the version it copies, the worker changes them in the draft,
and the family reads those of the published version. So translations follow the same publish
rule as the plan, and a published one is never changed.

A translation is of the item's main text: the text for adults, or in the child's parts the
child's words. It keeps a hash of the Swedish it was written from, so that one whose Swedish was
changed since is marked for the worker as perhaps out of date.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from ..config import LANGUAGES
from ..db import transaction
from . import sha256, timestamp

# Swedish is the plan's own language: it is the original, never a translation.
ORIGINAL = "sv"


@dataclass(frozen=True)
class Translation:
    language: str
    text: str
    # The Swedish was changed after this was written: the worker should look at it again.
    outdated: bool
    updated_at: str


def main_text(section: str, text: str, child_text: str) -> str:
    """The words of an item that a translation is of: in the child's parts the child's words
    (or the note for the adults, if there are none), elsewhere the text for adults."""
    return (child_text or text) if section == "child" else text


def translatable(language: str) -> bool:
    """Whether a plan item can have a translation into this language."""
    return language in LANGUAGES and language != ORIGINAL


def for_version(db: Database, version_id: int) -> dict[str, dict[str, Translation]]:
    """Every translation of a version's items: by item key, then by language."""
    found: dict[str, dict[str, Translation]] = {}
    for row in db.query(
        """
        SELECT i.item_key, i.section, i.text, i.child_text, t.language, t.text AS translated,
            t.source_hash, t.updated_at
        FROM plan_item_translations t JOIN plan_items i ON i.id = t.item_id
        WHERE i.version_id = ? ORDER BY t.language
        """,
        [version_id],
    ):
        source = main_text(row["section"], row["text"], row["child_text"])
        found.setdefault(row["item_key"], {})[row["language"]] = Translation(
            row["language"], row["translated"], row["source_hash"] != sha256(source),
            row["updated_at"],
        )  # fmt: skip
    return found


def copy_into_draft(db: Database, source_version_id: int, draft_id: int) -> None:
    """Give a new draft's items the translations of the same items (by key) in the version it
    was copied from. Call it inside the transaction that copies the items."""
    db.execute(
        """
        INSERT INTO plan_item_translations (item_id, language, text, source_hash, updated_by,
            updated_at)
        SELECT new.id, t.language, t.text, t.source_hash, t.updated_by, t.updated_at
        FROM plan_item_translations t
        JOIN plan_items old ON old.id = t.item_id
        JOIN plan_items new ON new.version_id = ? AND new.item_key = old.item_key
        WHERE old.version_id = ?
        """,
        [draft_id, source_version_id],
    )


def set_translation(
    db: Database,
    version_id: int,
    item_key: str,
    *,
    language: str,
    text: str,
    worker_id: int | None,
) -> bool:
    """Write an item's words in one language in a draft; empty text takes the translation away.

    The translation is marked as written from the item's Swedish as it is now. Returns False if
    the draft has no such item; raises NotADraft for a published version and ValueError for a
    language that cannot have a translation.
    """
    from .plans import NotADraft

    if not translatable(language):
        raise ValueError(f"no translation into {language!r}")
    with transaction(db):
        row = db.execute(
            """
            SELECT i.id, i.section, i.text, i.child_text, v.status
            FROM plan_items i JOIN plan_versions v ON v.id = i.version_id
            WHERE i.version_id = ? AND i.item_key = ?
            """,
            [version_id, item_key],
        ).fetchone()
        if row is None:
            status = db.execute(
                "SELECT status FROM plan_versions WHERE id = ?", [version_id]
            ).fetchone()
            if status is None or status[0] != "draft":
                raise NotADraft(f"plan version {version_id} is not a draft")
            return False
        item_id, section, swedish, child_text, status = row
        if status != "draft":
            raise NotADraft(f"plan version {version_id} is not a draft")
        if not text:
            db.execute(
                "DELETE FROM plan_item_translations WHERE item_id = ? AND language = ?",
                [item_id, language],
            )
            return True
        db.execute(
            """
            INSERT INTO plan_item_translations (item_id, language, text, source_hash,
                updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (item_id, language) DO UPDATE SET text = excluded.text,
                source_hash = excluded.source_hash, updated_by = excluded.updated_by,
                updated_at = excluded.updated_at
            """,
            [item_id, language, text, sha256(main_text(section, swedish, child_text)),
             worker_id, timestamp()],
        )  # fmt: skip
    return True
