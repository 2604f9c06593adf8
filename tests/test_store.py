"""The data layer: the SQLite file's settings, migrations, transactions and visibility."""

import pytest

from familjeapp.access import visibilities
from familjeapp.db import connect, migrate, transaction
from familjeapp.store import families, plans


def test_every_connection_is_durable_and_checks_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migrations_are_recorded_and_running_them_twice_is_harmless(tmp_path):
    db = connect(tmp_path / "new.sqlite3")
    assert migrate(db) == [
        "m001_initial",
        "m002_staff_sign_in",
        "m003_indexes_for_lookups_and_deletion",
        "m004_quick_exit_locks_the_device",
        "m005_wrong_tries_counted_per_device_address_and_account",
        "m006_what_a_child_answers",
        "m007_plan_items_in_the_familys_languages",
        "m008_answers_sent_again_are_kept_once",
        "m009_calendar_subscriptions",
        "m010_numbers_to_call",
        "m011_someone_steps_in",
        "m012_a_persons_copy_of_their_data",
        "m013_signed_in_through_the_municipality",
    ]
    assert migrate(db) == []
    assert {"families", "people", "checkins", "audit", "commitments"} <= set(db.table_names())
    db.close()


def test_a_failed_transaction_leaves_nothing_half_done(db):
    with pytest.raises(RuntimeError), transaction(db):
        families.create_team(db, "Halvfärdigt")
        raise RuntimeError("stop")
    assert db.execute("SELECT COUNT(*) FROM teams WHERE name = 'Halvfärdigt'").fetchone()[0] == 0


def test_a_person_must_belong_to_a_family_that_exists(db):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        families.add_person(db, family_id=999, role="parent", name="Ingen")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("parent", {"everyone", "adults", "parents"}),
        ("network", {"everyone", "adults"}),
        ("child", {"everyone"}),
        ("worker", {"everyone", "adults", "parents", "worker"}),
    ],
)
def test_each_role_reads_only_its_visibilities(db, demo, role, expected):
    plan = plans.published_plan(db, demo["family_id"], visibilities(role))
    assert {item.visibility for item in plan.items} == expected


def test_commitments_follow_the_visibility_of_their_rule(db, demo):
    child_plan = plans.published_plan(db, demo["family_id"], visibilities("child"))
    rule_keys = {item.key for item in child_plan.items if item.kind == "rule"}
    assert child_plan.commitments
    assert {c.rule_key for c in child_plan.commitments} <= rule_keys
    adult_plan = plans.published_plan(db, demo["family_id"], visibilities("network"))
    assert len(adult_plan.commitments) > len(child_plan.commitments)


def test_a_draft_is_not_what_the_family_sees(db, demo):
    draft = plans.create_version(db, demo["family_id"], created_by=None)
    plans.add_item(
        db, draft, section="working", kind="strength", text="Utkast", visibility="everyone"
    )
    plan = plans.published_plan(db, demo["family_id"], visibilities("parent"))
    assert plan.number == 1
    assert "Utkast" not in {item.text for item in plan.items}
    plans.publish(db, draft)
    newest = plans.published_plan(db, demo["family_id"], visibilities("parent"))
    assert newest.number == 2 and [i.text for i in newest.items] == ["Utkast"]


def test_an_item_must_be_in_its_own_section(db, demo):
    draft = plans.create_version(db, demo["family_id"], created_by=None)
    with pytest.raises(ValueError):
        plans.add_item(db, draft, section="working", kind="rule", text="x", visibility="everyone")
    with pytest.raises(ValueError):
        plans.add_item(db, draft, section="working", kind="strength", text="x", visibility="all")
