"""Who may open what: every route has a rule, and every role gets exactly what it should
(SECURITY.md: every route × every role, and a test that fails on a route without a rule)."""

import io
import secrets
from datetime import timedelta

import pyotp
import pytest
from conftest import csrf_token, person, sign_in, sign_in_worker
from PIL import Image

from familjeapp import clock
from familjeapp.photos import clean_photo
from familjeapp.store import (
    audit,
    checkins,
    data_copies,
    families,
    now,
    plans,
    stepping_in,
    timestamp,
)
from familjeapp.store import photos as photo_store
from familjeapp.store import sessions as sessions_store


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "JPEG")
    return out.getvalue()


ROLES = (
    "anonymous", "parent", "network", "child", "other_parent", "other_child",
    "worker", "other_worker", "admin",
)  # fmt: skip


def test_every_route_has_an_access_rule(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "access", None) is None
    ]
    assert missing == [], f"routes without an access rule: {missing}"


def item(demo, kind):
    return next(i for i in demo["items"] if i["kind"] == kind)


@pytest.fixture
def admin(db, demo):
    """An administrator in the demo family's own team."""
    team = db.execute("SELECT team_id FROM families WHERE id = ?", [demo["family_id"]]).fetchone()[
        0
    ]
    account = {
        "email": "admin@kommunen.se",
        "password": "ett långt lösenord",
        "totp_secret": pyotp.random_base32(),
    }
    families.create_worker(
        db, team_id=team, email=account["email"], name="Ada Admin", password=account["password"],
        totp_secret=account["totp_secret"], is_admin=True,
    )  # fmt: skip
    return account


@pytest.fixture
def clients(app, demo, other_demo, admin):
    """One signed-in browser per role, plus an anonymous one."""
    made = {"anonymous": app.test_client()}
    for role, family, name in (
        ("parent", demo, "Sara"),
        ("network", demo, "Farmor Britt"),
        ("child", demo, "Elsa"),
        ("other_parent", other_demo, "Sara"),
        ("other_child", other_demo, "Elsa"),
    ):
        client = app.test_client()
        sign_in(client, person(family, name)["invite_path"])
        made[role] = client
    for role, account in (
        ("worker", demo["workers"][0]),
        ("other_worker", demo["workers"][1]),
        ("admin", admin),
    ):
        client = app.test_client()
        sign_in_worker(client, account)
        made[role] = client
    return made


def row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


FAMILY_PAGE = row(302, 200, 200, 404, 404, 404, 302, 302, 302)
CHILD_PAGE = row(302, 404, 404, 200, 404, 404, 302, 302, 302)
STAFF_PAGE = row(302, 302, 302, 302, 302, 302, 200, 200, 200)
TEAM_PAGE = row(302, 302, 302, 302, 302, 302, 200, 404, 200)
TEAM_CHANGE = row(302, 302, 302, 302, 302, 302, 303, 404, 303)
ADMIN_PAGE = row(302, 302, 302, 302, 302, 302, 404, 404, 200)
ADMIN_CHANGE = row(302, 302, 302, 302, 302, 302, 404, 404, 303)

# For each route: what each role gets. 302 = sent to a sign-in page; 404 = not there.
MATRIX = {
    "family.plan": FAMILY_PAGE,
    "family.worry (everyone)": FAMILY_PAGE,
    "family.worry (parents only)": row(302, 200, 404, 404, 404, 404, 302, 302, 302),
    "child.home": CHILD_PAGE,
    "child.talk": CHILD_PAGE,
    "child.talk (POST)": row(302, 404, 404, 303, 404, 404, 302, 302, 302),
    "child.feelings": CHILD_PAGE,
    "child.thanks": CHILD_PAGE,
    "child.houses": CHILD_PAGE,
    "child.add_to_house": CHILD_PAGE,
    "child.safety_house": CHILD_PAGE,
    "child.story": CHILD_PAGE,
    "child.who_helps": CHILD_PAGE,
    "family.checkin": FAMILY_PAGE,
    "family.history": FAMILY_PAGE,
    "family.commitment (POST, her own)": row(302, 404, 303, 404, 404, 404, 302, 302, 302),
    "worker.dashboard": STAFF_PAGE,
    "worker.new_family": STAFF_PAGE,
    "worker.stay_signed_in (POST)": row(302, 302, 302, 302, 302, 302, 303, 303, 303),
    "worker.family": TEAM_PAGE,
    "worker.add_person": TEAM_PAGE,
    "worker.invite (POST)": row(302, 302, 302, 302, 302, 302, 200, 404, 200),
    "worker.person_language (POST)": TEAM_CHANGE,
    "worker.person_phone (POST)": TEAM_CHANGE,
    "worker.revoke_device (POST)": TEAM_CHANGE,
    "worker.handle_signal (POST)": TEAM_CHANGE,
    "family.photo": row(302, 200, 200, 200, 404, 404, 302, 302, 302),
    "worker.photo": TEAM_PAGE,
    "worker.plan_editor": TEAM_PAGE,
    "worker.plan_start_draft (POST)": TEAM_CHANGE,
    "worker.plan_publish (POST)": TEAM_CHANGE,
    "worker.plan_new_item": TEAM_PAGE,
    "worker.plan_edit_item": TEAM_PAGE,
    "worker.plan_translate_item": TEAM_PAGE,
    "worker.plan_translate_item (POST)": TEAM_CHANGE,
    "worker.plan_remove_item (POST)": TEAM_CHANGE,
    "worker.plan_move_item (POST)": TEAM_CHANGE,
    "worker.plan_add_commitment": TEAM_PAGE,
    "worker.plan_remove_commitment (POST)": TEAM_CHANGE,
    "worker.plan_scale": TEAM_PAGE,
    "worker.plan_add_event": TEAM_PAGE,
    "worker.plan_remove_event (POST)": TEAM_CHANGE,
    "worker.plan_versions": TEAM_PAGE,
    "worker.plan_version": TEAM_PAGE,
    "worker.pictures": STAFF_PAGE,
    "worker.plain_language": STAFF_PAGE,
    "worker.follow": TEAM_PAGE,
    "worker.record_rating (POST)": TEAM_CHANGE,
    "worker.print_plan": TEAM_PAGE,
    "worker.share_child_answer": TEAM_PAGE,
    "worker.share_child_answer (POST)": TEAM_CHANGE,
    "admin.index": ADMIN_PAGE,
    "admin.teams": ADMIN_PAGE,
    "admin.workers": ADMIN_PAGE,
    "admin.new_worker": ADMIN_PAGE,
    "admin.disable_worker (POST)": ADMIN_CHANGE,
    "admin.enable_worker (POST)": ADMIN_CHANGE,
    "admin.reset_authenticator (POST)": ADMIN_CHANGE,
    "admin.audit_log": ADMIN_PAGE,
    "admin.audit_export": ADMIN_PAGE,
    "admin.closed_cases": ADMIN_PAGE,
    "admin.delete_case (POST)": ADMIN_CHANGE,
    "admin.delete_due_cases (POST)": ADMIN_CHANGE,
    "worker.close_case (POST)": TEAM_CHANGE,
    # Farmor Britt (the network's browser) cannot take over what she herself cannot do.
    "family.step_in (POST)": row(302, 303, 404, 404, 404, 404, 302, 302, 302),
    "worker.place_offer (POST)": TEAM_CHANGE,
    "calendar.page": FAMILY_PAGE,
    "calendar.new (POST)": FAMILY_PAGE,
    "calendar.titles (POST)": row(302, 303, 303, 404, 404, 404, 302, 302, 302),
    "calendar.revoke (POST)": row(302, 303, 303, 404, 404, 404, 302, 302, 302),
    "calendar.download": FAMILY_PAGE,
    "worker.revoke_calendar (POST)": TEAM_CHANGE,
    "worker.prepare_data_copy (POST)": TEAM_CHANGE,
    "worker.data_copy": TEAM_PAGE,
    "worker.review_data_copy (POST)": TEAM_CHANGE,
}

NOT_IN_MATRIX = {"auth.choose_code", "auth.enter_code"}  # tested in test_getting_in.py

# Open to everyone and the same for everyone: nothing personal (test_pwa.py).
PWA_PUBLIC = {"pwa.service_worker": "/sw.js", "pwa.offline": "/utan-internet"}


def test_the_service_worker_and_the_offline_page_are_open_to_every_role(app, clients):
    assert all(getattr(app.view_functions[e], "access", None) == "public" for e in PWA_PUBLIC)
    for role in ROLES:
        for url in PWA_PUBLIC.values():
            assert clients[role].get(url).status_code == 200, (role, url)


def test_a_copy_link_is_the_same_for_every_role(app, clients, db, demo):
    """A person's copy of their data (data_copy.py): the link is the key, whoever is signed in."""
    assert getattr(app.view_functions["data_copy.page"], "access", None) == "secret_link"
    sara = person(demo, "Sara")["id"]
    anna = db.execute("SELECT id FROM workers WHERE name = 'Anna Berg'").fetchone()[0]
    copy = data_copies.get_copy(
        db, demo["family_id"], data_copies.prepare(db, sara, worker_id=anna)
    )
    link = "/kopia/" + data_copies.hand_over(db, copy, days=30, worker_id=anna)
    for role in ROLES:
        assert clients[role].get(link).status_code == 200, role
        assert clients[role].get("/kopia/" + "x" * 43).status_code == 404, role


def test_every_guarded_route_is_in_the_matrix(app):
    guarded = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if isinstance(getattr(view, "access", None), tuple)
    }
    covered = {case.split(" ")[0] for case in MATRIX}
    assert guarded - NOT_IN_MATRIX == covered


def url_for_case(case: str, demo: dict, db) -> str:
    family = demo["family_id"]
    sara = person(demo, "Sara")["id"]
    if case.startswith("family.commitment"):
        britt = person(demo, "Farmor Britt")["id"]
        key = db.execute(
            "SELECT commitment_key FROM commitments WHERE person_id = ?", [britt]
        ).fetchone()[0]
        return f"/familj/{family}/lofte/{key}"
    if case.startswith(("family.step_in", "worker.place_offer")):
        britt = person(demo, "Farmor Britt")["id"]
        key = db.execute(
            "SELECT commitment_key FROM commitments WHERE person_id = ?", [britt]
        ).fetchone()[0]
        checkins.respond_to_commitment(
            db, family_id=family, commitment_key=key, person_id=britt, response="withdrawn",
            reason="x",
        )  # fmt: skip
        if case.startswith("family.step_in"):
            return f"/familj/{family}/lofte/{key}/jag-tar-det"
        plan = plans.published_plan(db, family, frozenset({"everyone", "adults"}))
        (withdrawn,) = [w for w in stepping_in.withdrawn(db, family, plan, viewer_id=sara)
                        if w.commitment.key == key]  # fmt: skip
        offer, _made = stepping_in.offer(db, family_id=family, withdrawal=withdrawn, person_id=sara)
        return f"/personal/familj/{family}/tar-over/{offer.id}/lagg-in"
    if case.startswith(("worker.data_copy", "worker.review_data_copy")):
        anna = db.execute("SELECT id FROM workers WHERE name = 'Anna Berg'").fetchone()[0]
        copy_id = data_copies.prepare(db, sara, worker_id=anna)
        return f"/personal/familj/{family}/kopior/{copy_id}"
    if case.startswith("worker.revoke_device"):
        device = sessions_store.start_session(db, person_id=sara)
        session_id = db.execute(
            "SELECT MAX(id) FROM sessions WHERE person_id = ?", [sara]
        ).fetchone()[0]
        assert device
        return f"/personal/familj/{family}/personer/{sara}/enheter/{session_id}/stang"
    if case.startswith("worker.handle_signal"):
        client_id = f"low-rating-{secrets.token_hex(8)}"
        checkins.save_checkin(
            db, family_id=family, person_id=sara, client_id=client_id, rating=1, words="",
            shared=False, rules={}, version_id=None,
        )  # fmt: skip
        signal = db.execute("SELECT MAX(id) FROM attention_signals").fetchone()[0]
        return f"/personal/familj/{family}/signaler/{signal}/hanterad"
    if case.startswith("worker.share_child_answer"):
        elsa = person(demo, "Elsa")["id"]
        checkin_id = checkins.save_checkin(
            db, family_id=family, person_id=elsa, client_id=f"child-{secrets.token_hex(8)}",
            rating=4, words="", shared=False, rules={}, version_id=None,
        )[0]  # fmt: skip
        return f"/personal/familj/{family}/folj/dela/avstamning/{checkin_id}"
    draft = lambda: plans.draft_for(db, family, None)  # noqa: E731
    rule = item(demo, "rule")["id"]
    danger = item(demo, "danger")["id"]
    if case.startswith(("worker.plan_remove_item", "worker.plan_move_item")):
        key = plans.add_item(
            db, draft(), section="working", kind="strength", text="x", visibility="everyone"
        )
        action = "ta-bort" if "remove" in case else "flytta"
        return f"/personal/familj/{family}/plan/punkt/{key}/{action}"
    if case.startswith("worker.plan_remove_commitment"):
        britt = person(demo, "Farmor Britt")["id"]
        key = plans.add_commitment(db, draft(), rule_key=rule, person_id=britt, text="x")
        return f"/personal/familj/{family}/plan/lofte/{key}/ta-bort"
    if case.startswith("worker.plan_remove_event"):
        plans.add_event(db, draft(), kind="follow_up", happens_on=clock.today())
        event = db.execute("SELECT MAX(id) FROM plan_events").fetchone()[0]
        return f"/personal/familj/{family}/plan/tidsram/{event}/ta-bort"
    if case.startswith(("admin.disable_worker", "admin.enable_worker", "admin.reset_auth")):
        team = db.execute("SELECT team_id FROM families WHERE id = ?", [family]).fetchone()[0]
        someone = families.create_worker(
            db, team_id=team, email=f"{secrets.token_hex(6)}@kommunen.se", name="Tillfällig",
            password="ett långt lösenord",
        )  # fmt: skip
        action = {"admin.disable_worker": "stang-av", "admin.enable_worker": "aktivera"}.get(
            case.split(" ")[0], "ny-app"
        )
        return f"/personal/admin/konton/{someone}/{action}"
    if case.startswith("admin.delete_case"):
        team = db.execute("SELECT team_id FROM families WHERE id = ?", [family]).fetchone()[0]
        closed = families.create_family(db, team_id=team, name="Gammalt ärende", worker_id=None)
        long_ago = timestamp(now() - timedelta(days=400))
        db.execute("UPDATE families SET closed_at = ? WHERE id = ?", [long_ago, closed])
        return f"/personal/admin/gallring/{closed}/radera"
    if case.endswith("photo"):
        photo = photo_store.save_photo(db, family, clean_photo(tiny_jpeg()))
        prefix = "/personal" if case.startswith("worker") else ""
        return f"{prefix}/familj/{family}/foto/{photo}"
    return {
        "family.plan": f"/familj/{family}/plan",
        "family.worry (everyone)": f"/familj/{family}/oro/{item(demo, 'danger')['id']}",
        "family.worry (parents only)": f"/familj/{family}/oro/{item(demo, 'complicating')['id']}",
        "child.home": f"/barn/{family}/",
        "child.talk": f"/barn/{family}/prata",
        "child.talk (POST)": f"/barn/{family}/prata",
        "child.feelings": f"/barn/{family}/hur-kanns-det",
        "child.thanks": f"/barn/{family}/hur-kanns-det/tack",
        "child.houses": f"/barn/{family}/tre-hus",
        "child.add_to_house": f"/barn/{family}/tre-hus/oro/lagg-till",
        "child.safety_house": f"/barn/{family}/trygga-hemmet",
        "child.story": f"/barn/{family}/ord-och-bilder",
        "child.who_helps": f"/barn/{family}/vem-hjalper-mig",
        "family.checkin": f"/familj/{family}/hur-gar-det",
        "family.history": f"/familj/{family}/historik",
        "worker.dashboard": "/personal/",
        "worker.new_family": "/personal/familjer/ny",
        "worker.stay_signed_in (POST)": "/personal/fortsatt",
        "worker.family": f"/personal/familj/{family}",
        "worker.add_person": f"/personal/familj/{family}/personer/ny",
        "worker.invite (POST)": f"/personal/familj/{family}/personer/{sara}/inbjudan",
        "worker.person_language (POST)": f"/personal/familj/{family}/personer/{sara}/sprak",
        "worker.person_phone (POST)": f"/personal/familj/{family}/personer/{sara}/telefon",
        "worker.plan_editor": f"/personal/familj/{family}/plan",
        "worker.plan_start_draft (POST)": f"/personal/familj/{family}/plan/utkast",
        "worker.plan_publish (POST)": f"/personal/familj/{family}/plan/publicera",
        "worker.plan_new_item": f"/personal/familj/{family}/plan/ny/worries",
        "worker.plan_edit_item": f"/personal/familj/{family}/plan/punkt/{danger}",
        "worker.plan_translate_item": f"/personal/familj/{family}/plan/punkt/{danger}/oversattning",
        "worker.plan_translate_item (POST)": (
            f"/personal/familj/{family}/plan/punkt/{danger}/oversattning"
        ),
        "worker.plan_add_commitment": f"/personal/familj/{family}/plan/punkt/{rule}/lofte",
        "worker.plan_scale": f"/personal/familj/{family}/plan/skala",
        "worker.plan_add_event": f"/personal/familj/{family}/plan/tidsram/ny",
        "worker.plan_versions": f"/personal/familj/{family}/plan/versioner",
        "worker.plan_version": f"/personal/familj/{family}/plan/versioner/1",
        "worker.pictures": "/personal/bilder?q=tand",
        "worker.plain_language": "/personal/klarsprak",
        "worker.follow": f"/personal/familj/{family}/folj",
        "worker.record_rating (POST)": f"/personal/familj/{family}/folj/skattning",
        "worker.print_plan": f"/personal/familj/{family}/utskrift",
        "admin.index": "/personal/admin/",
        "admin.teams": "/personal/admin/team",
        "admin.workers": "/personal/admin/konton",
        "admin.new_worker": "/personal/admin/konton/ny",
        "admin.audit_log": "/personal/admin/logg",
        "admin.audit_export": "/personal/admin/logg.csv",
        "admin.closed_cases": "/personal/admin/gallring",
        "admin.delete_due_cases (POST)": "/personal/admin/gallring/radera-alla",
        "worker.close_case (POST)": f"/personal/familj/{family}/avsluta",
        "calendar.page": f"/familj/{family}/kalender",
        "calendar.new (POST)": f"/familj/{family}/kalender/ny",
        "calendar.titles (POST)": f"/familj/{family}/kalender/rubriker",
        "calendar.revoke (POST)": f"/familj/{family}/kalender/stang",
        "calendar.download": f"/familj/{family}/kalender/kalender.ics",
        "worker.revoke_calendar (POST)": (
            f"/personal/familj/{family}/personer/{sara}/kalender/stang"
        ),
        "worker.prepare_data_copy (POST)": f"/personal/familj/{family}/personer/{sara}/kopia",
    }[case]


def request_as(client, case: str, url: str):
    if "POST" not in case:
        return client.get(url)
    token = csrf_token(client.get("/utloggad"))
    data = {
        "csrf_token": token, "response": "confirmed", "days": "7", "direction": "up",
        "rating": "5", "client_id": secrets.token_urlsafe(18),
        "rated_on": clock.today().isoformat(), "language": "so", "text": "x",
        "titles": "neutral",
    }  # fmt: skip
    return client.post(url, data=data)


def test_each_role_gets_only_what_it_may_see(clients, demo, db):
    """One walk over the whole matrix (signing in nine browsers once keeps this quick)."""
    unexpected = []
    for case, expected in MATRIX.items():
        for role in ROLES:
            url = url_for_case(case, demo, db)  # a fresh object for each role that may change it
            status = request_as(clients[role], case, url).status_code
            if status != expected[role]:
                unexpected.append(f"{case} as {role}: {status}, expected {expected[role]}")
    assert unexpected == []


def test_refused_access_to_another_family_is_logged(clients, demo, db):
    clients["other_parent"].get(f"/familj/{demo['family_id']}/plan")
    clients["other_worker"].get(f"/personal/familj/{demo['family_id']}")
    denied = audit.rows(db, family_id=demo["family_id"], action="access_denied")
    assert [(row["actor_type"], row["role"]) for row in denied] == [
        ("person", "parent"), ("worker", "worker"),
    ]  # fmt: skip


def test_another_familys_worry_cannot_be_answered(clients, demo, other_demo, db):
    own_plan = clients["other_parent"].get(f"/familj/{other_demo['family_id']}/plan")
    url = f"/familj/{demo['family_id']}/oro/{item(demo, 'danger')['id']}"
    response = clients["other_parent"].post(
        url, data={"csrf_token": csrf_token(own_plan), "view": "agree"}
    )
    assert response.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 0


def test_every_staff_read_of_a_family_is_audited_without_content(clients, demo, db):
    clients["worker"].get(f"/personal/familj/{demo['family_id']}")
    rows = audit.rows(db, family_id=demo["family_id"], action="read")
    assert [(r["actor_type"], r["object_type"]) for r in rows] == [("worker", "worker.family")]
    assert "Sara" not in str(rows) and "Lind" not in str(rows)


def test_every_staff_read_of_every_family_page_leaves_one_audit_row(clients, demo, db):
    family_reads = [
        case for case, expected in MATRIX.items() if expected is TEAM_PAGE and "POST" not in case
    ]
    assert len(family_reads) > 10
    for case in family_reads:
        url = url_for_case(case, demo, db)
        before = len(audit.rows(db, family_id=demo["family_id"], action="read"))
        assert clients["worker"].get(url).status_code == 200, case
        rows = audit.rows(db, family_id=demo["family_id"], action="read")
        assert len(rows) == before + 1, case
        assert rows[-1]["object_type"] == case.split(" ")[0] and rows[-1]["actor_type"] == "worker"


def test_the_manifest_is_open_to_everyone(clients):
    # Public: the browser fetches it without cookies it can count on, and it says nothing personal.
    for role, client in clients.items():
        assert client.get("/manifest.webmanifest").status_code == 200, role
