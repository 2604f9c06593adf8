"""The safety plan: versions, items, commitments, the timeframe, and the family's views on worries.

Visibility is applied here, in the query, so no page, fragment or count can show an item that the
reader may not see.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from ..db import transaction
from . import new_key, timestamp

SECTIONS = ("working", "worries", "needs", "rules", "child")
KINDS = {
    "working": ("strength",),
    "worries": ("harm", "danger", "complicating"),
    "needs": ("goal", "next_step"),
    "rules": ("rule", "warning_sign"),
    "child": ("three_houses", "safety_house", "words_pictures"),
}
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
    published_at: str
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
    position = db.execute(
        "SELECT COUNT(*) FROM plan_items WHERE version_id = ?", [version_id]
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
    """Record what a person has promised to do for a rule, for a period."""
    key = new_key()
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


def add_event(
    db: Database, version_id: int, *, kind: str, happens_on: date, title: str = ""
) -> None:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    db["plan_events"].insert(
        {
            "version_id": version_id,
            "kind": kind,
            "happens_on": happens_on.isoformat(),
            "title": title,
        }
    )


def publish(db: Database, version_id: int) -> None:
    """Make a draft the version the family sees."""
    db.execute(
        "UPDATE plan_versions SET status = 'published', published_at = ? WHERE id = ?",
        [timestamp(), version_id],
    )


def published_plan(db: Database, family_id: int, visibilities: frozenset[str]) -> Plan | None:
    """The latest published plan, holding only items whose visibility is in ``visibilities``."""
    version = next(
        db.query(
            """
            SELECT * FROM plan_versions WHERE family_id = ? AND status = 'published'
            ORDER BY number DESC LIMIT 1
            """,
            [family_id],
        ),
        None,
    )
    if version is None:
        return None
    allowed = sorted(visibilities)
    marks = ", ".join("?" for _ in allowed)
    items = [
        PlanItem(
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
        for row in db.query(
            f"""
            SELECT * FROM plan_items WHERE version_id = ? AND visibility IN ({marks})
            ORDER BY position, id
            """,  # noqa: S608 - only placeholders are formatted in
            [version["id"], *allowed],
        )
    ]
    visible_rules = {item.key for item in items if item.section == "rules"}
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
            """
            SELECT c.*, p.name, p.picture,
                (SELECT response FROM commitment_responses r
                 WHERE r.family_id = ? AND r.commitment_key = c.commitment_key
                 ORDER BY r.id DESC LIMIT 1) AS response
            FROM commitments c JOIN people p ON p.id = c.person_id
            WHERE c.version_id = ? AND p.removed_at IS NULL
            ORDER BY c.starts_on, c.id
            """,
            [family_id, version["id"]],
        )
        if row["rule_key"] in visible_rules
    ]
    events = [
        PlanEvent(row["kind"], date.fromisoformat(row["happens_on"]), row["title"])
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


def record_worry_view(
    db: Database, *, family_id: int, item_key: str, person_id: int, view: str, words: str
) -> None:
    """Add the person's view on a worry; the newest view is the one that counts."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    db["worry_views"].insert(
        {
            "family_id": family_id,
            "item_key": item_key,
            "person_id": person_id,
            "view": view,
            "words": words,
            "created_at": timestamp(),
        }
    )


def worry_views(db: Database, family_id: int) -> dict[str, list[WorryView]]:
    """Each person's newest view on each worry, by worry key."""
    views: dict[str, list[WorryView]] = {}
    for row in db.query(
        """
        SELECT v.item_key, v.person_id, p.name, v.view, v.words, v.created_at
        FROM worry_views v JOIN people p ON p.id = v.person_id
        WHERE v.family_id = ? AND p.removed_at IS NULL
          AND v.id = (SELECT MAX(id) FROM worry_views
                      WHERE family_id = v.family_id AND item_key = v.item_key
                        AND person_id = v.person_id)
        ORDER BY v.person_id
        """,
        [family_id],
    ):
        views.setdefault(row["item_key"], []).append(
            WorryView(row["person_id"], row["name"], row["view"], row["words"], row["created_at"])
        )
    return views
