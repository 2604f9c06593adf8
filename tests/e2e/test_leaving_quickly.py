"""Lämna snabbt: one tap, or Shift three times, blanks the page, ends the session and leaves."""

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

NEUTRAL_URL = "https://neutral.example/"


def signed_in_on_the_plan(phone, new_family, sign_in):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    # Open the plan once more, so that Back after leaving would lead straight to it.
    page.goto(plan_path)
    expect(page.get_by_text(family.item("strength")["text"])).to_be_visible()
    return family, page, plan_path


def hold_the_neutral_site(page) -> list:
    """Keep the neutral site from answering until released, so the blanked page can be seen."""
    held = []
    page.route(NEUTRAL_URL + "**", lambda route: held.append(route))
    return held


def expect_blanked_and_gone(page, held) -> None:
    # app.js blanks the page before the neutral site has even answered.
    page.wait_for_function("() => document.documentElement.classList.contains('leaving')")
    assert page.evaluate("() => getComputedStyle(document.body).visibility") == "hidden"
    deadline = time.monotonic() + 5
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page did not go to the neutral site"
    held[0].fulfill(status=200, content_type="text/html", body="<title>Väder</title><h1>Väder</h1>")
    page.wait_for_url(NEUTRAL_URL)


@pytest.fixture
def ended(playwright, base_url):
    """ended(cookies, plan_path): True once the server no longer accepts the old session cookie.

    The browser's own cookie is cleared when leaving; this asks with the cookie from before, so
    it shows the server really ended the session (not only that the browser forgot it). The
    beacon that ends it is sent as the page leaves: allow it a moment to arrive.
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
            if answer.status in (302, 303) and where == "/":
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

    yield check
    for api in contexts:
        api.dispose()


def expect_nothing_personal_after(page, family, plan_path, base_url) -> None:
    texts = family.texts("everyone", "adults", "parents")
    page.go_back()
    shown = page.content()
    for text in texts:
        assert text not in shown, f"Back shows the plan: {text!r}"
    page.goto(plan_path)
    assert page.url.rstrip("/") == base_url.rstrip("/"), page.url
    shown = page.content()
    for text in texts:
        assert text not in shown, f"the plan is still open: {text!r}"


def test_quick_exit_button_leaves_blanks_and_ends_the_session(
    phone, new_family, sign_in, ended, base_url
):
    family, page, plan_path = signed_in_on_the_plan(phone, new_family, sign_in)
    cookies = phone.cookies()
    assert cookies, "no session cookie after signing in"

    leave = page.get_by_role("button", name="Lämna snabbt")
    box = leave.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box

    held = hold_the_neutral_site(page)
    leave.click()
    expect_blanked_and_gone(page, held)
    assert ended(cookies, plan_path), "the server still accepts the session after Lämna snabbt"
    expect_nothing_personal_after(page, family, plan_path, base_url)


def test_three_shift_presses_leave_quickly(phone, new_family, sign_in, ended, base_url):
    family, page, plan_path = signed_in_on_the_plan(phone, new_family, sign_in)
    cookies = phone.cookies()

    held = hold_the_neutral_site(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    expect_blanked_and_gone(page, held)
    assert ended(cookies, plan_path), "the server still accepts the session after Shift × 3"
    expect_nothing_personal_after(page, family, plan_path, base_url)
