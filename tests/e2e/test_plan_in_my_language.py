"""Every family can read it (issue 10): the social worker sets Sara's language to Somali and
writes a Somali translation of one plan item with an interpreter; on her phone Sara reads it in
Somali, taps to see the Swedish original, and her phone keeps Somali after she logs out."""

import re
from pathlib import Path

from babel.support import Translations
from playwright.sync_api import expect

SOMALI = "Elsa maalin kasta ayay dugsiga aadaa. Saaxiibo ayay halkaas ku leedahay."
CATALOGS = Path(__file__).parents[2] / "translations"


def said_in(language: str, msgid: str) -> str:
    """What a reader of ``language`` sees for an English msgid: the family's catalog (the
    domain "messages"), or the msgid where nobody has translated it yet."""
    return Translations.load(str(CATALOGS), [language], "messages").gettext(msgid)


def test_a_translated_item_shows_in_somali_with_the_swedish_original_one_tap_away(
    desktop, phone, new_family, staff_sign_in, code, assert_accessible
):
    family = new_family()
    sara, strength = family.person("Sara"), family.item("strength")

    # The social worker: Sara reads Somali; the first strength, in Somali; a new version.
    office = desktop.new_page()
    staff_sign_in(office, family["workers"][0])
    office.goto(f"/personal/familj/{family['family_id']}")
    card = office.locator(f"#person-{sara['id']}")
    card.get_by_label("Språk", exact=True).select_option("so")
    card.get_by_role("button", name="Ändra språket").click()
    expect(office.locator(f"#person-{sara['id']}").get_by_label("Språk", exact=True)).to_have_value(
        "so"
    )
    office.goto(f"/personal/familj/{family['family_id']}/plan")
    office.get_by_role("button", name="Börja på en ny version").click()
    item = office.locator(f"#punkt-{strength['id']}")
    item.locator("summary").filter(has_text="Översättningar").click()
    item.get_by_label("Somaliska (Soomaali)").fill(SOMALI)
    item.get_by_role("button", name=re.compile(r"^Spara översättningen")).click()
    expect(office.get_by_role("status").first).to_contain_text("Översättningen är sparad")
    office.get_by_role("button", name="Publicera ny version").click()
    expect(office.get_by_role("status")).to_contain_text("Publicerad.")

    # Sara, on her phone: her link and her code in Somali, then her plan, the Swedish behind
    # one tap.
    page = phone.new_page()
    page.goto(sara["invite_path"])
    expect(page.locator("html")).to_have_attribute("lang", "so")
    page.get_by_role("button", name=said_in("so", "Open our plan")).click()
    page.get_by_label(said_in("so", "Choose a code with 4 digits")).fill(code)
    page.get_by_label(said_in("so", "Write the same code again")).fill(code)
    page.get_by_role("button", name=said_in("so", "Save my code")).click()
    page.wait_for_url("**/familj/*/plan")
    expect(page.locator("html")).to_have_attribute("lang", "so")
    translated = page.get_by_text(SOMALI, exact=True)
    expect(translated).to_be_visible()
    expect(translated).to_have_attribute("lang", "so")
    original = page.get_by_text(strength["text"], exact=True)
    expect(original).to_be_hidden()
    show = page.locator("details.original > summary", has_text=said_in("so", "Show in Swedish"))
    expect(show).to_have_count(1)
    assert show.bounding_box()["height"] >= 44, "a target a finger can hit"
    show.click()
    expect(original).to_be_visible()
    expect(original).to_have_attribute("lang", "sv")
    # An item nobody translated is in Swedish, and says so in her language.
    expect(page.get_by_text(said_in("so", "Only in Swedish")).first).to_be_visible()
    assert_accessible(page)

    # Logging out clears every cookie on the phone, yet the phone still greets her in Somali.
    page.goto("/logga-ut")
    page.get_by_role("button", name=said_in("so", "Yes, log out and forget this phone")).click()
    page.wait_for_url("**/utloggad*")
    expect(page.locator("html")).to_have_attribute("lang", "so")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "so")
