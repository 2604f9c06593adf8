"""Who may open what: every route has a rule, and every role gets exactly what it should."""

import pytest
from conftest import csrf_token, person, sign_in

from familjeapp.store import audit


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
def clients(app, demo, other_demo):
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
    return made


# For each family route: what each role gets. 302 = sent to the start page; 404 = not there.
MATRIX = {
    "family.plan": {
        "anonymous": 302, "parent": 200, "network": 200, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
    "family.worry (everyone)": {
        "anonymous": 302, "parent": 200, "network": 200, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
    "family.worry (parents only)": {
        "anonymous": 302, "parent": 200, "network": 404, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
    "child.home": {
        "anonymous": 302, "parent": 404, "network": 404, "child": 200,
        "other_parent": 404, "other_child": 404,
    },
    "family.checkin": {
        "anonymous": 302, "parent": 200, "network": 200, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
    "family.history": {
        "anonymous": 302, "parent": 200, "network": 200, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
    "family.commitment (POST, her own)": {
        "anonymous": 302, "parent": 404, "network": 303, "child": 404,
        "other_parent": 404, "other_child": 404,
    },
}  # fmt: skip


def grandmothers_commitment(db, demo) -> str:
    britt = person(demo, "Farmor Britt")["id"]
    return db.execute(
        "SELECT commitment_key FROM commitments WHERE person_id = ?", [britt]
    ).fetchone()[0]


def url_for_case(case: str, demo: dict, db=None) -> str:
    family = demo["family_id"]
    if case.startswith("family.commitment"):
        return f"/familj/{family}/lofte/{grandmothers_commitment(db, demo)}"
    return {
        "family.plan": f"/familj/{family}/plan",
        "family.worry (everyone)": f"/familj/{family}/oro/{item(demo, 'danger')['id']}",
        "family.worry (parents only)": f"/familj/{family}/oro/{item(demo, 'complicating')['id']}",
        "child.home": f"/barn/{family}/",
        "family.checkin": f"/familj/{family}/hur-gar-det",
        "family.history": f"/familj/{family}/historik",
    }[case]


def test_every_family_route_is_in_the_matrix(app):
    guarded = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if isinstance(getattr(view, "access", None), tuple)
        and endpoint not in ("auth.choose_code", "auth.enter_code")
    }
    covered = {case.split(" ")[0] for case in MATRIX}
    assert guarded == covered


def request_as(client, case: str, url: str):
    if "POST" not in case:
        return client.get(url)
    token = csrf_token(client.get("/utloggad"))
    return client.post(url, data={"csrf_token": token, "response": "confirmed"})


@pytest.mark.parametrize("case", MATRIX)
def test_each_role_gets_only_what_it_may_see(case, clients, demo, db):
    url = url_for_case(case, demo, db)
    got = {role: request_as(clients[role], case, url).status_code for role in MATRIX[case]}
    assert got == MATRIX[case]


def test_refused_access_to_another_family_is_logged(clients, demo, db):
    clients["other_parent"].get(url_for_case("family.plan", demo))
    denied = audit.rows(db, family_id=demo["family_id"], action="access_denied")
    assert len(denied) == 1
    assert denied[0]["outcome"] == "denied" and denied[0]["role"] == "parent"


def test_another_familys_worry_cannot_be_answered(clients, demo, other_demo, db):
    own_plan = clients["other_parent"].get(url_for_case("family.plan", other_demo))
    url = url_for_case("family.worry (everyone)", demo)
    response = clients["other_parent"].post(
        url, data={"csrf_token": csrf_token(own_plan), "view": "agree"}
    )
    assert response.status_code == 404
    assert db.execute("SELECT COUNT(*) FROM worry_views").fetchone()[0] == 0
