"""Vårt nätverk and Tidsram as pictures, read by a parent on a 320 px phone (issue 11), also
with Större text and with the phone's text at 200 %."""

import re
from datetime import timedelta

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from familjeapp import clock

from .conftest import assert_no_horizontal_scroll
from .test_every_family_can_read_it import text_at_200_percent


def swedish(day) -> str:
    return format_date(day, "d MMMM" if day.year == clock.today().year else "d MMMM y", locale="sv")


def text_height(locator: Locator) -> float:
    """How tall the letters of an element's first line are drawn on the screen, in CSS px: the
    same measure for a name in an SVG shrunk to fit and for the page's own text."""
    return locator.evaluate(
        """e => { const range = document.createRange(); range.selectNodeContents(e);
                   return range.getClientRects()[0].height; }"""
    )


def inside(part: Locator, drawing: Locator) -> None:
    """The part is drawn whole, within the drawing's width: nothing cut off at its sides."""
    box, room = part.bounding_box(), drawing.bounding_box()
    assert room["x"] <= box["x"] and box["x"] + box["width"] <= room["x"] + room["width"], (
        box,
        room,
    )


def readable_names(page: Page, network_map: Locator, line: Locator) -> None:
    """Every name on the map and "I dag" on the line are as large as the body text beside them,
    and stay inside their picture; nothing scrolls sideways."""
    body = text_height(page.locator("#part-scale > p").first)
    for name in ("Elsa", "Sara", "Farmor Britt", "Morbror Karim"):
        drawn = network_map.get_by_text(name, exact=True)
        assert text_height(drawn) >= body - 0.5, (name, text_height(drawn), body)
        inside(drawn, network_map)
    today = line.get_by_text(re.compile("^(I dag|اليوم)$"))
    assert text_height(today) >= body - 0.5, (text_height(today), body)
    inside(today, line)
    assert_no_horizontal_scroll(page)


def test_the_network_map_and_the_timeline_on_a_small_phone(
    narrow, new_family, sign_in, assert_accessible
):
    family = new_family()
    page = narrow.new_page()
    sign_in(page, family.person("Sara"))
    today = clock.today()

    network_map = page.get_by_role("img", name=re.compile("^Vårt nätverk som en bild"))
    network_map.scroll_into_view_if_needed()
    expect(network_map).to_be_visible()
    for name in ("Elsa", "Sara", "Farmor Britt", "Morbror Karim"):
        expect(network_map.get_by_text(name, exact=True)).to_be_visible()
    rings = page.locator(".netmap__rings")
    expect(rings.get_by_role("listitem").filter(has_text="I mitten:")).to_have_text(
        "I mitten: Elsa (9 år)"
    )
    expect(rings.get_by_role("listitem").filter(has_text="Runt omkring:")).to_contain_text(
        "Farmor Britt (farmor)"
    )

    line = page.get_by_role("img", name=re.compile("^Tidsramen som en linje i tid"))
    line.scroll_into_view_if_needed()
    expect(line).to_be_visible()
    expect(line.locator("text", has_text="I dag")).to_be_visible()
    meeting = swedish(today + timedelta(days=10))
    expect(page.locator(".timeline__next")).to_have_text(
        f"Nästa nätverksmöte är {meeting}, om 10 dagar."
    )
    expect(page.locator(".timeline__event--today")).to_have_text(
        re.compile(rf"{swedish(today)}\s*I dag")
    )
    # Drawn to scale: today (30 days after the start of 150) stands a fifth along the line.
    start, end = (
        box["x"] for box in (r.bounding_box() for r in line.locator("rect[width='4']").all())
    )
    mark = line.locator(".timeframe-line__today").bounding_box()["x"]
    assert abs((mark - start) / (end - start) - 0.2) < 0.03
    for drawing in (network_map, line):
        assert drawing.bounding_box()["width"] <= 320

    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    readable_names(page, network_map, line)

    # Större text, and the phone's own text at 200 % on top: the names grow with the page.
    page.get_by_role("button", name="Större text").click()
    expect(page.locator("html")).to_have_class("text-large")
    readable_names(page, network_map, line)
    text_at_200_percent(page)
    page.reload()
    readable_names(page, network_map, line)

    # In Arabic time runs leftwards: the start at the right, the planned end at the left.
    page.get_by_label("Språk").select_option("ar")
    page.get_by_role("button", name="Byt språk").click()
    line = page.get_by_role("img", name=re.compile("^المدة الزمنية"))
    line.scroll_into_view_if_needed()
    expect(line.locator("text", has_text="اليوم")).to_be_visible()
    start, end = (
        box["x"] for box in (r.bounding_box() for r in line.locator("rect[width='4']").all())
    )
    assert start > end
    assert_no_horizontal_scroll(page)
