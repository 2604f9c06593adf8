"""Who steps in (issue 11): farmor Britt cannot any more, morbror Karim takes it over.

Britt and Karim are on their phones (Karim on a 320 px one, in Arabic); Anna, the worker, on a
desktop.
"""

from playwright.sync_api import Page, expect

from .test_every_family_can_read_it import choose_language

BRITT_BED = "Jag har alltid en säng redo för Sara och Elsa."
REASON = "Jag ska opereras och kan inte ha gäster på ett tag."
# Karim reads Arabic (translations/ar): "Kan du hjälpa till?", "Jag kan ta det", "Du tar det. …",
# "Det här har du lovat", "Inte bekräftat än".
CAN_YOU_HELP = "هل يمكنك المساعدة؟"
I_CAN_TAKE_IT = "أستطيع أن أتولى ذلك"
YOU_TAKE_IT = "أنت ستتولى ذلك. سيضيفه أخصائيك الاجتماعي إلى الخطة."
YOU_PROMISED = "ما وعدت به"
NOT_CONFIRMED = "لم يتم التأكيد بعد"


def test_britt_withdraws_karim_takes_it_and_the_next_version_has_it(
    phone,
    narrow,
    desktop,
    new_family,
    sign_in,
    staff_sign_in,
    assert_accessible,
    assert_no_horizontal_scroll,
):
    family = new_family()

    # Farmor Britt says she cannot any more, with a reason for Anna.
    britt = phone.new_page()
    sign_in(britt, family.person("Farmor Britt"))
    mine = britt.get_by_role("region", name="Det här har du lovat")
    card = mine.get_by_role("listitem").filter(has_text=BRITT_BED)
    card.get_by_text("Jag kan inte längre", exact=True).click()
    card.get_by_label("Varför kan du inte längre?").fill(REASON)
    card.get_by_role("button", name="Berätta att jag inte kan längre").click()
    expect(card).to_contain_text("Du har sagt att du inte kan längre")
    # She is not asked to take over what she cannot do herself.
    expect(britt.get_by_role("region", name="Kan du hjälpa till?")).to_have_count(0)

    # Morbror Karim, on a small phone, sees it first on his plan, without her reason.
    karim = narrow.new_page()
    sign_in(karim, family.person("Morbror Karim"))
    first = karim.get_by_role("main").get_by_role("heading", level=2).first
    expect(first).to_have_text("Kan du hjälpa till?")
    ask = karim.get_by_role("region", name="Kan du hjälpa till?").get_by_role("listitem")
    expect(ask).to_have_count(1)
    expect(ask).to_contain_text("Farmor Britt kan inte längre:")
    expect(ask).to_contain_text(BRITT_BED)
    expect(ask).to_contain_text("Kan du ta det?")
    expect(karim.get_by_text(REASON)).to_have_count(0)
    assert_accessible(karim)
    assert_no_horizontal_scroll(karim)

    # He reads Arabic: the card reads from right to left, on his plan and on the page a phone
    # without JavaScript gets when the form comes back wrong. Then he takes it.
    plan = karim.url
    choose_language(karim, "ar")
    card_in_arabic(karim, karim.locator(".card--step-in"))
    form = karim.locator(".card--step-in form")
    form.locator("[name=client_id]").evaluate("field => { field.value = 'not an id'; }")
    form.evaluate("form => form.submit()")  # as a phone without JavaScript sends it
    expect(karim.get_by_role("heading", level=1)).to_have_text(CAN_YOU_HELP)
    card_in_arabic(karim, karim.locator(".card--step-in"))
    assert_accessible(karim)
    assert_no_horizontal_scroll(karim)
    karim.goto(plan)
    ask = karim.get_by_role("region", name=CAN_YOU_HELP).get_by_role("listitem")
    ask.get_by_role("button", name=I_CAN_TAKE_IT).click()
    expect(ask).to_contain_text(YOU_TAKE_IT)
    expect(ask.get_by_role("button", name=I_CAN_TAKE_IT)).to_have_count(0)
    assert_accessible(karim)
    assert_no_horizontal_scroll(karim)

    # Anna sees who can take it, and puts it in the plan with one press, then publishes.
    anna = desktop.new_page()
    staff_sign_in(anna, family["workers"][0])
    anna.goto(f"/personal/familj/{family['family_id']}")
    signal = anna.get_by_role("listitem").filter(
        has_text="Morbror Karim kan ta det som Farmor Britt inte kan längre"
    )
    expect(signal).to_have_count(1)
    expect(anna.get_by_text(REASON)).to_have_count(0)
    assert_accessible(anna)
    signal.get_by_role("button", name="Lägg in i planen").click()
    anna.wait_for_url(f"**/personal/familj/{family['family_id']}/plan*")
    anna.get_by_role("button", name="Publicera ny version").click()
    expect(anna.get_by_role("status")).to_have_text("Publicerad. Nu ser familjen version 2.")

    # The next version: the promise is Karim's own, for him to confirm; nobody is asked any more.
    karim.reload()
    his = karim.get_by_role("region", name=YOU_PROMISED).get_by_role("listitem")
    expect(his.filter(has_text=BRITT_BED)).to_contain_text(NOT_CONFIRMED)
    expect(karim.get_by_role("region", name=CAN_YOU_HELP)).to_have_count(0)
    britt.reload()
    expect(
        britt.get_by_role("region", name="Det här har du lovat")
        .get_by_role("listitem")
        .filter(has_text=BRITT_BED)
    ).to_have_count(0)


def card_in_arabic(page: Page, card) -> None:
    """The card from right to left: its marked edge at the right, the button at the right (its
    start), Britt's Latin name kept whole in the Arabic sentence, the dates from the right."""
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    edges = card.evaluate(
        "card => [getComputedStyle(card).borderRightWidth, getComputedStyle(card).borderLeftWidth]"
    )
    assert edges == ["6px", "1px"], edges
    box = card.bounding_box()
    right = box["x"] + box["width"]
    button = card.get_by_role("button").bounding_box()
    assert right - (button["x"] + button["width"]) < 30, f"the button is not at the right: {box}"
    question = card.locator("form p").first.evaluate(
        """p => { const range = document.createRange(); range.selectNodeContents(p);
                   return range.getBoundingClientRect().toJSON(); }"""
    )
    assert right - question["right"] < 30 and question["left"] > box["x"] + 40, question
    expect(card.locator(".card__kind bdi")).to_have_text("Farmor Britt")
    # "From 23 November to 25 January": the first day stands to the right of the last.
    first, last = card.locator(".commitment__period").evaluate(
        """p => { const text = p.firstChild, range = document.createRange();
             const days = [...text.textContent.matchAll(/\\d+/g)];
             const at = m => { range.setStart(text, m.index);
                               range.setEnd(text, m.index + m[0].length);
                               return range.getBoundingClientRect(); };
             return [at(days[0]), at(days[1])]; }"""
    )
    assert first["top"] == last["top"] and first["left"] > last["left"], (first, last)
