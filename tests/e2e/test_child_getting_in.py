"""A child gets in with a picture code by keyboard alone, is asked for it again after a while,
says "Jag vill prata med någon", has the page read aloud, and hands a parent's phone back."""

import re
import sqlite3
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from familjeapp.store import now, timestamp

from .conftest import (
    assert_accessible,
    assert_no_horizontal_scroll,
    choose_by_keyboard,
    choose_picture_code,
    open_invite,
    tab_to,
)

TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}
NARROW = {
    "viewport": {"width": 320, "height": 640},
    "screen": {"width": 320, "height": 640},
    "is_mobile": True,
    "has_touch": True,
}
DEVICES = {"Pixel 7": ("Pixel 7", {}), "tablet": (None, TABLET), "320 px": (None, NARROW)}

# Records what the page asks the browser to say, and says it only when the test lets it end.
SPEECH_STUB = """
window.__spoken = [];
const stub = {
  current: null,
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); this.current = u; },
  cancel() { window.__spoken.push({cancel: true}); this.current = null; },
  getVoices() { return [{lang: "sv-SE", name: "Svenska"}]; },
};
window.__endSpeech = () => {
  const u = stub.current;
  stub.current = null;
  if (u && u.onend) u.onend();
};
Object.defineProperty(window, "speechSynthesis", {value: stub, configurable: true});
if (typeof window.SpeechSynthesisUtterance !== "function") {
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
}
"""


def check(page: Page) -> None:
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.fixture
def make_idle(server_env):
    """A while without use, for one person's devices, as the server's clock sees it."""

    def idle(person_id: int) -> None:
        with sqlite3.connect(server_env["FAMILJEAPP_DB"]) as db:
            db.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE person_id = ?",
                [timestamp(now() - timedelta(minutes=16)), person_id],
            )

    return idle


@pytest.mark.parametrize("screen_kind", list(DEVICES), ids=list(DEVICES))
def test_a_child_gets_in_with_pictures_and_asks_to_talk(
    make_context, new_family, make_idle, screen_kind
):
    family = new_family()
    elsa = family.person("Elsa")
    name, options = DEVICES[screen_kind]
    page = make_context(name, **options).new_page()

    open_invite(page, elsa)
    expect(page.get_by_role("heading", name="Välj din bildkod")).to_be_visible()
    check(page)
    choose_by_keyboard(page)
    expect(page.get_by_role("heading", name="Välj samma bilder en gång till")).to_be_visible()
    check(page)
    choose_by_keyboard(page, button="Spara min bildkod")
    page.wait_for_url(f"**/barn/{family['family_id']}/")

    make_idle(elsa["id"])
    page.reload()
    page.wait_for_url(re.compile(r"/kod\?next="))
    expect(page.get_by_role("heading", name="Din bildkod")).to_be_visible()
    check(page)
    choose_by_keyboard(page, button="Öppna mina sidor")
    page.wait_for_url(f"**/barn/{family['family_id']}/")

    tab_to(page, text="Jag vill prata med någon")
    page.keyboard.press("Enter")
    page.wait_for_url("**/prata")
    expect(page.get_by_text("Anna, din socialsekreterare, har fått veta det.")).to_be_visible()
    expect(page.get_by_text("senast nästa vardag")).to_be_visible()
    expect(page.get_by_role("link", name="Ring BRIS 116 111")).to_have_attribute(
        "href", "tel:116111"
    )
    expect(page.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    check(page)

    page.get_by_role("button", name="Jag är klar").click()
    expect(page.get_by_role("heading", name="Hej då!")).to_be_visible()
    check(page)
    page.go_back()
    expect(page.get_by_text("Anna, din socialsekreterare")).to_have_count(0)


def test_a_parents_phone_gets_the_parent_back_locked(phone, new_family, sign_in, code):
    family = new_family()
    page = phone.new_page()
    plan = sign_in(page, family.person("Sara"))
    open_invite(page, family.person("Elsa"))
    choose_picture_code(page)
    page.get_by_role("button", name="Jag vill prata med någon").click()
    expect(page.get_by_text("Anna, din socialsekreterare, har fått veta det.")).to_be_visible()

    page.get_by_role("button", name="Jag är klar").click()
    expect(page.get_by_role("heading", name="Hej då!")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Anna, din socialsekreterare")).to_have_count(0)
    page.goto(plan)
    page.wait_for_url(re.compile(r"/kod\?next="))
    expect(page.get_by_role("heading", name="Skriv din kod")).to_be_visible()
    page.get_by_label("Din kod").fill(code)
    page.get_by_role("button", name="Öppna planen").click()
    page.wait_for_url(f"**{plan}")
    expect(page.get_by_text("vill prata")).to_have_count(0)


def test_the_talk_page_is_read_aloud_in_swedish_and_marks_what_is_read(make_context, new_family):
    family = new_family()
    context = make_context("Pixel 7")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    open_invite(page, family.person("Elsa"))
    choose_picture_code(page)
    page.get_by_role("button", name="Jag vill prata med någon").click()

    block = page.locator("#talk-who")
    read = page.get_by_role("button", name="Läs upp", exact=True).first
    read.click()
    spoken = [s for s in page.evaluate("window.__spoken") if "text" in s]  # a line each
    assert {s["lang"] for s in spoken} == {"sv"}
    assert spoken[0]["text"] == "Anna, din socialsekreterare, har fått veta det."
    expect(block).to_have_class("read-block talk-who is-being-read")
    expect(read).to_have_attribute("aria-pressed", "true")
    page.evaluate("window.__endSpeech()")
    expect(block).not_to_have_class("read-block talk-who is-being-read")
    expect(read).to_have_attribute("aria-pressed", "false")

    whole = page.get_by_role("button", name="Läs upp hela sidan")
    whole.click()
    page.evaluate("window.__endSpeech()")
    expect(page.locator("#help-bris")).to_have_class("read-block is-being-read")
    texts = [s["text"] for s in page.evaluate("window.__spoken") if "text" in s]
    assert texts[-2].startswith("Anna") and "BRIS" in texts[-1]
    whole.click()  # a second press stops
    expect(page.locator(".is-being-read")).to_have_count(0)
    assert page.evaluate("window.__spoken")[-1] == {"cancel": True}


def test_without_javascript_no_read_aloud_button_shows(make_context, new_family):
    family = new_family()
    page = make_context("Pixel 7", java_script_enabled=False).new_page()
    open_invite(page, family.person("Elsa"))
    expect(page.get_by_role("radio", name="Hund")).to_have_count(3)
    expect(page.get_by_role("button", name="Läs upp")).to_have_count(0)
