"""The accessibility statement (tillgänglighetsredogörelse, DOS-lagen): open to everyone, in
plain words, linked from the footer of every kind of page. Its look in a real browser, and that
axe finds nothing on it, is in tests/e2e/test_accessibility_statement.py."""

import re

from conftest import person, sign_in, sign_in_worker

from familjeapp import config

STATEMENT = "/tillganglighet"


def words_on(page: str) -> str:
    """The page as a reader hears it: no tags, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()


def footer_of(page: str) -> str:
    found = re.search(r"<footer\b.*?</footer>", page, re.DOTALL)
    assert found, "the page has no footer"
    return found.group()


def links_to_statement(page: str) -> bool:
    return re.search(rf'<a href="{STATEMENT}">Tillgänglighet</a>', footer_of(page)) is not None


def test_anyone_can_read_the_statement_without_signing_in(client):
    answer = client.get(STATEMENT)

    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    words = words_on(page)
    assert "<title>Tillgänglighet – Vår plan</title>" in page
    assert "Tillgänglighet för Vår plan" in words
    assert "Socialtjänsten i din kommun står bakom appen Vår plan." in words
    assert "Appen är delvis förenlig med lagen." in words
    assert "Lag (2018:1937) om tillgänglighet till digital offentlig service" in words
    # What is not accessible yet, honestly.
    assert "arabiska, somaliska, persiska och tigrinja" in words
    assert "Bilderna har ingen text som beskriver dem." in words
    assert "frågar den efter din kod igen" in words
    # How to tell us, and Digg if our answer is not good enough.
    assert "Berätta för din socialsekreterare." in words
    assert '<a href="https://www.digg.se/tdosanmalan">Anmäl till Digg</a>' in page
    assert "Appen bedömdes den 30 november 2026." in words
    # No address or number was set: none is made up.
    assert "mailto:" not in page
    assert "tel:" not in page


def test_the_municipality_names_itself_and_its_contacts(app, client):
    app.config.update(
        ORGANISATION_NAME="Socialtjänsten i Exempelby",
        ACCESSIBILITY_EMAIL="tillganglighet@exempelby.se",
        ACCESSIBILITY_PHONE="0123-45 67 89",
    )

    page = client.get(STATEMENT).get_data(as_text=True)

    assert "Socialtjänsten i Exempelby står bakom appen Vår plan." in words_on(page)
    assert (
        '<a href="mailto:tillganglighet@exempelby.se">'
        "Skicka e-post till tillganglighet@exempelby.se</a>" in page
    )
    assert '<a href="tel:0123456789">Ring 0123-45 67 89</a>' in page


def test_the_contacts_are_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("FAMILJEAPP_ORGANISATION_NAME", "Socialtjänsten i Exempelby")
    monkeypatch.setenv("FAMILJEAPP_ACCESSIBILITY_EMAIL", "tillganglighet@exempelby.se")
    monkeypatch.setenv("FAMILJEAPP_ACCESSIBILITY_PHONE", "0123-45 67 89")

    settings = config.from_environment()

    assert settings["ORGANISATION_NAME"] == "Socialtjänsten i Exempelby"
    assert settings["ACCESSIBILITY_EMAIL"] == "tillganglighet@exempelby.se"
    assert settings["ACCESSIBILITY_PHONE"] == "0123-45 67 89"


def test_every_kind_of_page_links_to_the_statement_in_its_footer(app, demo):
    anonymous = app.test_client()
    assert links_to_statement(anonymous.get("/").get_data(as_text=True)), "start page"
    assert links_to_statement(anonymous.get("/i/not-a-link").get_data(as_text=True)), "error"
    staff_sign_in = anonymous.get("/personal/logga-in").get_data(as_text=True)
    assert links_to_statement(staff_sign_in), "the staff sign-in page"

    parent = app.test_client()
    plan = sign_in(parent, person(demo, "Sara")["invite_path"])
    assert links_to_statement(parent.get(plan).get_data(as_text=True)), "a family page"

    child = app.test_client()
    home = sign_in(child, person(demo, "Elsa")["invite_path"])
    assert links_to_statement(child.get(home).get_data(as_text=True)), "a child's page"

    worker = app.test_client()
    sign_in_worker(worker, demo["workers"][0])
    dashboard = worker.get("/personal/")
    assert dashboard.status_code == 200
    assert links_to_statement(dashboard.get_data(as_text=True)), "a staff page"


def test_a_child_reading_the_statement_keeps_the_childs_own_buttons(app, demo):
    child = app.test_client()
    sign_in(child, person(demo, "Elsa")["invite_path"])

    words = words_on(child.get(STATEMENT).get_data(as_text=True))

    assert "Tillgänglighet för Vår plan" in words
    assert "Jag vill prata med någon" in words
    assert "Jag är klar" in words
    assert "Logga ut" not in words
