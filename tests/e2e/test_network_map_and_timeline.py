"""Vårt nätverk and Tidsram as pictures, read by a parent on a 320 px phone (issue 11)."""

import re
from datetime import timedelta

from babel.dates import format_date
from playwright.sync_api import expect

from familjeapp import clock


def swedish(day) -> str:
    return format_date(day, "d MMMM" if day.year == clock.today().year else "d MMMM y", locale="sv")


def test_the_network_map_and_the_timeline_on_a_small_phone(
    narrow, new_family, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    page = narrow.new_page()
    sign_in(page, family.person("Sara"))
    today = clock.today()

    network_map = page.get_by_role("img", name=re.compile("^Vårt nätverk som en bild"))
    network_map.scroll_into_view_if_needed()
    expect(network_map).to_be_visible()
    for name in ("Elsa", "Sara", "Farmor Britt", "Morbror Karim"):
        expect(network_map.locator("text", has_text=name)).to_be_visible()
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
    mark = line.locator("line[y1='22']").bounding_box()["x"]
    assert abs((mark - start) / (end - start) - 0.2) < 0.03
    for drawing in (network_map, line):
        assert drawing.bounding_box()["width"] <= 320

    assert_no_horizontal_scroll(page)
    assert_accessible(page)

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
