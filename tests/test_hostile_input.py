"""What an attacker types where a person would type something else (issue 7, "Hostile-input
findings"): where to go next, ids that SQLite cannot hold, cells a spreadsheet would run, a
child's words in an adult's query, and values with a newline at the end."""

import csv
import io
import re
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import test_access
import time_machine
from conftest import csrf_token, person, sign_in, sign_in_worker
from test_access import MATRIX, ROLES, request_as, url_for_case
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from familjeapp.access import visibilities
from familjeapp.admin.auditlog import csv_lines
from familjeapp.admin.forms import WorkerForm
from familjeapp.auth.forms import ChooseCodeForm, EnterCodeForm
from familjeapp.family.forms import CheckinForm
from familjeapp.pictures import is_valid_picture_id
from familjeapp.store import audit, checkins, now, plans, timestamp
from familjeapp.store.accounts import EMAIL_PATTERN
from familjeapp.worker.following_forms import WorkerRatingForm
from familjeapp.worker.forms import PersonForm

# One signed-in browser per role, as in the access matrix.
admin = test_access.admin
clients = test_access.clients

# --- Where to go next --------------------------------------------------------------------------

# What a browser could read as another site, or what breaks a header: each must end on this site.
NASTY_NEXT = [
    "/\t/evil.example/",  # the tab is dropped by the browser: //evil.example/
    "/\r/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\x00/evil.example/",
    "\x00//evil.example/",
    "/\x0b/evil.example/",
    "\t//evil.example/",
    " /evil.example",
    " //evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t\\evil.example/",
    "/%2F/evil.example/",
    "/%09/evil.example/",
    "/./\t/evil.example/",
    "/.//evil.example/",
    "https:evil.example",
    "https://evil.example/",
    "HTTPS:\t//evil.example/",
    "javascript:alert(1)",
    "\u3000//evil.example/",
    "／／evil.example/",
    "/\u2028/evil.example/",
    "/é/../\t/evil.example/",
    "/" + "a" * 5000,
]
# A path on this site and nothing else: printable ASCII, one leading slash, no backslash.
ON_THIS_SITE = re.compile(r"/(?![/\\])[!-\[\]-~]*")


def assert_stays_here(response, target: str, fallback: str) -> None:
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    assert ON_THIS_SITE.fullmatch(location), repr(location)
    if target.lstrip(" \t\x00").startswith(("//", "/\t/", "/\r", "/\n", "/\\", "\\", "http")):
        assert location == fallback, repr(location)


def make_idle(db) -> None:
    db.execute("UPDATE sessions SET last_seen_at = ?", [timestamp(now() - timedelta(hours=1))])


def test_the_code_page_sends_nobody_to_another_site(client, demo, db):
    home = sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    for target in NASTY_NEXT:
        make_idle(db)
        page = client.get("/kod", query_string={"next": target})
        assert page.status_code == 200
        response = client.post(
            "/kod",
            query_string={"next": target},
            data={"csrf_token": csrf_token(page), "code": "2468"},
        )
        assert_stays_here(response, target, home)


def test_choosing_a_language_sends_nobody_to_another_site(client):
    token = csrf_token(client.get("/"))
    for target in NASTY_NEXT:
        response = client.post(
            "/sprak", data={"csrf_token": token, "language": "en", "next": target}
        )
        assert_stays_here(response, target, "/")


def test_staff_sign_in_sends_nobody_to_another_site(app, demo):
    anna = demo["workers"][0]
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    # The sign-in is slow on purpose (password hashing): the worst of the list is enough here.
    for number, target in enumerate(NASTY_NEXT[:8] + ["https:evil.example", "/%2F/evil.example/"]):
        # A new minute for each sign-in: a one-time code works once.
        with time_machine.travel(start + timedelta(minutes=number), tick=False):
            browser = app.test_client()
            page = browser.get("/personal/logga-in", query_string={"next": target})
            assert page.status_code == 200
            first = browser.post(
                "/personal/logga-in",
                query_string={"next": target},
                data={"csrf_token": csrf_token(page), "email": anna["email"],
                      "password": anna["password"]},
            )  # fmt: skip
            assert first.status_code == 303
            second = browser.post(
                first.location,
                data={"csrf_token": csrf_token(browser.get(first.location)),
                      "code": pyotp.TOTP(anna["totp_secret"]).now()},
            )  # fmt: skip
            assert_stays_here(second, target, "/personal/")


def test_staff_buttons_send_nobody_to_another_site(app, demo, db):
    """Staying signed in and marking a signal handled both take a ``next``."""
    browser = app.test_client()
    sign_in_worker(browser, demo["workers"][0])
    family = demo["family_id"]
    sara = person(demo, "Sara")["id"]
    token = csrf_token(browser.get("/personal/"))
    for target in NASTY_NEXT:
        stay = browser.post("/personal/fortsatt", data={"csrf_token": token, "next": target})
        assert_stays_here(stay, target, "/personal/")
        checkins.save_checkin(
            db, family_id=family, person_id=sara, client_id=secrets.token_urlsafe(18),
            rating=1, words="", shared=False, rules={}, version_id=None,
        )  # fmt: skip
        signal = db.execute("SELECT MAX(id) FROM attention_signals").fetchone()[0]
        handled = browser.post(
            f"/personal/familj/{family}/signaler/{signal}/hanterad",
            data={"csrf_token": token, "next": target},
        )
        assert_stays_here(handled, target, "/personal/")


def test_a_path_on_this_site_is_still_followed(client, demo, db):
    plan = sign_in(client, person(demo, "Sara")["invite_path"], code="2468")
    make_idle(db)
    target = f"{plan}?sparat=abc#oro-abc"
    page = client.get("/kod", query_string={"next": target})
    response = client.post(
        "/kod", query_string={"next": target}, data={"csrf_token": csrf_token(page), "code": "2468"}
    )
    assert response.headers["Location"] == target


# --- Ids that no row can have --------------------------------------------------------------------

TOO_BIG = (2**63, 2**64, 10**30)


def test_every_id_in_a_route_is_a_database_id(app):
    """Routes take ids through the ``id`` converter, which only matches 1 .. 2**63 - 1."""
    plain_ints = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if any(type(c) is IntegerConverter for c in rule._converters.values())
    ]
    assert plain_ints == []


def with_id(app, url: str, method: str, too_big: int) -> list[str]:
    """The url with each of its ids, one at a time, replaced by ``too_big``."""
    adapter = app.url_map.bind("localhost")
    path, _, query = url.partition("?")
    endpoint, values = adapter.match(path, method=method)
    urls = []
    for name, value in values.items():
        if isinstance(value, int):
            changed = adapter.build(endpoint, {**values, name: too_big})
            urls.append(changed + (f"?{query}" if query else ""))
    return urls


def test_an_id_too_big_for_sqlite_is_not_found_and_logged(app, clients, demo, db):
    """Every route with an id, as each role that may open it and as nobody: a logged 404."""
    unexpected = []
    for case, expected in MATRIX.items():
        method = "POST" if "POST" in case else "GET"
        allowed = [role for role in ROLES if expected[role] in (200, 303)]
        for role in ["anonymous", *allowed]:
            url = url_for_case(case, demo, db)
            for too_big in TOO_BIG:
                for changed in with_id(app, url, method, too_big):
                    before = len(audit.rows(db, action="access_denied"))
                    status = request_as(clients[role], case, changed).status_code
                    denied = audit.rows(db, action="access_denied")[before:]
                    if status != 404 or len(denied) != 1:
                        unexpected.append(f"{case} as {role}: {changed} gave {status}")
                    elif role != "anonymous" and denied[0]["role"] != role.removeprefix("other_"):
                        unexpected.append(f"{case} as {role}: logged as {denied[0]['role']}")
    assert unexpected == []


def test_an_id_too_big_in_the_log_filter_is_a_plain_answer(clients):
    for too_big in TOO_BIG:
        for path in ("/personal/admin/logg", "/personal/admin/logg.csv"):
            answer = clients["admin"].get(path, query_string={"family": str(too_big)})
            assert answer.status_code == 400


# --- A spreadsheet must not run what the log holds ----------------------------------------------

BLANKS = ["", " ", "\u00a0", "\u200b", "\n", "\t", "\r", " \u00a0\u200b\n\t\r "]
STARTS = ["=", "+", "-", "@", "＝", "＋", "－", "＠"]


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("start", STARTS)
def test_every_cell_that_a_spreadsheet_would_run_is_made_text(app, blank, start):
    formula = f'{blank}{start}HYPERLINK("https://evil.example","klicka")'
    row = {
        "id": 1, "at": "2026-03-02T09:00:00.000000+00:00", "actor_type": "worker",
        "actor_id": 7, "actor_name": formula, "role": "worker", "action": formula,
        "object_type": formula, "object_id": formula, "family_id": None, "outcome": formula,
    }  # fmt: skip
    with app.test_request_context():
        lines = list(csv_lines([row]))
    cells = next(csv.reader(io.StringIO(lines[1])))
    for cell in (cells[3], cells[7], cells[8], cells[9], cells[11]):
        assert cell.startswith("'"), repr(cell)


def test_plain_text_and_numbers_stay_as_they_are(app):
    row = {
        "id": 1, "at": "2026-03-02T09:00:00.000000+00:00", "actor_type": "worker",
        "actor_id": 7, "actor_name": "Anna Berg", "role": "worker", "action": "read",
        "object_type": "worker.family", "object_id": "12/3", "family_id": 4, "outcome": "ok",
    }  # fmt: skip
    with app.test_request_context():
        cells = next(csv.reader(io.StringIO(list(csv_lines([row]))[1])))
    assert cells[3].startswith("Anna Berg (")
    assert cells[4:] == ["worker", "7", "worker", "read", "worker.family", "12/3", "4", "ok"]


# --- A child's words reach the worker only --------------------------------------------------------


def childs_row(db, demo, table: str, **values) -> None:
    elsa = person(demo, "Elsa")
    db[table].insert(
        {"family_id": demo["family_id"], "person_id": elsa["id"], "created_at": timestamp(),
         **values}
    )  # fmt: skip


def test_a_childs_view_on_a_worry_is_for_the_worker_only(app, demo, db, parent, grandmother):
    key = next(i["id"] for i in demo["items"] if i["kind"] == "danger")
    childs_row(db, demo, "worry_views", item_key=key, view="disagree", words="Pappa skriker")
    for reader in (parent, grandmother):
        page = reader.get(reader.plan_url).get_data(as_text=True)
        assert "Pappa skriker" not in page
        worry = reader.get(f"/familj/{demo['family_id']}/oro/{key}")
        assert "Pappa skriker" not in worry.get_data(as_text=True)
    adults = plans.worry_views(db, demo["family_id"], visibilities("parent"))
    assert all(v.person_id != person(demo, "Elsa")["id"] for vs in adults.values() for v in vs)
    worker = app.test_client()
    sign_in_worker(worker, demo["workers"][0])
    following = worker.get(f"/personal/familj/{demo['family_id']}/folj").get_data(as_text=True)
    assert "Pappa skriker" in following


def test_a_childs_answer_to_a_commitment_is_for_the_worker_only(app, demo, db, parent):
    key = db.execute(
        "SELECT commitment_key FROM commitments WHERE person_id = ?",
        [person(demo, "Farmor Britt")["id"]],
    ).fetchone()[0]
    childs_row(db, demo, "commitment_responses", commitment_key=key, response="withdrawn",
               reason="Farmor kommer aldrig")  # fmt: skip
    family = demo["family_id"]
    assert checkins.commitment_responses(db, family, visibilities("parent")) == {}
    plan = plans.published_plan(db, family, visibilities("parent"))
    assert {c.status for c in plan.commitments if c.key == key} == {"waiting"}
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert "Farmor kommer aldrig" not in page
    for_the_worker = checkins.commitment_responses(db, family, visibilities("worker"))
    assert for_the_worker[key].reason == "Farmor kommer aldrig"


# --- A newline at the end is not part of a valid value -----------------------------------------


@pytest.mark.parametrize(
    ("form_class", "field", "good"),
    [
        (ChooseCodeForm, "code", "2468"),
        (EnterCodeForm, "code", "2468"),
        (CheckinForm, "client_id", "a" * 24),
        (WorkerRatingForm, "client_id", "a" * 24),
        (WorkerForm, "email", "ny.person@kommunen.se"),
        (PersonForm, "picture", "woman"),
    ],
)
def test_a_trailing_newline_is_never_kept(app, form_class, field, good):
    """Refused, or (where spaces around a pasted value are dropped) dropped: never kept."""

    def checked(value: str):
        form = form_class(formdata=MultiDict({field: value}), meta={"csrf": False})
        for other in form:
            if getattr(other, "choices", ()) is None:
                other.choices = []  # filled in by the view
        form.validate()
        return form

    with app.test_request_context(method="POST"):
        assert field not in checked(good).errors
        wrong = checked(good + "\n")
        assert field in wrong.errors or wrong[field].data == good


def test_the_email_and_picture_patterns_take_the_whole_value():
    assert re.match(EMAIL_PATTERN, "ny.person@kommunen.se")
    assert not re.match(EMAIL_PATTERN, "ny.person@kommunen.se\n")
    assert is_valid_picture_id("old-woman") and not is_valid_picture_id("old-woman\n")


def test_a_code_with_a_newline_is_not_saved(client, demo, db):
    path = person(demo, "Sara")["invite_path"]
    page = client.get(path)
    client.post(path, data={"csrf_token": csrf_token(page)})
    form = client.get("/kod/ny")
    response = client.post(
        "/kod/ny", data={"csrf_token": csrf_token(form), "code": "2468\n", "repeat": "2468\n"}
    )
    assert response.status_code == 400
    assert db.execute("SELECT COUNT(*) FROM people WHERE code_hash IS NOT NULL").fetchone()[0] == 0
