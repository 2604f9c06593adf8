"""Every adult can say whether they agree with a worry: with htmx in place, or with a plain form."""

import re

from playwright.sync_api import expect

WORDS = "Jag dricker mindre nu. <b>fet</b> & 'citat'"
THANKS = "Tack! Nu kan de andra se vad du tycker."


def say_partly(card) -> None:
    """Open "Säg vad du tycker" on a worry, choose "Delvis", write why and save."""
    card.get_by_text("Säg vad du tycker", exact=True).click()
    card.get_by_label("Delvis", exact=True).check()
    card.get_by_role("textbox").fill(WORDS)
    card.get_by_role("button", name="Spara vad jag tycker").click()


def expect_my_view(card) -> None:
    mine = card.get_by_role("listitem").filter(has=card.page.get_by_text("Du", exact=True))
    expect(mine).to_have_count(1)
    # A sentence, like the others' views: "Du håller delvis med", not "Du Delvis".
    expect(mine).to_have_text(re.compile(r"^\s*Du\s+håller delvis med:"))
    # The words are shown as the person wrote them: as text, never as markup.
    expect(mine.locator("q")).to_have_text(WORDS)
    expect(card.locator("q b")).to_have_count(0)


def test_parent_marks_a_view_on_a_worry_with_htmx(
    phone, make_context, new_family, sign_in, assert_accessible
):
    family = new_family()
    danger = family.item("danger")
    page = phone.new_page()
    sign_in(page, family.person("Sara"))

    page.evaluate("() => { window.familjeappMarker = 'same page'; }")
    loads = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))

    card = page.locator(f"#oro-{danger['id']}")
    expect(card).to_contain_text(danger["text"])
    say_partly(card)

    expect(card.get_by_role("status")).to_have_text(THANKS)
    expect_my_view(card)
    # The card was swapped in place: no page load, the page's JavaScript state is still there.
    assert page.evaluate("() => window.familjeappMarker") == "same page"
    assert loads == []
    assert_accessible(page)

    # Saved on the server: still there after a reload.
    page.reload()
    card = page.locator(f"#oro-{danger['id']}")
    expect_my_view(card)
    expect(card.get_by_label("Delvis", exact=True)).to_be_checked()

    # The other parent, on his own phone, sees what Sara thinks.
    johans_phone = make_context("Pixel 7").new_page()
    sign_in(johans_phone, family.person("Johan"))
    card = johans_phone.locator(f"#oro-{danger['id']}")
    saras = card.get_by_role("listitem").filter(has=johans_phone.get_by_text("Sara", exact=True))
    expect(saras).to_have_count(1)
    expect(saras).to_contain_text("håller delvis med")
    expect(saras.locator("q")).to_have_text(WORDS)
    expect(card.get_by_text("Du", exact=True)).to_have_count(0)


def test_parent_marks_a_view_without_javascript(make_context, new_family, sign_in):
    family = new_family()
    danger = family.item("danger")
    page = make_context("Pixel 7", java_script_enabled=False).new_page()
    plan_path = sign_in(page, family.person("Sara"))

    card = page.locator(f"#oro-{danger['id']}")
    say_partly(card)

    # A plain POST, then back on the plan at the same worry, with a thank-you.
    key = danger["id"]
    page.wait_for_url(re.compile(re.escape(plan_path) + rf"\?sparat={key}(#oro-{key})?$"))
    card = page.locator(f"#oro-{key}")
    expect(card.get_by_role("status")).to_have_text("Tack! Nu kan de andra se vad du tycker.")
    expect_my_view(card)
    expect(card.get_by_label("Delvis", exact=True)).to_be_checked()
