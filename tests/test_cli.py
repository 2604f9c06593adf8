"""The familjeapp command: init-db and the demo family."""

import json


def test_init_db_twice_is_harmless(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "up to date" in second.output


def test_demo_json_describes_one_complete_family(app):
    result = app.test_cli_runner().invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.output)
    roles = sorted(p["role"] for p in demo["people"])
    assert roles == ["child", "network", "network", "parent", "parent"]
    assert all(p["invite_path"].startswith("/i/") for p in demo["people"])
    assert [w["sees_family"] for w in demo["workers"]] == [True, False]
    assert all(w["email"] and w["password"] and w["team"] for w in demo["workers"])
    kinds = [i["kind"] for i in demo["items"]]
    assert kinds.count("strength") >= 3
    assert kinds.count("harm") + kinds.count("danger") >= 2 and "danger" in kinds
    assert kinds.count("goal") >= 2 and "next_step" in kinds
    assert kinds.count("rule") == 3 and "warning_sign" in kinds
    visibilities = {i["visibility"] for i in demo["items"]}
    assert {"parents", "worker"} <= visibilities


def test_each_demo_run_adds_another_family(app):
    runner = app.test_cli_runner()
    first = json.loads(runner.invoke(args=["demo", "--json"]).output)
    second = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert first["family_id"] != second["family_id"]
    assert first["workers"][0]["email"] != second["workers"][0]["email"]


def test_demo_without_json_is_for_a_person_to_read(app):
    result = app.test_cli_runner().invoke(args=["demo", "--base-url", "http://127.0.0.1:5000"])
    assert result.exit_code == 0
    assert "Farmor Britt" in result.output
    assert "http://127.0.0.1:5000/i/" in result.output
