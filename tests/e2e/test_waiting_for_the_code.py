"""After three wrong codes the phone must wait. The page says so without calling the right code
wrong, counts the time left down, and then says the person can try again (issue 7)."""

import re

from playwright.sync_api import expect

WRONG = "1357"


def test_the_wait_is_counted_down_and_the_right_code_is_not_called_wrong(
    phone, new_family, sign_in, neutral_url, code, assert_accessible
):
    assert code != WRONG
    family = new_family()
    page = phone.new_page()
    page.clock.install()  # the page's own clock, moved on by hand below
    plan_path = sign_in(page, family.person("Sara"), code)
    page.get_by_role("button", name="Lämna snabbt").click()
    page.wait_for_url(neutral_url)
    page.goto(plan_path)  # locked: the code is asked for
    for _ in range(3):
        page.get_by_label("Din kod").fill(WRONG)
        page.get_by_role("button", name="Öppna planen").click()
    expect(page.get_by_text("Det var inte rätt kod. Vänta 30 sekunder")).to_be_visible()

    page.get_by_label("Din kod").fill(code)
    page.get_by_role("button", name="Öppna planen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("innan du försöker igen")
    expect(summary).not_to_contain_text("inte rätt kod")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^0:[0-3]\d$"))
    assert_accessible(page)

    page.clock.fast_forward(10_000)
    expect(timer).to_have_text(re.compile(r"^0:[0-2]\d$"))
    page.clock.fast_forward(30_000)
    expect(page.get_by_text("Nu kan du försöka igen.")).to_be_visible()
    expect(timer).to_be_hidden()
