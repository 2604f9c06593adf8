"""Lämna snabbt: one tap, or Shift three times, blanks the page, locks the device on the server
and leaves. The person gets back in with their own code, not a new link."""

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect


@pytest.fixture
def ended(playwright, base_url):
    """ended(cookies, plan_path): True once the old session cookie opens nothing but the code
    prompt.

    This asks with a copy of the cookie from before, as someone who stole it would, so it shows
    what the server does, not what the browser forgot. The beacon that locks the device is sent
    as the page leaves: allow it a moment to arrive.
    """
    contexts = []

    def check(cookies: list[dict], plan_path: str, wait_s: float = 5) -> bool:
        header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
        api = playwright.request.new_context(base_url=base_url)
        contexts.append(api)
        deadline = time.monotonic() + wait_s
        while True:
            answer = api.get(plan_path, headers={"Cookie": header}, max_redirects=0)
            where = urlsplit(answer.headers.get("location", "")).path
            if answer.status in (302, 303) and where == "/kod":
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

    yield check
    for api in contexts:
        api.dispose()


def signed_in_on_the_plan(phone, family, sign_in, ended):
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    # Open the plan once more, so that Back after leaving would lead straight to it.
    page.goto(plan_path)
    expect(page.get_by_text(family.item("strength")["text"])).to_be_visible()
    cookies = phone.cookies()
    assert not ended(cookies, plan_path, wait_s=0), "a copy of the session cookie opens nothing"
    return page, plan_path, cookies


def leave_by(page, how: str) -> None:
    if how == "button":
        page.get_by_role("button", name="Lämna snabbt").click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")


def expect_nothing_personal_after(page, family, plan_path, code) -> None:
    """Back, then the plan's address again: the code prompt, never the plan, and not even the
    person's name; then the person's own code opens the plan again."""
    texts = [*family.texts("everyone", "adults", "parents"), "Sara"]
    page.go_back()
    assert urlsplit(page.url).path != plan_path, f"Back shows the plan again: {page.url}"
    shown = page.content()
    for text in texts:
        assert text not in shown, f"Back shows the plan: {text!r}"
    page.goto(plan_path)
    assert urlsplit(page.url).path == "/kod", f"not asked for the code: {page.url}"
    shown = page.content()
    for text in texts:
        assert text not in shown, f"the plan is still open: {text!r}"
    page.get_by_label("Din kod").fill(code)
    page.get_by_role("button", name="Öppna planen").click()
    expect(page.get_by_text(family.item("strength")["text"])).to_be_visible()
    assert urlsplit(page.url).path == plan_path


def test_quick_exit_button_leaves_blanks_and_locks_the_phone(
    phone, new_family, sign_in, ended, neutral_url, code
):
    """(That the page is blanked is shown by test_leaving_blanks_the_page_at_once below.)"""
    family = new_family()
    page, plan_path, cookies = signed_in_on_the_plan(phone, family, sign_in, ended)

    leave = page.get_by_role("button", name="Lämna snabbt")
    box = leave.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, f"Lämna snabbt is too small: {box}"

    leave_by(page, "button")
    page.wait_for_url(neutral_url)
    assert ended(cookies, plan_path), "the server still accepts the session after Lämna snabbt"
    expect_nothing_personal_after(page, family, plan_path, code)


def test_three_shift_presses_leave_quickly(phone, new_family, sign_in, ended, neutral_url, code):
    family = new_family()
    page, plan_path, cookies = signed_in_on_the_plan(phone, family, sign_in, ended)

    leave_by(page, "shift")
    page.wait_for_url(neutral_url)
    assert ended(cookies, plan_path), "the server still accepts the session after Shift × 3"
    expect_nothing_personal_after(page, family, plan_path, code)


@pytest.mark.parametrize("how", ["button", "shift"])
def test_leaving_blanks_the_page_at_once(how, phone, new_family, sign_in, ended, neutral_url):
    """Before the neutral site has even answered, nothing of the plan is on the screen.

    Here the neutral site answers 204 No Content, so the browser stays on the page it was
    leaving and the test can look at it. (A page on its way out cannot be inspected reliably.)
    """
    family = new_family()
    page, plan_path, cookies = signed_in_on_the_plan(phone, family, sign_in, ended)
    asked = []

    def stay_here(route):
        asked.append(route.request)
        route.fulfill(status=204)

    page.route(neutral_url + "**", stay_here)
    leave_by(page, how)
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert asked, "the page did not go to the neutral site"
    assert asked[0].is_navigation_request() and asked[0].frame == page.main_frame

    assert page.evaluate("() => getComputedStyle(document.body).visibility") == "hidden"
    for text in family.texts("everyone", "adults", "parents"):
        expect(page.get_by_text(text)).to_be_hidden()
    assert ended(cookies, plan_path), "the server still accepts the session after leaving"
