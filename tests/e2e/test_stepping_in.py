"""Who steps in (issue 11): farmor Britt cannot any more, morbror Karim takes it over.

Britt and Karim are on their phones (Karim on a 320 px one); Anna, the worker, on a desktop.
"""

from playwright.sync_api import expect

BRITT_BED = "Jag har alltid en säng redo för Sara och Elsa."
REASON = "Jag ska opereras och kan inte ha gäster på ett tag."


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
    ask.get_by_role("button", name="Jag kan ta det").click()
    expect(ask).to_contain_text("Du tar det. Din socialsekreterare lägger in det i planen.")
    expect(ask.get_by_role("button", name="Jag kan ta det")).to_have_count(0)
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
    his = karim.get_by_role("region", name="Det här har du lovat").get_by_role("listitem")
    expect(his.filter(has_text=BRITT_BED)).to_contain_text("Inte bekräftat än")
    expect(karim.get_by_role("region", name="Kan du hjälpa till?")).to_have_count(0)
    britt.reload()
    expect(
        britt.get_by_role("region", name="Det här har du lovat")
        .get_by_role("listitem")
        .filter(has_text=BRITT_BED)
    ).to_have_count(0)
