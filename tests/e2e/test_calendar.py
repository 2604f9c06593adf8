"""Påminnelser i din kalender on a small phone: farmor Britt makes her calendar address."""

import re

from playwright.sync_api import expect


def test_grandmother_puts_her_promises_in_her_phones_calendar(
    narrow, new_family, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    page = narrow.new_page()
    sign_in(page, family.person("Farmor Britt"))
    page.get_by_role("link", name="Påminnelser i din kalender").click()
    expect(page.get_by_role("heading", name="Påminnelser i din kalender", level=1)).to_be_visible()
    expect(page.get_by_label(re.compile("Bara ett enkelt ord"))).to_be_checked()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="Skapa en adress till min kalender").click()
    link = page.get_by_role("link", name="Lägg in i min kalender")
    expect(link).to_have_attribute("href", re.compile(r"^webcal://.+/kalender/[\w-]{43}\.ics$"))
    expect(page.get_by_role("figure").locator("svg.qr")).to_be_visible()
    address = page.get_by_label("Adressen som text").input_value()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # What her calendar app fetches from the real server: neutral words, with reminders.
    feed = narrow.request.get(address)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VALARM" in feed.text() and "Jag ringer" not in feed.text()
