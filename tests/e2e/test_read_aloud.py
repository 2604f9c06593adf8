"""An adult has the plan, the check-in and the history read aloud by the browser's own speech,
in the page's language; where the browser has no voice for that language, no button shows."""

import json
import re

from playwright.sync_api import Page, expect

from .conftest import assert_accessible, sign_in
from .test_reading_the_plan import SECTIONS

# A speechSynthesis that records what the page asks it to say, and says it only when the test
# lets it end (window.__endSpeech). Like Chromium's, it has no voices at first: they come with a
# voiceschanged event when the test calls window.__voicesArrive().
SPEECH_STUB = """
(() => {
  const synth = new EventTarget();
  let voices = [];
  window.__spoken = [];
  synth.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); synth.current = u; };
  synth.cancel = () => { window.__spoken.push({cancel: true}); synth.current = null; };
  synth.getVoices = () => voices;
  window.__endSpeech = () => {
    const u = synth.current;
    synth.current = null;
    if (u && u.onend) u.onend();
  };
  window.__voicesArrive = () => {
    voices = window.__voiceLangs.map((lang) => ({lang, name: lang, localService: true}));
    synth.dispatchEvent(new Event("voiceschanged"));
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
})();
"""


def speech_stub(*langs: str) -> str:
    """The stub above, with voices for these languages ("sv-SE")."""
    return f"window.__voiceLangs = {json.dumps(langs)};" + SPEECH_STUB


NO_SPEECH = 'Object.defineProperty(window, "speechSynthesis", {value: undefined});'

READ_ALOUD = re.compile(r"^(Läs upp|Read)")


def said(page: Page) -> list[dict]:
    """What the page asked to be said since the last time this was called."""
    return page.evaluate("() => window.__spoken.splice(0).filter((s) => 'text' in s)")


def test_a_parent_hears_the_plan_the_check_in_and_the_history_in_swedish(make_context, new_family):
    family = new_family()
    context = make_context("Pixel 7")
    context.add_init_script(speech_stub("sv-SE"))
    page = context.new_page()
    sign_in(page, family.person("Sara"))

    whole = page.get_by_role("button", name="Läs upp hela sidan")
    expect(whole).to_be_hidden()  # no voices yet
    page.evaluate("window.__voicesArrive()")
    expect(whole).to_be_visible()

    # One part: its heading and its text, in Swedish, without the buttons' own words.
    read_worries = page.get_by_role("button", name="Läs upp: Vad oroar oss?")
    read_worries.click()
    spoken = said(page)
    texts = [s["text"] for s in spoken]
    assert {s["lang"] for s in spoken} == {"sv"}
    assert texts[0] == "Vad oroar oss?"
    assert family.item("harm")["text"] in texts
    assert family.item("strength")["text"] not in texts
    # Not the buttons' words, nor the form inside the closed "Säg vad du tycker".
    assert not [t for t in texts if re.search("Läs upp|Säg vad du tycker|Jag håller med", t)]
    expect(page.locator("#part-worries")).to_have_class(re.compile(r"\bis-being-read\b"))
    expect(read_worries).to_have_attribute("aria-pressed", "true")
    assert_accessible(page)  # the buttons shown, one part marked as read
    page.evaluate("window.__endSpeech()")
    expect(page.locator(".is-being-read")).to_have_count(0)
    expect(read_worries).to_have_attribute("aria-pressed", "false")

    # The whole page: every part in the plan's order, strengths first.
    whole.click()
    for _ in range(12):
        if whole.get_attribute("aria-pressed") == "false":
            break
        page.evaluate("window.__endSpeech()")
    expect(whole).to_have_attribute("aria-pressed", "false")
    texts = [s["text"] for s in said(page)]
    parts = SECTIONS
    assert [t for t in texts if t in parts] == parts
    assert texts.index(family.item("strength")["text"]) < texts.index(family.item("harm")["text"])

    # A second press stops.
    whole.click()
    expect(page.locator(".is-being-read")).to_have_count(1)
    whole.click()
    expect(page.locator(".is-being-read")).to_have_count(0)
    expect(whole).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__spoken.at(-1)") == {"cancel": True}

    page.get_by_role("link", name="Hur går det?").first.click()
    page.wait_for_url("**/hur-gar-det")
    page.evaluate("window.__voicesArrive()")
    expect(page.get_by_role("button", name=READ_ALOUD)).to_have_count(4)  # the page, 3 questions
    page.get_by_role("button", name="Läs upp: Våra regler").click()
    texts = [s["text"] for s in said(page)]
    assert texts[:2] == ["Våra regler", "Har ni hållit det här sedan sist?"]

    page.go_back()
    page.get_by_role("link", name="Se hur det har gått").click()
    page.wait_for_url("**/historik")
    page.evaluate("window.__voicesArrive()")
    expect(page.get_by_role("button", name="Läs upp hela sidan")).to_be_visible()
    page.get_by_role("button", name="Läs upp: Det här har ni sagt").click()
    assert [s["text"] for s in said(page)][:2] == [
        "Det här har ni sagt",
        "Inget än. När du eller någon annan svarar på Hur går det? syns det här.",
    ]


def test_no_button_shows_without_a_voice_for_the_pages_language(make_context, new_family):
    family = new_family()
    context = make_context("Pixel 7")
    plan = sign_in(context.new_page(), family.person("Sara"))

    # Only an English voice: nothing on a Swedish page ...
    page = context.new_page()
    page.add_init_script(speech_stub("en-US"))
    page.goto(plan)
    page.evaluate("window.__voicesArrive()")
    expect(page.get_by_role("button", name=READ_ALOUD)).to_have_count(0)

    # ... and the same voice reads the page once it is in English.
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.evaluate("window.__voicesArrive()")
    page.get_by_role("button", name="Read aloud: What worries us?").click()
    spoken = said(page)
    assert spoken[0] == {"text": "What worries us?", "lang": "en"}
    # A worry not translated yet stays Swedish (lang="sv") and is read in Swedish.
    assert {"text": family.item("harm")["text"], "lang": "sv"} in spoken

    # A browser that cannot speak at all.
    page = context.new_page()
    page.add_init_script(NO_SPEECH)
    page.goto(plan)
    expect(page.get_by_role("heading", name="Our plan")).to_be_visible()
    expect(page.get_by_role("button", name=READ_ALOUD)).to_have_count(0)
