"""Issue #8's whole story: a child's answers reach the social worker, and nobody else until she
shares one.

Elsa, on a tablet and by keyboard alone, gets in with her picture code, chooses 2 on the scale,
puts a picture in the house of worries and presses "Jag vill prata med någon". Anna, the social
worker, sees all four. Sara (a parent) and Farmor Britt (the network) see none of it on any page
they can open, compared word for word before and after. Then Anna shares the rating, and only
then does Sara see it; Britt still does not.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from .conftest import choose_picture_code, open_invite, tab_to

TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}
# Every page a parent or a network member can open, and the worry card their htmx swaps in.
ADULT_PAGES = ("plan", "historik", "hur-gar-det")


def what_adults_see(page: Page, plan_path: str, worry_key: str) -> dict[str, str]:
    """The words on each page an adult can open, as a person (or a screen reader) reads them."""
    seen = {}
    for name in ADULT_PAGES:
        page.goto(plan_path.replace("/plan", f"/{name}"))
        seen[name] = page.get_by_role("main").inner_text()
    fragment = page.request.get(
        plan_path.replace("/plan", f"/oro/{worry_key}"), headers={"HX-Request": "true"}
    )
    # The fragment holds a fresh CSRF token each time: compare what it says, not the token.
    seen["oro (htmx)"] = re.sub(r'value="[^"]{20,}"', "", fragment.text())
    return seen


def press(page: Page, text: str) -> None:
    """Tab to a link or button by its words, and press Enter; it opens another page."""
    tab_to(page, text=text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_childs_answers_reach_the_worker_and_no_one_else_until_shared(
    make_context, phone, desktop, new_family, sign_in, staff_sign_in, assert_accessible
):
    family = new_family()
    worry_key = family.item("danger")["id"]
    sara = phone.new_page()
    saras_plan = sign_in(sara, family.person("Sara"))
    britt = make_context("Pixel 7").new_page()
    britts_plan = sign_in(britt, family.person("Farmor Britt"))
    sara_before = what_adults_see(sara, saras_plan, worry_key)
    britt_before = what_adults_see(britt, britts_plan, worry_key)

    # Elsa, on a tablet, by keyboard alone.
    elsa = make_context(None, **TABLET).new_page()
    open_invite(elsa, family.person("Elsa"))
    choose_picture_code(elsa)
    home = urlsplit(elsa.url).path
    press(elsa, "Hur känns det hemma?")
    elsa.get_by_label("0 av 10: jätteledsen").focus()
    for _step in range(2):
        elsa.keyboard.press("ArrowRight")
    expect(elsa.get_by_label("2 av 10: ledsen")).to_be_checked()
    press(elsa, "Spara hur det känns")
    expect(elsa.get_by_text("Det du svarar ser bara din socialsekreterare.")).to_be_visible()
    assert_accessible(elsa)

    elsa.goto(home + "tre-hus")
    press(elsa, "Lägg till i Oroshuset")
    elsa.get_by_label("spöke").focus()
    elsa.keyboard.press("Space")
    expect(elsa.get_by_label("spöke")).to_be_checked()
    press(elsa, "Lägg det i huset")
    expect(elsa.get_by_role("status")).to_contain_text("Sparat i Oroshuset")

    press(elsa, "Jag vill prata med någon")
    expect(elsa.get_by_role("main")).to_contain_text(
        "Anna, din socialsekreterare, har fått veta det"
    )
    expect(elsa.get_by_role("link", name=re.compile("116 111"))).to_be_visible()
    assert_accessible(elsa)

    # Anna sees all four: the talk first on her overview, then each answer, marked as Elsa's.
    anna = desktop.new_page()
    staff_sign_in(anna, next(w for w in family["workers"] if w["sees_family"]))
    attention = anna.get_by_role("region", name="Behöver uppmärksamhet")
    expect(attention.get_by_role("listitem").first).to_contain_text("prata")
    anna.goto(f"/personal/familj/{family['family_id']}/folj")
    answers = anna.get_by_role("region", name="Barnets egna svar")
    expect(answers.get_by_role("listitem").filter(has_text="2 av 10")).to_have_count(1)
    expect(answers.get_by_role("listitem").filter(has_text="Oroshuset")).to_have_count(1)
    expect(answers.get_by_role("listitem").filter(has_text="prata")).to_have_count(1)
    expect(answers).to_contain_text("Elsa, barn")
    assert_accessible(anna)

    # Sara and Britt see exactly what they saw before: not a word of Elsa's.
    assert what_adults_see(sara, saras_plan, worry_key) == sara_before
    assert what_adults_see(britt, britts_plan, worry_key) == britt_before

    # Anna shares the rating. Now Sara sees it, as Elsa's; Britt still does not.
    rating = answers.get_by_role("listitem").filter(has_text="2 av 10")
    rating.get_by_role("link", name=re.compile(r"^Dela med föräldrarna")).click()
    anna.get_by_role("button", name="Dela med föräldrarna").click()
    expect(anna.get_by_role("status")).to_have_text("Delat med föräldrarna.")

    sara.goto(saras_plan.replace("/plan", "/historik"))
    table = sara.get_by_role("table", name="Alla svar du kan se, det senaste först")
    shared_row = table.get_by_role("row").filter(has_text="Elsa")
    expect(shared_row).to_have_count(1)
    expect(shared_row).to_contain_text("2")
    assert what_adults_see(britt, britts_plan, worry_key) == britt_before
