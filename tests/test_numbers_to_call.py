"""Numbers to call (issue 11): the social worker writes a person's phone number and chooses who
in the family sees it on the plan; nobody else ever gets it in a page."""

import pytest
from conftest import csrf_token, person, sign_in_worker, signed_in
from markupsafe import escape

from familjeapp.store import audit, families

BRITT = "070-123 45 67"
KARIM = "+46 73 555 12 34"


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    return client


def set_number(client, demo, name, phone, shared_with, token=None):
    family = demo["family_id"]
    url = f"/personal/familj/{family}/personer/{person(demo, name)['id']}/telefon"
    if token is None:
        token = csrf_token(client.get(f"/personal/familj/{family}"))
    return client.post(url, data={"csrf_token": token, "phone": phone, "shared_with": shared_with})


def saved(db, demo, name) -> families.PhoneNumber:
    return families.phone_numbers(db, demo["family_id"])[person(demo, name)["id"]]


def plan_of(app, demo, name) -> str:
    client = signed_in(app, demo, name)
    return client.get(client.plan_url).get_data(as_text=True)


def test_the_store_gives_each_reader_only_the_numbers_shared_with_them(db, demo):
    family = demo["family_id"]
    ids = {p["name"]: p["id"] for p in demo["people"]}
    families.set_phone(db, ids["Farmor Britt"], BRITT, "adults")
    families.set_phone(db, ids["Morbror Karim"], KARIM, "parents")
    families.set_phone(db, ids["Johan"], "0701112233", "nobody")

    def seen(name, role):
        return families.numbers_to_call(db, family, reader_id=ids[name], role=role)

    assert seen("Sara", "parent") == {ids["Farmor Britt"]: BRITT, ids["Morbror Karim"]: KARIM}
    assert seen("Farmor Britt", "network") == {}  # her own number is not a number to call
    assert seen("Morbror Karim", "network") == {ids["Farmor Britt"]: BRITT}
    assert seen("Elsa", "child") == {}
    # An emptied number is shared with nobody, whatever was chosen.
    families.set_phone(db, ids["Farmor Britt"], "", "adults")
    assert families.phone_numbers(db, family)[ids["Farmor Britt"]] == families.PhoneNumber(
        "", "nobody"
    )
    with pytest.raises(ValueError):
        families.set_phone(db, ids["Johan"], "0701112233", "everyone")


def test_the_worker_sets_a_number_and_each_reader_sees_it_as_chosen(app, worker, demo, db):
    assert set_number(worker, demo, "Farmor Britt", BRITT, "adults").status_code == 303
    assert set_number(worker, demo, "Morbror Karim", KARIM, "parents").status_code == 303
    assert set_number(worker, demo, "Johan", "0701112233", "nobody").status_code == 303

    page = worker.get(f"/personal/familj/{demo['family_id']}").get_data(as_text=True)
    assert f'value="{BRITT}"' in page and f'value="{KARIM}"' in page

    parent = plan_of(app, demo, "Sara")
    call = 'href="tel:0701234567">Ring Farmor Britt <span class="phone" dir="ltr">070-123 45 67'
    assert call in parent
    assert 'href="tel:+46735551234">Ring Morbror Karim' in parent and KARIM in parent
    assert "0701112233" not in parent  # shared with nobody

    network = plan_of(app, demo, "Morbror Karim")
    assert "Ring Farmor Britt" in network and BRITT in network
    assert KARIM not in network and "73 555" not in network  # his own, and only for parents
    assert "0701112233" not in network

    grandmother = plan_of(app, demo, "Farmor Britt")
    assert BRITT not in grandmother and KARIM not in grandmother


def test_a_child_and_another_family_never_get_a_number(app, worker, demo, other_demo, db):
    set_number(worker, demo, "Farmor Britt", BRITT, "adults")
    set_number(worker, demo, "Morbror Karim", KARIM, "parents")
    child = signed_in(app, demo, "Elsa")
    for path in ("/", "/prata", "/vem-hjalper-mig", "/trygga-hemmet"):
        answer = child.get(f"/barn/{demo['family_id']}{path}")
        assert answer.status_code == 200, path
        html = answer.get_data(as_text=True)
        assert BRITT not in html and KARIM not in html
    other = signed_in(app, other_demo, "Sara")
    own = other.get(other.plan_url).get_data(as_text=True)
    assert BRITT not in own and KARIM not in own
    refused = other.get(f"/familj/{demo['family_id']}/plan")
    assert refused.status_code == 404 and BRITT not in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("ring mig", "Skriv numret med siffror"),
        ("070 123 45 67 89 12 345", "högst 20 tecken"),
        ("070<script>", "Skriv numret med siffror"),
        ("12 3", "6 till 15 siffror"),
    ],
)
def test_a_bad_number_is_refused_with_the_typed_text_kept(worker, demo, db, typed, message):
    answer = set_number(worker, demo, "Farmor Britt", typed, "adults")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in page
    britt = person(demo, "Farmor Britt")["id"]
    assert f'id="phone-{britt}" name="phone" value="{escape(typed)}" maxlength' in page
    assert f'aria-invalid="true" aria-describedby="phone-{britt}-error"' in page
    assert "<script>" not in page.split("<main", 1)[1]
    assert saved(db, demo, "Farmor Britt").phone == ""


def test_an_unknown_choice_is_refused(worker, demo, db):
    answer = set_number(worker, demo, "Farmor Britt", BRITT, "everyone")
    assert answer.status_code == 400
    assert "Välj vem som ser numret i listan." in answer.get_data(as_text=True)
    assert saved(db, demo, "Farmor Britt") == (families.PhoneNumber("", "nobody"))


def test_no_number_is_saved_without_the_forms_token(worker, demo, db):
    answer = set_number(worker, demo, "Farmor Britt", BRITT, "adults", token="forged")
    assert answer.status_code == 400
    assert BRITT not in answer.get_data(as_text=True)
    assert saved(db, demo, "Farmor Britt").phone == ""


def test_the_change_is_audited_without_the_number(worker, demo, db):
    set_number(worker, demo, "Farmor Britt", BRITT, "adults")
    britt = person(demo, "Farmor Britt")["id"]
    rows = audit.rows(db, family_id=demo["family_id"], action="change")
    assert [(r["object_type"], r["object_id"], r["outcome"]) for r in rows] == [
        ("worker.person_phone", str(britt), "ok")
    ]
    logged = " ".join(str(v) for row in audit.rows(db) for v in row.values())
    assert "070" not in logged and "1234567" not in logged.replace(" ", "")


def test_a_worker_of_another_team_cannot_set_a_number(app, demo, db):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][1])
    token = csrf_token(client.get("/personal/"))
    answer = set_number(client, demo, "Farmor Britt", BRITT, "adults", token=token)
    assert answer.status_code == 404
    assert saved(db, demo, "Farmor Britt").phone == ""


def test_the_workers_printout_holds_the_numbers_shared_with_its_audience(worker, demo, db):
    set_number(worker, demo, "Farmor Britt", BRITT, "adults")
    set_number(worker, demo, "Morbror Karim", KARIM, "parents")
    printout = {
        audience: worker.get(
            f"/personal/familj/{demo['family_id']}/utskrift?for={audience}"
        ).get_data(as_text=True)
        for audience in ("parents", "network", "everyone")
    }
    assert BRITT in printout["parents"] and KARIM in printout["parents"]
    assert BRITT in printout["network"] and KARIM not in printout["network"]
    assert BRITT not in printout["everyone"] and KARIM not in printout["everyone"]
