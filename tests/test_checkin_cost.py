"""What saving a check-in costs (issue 12): the few statements it needs, the same rules as the
plan gives, and the server's worker processes taking turns on one lock file to write."""

import re
import subprocess
import sys

import pytest
from conftest import csrf_token, signed_in

from familjeapp import connections
from familjeapp.access import visibilities
from familjeapp.db import transaction
from familjeapp.store import checkins, plans


def test_the_rules_to_check_are_the_plans_rules_for_each_adult(db, demo):
    people = list(db.query("SELECT id, role FROM people WHERE family_id = ?", [demo["family_id"]]))
    adults = [p for p in people if p["role"] in ("parent", "network")]
    assert {p["role"] for p in adults} == {"parent", "network"}
    for p in adults:
        seen = visibilities(p["role"])
        plan = plans.published_plan(db, demo["family_id"], seen)
        expected = tuple((r.key, r.text) for r in plan.rules_for(p["id"], p["role"]))
        found = checkins.rules_to_check(
            db, demo["family_id"], person_id=p["id"], role=p["role"], visibilities=seen
        )
        assert found == (plan.version_id, expected)
    # A parent answers for every rule; a network member for those they promised something for.
    counts = {
        p["role"]: len(
            checkins.rules_to_check(
                db, demo["family_id"], person_id=p["id"], role=p["role"],
                visibilities=visibilities(p["role"]),
            )[1]
        )
        for p in adults
    }  # fmt: skip
    assert counts["network"] < counts["parent"]


def test_a_family_without_a_published_plan_has_no_rules_to_check(db, demo):
    db.execute("UPDATE plan_versions SET status = 'draft' WHERE family_id = ?", [demo["family_id"]])
    seen = visibilities("parent")
    found = checkins.rules_to_check(
        db, demo["family_id"], person_id=1, role="parent", visibilities=seen
    )
    assert found is None


def test_saving_a_check_in_takes_few_statements(app, demo, db, monkeypatch):
    sara = signed_in(app, demo, "Sara")
    url = f"/familj/{sara.family}/hur-gar-det"
    page = sara.get(url).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    rules = sorted(set(re.findall(r'name="(rule_[0-9a-f]+)"', page)))
    said: list[str] = []
    lend = connections.lend

    def traced(*args, **kwargs):
        lent = lend(*args, **kwargs)
        lent.conn.set_trace_callback(said.append)
        return lent

    monkeypatch.setattr(connections, "lend", traced)
    answers = {rule: "no" for rule in rules}
    data = {"csrf_token": csrf_token(page), "client_id": client_id, "rating": "2", **answers}
    response = sara.post(url, data=data)
    assert response.status_code == 303
    # The session, the person, the plan version with the rules, then BEGIN, one read, the
    # check-in, its rule answers and signals (one statement each per row), COMMIT.
    assert len(said) <= 6 + 1 + len(rules) + 2 + 1, said
    assert not any("sqlite_master" in s for s in said)
    saved = db.execute("SELECT COUNT(*) FROM checkin_rules").fetchone()[0]
    signals = [r[0] for r in db.execute("SELECT kind FROM attention_signals ORDER BY id")]
    assert saved == len(rules) and signals == ["low_rating", "rule_not_kept"]


@pytest.mark.skipif(sys.platform != "linux", reason="flock as on the server")
def test_another_process_waits_while_a_transaction_writes(app):
    path = app.config["DATABASE"]
    try_lock = (
        "import fcntl, os, sys\n"
        f"fd = os.open({path + '-writers'!r}, os.O_RDWR)\n"
        "try:\n"
        "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n"
        "    sys.exit(3)\n"
    )

    def other_process_may_write() -> bool:
        done = subprocess.run([sys.executable, "-c", try_lock], check=False, timeout=30)
        assert done.returncode in (0, 3)
        return done.returncode == 0

    from familjeapp.db import connect

    db = connect(path)
    try:
        with transaction(db):
            db.execute("INSERT INTO teams (name) VALUES ('Team')")
            assert not other_process_may_write()
        assert other_process_may_write()
    finally:
        db.close()
