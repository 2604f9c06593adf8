"""The app on a small phone: 320 px wide, big touch targets, the language of one's choice."""

import pytest
from playwright.sync_api import expect


def test_at_320px_every_page_reflows_without_sideways_scrolling(
    narrow, new_family, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    page = narrow.new_page()
    problems = []

    def check(what: str) -> None:
        """Check one page; go on to the next either way, and report every page at the end."""
        expect(page.get_by_role("heading", level=1), what).to_be_visible()
        for audit in (assert_no_horizontal_scroll, assert_accessible):
            try:
                audit(page)
            except (AssertionError, pytest.fail.Exception) as problem:
                problems.append(f"{what}: {problem}")

    page.goto("/")
    check("the start page")

    page.goto(family.person("Sara")["invite_path"])
    check("the invite page")
    page.get_by_role("button", name="Öppna vår plan").click()

    page.wait_for_url("**/kod/ny")
    check("the page to choose a code")
    page.get_by_label("Välj en kod med 4 siffror").fill("2468")
    page.get_by_label("Skriv samma kod en gång till").fill("2468")
    page.get_by_role("button", name="Spara min kod").click()

    page.wait_for_url("**/familj/*/plan")
    plan_path = page.url
    # With a worry's form open, too: the radios and the text box must fit as well.
    worry = page.locator(f"#oro-{family.item('danger')['id']}")
    worry.get_by_text("Säg vad du tycker", exact=True).click()
    expect(worry.get_by_role("button", name="Spara vad jag tycker")).to_be_visible()
    check("the plan")

    answer = page.goto("/familj/999999/plan")
    assert answer.status == 404
    expect(page.get_by_role("heading", name="Vi hittar inte sidan")).to_be_visible()
    check("an error page")

    page.goto(plan_path)
    page.get_by_role("link", name="Logga ut").click()
    page.wait_for_url("**/logga-ut")
    check("the question before logging out")
    page.get_by_role("button", name="Ja, logga ut och glöm telefonen").click()
    page.wait_for_url("**/utloggad")
    check("the logged-out page")

    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_language_switch_is_remembered(phone, new_family, sign_in):
    page = phone.new_page()
    plan_path = sign_in(page, new_family().person("Sara"))
    expect(page.get_by_role("heading", name="Vår plan", level=1)).to_be_visible()

    page.get_by_label("Språk").select_option(label="English")
    page.get_by_role("button", name="Byt språk").click()

    page.wait_for_url(f"**{plan_path}")
    expect(page.get_by_role("heading", name="Our plan", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.get_by_role("heading", name="Our plan", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


TOUCH_TARGETS = "button, a.button, .choice label, summary, select"


def test_touch_targets_are_at_least_44px(phone, new_family, sign_in):
    page = phone.new_page()
    sign_in(page, new_family().person("Sara"))
    # Open every fold-out, so that the radio choices inside are measured too.
    for summary in page.locator("summary").all():
        summary.click()

    measured = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length > 0
                         && getComputedStyle(e).visibility !== 'hidden')
            .map(e => {
              const box = e.getBoundingClientRect();
              return {
                what: e.tagName.toLowerCase()
                  + (e.className ? '.' + e.className.split(' ').join('.') : ''),
                text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40),
                width: Math.round(box.width * 10) / 10,
                height: Math.round(box.height * 10) / 10,
              };
            })""",
        TOUCH_TARGETS,
    )
    kinds = {m["what"].split(".")[0] for m in measured}
    assert {"button", "a", "label", "summary", "select"} <= kinds, f"nothing measured: {kinds}"
    too_small = [m for m in measured if m["height"] < 44]
    assert not too_small, "touch targets lower than 44 px:\n" + "\n".join(
        f"  {m['what']} {m['text']!r}: {m['width']}×{m['height']}" for m in too_small
    )
