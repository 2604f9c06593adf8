"""The safety plan: versions, items, commitments, the timeframe, and the family's views on worries.

Visibility is applied here, in the query, so no page, fragment or count can show an item that the
reader may not see.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from sqlite_utils import Database

from ..db import transaction
from . import already_kept, new_key, timestamp
from . import translations as item_translations

SECTIONS = ("working", "worries", "needs", "rules", "child")
KINDS = {
    "working": ("strength",),
    "worries": ("harm", "danger", "complicating"),
    "needs": ("goal", "next_step"),
    "rules": ("rule", "warning_sign"),
    "child": (
        "house_worries",
        "house_good",
        "house_dreams",
        "safety_person",
        "safety_rule",
        "story_page",
    ),
}
# The child's section is told with the Signs of Safety child tools, each a part of its own in
# the editor and a page of its own for the child (Tre hus, Det trygga hemmet, Ord och bilder).
CHILD_PARTS = {
    "three_houses": ("house_worries", "house_good", "house_dreams"),
    "safety_house": ("safety_person", "safety_rule"),
    "words_pictures": ("story_page",),
}
# The three houses and the kind of plan item the worker writes in each.
HOUSES = {"worries": "house_worries", "good": "house_good", "dreams": "house_dreams"}
VISIBILITIES = ("everyone", "adults", "parents", "worker")
VIEWS = ("agree", "partly", "disagree")
EVENT_KINDS = ("start", "network_meeting", "follow_up", "planned_end")


@dataclass(frozen=True)
class PlanItem:
    id: int
    key: str
    section: str
    kind: str
    text: str
    child_text: str
    picture: str | None
    visibility: str
    responsible: str
    when_text: str
    how_we_know: str
    # The item's words in other languages, by language (store/translations.py). Not part of
    # what a reader compares between versions: the Swedish is the plan.
    translations: dict[str, item_translations.Translation] = field(
        default_factory=dict, compare=False
    )

    @property
    def main_text(self) -> str:
        """The words a translation is of (the child's words in the child's parts)."""
        return item_translations.main_text(self.section, self.text, self.child_text)


@dataclass(frozen=True)
class Commitment:
    key: str
    rule_key: str
    person_id: int
    person_name: str
    person_picture: str | None
    text: str
    starts_on: str | None
    ends_on: str | None
    status: str  # 'waiting', 'confirmed' or 'withdrawn'


@dataclass(frozen=True)
class PlanEvent:
    kind: str
    happens_on: date
    title: str
    id: int = 0


@dataclass(frozen=True)
class WorryView:
    person_id: int
    person_name: str
    view: str
    words: str
    created_at: str


@dataclass
class Plan:
    version_id: int
    number: int
    published_at: str | None  # None while the version is a draft
    scale_question: str
    scale_low: str
    scale_high: str
    items: list[PlanItem] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    events: list[PlanEvent] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[PlanItem]:
        return [item for item in self.items if item.kind in kinds]

    def commitments_for(self, rule_key: str) -> list[Commitment]:
        return [c for c in self.commitments if c.rule_key == rule_key]

    def rules_for(self, person_id: int, role: str) -> list[PlanItem]:
        """The rules a person says were kept or not: all of them for a parent, and for the
        network the rules they have promised something for."""
        rules = self.of_kind("rule")
        if role == "parent":
            return rules
        promised = {c.rule_key for c in self.commitments if c.person_id == person_id}
        return [rule for rule in rules if rule.key in promised]

    def commitments_of(self, person_id: int) -> list[Commitment]:
        return [c for c in self.commitments if c.person_id == person_id]

    def meeting_days(self) -> list[date]:
        return [e.happens_on for e in self.events if e.kind == "network_meeting"]

    def next_meeting(self, today: date) -> PlanEvent | None:
        upcoming = [e for e in self.events if e.kind == "network_meeting" and e.happens_on >= today]
        return upcoming[0] if upcoming else None


class NotADraft(ValueError):
    """Raised on an attempt to change a version that is not a draft.

    A published version is what the family read at the time: it is history, never changed.
    A change is a new draft, published as a new version.
    """


@dataclass(frozen=True)
class PlanVersion:
    id: int
    family_id: int
    number: int
    status: str  # 'draft' or 'published'
    created_at: str
    published_at: str | None
    created_by_name: str | None


@dataclass(frozen=True)
class Change:
    """One item, promise or date that differs between two versions, as one reader sees them.

    ``item`` is the newer one for 'added' and 'changed', the older one for 'removed'.
    """

    kind: str  # 'added', 'changed' or 'removed'
    item: PlanItem | Commitment | PlanEvent

    @property
    def what(self) -> str:
        """'item', 'commitment' or 'event': how to say it."""
        if isinstance(self.item, Commitment):
            return "commitment"
        return "event" if isinstance(self.item, PlanEvent) else "item"


CHANGE_KINDS = ("added", "changed", "removed")
MOVES = ("up", "down")

# What a reader notices: a new visibility alone is not a change to someone who saw it before.
_CONTENT_FIELDS = (
    "kind", "text", "child_text", "picture", "responsible", "when_text", "how_we_know",
)  # fmt: skip
# A promise's words, who gives it and for when; its answer (confirmed or not) is no version's.
_PROMISE_FIELDS = ("rule_key", "person_id", "text", "starts_on", "ends_on")


def create_version(
    db: Database,
    family_id: int,
    *,
    created_by: int | None,
    scale_question: str = "",
    scale_low: str = "",
    scale_high: str = "",
) -> int:
    """Start a new draft version of the family's plan."""
    with transaction(db):
        number = db.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM plan_versions WHERE family_id = ?",
            [family_id],
        ).fetchone()[0]
        return (
            db["plan_versions"]
            .insert(
                {
                    "family_id": family_id,
                    "number": number,
                    "status": "draft",
                    "scale_question": scale_question,
                    "scale_low": scale_low,
                    "scale_high": scale_high,
                    "created_by": created_by,
                    "created_at": timestamp(),
                }
            )
            .last_pk
        )


def _require_draft(db: Database, version_id: int) -> None:
    row = db.execute("SELECT status FROM plan_versions WHERE id = ?", [version_id]).fetchone()
    if row is None or row[0] != "draft":
        raise NotADraft(f"plan version {version_id} is not a draft")


def _latest_published(db: Database, family_id: int) -> dict | None:
    return next(
        db.query(
            """
            SELECT * FROM plan_versions WHERE family_id = ? AND status = 'published'
            ORDER BY number DESC LIMIT 1
            """,
            [family_id],
        ),
        None,
    )


def open_draft(db: Database, family_id: int) -> int | None:
    """The id of the family's draft, if the worker has one open."""
    row = db.execute(
        "SELECT id FROM plan_versions WHERE family_id = ? AND status = 'draft' "
        "ORDER BY number DESC LIMIT 1",
        [family_id],
    ).fetchone()
    return row[0] if row else None


def draft_for(db: Database, family_id: int, worker_id: int | None) -> int:
    """The family's open draft; or a new one copied from the latest published version.

    The copy keeps every item's ``item_key`` and every commitment's ``commitment_key``, so the
    family's views on a worry and the network's answers to a promise follow into the new
    version. Without a published version the draft starts empty.
    """
    with transaction(db):
        draft = open_draft(db, family_id)
        if draft is not None:
            return draft
        latest = _latest_published(db, family_id)
        draft = create_version(
            db,
            family_id,
            created_by=worker_id,
            scale_question=latest["scale_question"] if latest else "",
            scale_low=latest["scale_low"] if latest else "",
            scale_high=latest["scale_high"] if latest else "",
        )
        if latest is None:
            return draft
        source = latest["id"]
        db.execute(
            """
            INSERT INTO plan_items (version_id, item_key, section, kind, position, text,
                child_text, picture, visibility, responsible, when_text, how_we_know)
            SELECT ?, item_key, section, kind, position, text, child_text, picture,
                visibility, responsible, when_text, how_we_know
            FROM plan_items WHERE version_id = ? ORDER BY position, id
            """,
            [draft, source],
        )
        # A promise of someone the worker took out of the family does not come along.
        db.execute(
            """
            INSERT INTO commitments (version_id, commitment_key, rule_key, person_id, text,
                starts_on, ends_on)
            SELECT ?, c.commitment_key, c.rule_key, c.person_id, c.text, c.starts_on, c.ends_on
            FROM commitments c JOIN people p ON p.id = c.person_id
            WHERE c.version_id = ? AND p.removed_at IS NULL ORDER BY c.id
            """,
            [draft, source],
        )
        db.execute(
            """
            INSERT INTO plan_events (version_id, kind, happens_on, title)
            SELECT ?, kind, happens_on, title FROM plan_events WHERE version_id = ? ORDER BY id
            """,
            [draft, source],
        )
        item_translations.copy_into_draft(db, source, draft)
        return draft


def add_item(
    db: Database,
    version_id: int,
    *,
    section: str,
    kind: str,
    text: str,
    visibility: str,
    child_text: str = "",
    picture: str | None = None,
    responsible: str = "",
    when_text: str = "",
    how_we_know: str = "",
    item_key: str | None = None,
) -> str:
    """Add an item to a draft version; returns its stable key."""
    if kind not in KINDS.get(section, ()):
        raise ValueError(f"kind {kind!r} does not belong in section {section!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    key = item_key or new_key()
    with transaction(db):
        _require_draft(db, version_id)
        # After the last one: a removed item leaves a gap, so a count could repeat a position.
        position = db.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM plan_items WHERE version_id = ?",
            [version_id],
        ).fetchone()[0]
        db["plan_items"].insert(
            {
                "version_id": version_id,
                "item_key": key,
                "section": section,
                "kind": kind,
                "position": position,
                "text": text,
                "child_text": child_text,
                "picture": picture,
                "visibility": visibility,
                "responsible": responsible,
                "when_text": when_text,
                "how_we_know": how_we_know,
            }
        )
    return key


def _item(row: dict) -> PlanItem:
    return PlanItem(
        row["id"],
        row["item_key"],
        row["section"],
        row["kind"],
        row["text"],
        row["child_text"],
        row["picture"],
        row["visibility"],
        row["responsible"],
        row["when_text"],
        row["how_we_know"],
    )


def get_item(db: Database, version_id: int, item_key: str) -> PlanItem | None:
    """One item of one version, by its stable key."""
    row = next(
        db["plan_items"].rows_where("version_id = ? AND item_key = ?", [version_id, item_key]),
        None,
    )
    return _item(row) if row else None


def update_item(
    db: Database,
    version_id: int,
    item_key: str,
    *,
    kind: str,
    text: str,
    visibility: str,
    child_text: str = "",
    picture: str | None = None,
    responsible: str = "",
    when_text: str = "",
    how_we_know: str = "",
) -> bool:
    """Rewrite an item of a draft; it stays in its section and keeps its key.

    Returns False if the draft has no such item; raises NotADraft for a published version.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    with transaction(db):
        _require_draft(db, version_id)
        item = get_item(db, version_id, item_key)
        if item is None:
            return False
        if kind not in KINDS[item.section]:
            raise ValueError(f"kind {kind!r} does not belong in section {item.section!r}")
        db.execute(
            """
            UPDATE plan_items SET kind = ?, text = ?, child_text = ?, picture = ?,
                visibility = ?, responsible = ?, when_text = ?, how_we_know = ?
            WHERE version_id = ? AND item_key = ?
            """,
            [kind, text, child_text, picture, visibility, responsible, when_text, how_we_know,
             version_id, item_key],
        )  # fmt: skip
    return True


def remove_item(db: Database, version_id: int, item_key: str) -> bool:
    """Take an item out of a draft, with the promises made for it if it is a rule.

    The published versions keep it. Returns False if the draft has no such item.
    """
    with transaction(db):
        _require_draft(db, version_id)
        removed = db.execute(
            "DELETE FROM plan_items WHERE version_id = ? AND item_key = ?", [version_id, item_key]
        ).rowcount
        db.execute(
            "DELETE FROM commitments WHERE version_id = ? AND rule_key = ?", [version_id, item_key]
        )
    return bool(removed)


def _display_group(row: dict) -> tuple[str, str]:
    # Goals and next steps, rules and warning signs, and each of the child's houses, the helpers
    # and the roof's rules, and the story's pages are shown as separate lists, so an item moves
    # among the items it is listed with.
    grouped = row["section"] in ("needs", "rules", "child")
    return (row["section"], row["kind"] if grouped else "")


def move_item(db: Database, version_id: int, item_key: str, direction: str) -> bool:
    """Move an item of a draft one step up or down among the items it is listed with.

    Moving the first item up (or the last down) changes nothing. Returns False if the draft
    has no such item.
    """
    if direction not in MOVES:
        raise ValueError(f"unknown direction {direction!r}")
    with transaction(db):
        _require_draft(db, version_id)
        rows = list(
            db.query(
                "SELECT id, item_key, section, kind, position FROM plan_items "
                "WHERE version_id = ? ORDER BY position, id",
                [version_id],
            )
        )
        index = next((i for i, row in enumerate(rows) if row["item_key"] == item_key), None)
        if index is None:
            return False
        peers = [
            i for i, row in enumerate(rows) if _display_group(row) == _display_group(rows[index])
        ]
        at = peers.index(index)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(peers):
            a, b = peers[at], peers[to]
            rows[a], rows[b] = rows[b], rows[a]
            # Number them all again: older drafts may share a position.
            for position, row in enumerate(rows):
                if row["position"] != position:
                    db.execute(
                        "UPDATE plan_items SET position = ? WHERE id = ?", [position, row["id"]]
                    )
    return True


def update_scale(db: Database, version_id: int, *, question: str, low: str, high: str) -> None:
    """The safety scale's question and what 0 and 10 mean, in the family's words."""
    with transaction(db):
        _require_draft(db, version_id)
        db.execute(
            "UPDATE plan_versions SET scale_question = ?, scale_low = ?, scale_high = ? "
            "WHERE id = ?",
            [question, low, high, version_id],
        )


def add_commitment(
    db: Database,
    version_id: int,
    *,
    rule_key: str,
    person_id: int,
    text: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> str:
    """Record what a person has promised to do for a rule of a draft, for a period."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ValueError("a promise cannot end before it starts")
    key = new_key()
    with transaction(db):
        _require_draft(db, version_id)
        db["commitments"].insert(
            {
                "version_id": version_id,
                "commitment_key": key,
                "rule_key": rule_key,
                "person_id": person_id,
                "text": text,
                "starts_on": starts_on.isoformat() if starts_on else None,
                "ends_on": ends_on.isoformat() if ends_on else None,
            }
        )
    return key


def remove_commitment(db: Database, version_id: int, commitment_key: str) -> bool:
    """Take a promise out of a draft. Returns False if the draft has no such promise."""
    with transaction(db):
        _require_draft(db, version_id)
        return bool(
            db.execute(
                "DELETE FROM commitments WHERE version_id = ? AND commitment_key = ?",
                [version_id, commitment_key],
            ).rowcount
        )


def add_event(
    db: Database, version_id: int, *, kind: str, happens_on: date, title: str = ""
) -> None:
    """Put a date on a draft's timeframe: the start, a network meeting, a follow-up, the end."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    with transaction(db):
        _require_draft(db, version_id)
        db["plan_events"].insert(
            {
                "version_id": version_id,
                "kind": kind,
                "happens_on": happens_on.isoformat(),
                "title": title,
            }
        )


def remove_event(db: Database, version_id: int, event_id: int) -> bool:
    """Take a date off a draft's timeframe. Returns False if the draft has no such date."""
    with transaction(db):
        _require_draft(db, version_id)
        return bool(
            db.execute(
                "DELETE FROM plan_events WHERE version_id = ? AND id = ?", [version_id, event_id]
            ).rowcount
        )


def publish(db: Database, version_id: int) -> None:
    """Make a draft the version the family sees. Earlier versions stay as they were.

    Raises NotADraft if the version is already published (or does not exist).
    """
    with transaction(db):
        _require_draft(db, version_id)
        db.execute(
            "UPDATE plan_versions SET status = 'published', published_at = ? WHERE id = ?",
            [timestamp(), version_id],
        )


def _version(row: dict) -> PlanVersion:
    return PlanVersion(
        row["id"],
        row["family_id"],
        row["number"],
        row["status"],
        row["created_at"],
        row["published_at"],
        row["created_by_name"],
    )


def versions(db: Database, family_id: int) -> list[PlanVersion]:
    """Every version of the family's plan, the newest first, the open draft included."""
    return [
        _version(row)
        for row in db.query(
            """
            SELECT v.*, w.name AS created_by_name
            FROM plan_versions v LEFT JOIN workers w ON w.id = v.created_by
            WHERE v.family_id = ? ORDER BY v.number DESC
            """,
            [family_id],
        )
    ]


def published_version(db: Database, family_id: int) -> PlanVersion | None:
    """The version the family sees now, if one has been published."""
    latest = _latest_published(db, family_id)
    return get_version(db, family_id, latest["number"]) if latest else None


def get_version(db: Database, family_id: int, number: int) -> PlanVersion | None:
    """One version of this family's plan by its number; None for another family's."""
    row = next(
        db.query(
            """
            SELECT v.*, w.name AS created_by_name
            FROM plan_versions v LEFT JOIN workers w ON w.id = v.created_by
            WHERE v.family_id = ? AND v.number = ?
            """,
            [family_id, number],
        ),
        None,
    )
    return _version(row) if row else None


def _items(db: Database, version_id: int, visibilities: frozenset[str]) -> list[PlanItem]:
    allowed = sorted(visibilities)
    marks = ", ".join("?" for _ in allowed)
    return [
        _item(row)
        for row in db.query(
            f"""
            SELECT * FROM plan_items WHERE version_id = ? AND visibility IN ({marks})
            ORDER BY position, id
            """,  # noqa: S608 - only placeholders are formatted in
            [version_id, *allowed],
        )
    ]


def _read_plan(db: Database, version: dict, visibilities: frozenset[str]) -> Plan:
    """A version with only the items, and promises for rules, whose visibility is allowed."""
    translated = item_translations.for_version(db, version["id"])
    items = [
        replace(item, translations=translated[item.key]) if item.key in translated else item
        for item in _items(db, version["id"], visibilities)
    ]
    visible_rules = {item.key for item in items if item.section == "rules"}
    heard, allowed = heard_by(visibilities, writer="rp")
    commitments = [
        Commitment(
            row["commitment_key"],
            row["rule_key"],
            row["person_id"],
            row["name"],
            row["picture"],
            row["text"],
            row["starts_on"],
            row["ends_on"],
            row["response"] or "waiting",
        )
        for row in db.query(
            f"""
            SELECT c.*, p.name, p.picture,
                (SELECT response FROM commitment_responses r
                 JOIN people rp ON rp.id = r.person_id
                 WHERE r.family_id = ? AND r.commitment_key = c.commitment_key AND {heard}
                 ORDER BY r.id DESC LIMIT 1) AS response
            FROM commitments c JOIN people p ON p.id = c.person_id
            WHERE c.version_id = ? AND p.removed_at IS NULL
            ORDER BY c.starts_on, c.id
            """,  # noqa: S608 - only placeholders are formatted in
            [version["family_id"], *allowed, version["id"]],
        )
        if row["rule_key"] in visible_rules
    ]
    events = [
        PlanEvent(row["kind"], date.fromisoformat(row["happens_on"]), row["title"], row["id"])
        for row in db["plan_events"].rows_where(
            "version_id = ?", [version["id"]], order_by="happens_on, id"
        )
    ]
    return Plan(
        version["id"],
        version["number"],
        version["published_at"],
        version["scale_question"],
        version["scale_low"],
        version["scale_high"],
        items,
        commitments,
        events,
    )


def published_plan(db: Database, family_id: int, visibilities: frozenset[str]) -> Plan | None:
    """The latest published plan, holding only items whose visibility is in ``visibilities``."""
    version = _latest_published(db, family_id)
    return _read_plan(db, version, visibilities) if version else None


def plan_version(db: Database, version_id: int, visibilities: frozenset[str]) -> Plan | None:
    """Any version, draft or published, holding only the items the reader may see.

    The worker reads with every visibility; a family member never needs this.
    """
    version = next(db["plan_versions"].rows_where("id = ?", [version_id]), None)
    return _read_plan(db, version, visibilities) if version else None


def compare_items(
    older: list, newer: list, fields: tuple[str, ...] = _CONTENT_FIELDS
) -> list[Change]:
    """What is new, changed and gone between two lists of items (or promises), matched by key.

    Give both lists as one reader sees them, so nothing that reader may not see can show.
    """
    before = {item.key: item for item in older}
    after = {item.key for item in newer}
    added = [Change("added", item) for item in newer if item.key not in before]
    changed = [
        Change("changed", item)
        for item in newer
        if item.key in before
        and any(getattr(item, f) != getattr(before[item.key], f) for f in fields)
    ]
    removed = [Change("removed", item) for item in older if item.key not in after]
    return added + changed + removed


def compare_events(older: list[PlanEvent], newer: list[PlanEvent]) -> list[Change]:
    """What is new, moved and gone on the timeframe. Dates have no key across versions, so a
    date is matched by what it says; one of the same kind and words on another day is moved."""

    def said(event: PlanEvent) -> tuple:
        return (event.kind, event.happens_on, event.title)

    before, after = {said(e) for e in older}, {said(e) for e in newer}
    gone = [e for e in older if said(e) not in after]
    changes = []
    for event in (e for e in newer if said(e) not in before):
        moved = next((e for e in gone if (e.kind, e.title) == (event.kind, event.title)), None)
        if moved is not None:
            gone.remove(moved)
        changes.append(Change("changed" if moved else "added", event))
    return changes + [Change("removed", event) for event in gone]


def compare_plans(older: Plan | None, newer: Plan) -> list[Change]:
    """Every change between two versions, as one reader sees them: items, the promises made
    for the rules, and the dates of the timeframe; new first, then changed, then gone."""
    found = [
        *compare_items(older.items if older else [], newer.items),
        *compare_items(older.commitments if older else [], newer.commitments, _PROMISE_FIELDS),
        *compare_events(older.events if older else [], newer.events),
    ]
    return [change for kind in CHANGE_KINDS for change in found if change.kind == kind]


def changes_since_previous(
    db: Database, family_id: int, visibilities: frozenset[str]
) -> list[Change]:
    """What changed from the published version before to the latest one, for one reader.

    Only items whose visibility is in ``visibilities`` take part, and the promises of the rules
    among them: a change to a parents-only item never shows to the network, and a worker-only
    item never to the family. The timeframe's dates are for everyone. Empty when there is no
    earlier published version.
    """
    published = list(
        db.query(
            """
            SELECT * FROM plan_versions WHERE family_id = ? AND status = 'published'
            ORDER BY number DESC LIMIT 2
            """,
            [family_id],
        )
    )
    if len(published) < 2:
        return []
    newest, previous = published
    return compare_plans(
        _read_plan(db, previous, visibilities), _read_plan(db, newest, visibilities)
    )


def draft_changes(db: Database, family_id: int, draft_id: int) -> list[Change]:
    """What publishing the draft would change, compared with what the family sees now.

    Every visibility counts: this is for the worker.
    """
    everything = frozenset(VISIBILITIES)
    latest = _latest_published(db, family_id)
    older = _read_plan(db, latest, everything) if latest else None
    return compare_plans(older, plan_version(db, draft_id, everything))


def record_worry_view(
    db: Database,
    *,
    family_id: int,
    item_key: str,
    person_id: int,
    view: str,
    words: str,
    client_id: str | None = None,
) -> None:
    """Add the person's view on a worry; the newest view is the one that counts.

    A view sent again with the same ``client_id`` (the phone's outbox) is kept once."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    with transaction(db):
        if already_kept(db, "worry_views", person_id, client_id):
            return
        db["worry_views"].insert(
            {
                "family_id": family_id,
                "item_key": item_key,
                "person_id": person_id,
                "view": view,
                "words": words,
                "client_id": client_id or None,
                "created_at": timestamp(),
            }
        )


def heard_by(visibilities: frozenset[str], writer: str = "p") -> tuple[str, list[str]]:
    """SQL (and its parameters) that keeps only what the reader may hear of what the family
    wrote. What a person writes has a visibility from their role, as a plan item has one: a
    child's words are for the worker only (SECURITY.md, OSL 12:3), an adult's for the adults.
    ``writer`` is the alias of the writer's ``people`` row in the query."""
    allowed = sorted(visibilities)
    marks = ", ".join("?" for _ in allowed)
    return (
        f"(CASE {writer}.role WHEN 'child' THEN 'worker' ELSE 'adults' END) IN ({marks})",
        allowed,
    )


def worry_views(
    db: Database, family_id: int, visibilities: frozenset[str]
) -> dict[str, list[WorryView]]:
    """Each person's newest view on each worry, by worry key: only those the reader may hear
    (``visibilities`` as for plan items; a child's view reaches the worker only)."""
    views: dict[str, list[WorryView]] = {}
    heard, allowed = heard_by(visibilities)
    for row in db.query(
        f"""
        SELECT v.item_key, v.person_id, p.name, v.view, v.words, v.created_at
        FROM worry_views v JOIN people p ON p.id = v.person_id
        WHERE v.family_id = ? AND p.removed_at IS NULL AND {heard}
          AND v.id = (SELECT MAX(id) FROM worry_views
                      WHERE family_id = v.family_id AND item_key = v.item_key
                        AND person_id = v.person_id)
        ORDER BY v.person_id
        """,  # noqa: S608 - only placeholders are formatted in
        [family_id, *allowed],
    ):
        views.setdefault(row["item_key"], []).append(
            WorryView(row["person_id"], row["name"], row["view"], row["words"], row["created_at"])
        )
    return views
