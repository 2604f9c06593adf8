"""A child's own pages on a phone and on a tablet: the face scale, the three houses, the safe
home, the story and who helps; clean for axe and without sideways scrolling at 320 px."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, assert_no_horizontal_scroll, sign_in_child

TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}
CHILD_PAGES = ("", "hur-kanns-det", "tre-hus", "tre-hus/oro/lagg-till", "trygga-hemmet",
               "ord-och-bilder", "vem-hjalper-mig")  # fmt: skip


@pytest.fixture(params=["phone", "tablet"])
def child_device(request, make_context):
    if request.param == "phone":
        return make_context("Pixel 7")
    return make_context(None, **TABLET)


def test_a_child_tells_how_it_feels_adds_to_a_house_and_reads_the_story(child_device, new_family):
    family = new_family()
    page = child_device.new_page()
    home = sign_in_child(page, family.person("Elsa"))
    for name in ("Hur känns det hemma?", "Tre hus", "Det trygga hemmet", "Ord och bilder",
                 "Vem hjälper mig?"):  # fmt: skip
        expect(page.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Hur känns det hemma?").click()
    page.get_by_label("2 av 10: ledsen").check(force=True)
    page.get_by_label("regnmoln").check(force=True)
    assert_accessible(page)
    page.get_by_role("button", name="Spara hur det känns").click()
    expect(page.get_by_text("Det du svarar ser bara din socialsekreterare.")).to_be_visible()
    assert_accessible(page)

    page.goto(home + "tre-hus")
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till i Oroshuset").click()
    page.get_by_label("spöke").check(force=True)
    page.get_by_label("Några ord (om du vill)").fill("Det låter i natt")
    assert_accessible(page)
    page.get_by_role("button", name="Lägg det i huset").click()
    worries = page.locator("#hus-oro")
    expect(worries.get_by_text("Det låter i natt")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Sparat i Oroshuset")

    page.goto(home + "trygga-hemmet")
    expect(page.get_by_role("heading", name="Reglerna på taket")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("skalan"))).to_be_visible()
    expect(page.get_by_role("cell", name="2 av 10: ledsen")).to_be_visible()
    assert_accessible(page)

    page.goto(home + "ord-och-bilder")
    expect(page.get_by_text("Sida 1 av 4")).to_be_visible()
    page.get_by_role("link", name="Nästa sida").click()
    expect(page.get_by_text("Sida 2 av 4")).to_be_visible()
    page.get_by_role("link", name="Förra sidan").click()
    expect(page.get_by_text("Sida 1 av 4")).to_be_visible()
    assert_accessible(page)

    page.goto(home + "vem-hjalper-mig")
    expect(page.get_by_role("heading", name=re.compile("Farmor Britt"))).to_be_visible()
    assert_accessible(page)


def test_a_child_chooses_a_face_with_the_keyboard_only(phone, new_family):
    family = new_family()
    page = phone.new_page()
    home = sign_in_child(page, family.person("Elsa"))
    page.goto(home + "hur-kanns-det")
    page.get_by_label("0 av 10: jätteledsen").focus()
    for _step in range(2):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_label("2 av 10: ledsen")).to_be_checked()
    page.get_by_role("button", name="Spara hur det känns").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tack!")).to_be_visible()


def test_every_child_page_fits_a_320_px_phone(narrow, new_family):
    family = new_family()
    page = narrow.new_page()
    home = sign_in_child(page, family.person("Elsa"))
    for path in CHILD_PAGES:
        page.goto(home + path)
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
