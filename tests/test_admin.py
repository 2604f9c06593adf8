"""The administrator: teams and accounts, the audit log review, and deleting closed cases."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from conftest import csrf_token, person, sign_in, sign_in_worker

from familjeapp.store import (
    audit,
    calendars,
    checkins,
    children,
    data_copies,
    families,
    now,
    plans,
    sha256,
    stepping_in,
    throttle,
    timestamp,
    translations,
)

STRONG = "ett långt lösenord 42"


@pytest.fixture
def anna(demo):
    return demo["workers"][0]


@pytest.fixture
def admin_account(db, demo):
    """An administrator in the demo family's own team."""
    team = db.execute("SELECT team_id FROM families WHERE id = ?", [demo["family_id"]]).fetchone()
    account = {
        "email": "ada@kommunen.se",
        "password": STRONG,
        "totp_secret": pyotp.random_base32(),
    }
    account["id"] = families.create_worker(
        db, team_id=team[0], email=account["email"], name="Ada Admin",
        password=account["password"], totp_secret=account["totp_secret"], is_admin=True,
    )  # fmt: skip
    return account


@pytest.fixture
def admin(app, admin_account):
    client = app.test_client()
    sign_in_worker(client, admin_account)
    return client


def signed_in(app, account):
    client = app.test_client()
    sign_in_worker(client, account)
    return client


def worker_id(db, email: str) -> int:
    return db.execute("SELECT id FROM workers WHERE email = ?", [email]).fetchone()[0]


def press(client, url: str, page: str = "/personal/", **data):
    """Press a button or send a form: the POST carries the token of a page the client has."""
    return client.post(url, data={"csrf_token": csrf_token(client.get(page)), **data})


def password_step(client, email, password):
    page = client.get("/personal/logga-in")
    return client.post(
        "/personal/logga-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def test_admin_adds_a_team_and_a_worker_who_then_signs_in_and_connects_an_app(admin, app, db):
    assert admin.get("/personal/admin/").status_code == 200
    added = press(
        admin, "/personal/admin/team", "/personal/admin/team", name="Barn och familj Väst"
    )
    assert added.status_code == 303
    team = db.execute("SELECT id FROM teams WHERE name = 'Barn och familj Väst'").fetchone()[0]
    assert "Barn och familj Väst" in admin.get("/personal/admin/team").get_data(as_text=True)

    form = "/personal/admin/konton/ny"
    created = press(
        admin, form, form, name="Nils Nyberg", email=" Nils.Nyberg@Kommunen.se ",
        phone="08-111 22 33", team=str(team), password=STRONG, repeat=STRONG,
    )  # fmt: skip
    assert created.status_code == 303
    row = db.execute(
        "SELECT team_id, name, is_admin, totp_secret, password_hash FROM workers "
        "WHERE email = 'nils.nyberg@kommunen.se'"
    ).fetchone()
    assert row[:4] == (team, "Nils Nyberg", 0, None) and STRONG not in row[4]
    listing = admin.get("/personal/admin/konton").get_data(as_text=True)
    assert "Nils Nyberg" in listing and "Barn och familj Väst" in listing

    nils = app.test_client()
    step = password_step(nils, "nils.nyberg@kommunen.se", STRONG)
    assert step.location == "/personal/tvastegsverifiering"
    page = nils.get(step.location).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    enrolled = nils.post(
        step.location,
        data={"csrf_token": csrf_token(nils.get(step.location)), "code": pyotp.TOTP(secret).now()},
    )
    assert enrolled.status_code == 303 and nils.get("/personal/").status_code == 200

    logged = [(r["action"], r["object_type"]) for r in audit.rows(db) if r["role"] == "admin"]
    assert ("team_created", "team") in logged and ("worker_created", "worker") in logged
    assert STRONG not in str(audit.rows(db)) and "Nils" not in str(audit.rows(db))


def test_a_short_password_a_mistyped_repeat_or_a_taken_email_is_refused(admin, anna, db):
    team = db.execute("SELECT id FROM teams LIMIT 1").fetchone()[0]
    form = "/personal/admin/konton/ny"
    base = {"name": "Nils", "team": str(team), "password": STRONG, "repeat": STRONG}
    short = press(admin, form, form, **{**base, "email": "n@k.se", "password": "elva tecken"})
    typo = press(admin, form, form, **{**base, "email": "n@k.se", "repeat": STRONG + "!"})
    taken = press(admin, form, form, **{**base, "email": anna["email"].upper()})
    assert short.status_code == typo.status_code == taken.status_code == 400
    assert 'aria-invalid="true"' in taken.get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM workers WHERE name = 'Nils'").fetchone()[0] == 0


def admin_urls(app) -> list[tuple[str, str]]:
    """Every administration route, with ids filled in: (method, url)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            url = rule.build({name: 1 for name in rule.arguments})[1]
            urls.extend((method, url) for method in ("GET", "POST") if method in rule.methods)
    return urls


def test_a_worker_who_is_not_an_administrator_finds_no_admin_page(app, demo, db):
    urls = admin_urls(app)
    assert len(urls) >= 12
    for account in demo["workers"]:  # of the family's team, and of another team
        client = signed_in(app, account)
        token = csrf_token(client.get("/personal/"))
        for method, url in urls:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, (account["email"], method, url)
    denied = audit.rows(db, action="access_denied")
    assert len(denied) == 2 * len(urls)
    assert {(r["actor_type"], r["role"], r["outcome"]) for r in denied} == {
        ("worker", "worker", "denied")
    }
    anonymous = app.test_client()
    assert {anonymous.get(url).status_code for method, url in urls if method == "GET"} == {302}


def test_a_page_not_found_on_the_staff_side_stays_on_the_staff_side(app, anna):
    page = signed_in(app, anna).get("/personal/admin/")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert re.search(r"<title>Vi hittar inte sidan – familjeapp</title>", html)
    assert 'aria-label="Meny för personal"' in html  # the staff header, signed in
    assert "Lämna snabbt" not in html and "Vår plan" not in html
    assert '<a href="/personal/">Gå till översikten</a>' in html
    # Signed out, a lost staff address still looks like the staff side, with a way to sign in.
    signed_out = app.test_client().get("/personal/finns-inte").get_data(as_text=True)
    assert "– familjeapp</title>" in signed_out and "Lämna snabbt" not in signed_out
    assert 'href="/personal/logga-in"' in signed_out
    # The family's side keeps its own look.
    family_side = app.test_client().get("/finns-inte").get_data(as_text=True)
    assert "Lämna snabbt" in family_side and "– Vår plan</title>" in family_side


def test_the_audit_log_says_when_a_change_was_not_done(admin, app, anna, demo, db):
    family = demo["family_id"]
    annas = signed_in(app, anna)
    refused = press(annas, f"/personal/familj/{family}/plan/ny/worries", text="", kind="harm")
    assert refused.status_code == 400
    html = admin.get(f"/personal/admin/logg?family={family}").get_data(as_text=True)
    row = next(r for r in html.split("<tr") if "plan_new_item" in r)
    assert "<code>change</code>" in row and "<td>inte utförd</td>" in row


def test_disabling_a_worker_ends_their_session_at_once(admin, app, anna, db):
    annas_browser = signed_in(app, anna)
    assert annas_browser.get("/personal/").status_code == 200
    anna_id = worker_id(db, anna["email"])

    done = press(admin, f"/personal/admin/konton/{anna_id}/stang-av")
    assert done.status_code == 303
    assert annas_browser.get("/personal/").status_code == 302
    assert db.execute(
        "SELECT ended_reason FROM sessions WHERE worker_id = ?", [anna_id]
    ).fetchall() == [("disabled",)]
    assert password_step(app.test_client(), anna["email"], anna["password"]).status_code == 400

    assert press(admin, f"/personal/admin/konton/{anna_id}/aktivera").status_code == 303
    # A one-time code is good once: let this second sign-in use the same 30 seconds' code.
    db.execute("UPDATE workers SET totp_last_step = NULL WHERE id = ?", [anna_id])
    assert signed_in(app, anna).get("/personal/").status_code == 200
    actions = [r["action"] for r in audit.rows(db) if r["object_type"] == "worker"]
    assert actions == ["worker_disabled", "worker_enabled"]


def test_resetting_the_authenticator_sends_the_worker_to_connect_a_new_app(admin, app, anna, db):
    annas_browser = signed_in(app, anna)
    anna_id = worker_id(db, anna["email"])
    assert press(admin, f"/personal/admin/konton/{anna_id}/ny-app").status_code == 303
    assert annas_browser.get("/personal/").status_code == 302
    assert db.execute("SELECT totp_secret FROM workers WHERE id = ?", [anna_id]).fetchone() == (
        None,
    )
    step = password_step(app.test_client(), anna["email"], anna["password"])
    assert step.location == "/personal/tvastegsverifiering"
    assert audit.rows(db, action="worker_totp_reset")[0]["object_id"] == str(anna_id)


def test_an_administrator_cannot_lock_themselves_out(admin, admin_account, db):
    me = admin_account["id"]
    assert press(admin, f"/personal/admin/konton/{me}/stang-av").status_code == 409
    assert press(admin, f"/personal/admin/konton/{me}/ny-app").status_code == 409
    assert press(admin, "/personal/admin/konton/999999/stang-av").status_code == 404
    assert admin.get("/personal/").status_code == 200


def old_row(db, at: str, **values) -> None:
    """An audit row from another day (rows cannot be changed afterwards, only added)."""
    db["audit"].insert({"at": at, "actor_type": "anonymous", "action": "sign_in_failed", **values})


def shown_total(page) -> int:
    return int(re.search(r'role="status">(\d+)', page.get_data(as_text=True)).group(1))


# The export's columns, by position: the header row is translated.
ROW, LOCAL, UTC, WHO, ACTOR_TYPE, ACTOR_ID, ROLE, ACTION, OBJECT_TYPE, OBJECT, FAMILY, OUTCOME = (
    range(12)
)


def exported(response) -> list[list[str]]:
    """The data rows of a CSV export (after the header)."""
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]


def test_the_audit_log_filters_by_worker_family_and_swedish_dates(admin, app, anna, demo, db):
    family = demo["family_id"]
    signed_in(app, anna).get(f"/personal/familj/{family}")
    signed_in(app, demo["workers"][1]).get(f"/personal/familj/{family}")
    anna_id = worker_id(db, anna["email"])

    by_anna = admin.get(f"/personal/admin/logg?worker={anna_id}")
    assert by_anna.status_code == 200
    # Anna signed in and read the family page: two rows, the newest first.
    assert shown_total(by_anna) == 2
    text = by_anna.get_data(as_text=True)
    assert text.index("<code>read</code>") < text.index("<code>staff_sign_in</code>")
    assert "Anna Berg (" in text

    about_family = admin.get(f"/personal/admin/logg?family={family}")
    assert shown_total(about_family) == 2  # Anna's read and the other team's refused look
    assert 'class="row--attention"' in about_family.get_data(as_text=True)  # the refused one

    # 23:30 UTC on 9 March is 00:30 on 10 March in Stockholm; 23:30 UTC on 10 March is the 11th.
    old_row(db, "2024-03-09T22:59:00.000000+00:00", family_id=family)
    old_row(db, "2024-03-09T23:30:00.000000+00:00", family_id=family)
    old_row(db, "2024-03-10T22:30:00.000000+00:00", family_id=family)
    old_row(db, "2024-03-10T23:30:00.000000+00:00", family_id=family)
    one_day = admin.get(
        f"/personal/admin/logg?family={family}&date_from=2024-03-10&date_to=2024-03-10"
    )
    assert shown_total(one_day) == 2
    assert "2024-03-10 00:30:00" in one_day.get_data(as_text=True)
    two_days = admin.get(
        f"/personal/admin/logg?family={family}&date_from=2024-03-10&date_to=2024-03-11"
    )
    assert shown_total(two_days) == 3

    backwards = admin.get("/personal/admin/logg?date_from=2024-03-10&date_to=2024-03-09")
    assert backwards.status_code == 400


@pytest.mark.parametrize(
    ("day", "inside", "outside"),
    [
        # Summer time starts: the day is 23 hours, from 23:00 UTC to 22:00 UTC.
        ("2026-03-29", ["2026-03-28T23:00", "2026-03-29T21:59"],
         ["2026-03-28T22:59", "2026-03-29T22:00"]),
        # Summer time ends: the day is 25 hours, from 22:00 UTC to 23:00 UTC.
        ("2026-10-25", ["2026-10-24T22:00", "2026-10-25T22:59"],
         ["2026-10-24T21:59", "2026-10-25T23:00"]),
    ],
)  # fmt: skip
def test_the_audit_log_keeps_to_whole_swedish_days_when_the_clocks_change(
    admin, demo, db, server_zone, day, inside, outside
):
    family = demo["family_id"]
    for moment in inside + outside:
        old_row(db, f"{moment}:00.000000+00:00", family_id=family)
    query = f"family={family}&date_from={day}&date_to={day}"
    assert shown_total(admin.get(f"/personal/admin/logg?{query}")) == 2
    rows = exported(admin.get(f"/personal/admin/logg.csv?{query}"))
    assert sorted(row[LOCAL][:16] for row in rows) == [f"{day}T00:00", f"{day}T23:59"]


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-5", "page=99999", "worker=abc", "worker=999999", "family=abc",
        "family=-1", "date_from=0001-01-01", "date_to=9999-12-31", "date_from=31/12/2024",
        "family=<script>alert(1)</script>",
    ],
)  # fmt: skip
def test_a_strange_filter_gets_a_plain_answer(admin, query):
    page = admin.get(f"/personal/admin/logg?{query}")
    assert page.status_code in (200, 400)
    assert "<script>alert" not in page.get_data(as_text=True)
    assert admin.get(f"/personal/admin/logg.csv?{query}").status_code in (200, 400)


def test_the_audit_log_comes_a_hundred_rows_a_page(admin, demo, db):
    family = demo["family_id"]
    for minute in range(105):
        old_row(db, f"2024-05-01T10:{minute // 60:02d}:{minute % 60:02d}.0+00:00", family_id=family)
    first = admin.get(f"/personal/admin/logg?family={family}")
    second = admin.get(f"/personal/admin/logg?family={family}&page=2")
    assert first.get_data(as_text=True).count("<time ") == 100
    # 105 rows, and the first page's own view of them.
    assert second.get_data(as_text=True).count("<time ") == 6
    following = re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1)
    assert sorted(following.split("?")[1].split("&amp;")) == [f"family={family}", "page=2"]


def test_the_export_has_the_same_rows_made_safe_for_a_spreadsheet(admin, app, anna, demo, db):
    family = demo["family_id"]
    team = db.execute("SELECT team_id FROM families WHERE id = ?", [family]).fetchone()[0]
    mallory = families.create_worker(
        db, team_id=team, email="m@k.se", name='=HYPERLINK("http://x.example","klicka")',
        password=STRONG,
    )  # fmt: skip
    audit.record(db, "read", actor_type="worker", actor_id=mallory, role="worker",
                 object_type="worker.family", object_id="@SUM(1)", family_id=family)  # fmt: skip
    signed_in(app, anna).get(f"/personal/familj/{family}")

    page = admin.get(f"/personal/admin/logg?family={family}")
    export = admin.get(f"/personal/admin/logg.csv?family={family}")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    assert export.headers["Cache-Control"] == "no-store"
    rows = exported(export)
    # The page counted its rows before its own view was logged; the export sees that row too.
    assert len(rows) == shown_total(page) + 1 == 3
    assert rows[0][ACTION] == "audit_viewed" and rows[0][WHO].startswith("Ada Admin (")
    assert {(r[ACTION], r[FAMILY]) for r in rows[1:]} == {("read", str(family))}
    assert [int(r[ROW]) for r in rows] == sorted((int(r[ROW]) for r in rows), reverse=True)
    mallorys = next(r for r in rows if r[ACTOR_ID] == str(mallory))
    assert mallorys[WHO].startswith("'=HYPERLINK(") and mallorys[OBJECT] == "'@SUM(1)"
    assert all(not value.startswith(("=", "+", "-", "@")) for r in rows for value in r)

    looked = [(r["action"], r["role"], r["object_id"]) for r in audit.rows(db, family_id=family)]
    assert ("audit_viewed", "admin", f"family={family}") in looked
    assert ("audit_exported", "admin", f"family={family}") in looked


def test_a_worker_closes_a_case_once(app, anna, demo, db):
    family = demo["family_id"]
    annas_browser = signed_in(app, anna)
    url = f"/personal/familj/{family}/avsluta"
    assert annas_browser.post(url).status_code == 400  # no CSRF token
    assert press(signed_in(app, demo["workers"][1]), url).status_code == 404
    assert db.execute("SELECT closed_at FROM families WHERE id = ?", [family]).fetchone() == (None,)

    assert press(annas_browser, url).status_code == 303
    closed_at = db.execute("SELECT closed_at FROM families WHERE id = ?", [family]).fetchone()[0]
    assert closed_at is not None
    assert press(annas_browser, url).status_code == 303
    assert db.execute("SELECT closed_at FROM families WHERE id = ?", [family]).fetchone() == (
        closed_at,
    )
    assert len(audit.rows(db, family_id=family, action="close_case")) == 1
    # Closing deletes nothing: the family is still there to read.
    assert annas_browser.get(f"/personal/familj/{family}").status_code == 200


def fill_the_family(app, demo, db) -> None:
    """Give the family some of everything it can hold: a device, answers, check-ins, a photo."""
    family = demo["family_id"]
    sara, britt = person(demo, "Sara")["id"], person(demo, "Farmor Britt")["id"]
    phone = app.test_client()
    sign_in(phone, person(demo, "Sara")["invite_path"])
    phone.post("/lamna-snabbt")  # locks the phone: the code is asked for
    phone.post("/kod", data={"csrf_token": csrf_token(phone.get("/kod")), "code": "1357"})
    version, rule = db.execute(
        "SELECT v.id, i.item_key FROM plan_versions v JOIN plan_items i ON i.version_id = v.id "
        "WHERE v.family_id = ? AND i.section = 'rules' LIMIT 1",
        [family],
    ).fetchone()
    checkins.save_checkin(
        db, family_id=family, person_id=sara, client_id="c-1", rating=1, words="",
        shared=False, rules={rule: "no"}, version_id=version,
    )  # fmt: skip
    worry = next(i["id"] for i in demo["items"] if i["kind"] == "danger")
    plans.record_worry_view(
        db, family_id=family, item_key=worry, person_id=sara, view="partly", words=""
    )
    key = db.execute("SELECT commitment_key FROM commitments WHERE person_id = ?", [britt])
    checkins.respond_to_commitment(
        db, family_id=family, commitment_key=key.fetchone()[0], person_id=britt,
        response="withdrawn", reason="",
    )  # fmt: skip
    children.add_to_house(
        db, family_id=family, person_id=person(demo, "Elsa")["id"], client_id="h-1",
        house="worries", picture="ghost", words="",
    )  # fmt: skip
    photo = db["photos"].insert(
        {"family_id": family, "mime": "image/jpeg", "width": 1, "height": 1, "data": b"\xff",
         "created_at": timestamp()}
    ).last_pk  # fmt: skip
    db.execute("UPDATE people SET photo_id = ? WHERE id = ?", [photo, britt])
    draft = plans.draft_for(db, family, None)
    translations.set_translation(db, draft, rule, language="so", text="Xeer", worker_id=None)
    calendars.create_subscription(db, britt)
    karim = person(demo, "Morbror Karim")["id"]
    plan = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
    (withdrawal,) = stepping_in.withdrawn(db, family, plan, viewer_id=karim)
    stepping_in.offer(db, family_id=family, withdrawal=withdrawal, person_id=karim)
    # A person's copy of their data (GDPR art. 15), with its snapshot of what was held.
    anna = db.execute("SELECT id FROM workers WHERE name = 'Anna Berg'").fetchone()[0]
    data_copies.prepare(db, sara, worker_id=anna)


# Tables that are not about one family: what stays when a case is deleted.
KEPT = {"_sqlite_migrations", "teams", "workers", "audit", "sessions", "sign_in_failures"}


def family_rows(db) -> dict[str, int]:
    counts = {t: db[t].count for t in db.table_names() if t not in KEPT}
    counts["sessions (family)"] = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE person_id IS NOT NULL"
    ).fetchone()[0]
    # Wrong codes are kept by hashed keys: a family member's are those of a "person:" key.
    counts["sign_in_failures (family)"] = sum(
        db.execute(
            "SELECT COUNT(*) FROM sign_in_failures WHERE account = ?",
            [sha256(throttle.person_account(person_id))],
        ).fetchone()[0]
        for person_id in range(1, 100)
    )
    return counts


def close_days_ago(db, family_id: int, days: int) -> None:
    db.execute(
        "UPDATE families SET closed_at = ? WHERE id = ?",
        [timestamp(now() - timedelta(days=days)), family_id],
    )


def test_admin_deletes_a_closed_case_past_retention_and_keeps_the_log(admin, app, demo, db):
    family = demo["family_id"]
    fill_the_family(app, demo, db)
    parent = app.test_client()
    plan = sign_in(parent, person(demo, "Johan")["invite_path"])
    before = family_rows(db)
    # A new table about a family must be filled above, so that its deletion is tested too.
    assert all(before.values()), f"holds nothing of the family: {before}"
    log_before = audit.rows(db, family_id=family)
    assert log_before

    close_days_ago(db, family, app.config["RETENTION_DAYS"] + 1)
    listing = admin.get("/personal/admin/gallring").get_data(as_text=True)
    assert f"/personal/admin/gallring/{family}/radera" in listing
    assert "Familjen Lind" not in listing  # the administrator needs no names to delete

    page = "/personal/admin/gallring"
    assert press(admin, f"/personal/admin/gallring/{family}/radera", page).status_code == 303
    assert all(count == 0 for count in family_rows(db).values()), family_rows(db)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert parent.get(plan).status_code == 302  # the device's session went with the family

    log_after = audit.rows(db, family_id=family)
    assert log_after[: len(log_before)] == log_before
    deleted = audit.rows(db, family_id=family, action="case_deleted")
    assert [(r["actor_type"], r["role"], r["object_id"], r["outcome"]) for r in deleted] == [
        ("worker", "admin", str(family), "ok")
    ]


def test_a_deleted_case_leaves_no_plan_text_in_the_database_files(admin, app, demo, db):
    family = demo["family_id"]
    close_days_ago(db, family, app.config["RETENTION_DAYS"] + 1)
    press(admin, f"/personal/admin/gallring/{family}/radera", "/personal/admin/gallring")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(app.config["DATABASE"])
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    for item in demo["items"]:
        assert item["text"].encode() not in raw, item["text"]


def test_a_case_closed_yesterday_or_still_open_cannot_be_deleted(admin, demo, other_demo, db):
    closed, still_open = demo["family_id"], other_demo["family_id"]
    close_days_ago(db, closed, 1)
    page = "/personal/admin/gallring"
    assert f"/gallring/{closed}/radera" not in admin.get(page).get_data(as_text=True)
    for family in (closed, still_open):
        response = press(admin, f"/personal/admin/gallring/{family}/radera", page)
        assert response.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM families").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 10
    refused = audit.rows(db, action="case_deleted")
    assert [(r["family_id"], r["outcome"]) for r in refused] == [
        (closed, "denied"), (still_open, "denied"),
    ]  # fmt: skip


def test_delete_all_takes_only_the_cases_past_their_period(admin, app, demo, other_demo, db):
    close_days_ago(db, demo["family_id"], app.config["RETENTION_DAYS"] + 30)
    close_days_ago(db, other_demo["family_id"], app.config["RETENTION_DAYS"] - 1)
    page = "/personal/admin/gallring"
    assert press(admin, "/personal/admin/gallring/radera-alla", page).status_code == 303
    left = db.execute("SELECT id FROM families").fetchall()
    assert left == [(other_demo["family_id"],)]


def test_cli_adds_a_team_and_a_worker_with_the_password_on_stdin(app, db):
    runner = app.test_cli_runner()
    team = runner.invoke(args=["create-team", "Barn och familj Öst"])
    assert team.exit_code == 0, team.output
    team_id = int(team.output.strip())
    args = ["create-worker", "--email", "Eva@Kommunen.se", "--name", "Eva Ek",
            "--team", str(team_id), "--admin", "--password-stdin"]  # fmt: skip
    made = runner.invoke(args=args, input=STRONG + "\n")
    assert made.exit_code == 0, made.output
    assert "autentiseringsapp" in made.output and STRONG not in made.output
    row = db.execute(
        "SELECT team_id, is_admin, totp_secret FROM workers WHERE email = 'eva@kommunen.se'"
    ).fetchone()
    assert row == (team_id, 1, None)

    again = runner.invoke(args=args, input=STRONG + "\n")
    assert again.exit_code == 1 and "Det finns redan ett konto" in again.output
    short = runner.invoke(args=[*args[:2], "ny@k.se", *args[3:]], input="kort\n")
    assert short.exit_code == 1 and "minst 12 tecken" in short.output
    nowhere = runner.invoke(args=[*args[:6], "999", *args[7:]], input=STRONG + "\n")
    assert nowhere.exit_code == 1 and "inget team 999" in nowhere.output
    assert [r["actor_type"] for r in audit.rows(db) if r["action"].endswith("_created")] == [
        "system", "system",
    ]  # fmt: skip


def test_cli_asks_for_the_password_twice_without_showing_it(app, db):
    team = families.create_team(db, "Team")
    args = ["create-worker", "--email", "per@k.se", "--name", "Per", "--team", str(team)]
    made = app.test_cli_runner().invoke(args=args, input=f"{STRONG}\n{STRONG}\n")
    assert made.exit_code == 0, made.output
    assert "Lösenord" in made.output and STRONG not in made.output
    assert worker_id(db, "per@k.se")


def test_cli_deletes_closed_cases_past_retention_from_cron(app, demo, other_demo, db):
    close_days_ago(db, demo["family_id"], app.config["RETENTION_DAYS"] + 1)
    close_days_ago(db, other_demo["family_id"], 2)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["delete-closed-cases", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert re.findall(r"familj (\d+) skulle raderas", dry.output) == [str(demo["family_id"])]
    assert db.execute("SELECT COUNT(*) FROM families").fetchone()[0] == 2

    done = runner.invoke(args=["delete-closed-cases"])
    assert done.exit_code == 0, done.output
    assert db.execute("SELECT id FROM families").fetchall() == [(other_demo["family_id"],)]
    deleted = audit.rows(db, action="case_deleted")
    assert [(r["actor_type"], r["family_id"]) for r in deleted] == [("system", demo["family_id"])]
