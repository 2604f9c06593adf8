"""An online backup of the live database, and a tested restore (SECURITY.md, Storage)."""

import threading

from conftest import person

from familjeapp.db import connect
from familjeapp.store import checkins


def count(path, table="checkins"):
    db = connect(path)
    n = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
    db.close()
    return n


def test_a_backup_taken_while_check_ins_are_written_is_whole(app, demo, tmp_path):
    live = app.config["DATABASE"]
    sara = person(demo, "Sara")["id"]
    stop = threading.Event()

    def keep_writing():
        db = connect(live)
        n = 0
        while not stop.is_set():
            checkins.save_checkin(
                db, family_id=demo["family_id"], person_id=sara, client_id=f"during-backup-{n:08d}",
                rating=n % 11, words="", shared=False, rules={}, version_id=None,
            )  # fmt: skip
            n += 1
        db.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "kopia.sqlite3")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "integrity_check: ok" in result.output
    copied = count(tmp_path / "kopia.sqlite3")
    db = connect(tmp_path / "kopia.sqlite3")
    # One consistent moment: every low rating in the copy came with its signal, as it was saved.
    low = db.execute("SELECT COUNT(*) FROM checkins WHERE rating <= 3").fetchone()[0]
    signals = db.execute("SELECT COUNT(*) FROM attention_signals WHERE kind = 'low_rating'")
    assert signals.fetchone()[0] == low
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()
    assert 0 <= copied <= count(live)


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    target = tmp_path / "finns.sqlite3"
    target.write_text("viktigt")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "viktigt"


def test_restore_brings_back_what_the_backup_held(app, demo, tmp_path):
    copy = tmp_path / "kopia.sqlite3"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    families_before = count(app.config["DATABASE"], "families")
    db = connect(app.config["DATABASE"])
    db.execute("DELETE FROM plan_items")  # something goes badly wrong
    db.close()
    assert count(app.config["DATABASE"], "plan_items") == 0
    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert count(app.config["DATABASE"], "plan_items") == len(demo["items"])
    assert count(app.config["DATABASE"], "families") == families_before


def test_a_broken_backup_is_not_restored(app, demo, tmp_path):
    broken = tmp_path / "trasig.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = app.test_cli_runner().invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code == 1 and "inte hel" in result.output
    assert count(app.config["DATABASE"], "families") >= 1
