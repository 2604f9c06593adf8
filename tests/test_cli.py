"""The familjeapp command: init-db and the demo family."""

import json
import re

from conftest import sign_in_worker

from familjeapp.pictures import load_library
from familjeapp.store import accounts, families


def test_init_db_twice_is_harmless(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "är redan uppdaterad" in second.output


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


def test_each_demo_run_adds_a_family_to_the_same_team_and_workers(app, db):
    runner = app.test_cli_runner()
    first = json.loads(runner.invoke(args=["demo", "--json"]).output)
    second = json.loads(runner.invoke(args=["demo", "--json"]).output)
    third = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert len({first["family_id"], second["family_id"], third["family_id"]}) == 3
    assert first["workers"] == second["workers"] == third["workers"]
    assert first["admin"] == second["admin"] == third["admin"]
    # One team of each name, however many runs: the admin's lists stay readable.
    assert sorted(t["name"] for t in accounts.teams(db)) == [
        "Barn och familj Norr",
        "Barn och familj Söder",
    ]
    assert len(accounts.workers(db)) == 3
    teams = {f["team_id"] for f in db["families"].rows}
    assert len(teams) == 1
    # What the first run printed still signs in after the later runs.
    sign_in_worker(app.test_client(), first["workers"][0])


def test_the_demo_has_an_administrator_who_can_sign_in(app):
    result = app.test_cli_runner().invoke(args=["demo", "--base-url", "http://127.0.0.1:5000"])
    assert result.exit_code == 0, result.output
    demo = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).output)
    admin = demo["admin"]
    assert admin["email"] in result.output and admin["password"] in result.output
    assert "http://127.0.0.1:5000/personal/logga-in" in result.output
    client = app.test_client()
    sign_in_worker(client, admin)
    assert client.get("/personal/admin/").status_code == 200


def test_the_demo_picture_for_a_worry_about_alcohol_is_no_drink(app, db):
    app.test_cli_runner().invoke(args=["demo"])
    library = load_library()
    drinks = {p.id for word in ("alkohol", "öl") for p in library.search(word)}
    pictures = {row["picture"] for row in db["plan_items"].rows}
    assert not pictures & drinks, pictures & drinks


def test_demo_without_json_is_for_a_person_to_read(app):
    result = app.test_cli_runner().invoke(args=["demo", "--base-url", "http://127.0.0.1:5000"])
    assert result.exit_code == 0
    assert "Farmor Britt" in result.output
    assert "http://127.0.0.1:5000/i/" in result.output


# Words that give an English answer away; none is a Swedish word.
ENGLISH = re.compile(
    r"\b(the|is|are|an|at|of|with|would|applied|added|error|there|already|password|must|"
    r"least|deleted|closed|cases|parent|network|child|sees|database|not)\b",
    re.IGNORECASE,
)
STRONG = "ett långt lösenord 42"


def test_the_command_line_answers_in_swedish(app, db):
    runner = app.test_cli_runner()
    team = families.create_team(db, "Barn och familj Öst")

    def worker(email="eva@kommunen.se", team_id=team, password=STRONG, *, stdin=True):
        args = ["create-worker", "--email", email, "--name", "Eva Ek", "--team", str(team_id)]
        given = password + "\n" if stdin else password
        return runner.invoke(args=[*args, *(["--password-stdin"] if stdin else [])], input=given)

    answers = {
        "init-db": runner.invoke(args=["init-db"]),
        "empty team": runner.invoke(args=["create-team", " "]),
        "bad e-mail": worker(email="inte-en-adress"),
        "no such team": worker(team_id=999),
        "short password": worker(password="kort"),
        "different passwords": worker(password=f"{STRONG}\n{STRONG}!\n", stdin=False),
        "added": worker(),
        "taken": worker(),
        "dry run": runner.invoke(args=["delete-closed-cases", "--dry-run"]),
        "deleted": runner.invoke(args=["delete-closed-cases"]),
        "no demo worker": runner.invoke(args=["totp-code", "eva@kommunen.se"]),
    }
    for what, answer in answers.items():
        words = answer.output.replace(app.config["DATABASE"], "FIL")  # a path has any words
        assert not ENGLISH.search(words), f"{what}: {answer.output!r}"
    assert "är redan uppdaterad" in answers["init-db"].output
    assert answers["empty team"].output.startswith("Fel: ")
    no_team = "Fel: Det finns inget team 999. Lägg till ett med create-team.\n"
    assert answers["no such team"].output == no_team
    assert "Lösenordet måste ha minst 12 tecken." in answers["short password"].output
    assert "Lösenorden är inte likadana." in answers["different passwords"].output
    assert answers["added"].exit_code == 0 and "eva@kommunen.se" in answers["added"].output
    assert "Det finns redan ett konto med e-posten eva@kommunen.se." in answers["taken"].output

    demo = runner.invoke(args=["demo"])
    assert demo.exit_code == 0
    assert "förälder" in demo.output and "nätverk" in demo.output and "parent" not in demo.output
