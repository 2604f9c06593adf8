"""Hur går det? A parent checks in on the phone; the network confirms or withdraws what it promised.

Issue #3. Every person here is on a Pixel 7; the 320 px phone checks that nothing scrolls sideways.
"""

import re
import time
from urllib.parse import urlsplit

from playwright.sync_api import expect

THANKS = "Tack! Det du svarade är sparat."
WORDS_LABEL = "Vill du berätta något mer? (du behöver inte skriva något)"
SHARE_LABEL = "Visa för familjen och nätverket"
SAVE = "Spara hur det går"
HISTORY = "Så har det gått"

# What the demo family's rules and farmor Britt's promises say (familjeapp/demo.py).
PICK_UP_RULE = "En nykter vuxen hämtar Elsa från skolan varje dag."
BRITT_CALLS = "Jag ringer Johan varje kväll klockan 19 och frågar hur det går."
BRITT_BED = "Jag har alltid en säng redo för Sara och Elsa."


def open_checkin(page) -> None:
    """From the plan, the big "Hur går det?" link."""
    page.get_by_role("link", name="Hur går det?", exact=True).click()
    page.wait_for_url("**/hur-gar-det")
    expect(page.get_by_role("heading", name="Hur går det?", level=1)).to_be_visible()


def fill_checkin(page, *, rating: int, words: str, share: bool = True) -> None:
    page.get_by_role("radio", name=str(rating), exact=True).check()
    page.get_by_role("group", name=PICK_UP_RULE).get_by_role("radio", name="Delvis").check()
    page.get_by_label(WORDS_LABEL).fill(words)
    if share:
        page.get_by_role("checkbox", name=SHARE_LABEL).check()


def rows_with(page, rating: int, who: str):
    """The rows of the history's table that say this person gave this rating."""
    table = page.get_by_role("table", name="Alla svar du kan se, det senaste först")
    return (
        table.get_by_role("row")
        .filter(has=page.get_by_role("cell", name=who, exact=True))
        .filter(has=page.get_by_role("cell", name=str(rating), exact=True))
    )


def test_parent_records_a_check_in_and_sees_it_in_the_history_and_the_chart(
    phone, narrow, new_family, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    words = "Det har varit lugnt hemma i veckan. Elsa har sovit gott."
    page = phone.new_page()
    sign_in(page, family.person("Sara"))

    open_checkin(page)
    assert_accessible(page)
    fill_checkin(page, rating=6, words=words)
    expect(page.get_by_role("radio", name="6", exact=True)).to_be_checked()
    page.get_by_role("button", name=SAVE).click()

    # The history, with a thank-you for what was just saved.
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(page.get_by_role("heading", name=HISTORY, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(THANKS)
    mine = page.get_by_role("listitem").filter(has_text=words)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("6 av 10")
    expect(mine).to_contain_text("Delvis")
    expect(mine).to_contain_text(PICK_UP_RULE)
    expect(mine).to_contain_text("Visas för familjen och nätverket")
    # The scale over time: a chart for the eye, the same numbers in a table for everyone.
    chart = page.get_by_role("img", name=re.compile(r"^Säkerhetsskalan över tid"))
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.tagName.toLowerCase()") == "svg"
    expect(rows_with(page, 6, "Du")).to_have_count(1)
    assert_accessible(page)

    # Johan, on a 320 px phone: the same pages, nothing scrolls sideways; Sara shared hers.
    small = narrow.new_page()
    sign_in(small, family.person("Johan"))
    open_checkin(small)
    assert_no_horizontal_scroll(small)
    small.get_by_role("link", name="Tillbaka till vår plan").click()
    small.get_by_role("link", name="Se hur det har gått").click()
    expect(small.get_by_role("heading", name=HISTORY, level=1)).to_be_visible()
    expect(small.get_by_text(words)).to_be_visible()
    expect(rows_with(small, 6, "Sara")).to_have_count(1)
    expect(small.get_by_role("img", name=re.compile(r"^Säkerhetsskalan över tid"))).to_be_visible()
    assert_no_horizontal_scroll(small)


def test_a_double_tap_saves_one_check_in(phone, new_family, sign_in):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))

    # A double tap on the button.
    open_checkin(page)
    tapped = "Dubbeltryck på knappen."
    fill_checkin(page, rating=7, words=tapped)
    page.get_by_role("button", name=SAVE).dblclick()
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(page.get_by_role("status")).to_have_text(THANKS)

    # The same form sent twice at once, as a phone on a bad connection retries it: both requests
    # carry the form's one id, whatever the page's JavaScript would have done with the taps.
    page.goto(plan_path)
    open_checkin(page)
    resent = "Skickat två gånger på en dålig uppkoppling."
    fill_checkin(page, rating=4, words=resent)
    answers = page.evaluate(
        """async () => {
            const form = document.querySelector("form.checkin");
            const send = () => fetch(form.action || location.href, {
                method: "POST", body: new FormData(form), credentials: "same-origin"});
            const answers = await Promise.all([send(), send()]);
            return answers.map(a => ({status: a.status, url: a.url}));
        }"""
    )
    assert [a["status"] for a in answers] == [200, 200], answers
    assert answers[0]["url"] == answers[1]["url"], "the two sends found different check-ins"
    assert re.search(r"/historik\?sparad=\d+$", answers[0]["url"]), answers

    page.goto(answers[0]["url"])
    expect(page.get_by_role("status")).to_have_text(THANKS)
    cards = page.get_by_role("region", name="Det här har ni sagt").locator(":scope > ul > li")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text=tapped)).to_have_count(1)
    expect(cards.filter(has_text=resent)).to_have_count(1)
    expect(rows_with(page, 7, "Du")).to_have_count(1)
    expect(rows_with(page, 4, "Du")).to_have_count(1)


def my_promise(page, text: str):
    """One of the network member's own promises, under "Det här har du lovat"."""
    promised = page.get_by_role("region", name="Det här har du lovat")
    return promised.get_by_role("listitem").filter(has_text=text)


def promise_in_the_rules(page, text: str):
    """A promise as the others see it, under its rule in "Våra regler"."""
    rules = page.get_by_role("region", name="Våra regler")
    return (
        rules.get_by_role("listitem")
        .filter(has_text=text)
        .filter(has_not=page.get_by_role("listitem"))
    )


def remember_page(page) -> list[str]:
    """Mark the page, and collect its loads, to tell an htmx swap from a page load."""
    page.evaluate("() => { window.familjeappMarker = 'same page'; }")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    return loads


def expect_same_page(page, loads: list[str]) -> None:
    assert page.evaluate("() => window.familjeappMarker") == "same page"
    assert loads == []


def announced(card, role: str, text: str, problems: list[str], when: str) -> None:
    """After a swap, what happened is said where the person is, as on the worries' cards:
    a message with a live role, and focus moved into the card (not lost on the page's body).

    Gathered in ``problems`` so the test still checks everything else; asserted at its end."""
    message = card.get_by_role(role).filter(has_text=text)
    focus_inside = "e => e.contains(document.activeElement)"
    # htmx settles (and app.js moves focus) a moment after the swap: give it a second.
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline and not (
        message.count() == 1 and card.evaluate(focus_inside)
    ):
        card.page.wait_for_timeout(50)
    if message.count() != 1:
        problems.append(f"{when}: no role={role} with {text!r} in the swapped card")
    if not card.evaluate(focus_inside):
        focused = card.page.evaluate("() => document.activeElement.tagName.toLowerCase()")
        problems.append(f"{when}: focus was lost to <{focused}> when the card was swapped")


def test_grandmother_confirms_her_commitment_and_a_parent_sees_it_confirmed(
    phone, make_context, new_family, sign_in, assert_accessible
):
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Farmor Britt"))

    # What she has promised comes first on her plan.
    first = page.get_by_role("main").get_by_role("heading", level=2).first
    expect(first).to_have_text("Det här har du lovat")
    card = my_promise(page, BRITT_CALLS)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Inte bekräftat än")

    loads = remember_page(page)
    card.get_by_role("button", name="Jag lovar").click()

    # Swapped in place: the card says it is confirmed, and says so to a screen reader too.
    expect(card).to_contain_text("Du har lovat det här")
    expect(card.get_by_role("button", name="Jag lovar")).to_have_count(0)
    expect_same_page(page, loads)
    problems: list[str] = []
    announced(card, "status", "Du har lovat det här", problems, "after Jag lovar")
    assert_accessible(page)

    # Saved: still confirmed after a reload.
    page.reload()
    expect(my_promise(page, BRITT_CALLS)).to_contain_text("Du har lovat det här")

    # Sara, on her own phone, reads it under the rule.
    saras_phone = make_context("Pixel 7").new_page()
    sign_in(saras_phone, family.person("Sara"))
    promise = promise_in_the_rules(saras_phone, BRITT_CALLS)
    expect(promise).to_have_count(1)
    expect(promise).to_contain_text("Farmor Britt har lovat:")
    expect(promise).to_contain_text("Bekräftat")
    expect(promise_in_the_rules(saras_phone, BRITT_BED)).to_contain_text("Inte bekräftat än")

    assert not problems, "Not announced to a screen reader:\n" + "\n".join(problems)


def test_grandmother_withdraws_a_commitment_with_a_reason(
    phone, make_context, new_family, sign_in, assert_accessible
):
    family = new_family()
    reason = "Jag har brutit armen och kan inte ta emot någon på sex veckor."
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Farmor Britt"))
    card = my_promise(page, BRITT_BED)
    loads = remember_page(page)

    # "Jag kan inte längre" opens a field for why.
    reason_field = card.get_by_label("Varför kan du inte längre?")
    expect(reason_field).to_be_hidden()
    card.get_by_text("Jag kan inte längre", exact=True).click()
    expect(reason_field).to_be_visible()

    # Without a reason: an error, and she stays where she is, the field open.
    tell = card.get_by_role("button", name="Berätta att jag inte kan längre")
    tell.click()
    error = "Skriv några ord om varför, så att alla kan planera."
    expect(card).to_contain_text(error)
    expect(reason_field).to_be_visible()
    expect(reason_field).to_have_attribute("aria-invalid", "true")
    expect(reason_field).to_have_accessible_description(re.compile(re.escape(error)))
    expect(card).to_contain_text("Inte bekräftat än")
    expect_same_page(page, loads)
    assert urlsplit(page.url).path == plan_path
    problems: list[str] = []
    announced(card, "alert", error, problems, "sending without a reason")
    assert_accessible(page)

    # With a reason: withdrawn.
    reason_field.fill(reason)
    tell.click()
    expect(card).to_contain_text("Du har sagt att du inte kan längre")
    expect(card.get_by_role("button", name="Berätta att jag inte kan längre")).to_have_count(0)
    # She can still promise again.
    expect(card.get_by_role("button", name="Jag lovar")).to_be_visible()
    expect_same_page(page, loads)
    announced(card, "status", "Du har sagt att du inte kan längre", problems, "after withdrawing")
    assert_accessible(page)

    # Sara sees that farmor cannot any more; the other promise is untouched.
    saras_phone = make_context("Pixel 7").new_page()
    sign_in(saras_phone, family.person("Sara"))
    promise = promise_in_the_rules(saras_phone, BRITT_BED)
    expect(promise).to_contain_text("Kan inte längre")
    expect(promise_in_the_rules(saras_phone, BRITT_CALLS)).to_contain_text("Inte bekräftat än")

    assert not problems, "Not announced to a screen reader:\n" + "\n".join(problems)


# Without a connection a check-in waits in the phone's outbox (tests/e2e/test_offline.py).
WAITING = "Inte skickat än – skickas när du har internet."


def the_scale(page):
    return page.get_by_role("region", name="Säkerhetsskalan")


def test_the_scale_on_the_plan_is_a_picture_with_the_latest_rating_and_a_way_to_answer(
    phone, narrow, new_family, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    scale = the_scale(page)
    expect(scale).to_contain_text("Här syns inga svar på skalan än.")

    # A picture of the scale: nothing in it to press or to reach with the keyboard, and no step
    # framed like a button. The only thing to press is the way to answer.
    picture = scale.get_by_role("figure")
    expect(picture).to_contain_text("Hur trygg är Elsa hemma just nu?")
    expect(picture.get_by_role("button")).to_have_count(0)
    expect(picture.get_by_role("radio")).to_have_count(0)
    focusable = picture.evaluate(
        """figure => [...figure.querySelectorAll('*')].filter(e => e.tabIndex >= 0).length"""
    )
    assert focusable == 0, f"{focusable} parts of the scale can be reached with the keyboard"
    framed = picture.evaluate(
        """figure => [...figure.querySelectorAll('li')]
            .filter(e => parseFloat(getComputedStyle(e).borderTopWidth) > 0
                         || getComputedStyle(e).cursor === 'pointer').length"""
    )
    assert framed == 0, f"{framed} steps of the scale look like buttons"
    assert_accessible(page)

    scale.get_by_role("link", name="Hur går det? Svara på skalan").click()
    page.wait_for_url("**/hur-gar-det")
    fill_checkin(page, rating=6, words="Bättre nu.", share=False)
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))

    # Back on the plan: the newest rating Sara may see, marked and said in words.
    page.goto(plan_path)
    expect(the_scale(page)).to_contain_text(re.compile(r"Senast: 6 av 10, från dig, \d+ \w+"))
    marked = the_scale(page).locator(".scale__step--marked")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text("6")
    assert_accessible(page)

    # Johan did not get it shared; on a 320 px phone the picture fits without scrolling sideways.
    small = narrow.new_page()
    sign_in(small, family.person("Johan"))
    expect(the_scale(small)).to_contain_text("Här syns inga svar på skalan än.")
    the_scale(small).scroll_into_view_if_needed()
    assert_no_horizontal_scroll(small)


def legends_through_the_frame(page) -> list[str]:
    """The questions whose legend is not inside its card's frame, under the top border."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main form fieldset')].filter(set => {
              const card = set.getBoundingClientRect();
              const legend = set.querySelector('legend').getBoundingClientRect();
              const style = getComputedStyle(set);
              return legend.top < card.top + parseFloat(style.borderTopWidth)
                  || legend.left < card.left + parseFloat(style.borderLeftWidth)
                  || legend.right > card.right - parseFloat(style.borderRightWidth);
            }).map(set => set.querySelector('legend').innerText.trim().slice(0, 40))"""
    )


def test_each_question_on_how_is_it_going_sits_inside_its_card(narrow, phone, new_family, sign_in):
    family = new_family()
    for context, who in ((narrow, "Sara"), (phone, "Johan")):
        page = context.new_page()
        sign_in(page, family.person(who))
        open_checkin(page)
        expect(page.get_by_role("main").get_by_role("group")).to_have_count(4)  # scale, 3 rules
        assert legends_through_the_frame(page) == []


def test_without_a_network_the_parent_is_told_the_check_in_waits_to_be_sent(
    phone, new_family, sign_in, assert_accessible
):
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Sara"))
    open_checkin(page)
    words = "Skrivet på bussen, utan nät."
    fill_checkin(page, rating=5, words=words)
    where = page.url
    alert = page.get_by_role("alert")

    # No network at all.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    page.get_by_role("button", name=SAVE).click()
    expect(alert).to_contain_text(WAITING)
    expect(page.get_by_role("radio", name="5", exact=True)).to_be_checked()
    expect(page.get_by_label(WORDS_LABEL)).to_have_value(words)
    assert page.url == where
    assert_accessible(page)

    # The phone says it is online, but the requests are lost on the way.
    lost = "**/hur-gar-det"
    # On the phone, so that the service worker's own try (Background Sync) is lost too.
    phone.route(lost, lambda r: r.abort() if r.request.method == "POST" else r.continue_())
    phone.set_offline(False)
    page.get_by_role("button", name=SAVE).click()
    expect(alert).to_contain_text(WAITING)
    expect(page.get_by_role("radio", name="5", exact=True)).to_be_checked()
    assert page.url == where
    phone.unroute(lost)

    # With a connection, the same press saves it, exactly once.
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(page.get_by_role("status")).to_have_text(THANKS)
    cards = page.get_by_role("region", name="Det här har ni sagt").locator(":scope > ul > li")
    expect(cards).to_have_count(1)
    expect(cards.filter(has_text=words)).to_have_count(1)
    expect(rows_with(page, 5, "Du")).to_have_count(1)
