"""The accessibility statement, as someone who looks for it finds it: from the footer of the start
page, on a phone and on the narrowest phone, with nothing axe can find on it."""

from playwright.sync_api import expect


def test_the_statement_is_one_tap_from_the_start_page_and_reads_well_on_any_phone(
    phone, narrow, assert_accessible, assert_no_horizontal_scroll
):
    page = phone.new_page()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighet").click()

    page.wait_for_url("**/tillganglighet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighet för Vår plan")
    expect(page.get_by_role("heading", name="Det här fungerar inte än")).to_be_visible()
    expect(page.get_by_role("link", name="Anmäl till Digg")).to_have_attribute(
        "href", "https://www.digg.se/tdosanmalan"
    )
    assert_accessible(page)

    small = narrow.new_page()
    small.goto("/tillganglighet")
    expect(small.get_by_role("heading", level=1)).to_be_visible()
    assert_no_horizontal_scroll(small)
    assert_accessible(small)
