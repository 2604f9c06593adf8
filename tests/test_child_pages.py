"""The child's own pages: the picture scale, the three houses, the safety house, the story and
who helps. What a child answers or adds reaches the social worker only."""

import difflib
import re
import secrets

import pytest
from conftest import csrf_token, shows_picture, signed_in

from familjeapp.store import children

SECRET_WORDS = "Jag gillar inte när det är högt"
SECRET_PICTURE = "unicorn"


def child_signed_in(app, family: dict, name: str = "Elsa"):
    """A child's browser after the invite and the picture code (conftest's sign_in)."""
    return signed_in(app, family, name)


@pytest.fixture
def elsa(app, demo):
    return child_signed_in(app, demo)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def count(db, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def feel(client, family: int, **data):
    form = client.get(f"/barn/{family}/hur-kanns-det")
    sent = {"csrf_token": csrf_token(form), "client_id": secrets.token_urlsafe(18)}
    return client.post(f"/barn/{family}/hur-kanns-det", data={**sent, **data})


def add_to_house(client, family: int, house: str = "oro", **data):
    form = client.get(f"/barn/{family}/tre-hus/oro/lagg-till")
    sent = {"csrf_token": csrf_token(form), "client_id": secrets.token_urlsafe(18)}
    return client.post(f"/barn/{family}/tre-hus/{house}/lagg-till", data={**sent, **data})


# --- Home -------------------------------------------------------------------------------------


def test_the_child_home_leads_to_every_page_and_to_help_now(elsa, demo):
    family = demo["family_id"]
    home = page(elsa, f"/barn/{family}/")
    for path, name in [
        ("hur-kanns-det", "Hur känns det hemma?"),
        ("tre-hus", "Tre hus"),
        ("trygga-hemmet", "Det trygga hemmet"),
        ("ord-och-bilder", "Ord och bilder"),
        ("vem-hjalper-mig", "Vem hjälper mig?"),
    ]:
        assert f'href="/barn/{family}/{path}"' in home
        assert name in home
    assert 'href="tel:116111"' in home and 'href="tel:112"' in home
    assert "Snart får du egna sidor" not in home


# --- Hur känns det hemma? ---------------------------------------------------------------------


def test_the_picture_scale_has_eleven_faces_with_names_and_a_button_that_says_what_happens(
    elsa, demo
):
    form = page(elsa, f"/barn/{demo['family_id']}/hur-kanns-det")
    assert len(re.findall(r'type="radio" id="rating-\d+" name="rating"', form)) == 11
    assert 'aria-label="2 av 10: ledsen"' in form
    assert 'aria-label="0 av 10: jätteledsen"' in form
    assert 'aria-label="10 av 10: superglad"' in form
    assert shows_picture(form, "loudly-crying-face") and shows_picture(form, "star-struck")
    assert "Spara hur det känns" in form
    assert not re.search(r"<button[^>]*>[^<]*Skicka", form)
    assert "Hur känns det hemma?" in form


def test_a_childs_face_is_saved_once_and_the_thanks_say_who_sees_it(elsa, demo, db):
    family = demo["family_id"]
    form = elsa.get(f"/barn/{family}/hur-kanns-det")
    data = {
        "csrf_token": csrf_token(form),
        "client_id": secrets.token_urlsafe(18),
        "rating": "2",
        "words": SECRET_WORDS,
        "picture": SECRET_PICTURE,
    }
    first = elsa.post(f"/barn/{family}/hur-kanns-det", data=data)
    again = elsa.post(f"/barn/{family}/hur-kanns-det", data=data)
    assert first.status_code == again.status_code == 303
    assert first.location == again.location
    rows = list(db.query("SELECT rating, words, picture, shared FROM checkins"))
    assert rows == [{"rating": 2, "words": SECRET_WORDS, "picture": SECRET_PICTURE, "shared": 0}]
    thanks = page(elsa, first.location)
    assert "Det du svarar ser bara din socialsekreterare." in thanks


def test_words_and_a_picture_are_never_required(elsa, demo, db):
    assert feel(elsa, demo["family_id"], rating="7").status_code == 303
    assert list(db.query("SELECT rating, words, picture FROM checkins")) == [
        {"rating": 7, "words": "", "picture": None}
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "11"}, "Välj ett ansikte."),
        ({"rating": "-1"}, "Välj ett ansikte."),
        ({}, "Välj ett ansikte."),
        ({"rating": "5", "picture": "no-such-picture-xyz"}, "Välj en bild bland bilderna."),
        ({"rating": "5", "words": "ord " * 60}, "Skriv högst 200 tecken."),
    ],
    ids=["eleven", "minus one", "none", "unknown picture", "too many words"],
)
def test_a_bad_answer_is_refused_clearly_and_nothing_is_saved(elsa, demo, db, data, message):
    answer = feel(elsa, demo["family_id"], **data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in text
    assert "no-such-picture-xyz" not in text and "ord ord ord" not in text
    assert count(db, "checkins") == 0


def test_the_same_form_sent_with_another_answer_is_refused(elsa, demo, db):
    family = demo["family_id"]
    form = elsa.get(f"/barn/{family}/hur-kanns-det")
    data = {"csrf_token": csrf_token(form), "client_id": secrets.token_urlsafe(18)}
    assert (
        elsa.post(f"/barn/{family}/hur-kanns-det", data={**data, "rating": "3"}).status_code == 303
    )
    other = elsa.post(f"/barn/{family}/hur-kanns-det", data={**data, "rating": "9"})
    assert other.status_code == 409
    assert count(db, "checkins") == 1


def test_another_familys_child_cannot_answer_for_this_family(app, demo, other_demo, db):
    stranger = child_signed_in(app, other_demo)
    answer = feel(stranger, demo["family_id"], rating="4")
    assert answer.status_code == 404
    assert count(db, "checkins") == 0


# --- Tre hus ----------------------------------------------------------------------------------


def test_the_three_houses_show_what_the_worker_wrote_with_the_child(elsa, demo):
    houses = page(elsa, f"/barn/{demo['family_id']}/tre-hus")
    for name in ("Oroshuset", "Det bra huset", "Drömhuset"):
        assert name in houses
    child_items = [i for i in demo["items"] if i["kind"].startswith("house_")]
    assert len(child_items) >= 6
    for item in child_items:
        assert item["child_text"] in houses


def test_a_child_adds_a_picture_and_words_to_a_house_once(elsa, demo, db):
    family = demo["family_id"]
    form = page(elsa, f"/barn/{family}/tre-hus/oro/lagg-till")
    assert len(re.findall(r'type="radio" id="picture-[a-z0-9-]+" name="picture"', form)) >= 12
    data = {
        "csrf_token": csrf_token(form),
        "client_id": secrets.token_urlsafe(18),
        "picture": SECRET_PICTURE,
        "words": SECRET_WORDS,
    }
    first = elsa.post(f"/barn/{family}/tre-hus/oro/lagg-till", data=data)
    again = elsa.post(f"/barn/{family}/tre-hus/oro/lagg-till", data=data)
    assert first.status_code == again.status_code == 303
    assert list(db.query("SELECT house, picture, words, shared_at FROM child_additions")) == [
        {"house": "worries", "picture": SECRET_PICTURE, "words": SECRET_WORDS, "shared_at": None}
    ]
    houses = page(elsa, first.location)
    assert SECRET_WORDS in houses and shows_picture(houses, SECRET_PICTURE)


def test_a_child_can_search_for_a_picture_by_word(elsa, demo):
    found = page(elsa, f"/barn/{demo['family_id']}/tre-hus/drommar/lagg-till?ord=hund")
    assert 'value="dog-face"' in found or 'value="dog"' in found


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"picture": "no-such-picture-xyz"}, "Välj en bild bland bilderna."),
        ({"picture": "dog-face", "words": "ord " * 60}, "Skriv högst 200 tecken."),
        ({}, "Välj en bild eller skriv några ord."),
    ],
    ids=["unknown picture", "too many words", "nothing"],
)
def test_a_bad_addition_is_refused_clearly_and_nothing_is_saved(elsa, demo, db, data, message):
    answer = add_to_house(elsa, demo["family_id"], **data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in text
    assert "no-such-picture-xyz" not in text and "ord ord ord" not in text
    assert count(db, "child_additions") == 0


def test_a_house_that_does_not_exist_is_not_there(elsa, demo, db):
    family = demo["family_id"]
    assert elsa.get(f"/barn/{family}/tre-hus/kallaren/lagg-till").status_code == 404
    answer = add_to_house(elsa, family, house="kallaren", picture="dog-face")
    assert answer.status_code == 404
    assert "Det huset finns inte" in answer.get_data(as_text=True)
    assert count(db, "child_additions") == 0


def test_another_familys_child_cannot_add_to_this_familys_houses(app, demo, other_demo, db):
    stranger = child_signed_in(app, other_demo)
    assert add_to_house(stranger, demo["family_id"], picture="dog-face").status_code == 404
    assert count(db, "child_additions") == 0


def test_a_client_id_another_child_used_is_refused(app, demo, other_demo, db):
    client_id = secrets.token_urlsafe(18)
    children.add_to_house(
        db, family_id=other_demo["family_id"],
        person_id=next(p["id"] for p in other_demo["people"] if p["name"] == "Elsa"),
        client_id=client_id, house="good", picture="dog-face", words="",
    )  # fmt: skip
    elsa = child_signed_in(app, demo)
    form = elsa.get(f"/barn/{demo['family_id']}/tre-hus/oro/lagg-till")
    answer = elsa.post(
        f"/barn/{demo['family_id']}/tre-hus/oro/lagg-till",
        data={"csrf_token": csrf_token(form), "client_id": client_id, "picture": "dog-face"},
    )
    assert answer.status_code == 409
    assert count(db, "child_additions") == 1


# --- Det trygga hemmet, Ord och bilder, Vem hjälper mig? ---------------------------------------


def test_the_safety_house_shows_people_rules_in_child_words_and_the_childs_own_path(elsa, demo):
    family = demo["family_id"]
    before = page(elsa, f"/barn/{family}/trygga-hemmet")
    for name in ("Sara", "Johan", "Farmor Britt", "Morbror Karim"):
        assert name in before
    for item in demo["items"]:
        if item["kind"] in ("safety_person", "safety_rule"):
            assert item["child_text"] in before
    assert "Om de vuxna bråkar får du och mamma sova hos farmor." in before
    assert "Johan dricker inte alkohol när Elsa är hemma." not in before  # for adults only
    assert 'class="chart__svg"' not in before
    feel(elsa, family, rating="4")
    feel(elsa, family, rating="6")
    after = page(elsa, f"/barn/{family}/trygga-hemmet")
    assert 'class="chart__svg"' in after


def test_the_story_is_read_one_page_at_a_time(elsa, demo):
    family = demo["family_id"]
    story = [i for i in demo["items"] if i["kind"] == "story_page"]
    assert len(story) == 4
    first = page(elsa, f"/barn/{family}/ord-och-bilder")
    assert "Sida 1 av 4" in first and story[0]["child_text"] in first
    assert story[1]["child_text"] not in first
    assert f'href="/barn/{family}/ord-och-bilder?sida=2"' in first
    second = page(elsa, f"/barn/{family}/ord-och-bilder?sida=2")
    assert "Sida 2 av 4" in second and story[1]["child_text"] in second
    assert f'href="/barn/{family}/ord-och-bilder?sida=1"' in second
    assert elsa.get(f"/barn/{family}/ord-och-bilder?sida=9").status_code == 404


def test_who_helps_shows_the_faces_and_only_promises_a_child_may_read(elsa, demo):
    helpers = page(elsa, f"/barn/{demo['family_id']}/vem-hjalper-mig")
    for name in ("Sara", "Johan", "Farmor Britt", "Morbror Karim"):
        assert name in helpers
    assert "Jag har alltid en säng redo för Sara och Elsa." in helpers
    assert "Jag ringer Johan varje kväll" not in helpers  # a promise for an adults' rule


# --- Privacy ----------------------------------------------------------------------------------

# What differs on every load: the CSRF tokens and each new form's own id.
TOKEN = re.compile(
    r'(name="(?:csrf_token|client_id)"(?: type="hidden")? value="|"X-CSRFToken": ")[^"]+'
)


def diff(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0)][:20]


def pages_of(client, family: int) -> dict[str, str]:
    """Every page and fragment an adult of the family can open, without the CSRF tokens."""
    urls = [f"/familj/{family}/plan", f"/familj/{family}/historik", f"/familj/{family}/hur-gar-det"]
    seen = {url: client.get(url).get_data(as_text=True) for url in urls}
    seen["fragment"] = client.get(
        f"/familj/{family}/plan", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    return {url: TOKEN.sub(r"\1", text) for url, text in seen.items()}


def test_parents_and_network_never_see_what_a_child_answered_or_added(app, demo, db):
    family = demo["family_id"]
    sara, britt = signed_in(app, demo, "Sara"), signed_in(app, demo, "Farmor Britt")
    before = {"sara": pages_of(sara, family), "britt": pages_of(britt, family)}
    elsa = child_signed_in(app, demo)
    saved = feel(elsa, family, rating="2", words=SECRET_WORDS, picture=SECRET_PICTURE)
    assert saved.status_code == 303
    assert add_to_house(elsa, family, picture="ghost", words="Spöket i huset").status_code == 303
    checkin = db.execute("SELECT id FROM checkins").fetchone()[0]
    after = {"sara": pages_of(sara, family), "britt": pages_of(britt, family)}
    for who, pages in after.items():
        for url, text in pages.items():
            assert text == before[who][url], (who, url, diff(before[who][url], text))
    for adult in (sara, britt):
        history = adult.get(f"/familj/{family}/historik?sparad={checkin}").get_data(as_text=True)
        for secret in (SECRET_WORDS, SECRET_PICTURE, "Spöket i huset", "ghost.svg"):
            assert secret not in history
        for child_page in ("", "hur-kanns-det", "tre-hus", "trygga-hemmet"):
            assert adult.get(f"/barn/{family}/{child_page}").status_code == 404
