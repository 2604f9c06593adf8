"""The social worker's side, at a desktop: from a new family to a check-in that needs attention.

Issue #4. The worker works in a 1280 x 800 browser; the parent she invites is on a Pixel 7.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# Written the way authorities write, on purpose: the plain-language check must catch it.
AUTHORITY_WORRY = "Vårdnadshavarna ska ombesörja att barnets grundläggande behov tillgodoses."
FAMILY_NAME = "Familjen Ek"
PARENT_NAME = "Lina"


def with_hidden(visible: str, hidden: str) -> re.Pattern:
    """A control's name: its visible words, then ": " and words only a screen reader reads
    (a visually hidden span). Chromium sometimes computes a space before the colon (the span
    is absolutely positioned); either way it reads well, so either is accepted."""
    return re.compile(rf"^{re.escape(visible)}\s*: {re.escape(hidden)}$")


def path_of(page) -> str:
    return urlsplit(page.url).path


def family_id_of(page) -> int:
    return int(re.search(r"/personal/familj/(\d+)", page.url).group(1))


def remember_page(page) -> list[str]:
    """Mark the page, and collect its loads, to tell an htmx swap from a page load."""
    page.evaluate("() => { window.familjeappMarker = 'same page'; }")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    return loads


def expect_same_page(page, loads: list[str]) -> None:
    assert page.evaluate("() => window.familjeappMarker") == "same page"
    assert loads == []


def test_the_whole_loop_from_a_new_family_to_a_check_in_that_needs_attention(
    desktop, phone, new_family, staff_sign_in, sign_in, assert_accessible
):
    anna = new_family()["workers"][0]
    page = desktop.new_page()
    staff_sign_in(page, anna)
    expect(page.get_by_role("heading", name="Översikt", level=1)).to_be_visible()

    # A new family.
    page.get_by_role("main").get_by_role("link", name="Ny familj").click()
    page.get_by_label("Vad familjen heter i appen").fill(FAMILY_NAME)
    page.get_by_role("button", name="Skapa familjen").click()
    page.wait_for_url(re.compile(r"/personal/familj/\d+$"))
    family_id = family_id_of(page)
    expect(page.get_by_role("heading", name=FAMILY_NAME, level=1)).to_be_visible()

    # The plan editor: a first version, and a worry in it.
    page.get_by_role("main").get_by_role("link", name="Planen", exact=True).click()
    expect(page.get_by_role("heading", name="Planen", level=1)).to_be_visible()
    page.get_by_role("button", name="Börja skriva planen").click()
    page.get_by_role(
        "link", name=with_hidden("Lägg till i den här delen", "Vad oroar oss?")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny punkt i ”Vad oroar oss?”")
    page.get_by_role("radio", name="Skada: det som har hänt").check()

    # The plain-language check, live under the field while she writes (htmx, no page load).
    loads = remember_page(page)
    text = page.get_by_label("Text för vuxna")
    text.fill(AUTHORITY_WORRY)
    check = page.locator("#text-check")
    expect(check).to_contain_text("LIX 71", timeout=5_000)
    expect(check).to_contain_text("Sikta på 40 eller lägre")
    flagged = check.get_by_role("listitem").filter(has_text="ombesörja")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("se till")
    expect(check.get_by_role("listitem").filter(has_text="Vårdnadshavarna")).to_contain_text(
        "förälder"
    )

    # A picture, found by a Swedish word, chosen among the pictures found.
    page.get_by_label("Hitta en bild: skriv ett ord på svenska").fill("tand")
    tooth = page.get_by_role("radio", name="tand", exact=True)
    expect(tooth).to_be_visible()
    expect(page.get_by_role("radio", name="tandborste", exact=True)).to_be_visible()
    tooth.check()
    expect(tooth).to_be_checked()
    expect_same_page(page, loads)
    page.get_by_role("radio", name="Alla: föräldrarna, nätverket och barnen").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara i utkastet").click()

    # Back in the editor, with the worry, its picture, and what the check still says.
    page.wait_for_url(re.compile(rf"/personal/familj/{family_id}/plan(#punkt-\w+)?$"))
    worry = page.get_by_role("listitem").filter(has_text=AUTHORITY_WORRY)
    expect(worry).to_have_count(1)
    expect(worry).to_contain_text("Skada")
    expect(worry.locator("img[src$='#tooth']")).to_have_count(1)
    expect(worry).to_contain_text("ombesörja")

    # A parent.
    page.get_by_role("link", name=FAMILY_NAME, exact=True).click()
    page.get_by_role("link", name="Lägg till en person").click()
    page.get_by_label("Roll").select_option(label="Förälder")
    page.get_by_label("Namn, som familjen säger").fill(PARENT_NAME)
    page.get_by_label("Relation till barnet, till exempel mamma eller farmor").fill("mamma")
    page.get_by_role("button", name="Lägg till personen").click()
    page.wait_for_url(f"**/personal/familj/{family_id}")
    expect(page.get_by_role("heading", name=PARENT_NAME, level=3)).to_be_visible()

    # Publish: now the family can read it.
    page.get_by_role("main").get_by_role("link", name="Planen", exact=True).click()
    page.get_by_role("button", name="Publicera ny version").click()
    expect(page.get_by_role("status")).to_have_text("Publicerad. Nu ser familjen version 1.")

    # An invite link for the parent, to copy into a text message.
    page.get_by_role("link", name=FAMILY_NAME, exact=True).click()
    page.get_by_role("button", name=with_hidden("Skapa en inbjudningslänk", PARENT_NAME)).click()
    expect(
        page.get_by_role("heading", name=f"Inbjudningslänk till {PARENT_NAME}", level=1)
    ).to_be_visible()
    link_field = page.get_by_label("Länk", exact=True)
    expect(link_field).not_to_be_editable()
    link = link_field.input_value()
    assert re.fullmatch(re.escape(page.url.split("/personal/")[0]) + r"/i/[\w-]+", link), link
    expect(page.get_by_label("Ett sms att kopiera")).to_have_value(re.compile(re.escape(link)))

    # The parent opens it on her phone, chooses a code, reads the worry and checks in.
    parent = phone.new_page()
    sign_in(parent, {"invite_path": link})
    expect(parent.get_by_role("heading", name="Vår plan", level=1)).to_be_visible()
    expect(parent.get_by_text(FAMILY_NAME)).to_be_visible()
    worries = parent.get_by_role("region", name="Vad oroar oss?")
    expect(worries.get_by_text(AUTHORITY_WORRY)).to_be_visible()
    expect(worries.locator("img[src$='#tooth']")).to_have_count(1)
    parent.get_by_role("link", name="Hur går det?", exact=True).click()
    parent.get_by_role("radio", name="2", exact=True).check()
    parent.get_by_role("button", name="Spara hur det går").click()
    parent.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(parent.get_by_role("status")).to_have_text("Tack! Det du svarade är sparat.")

    # The worker's overview: the family, under what needs attention, with the low rating.
    page.get_by_role("navigation", name="Meny för personal").get_by_role(
        "link", name="Översikt"
    ).click()
    expect(page.get_by_role("heading", name="Översikt", level=1)).to_be_visible()
    attention = page.get_by_role("region", name="Behöver uppmärksamhet")
    signal = attention.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=FAMILY_NAME, exact=True)
    )
    expect(signal).to_have_count(1)
    expect(signal).to_contain_text("Låg siffra")
    expect(signal).to_contain_text("(2/10)")
    expect(signal).to_contain_text(PARENT_NAME)
    families = page.get_by_role("table", name="Mitt teams familjer")
    row = families.get_by_role("row").filter(
        has=page.get_by_role("link", name=FAMILY_NAME, exact=True)
    )
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
    assert_accessible(page)


# --- Every staff page, as a screen reader and axe see it --------------------------------------


class Tour:
    """Visits pages and runs axe on each; gathers every page's violations, fails once at the end
    with all of them, so one bad page does not hide the next."""

    def __init__(self, page, assert_accessible):
        self.page = page
        self.assert_accessible = assert_accessible
        self.failures: list[str] = []
        self.seen: list[str] = []

    def check(self, page=None) -> None:
        page = page or self.page
        self.seen.append(path_of(page))
        try:
            self.assert_accessible(page)
        except pytest.fail.Exception as failed:
            self.failures.append(str(failed))

    def visit(self, path: str, heading: str | re.Pattern) -> None:
        answer = self.page.goto(path)
        assert answer.status == 200, f"{path} answered {answer.status}"
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.check()

    def submit_with_errors(self, button: str) -> None:
        """Send the page's form as it is (empty): the error summary and the fields' errors."""
        self.page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
        expect(self.page.get_by_role("alert")).to_contain_text("Det här behöver du rätta")
        assert self.page.title().startswith("Fel:"), self.page.title()
        self.check()

    def done(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)


def test_every_staff_page_passes_axe(
    desktop, make_context, new_family, new_admin, staff_sign_in, assert_accessible
):
    family = new_family()
    anna = family["workers"][0]
    fid = family["family_id"]
    page = desktop.new_page()
    tour = Tour(page, assert_accessible)

    # The sign-in page and the code page, on the way in.
    # The demo's own account: her app is connected, so the tour sees the one-time code page.
    staff_sign_in(page, anna, check=tour.check, demo_account=True)

    tour.visit("/personal/", "Översikt")
    tour.visit(f"/personal/familj/{fid}", "Familjen Lind")
    tour.visit(f"/personal/familj/{fid}/personer/ny", "Lägg till en person")
    tour.submit_with_errors("Lägg till personen")

    # The invite page (a link shown once, a QR code, a text to copy).
    page.goto(f"/personal/familj/{fid}")
    page.get_by_role("button", name=with_hidden("Skapa en inbjudningslänk", "Farmor Britt")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudningslänk till Farmor Britt")
    tour.check()

    # The editor as the family sees the plan, then with a draft: every item with its buttons.
    tour.visit(f"/personal/familj/{fid}/plan", "Planen")
    page.get_by_role("button", name="Börja på en ny version").click()
    expect(page.get_by_role("button", name="Publicera ny version")).to_be_visible()
    tour.check()
    tour.visit(f"/personal/familj/{fid}/plan/ny/worries", "Ny punkt i ”Vad oroar oss?”")
    tour.submit_with_errors("Spara i utkastet")
    tour.visit(f"/personal/familj/{fid}/plan/versioner", "Planens versioner")
    tour.visit(f"/personal/familj/{fid}/plan/versioner/1", "Version 1")

    # Följ planen: without ratings, with an error, and with the chart.
    tour.visit(f"/personal/familj/{fid}/folj", "Följ planen: Familjen Lind")
    tour.submit_with_errors("Spara min skattning")
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Spara min skattning").click()
    expect(page.get_by_role("img", name=re.compile(r"^Säkerhetsskalan över tid"))).to_be_visible()
    tour.check()
    tour.visit(f"/personal/familj/{fid}/utskrift", "Vår plan")

    # An administrator: connects the authenticator app at the first sign-in, then her pages.
    admin = new_admin()
    admin_page = make_context(None, viewport={"width": 1280, "height": 800}).new_page()
    admins = Tour(admin_page, assert_accessible)
    staff_sign_in(admin_page, admin, check=admins.check)
    admins.visit("/personal/admin/", "Administration")
    admins.visit("/personal/admin/team", "Team")
    admins.visit("/personal/admin/konton", "Personalkonton")
    admins.visit("/personal/admin/konton/ny", "Lägg till ett personalkonto")
    admins.submit_with_errors("Lägg till kontot")
    admins.visit("/personal/admin/logg", "Logg")
    admins.visit("/personal/admin/gallring", "Avslutade ärenden")

    assert "/personal/engangskod" in tour.seen and "/personal/logga-in" in tour.seen
    assert "/personal/tvastegsverifiering" in admins.seen
    tour.failures += admins.failures
    tour.done()


def test_a_worker_of_another_team_gets_not_found(desktop, new_family, staff_sign_in):
    family = new_family()
    erik = family["workers"][1]
    assert not erik["sees_family"]
    fid = family["family_id"]
    page = desktop.new_page()
    staff_sign_in(page, erik)

    # Not on his overview.
    expect(page.get_by_role("heading", name="Översikt", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Familjen Lind")).to_have_count(0)

    for path in (
        f"/personal/familj/{fid}",
        f"/personal/familj/{fid}/plan",
        f"/personal/familj/{fid}/folj",
        f"/personal/familj/{fid}/utskrift",
    ):
        answer = page.goto(path)
        assert answer.status == 404, f"{path} answered {answer.status}"
        expect(page.get_by_role("heading", name="Vi hittar inte sidan", level=1)).to_be_visible()
        source = page.content()
        assert "Familjen Lind" not in source, f"{path} names the family"
        for someone in family["people"]:
            assert someone["name"] not in source, f"{path} names {someone['name']!r}"


def test_the_inactivity_warning_offers_to_stay_signed_in(
    desktop, new_family, staff_sign_in, assert_accessible
):
    """The warning comes 2 minutes before the 30-minute sign-out. The page's clock is Playwright's
    (page.clock), so 28 minutes pass in an instant; the server's own clock is not touched."""
    anna = new_family()["workers"][0]
    page = desktop.new_page()
    page.clock.install()
    staff_sign_in(page, anna)
    loads = remember_page(page)
    warning = page.get_by_role("alertdialog", name="Snart loggas du ut")
    stay = page.get_by_role("button", name="Fortsätt vara inloggad")

    page.clock.fast_forward("27:30")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("00:31")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("loggas du ut om 2 minuter")
    expect(stay).to_be_focused()
    assert_accessible(page)

    with page.expect_response("**/personal/fortsatt") as answer:
        stay.click()
    assert answer.value.status == 204, answer.value.status
    expect(warning).to_be_hidden()
    # The sign-out that was coming is off: two more minutes pass and nothing happens.
    page.clock.fast_forward("03:00")
    expect(warning).to_be_hidden()
    expect_same_page(page, loads)
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    # The countdown started again: the warning comes again after another 28 minutes.
    page.clock.fast_forward("25:30")
    expect(warning).to_be_visible()
    expect_same_page(page, loads)


# --- Every part of the plan, added to and changed (issue #7) ----------------------------------

# Each part of the plan the worker writes in: its heading, the kind to choose (None when the
# part has one kind only), what she first writes, and what she changes it to.
PARTS = [
    ("Vad fungerar bra?", None,
     "Elsa läser en bok varje kväll.", "Elsa och Sara läser en bok varje kväll."),
    ("Vad oroar oss?", "Skada: det som har hänt",
     "Elsa var ensam hemma en natt.", "Elsa var ensam hemma en natt i mars."),
    ("Vad behöver hända?", "Säkerhetsmål: hur livet ser ut när vi kan sluta komma",
     "Elsa sover hemma varje natt.", "Elsa sover tryggt hemma varje natt."),
    ("Våra regler", "Regel: vem som gör vad, och när",
     "Sara svarar när Elsa ringer.", "Sara svarar alltid när Elsa ringer."),
]  # fmt: skip


def test_the_worker_adds_and_changes_an_item_in_every_part_and_the_family_sees_each(
    desktop, phone, new_family, staff_sign_in, sign_in
):
    family = new_family()
    page = desktop.new_page()
    staff_sign_in(page, family["workers"][0])
    editor = f"/personal/familj/{family['family_id']}/plan"
    page.goto(editor)
    page.get_by_role("button", name="Börja på en ny version").click()

    for part, kind, first, changed in PARTS:
        page.get_by_role("link", name=with_hidden("Lägg till i den här delen", part)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Ny punkt i ”{part}”")
        if kind:
            page.get_by_role("radio", name=kind).check()
        page.get_by_label("Text för vuxna").fill(first)
        page.get_by_role("radio", name="Alla: föräldrarna, nätverket och barnen").check()
        page.get_by_role("button", name="Spara i utkastet").click()
        section = page.get_by_role("region", name=part)
        expect(section.get_by_role("listitem").filter(has_text=first)).to_have_count(1)

        page.get_by_role("link", name=with_hidden("Ändra", first)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ändra en punkt")
        expect(page.get_by_label("Text för vuxna")).to_have_value(first)
        page.get_by_label("Text för vuxna").fill(changed)
        page.get_by_role("button", name="Spara i utkastet").click()
        section = page.get_by_role("region", name=part)
        expect(section.get_by_role("listitem").filter(has_text=changed)).to_have_count(1)
        expect(section.get_by_text(first, exact=True)).to_have_count(0)

    page.get_by_role("button", name="Publicera ny version").click()
    expect(page.get_by_role("status")).to_have_text("Publicerad. Nu ser familjen version 2.")

    parent = phone.new_page()
    sign_in(parent, family.person("Sara"))
    for part, _kind, first, changed in PARTS:
        section = parent.get_by_role("region", name=part)
        expect(section.get_by_text(changed, exact=True)).to_be_visible()
        expect(section.get_by_text(first, exact=True)).to_have_count(0)


def test_the_worker_copies_the_invite_link_and_the_text_message(
    make_context, new_family, staff_sign_in, assert_accessible
):
    family = new_family()
    screen = {"width": 1280, "height": 800}
    page = make_context(
        None, viewport=screen, screen=screen, permissions=["clipboard-read", "clipboard-write"]
    ).new_page()
    staff_sign_in(page, family["workers"][0])
    page.goto(f"/personal/familj/{family['family_id']}")
    page.get_by_role("button", name=with_hidden("Skapa en inbjudningslänk", "Farmor Britt")).click()
    link = page.get_by_label("Länk", exact=True).input_value()
    message = page.get_by_label("Ett sms att kopiera").input_value()

    page.get_by_role("button", name="Kopiera länken").click()
    expect(page.get_by_role("status")).to_have_text("Länken är kopierad.")
    assert page.evaluate("() => navigator.clipboard.readText()") == link

    page.get_by_role("button", name="Kopiera sms:et").click()
    expect(page.get_by_role("status")).to_have_text("Sms:et är kopierat.")
    assert page.evaluate("() => navigator.clipboard.readText()") == message
    assert_accessible(page)


def test_the_worker_writes_the_childs_story_and_shares_a_childs_rating_with_the_parents(
    desktop, new_family, staff_sign_in, server_env, assert_accessible
):
    """Issue #8: a page of Ord och bilder, in the child's words with a picture; then Elsa's
    rating, which only the worker sees, shared with the parents by an explicit action."""
    from familjeapp.db import connect
    from familjeapp.store import checkins

    family = new_family()
    family_id = family["family_id"]
    db = connect(server_env["FAMILJEAPP_DB"])
    checkins.save_checkin(
        db, family_id=family_id, person_id=family.person("Elsa")["id"],
        client_id=f"e2e-elsa-rating-{family_id}", rating=2, words="Jag var rädd i fredags.",
        shared=False, rules={}, version_id=None,
    )  # fmt: skip
    db.close()
    page = desktop.new_page()
    staff_sign_in(page, family["workers"][0])

    page.goto(f"/personal/familj/{family_id}/plan")
    page.get_by_role("button", name="Börja på en ny version").click()
    page.get_by_role(
        "link", name=with_hidden("Lägg till i den här delen", "Ord och bilder")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny punkt i ”Ord och bilder”")
    # For everyone unless she says otherwise: a child reads only what is for everyone.
    expect(
        page.get_by_role("radio", name="Alla: föräldrarna, nätverket och barnen")
    ).to_be_checked()
    page.get_by_label("Ord till barnet").fill("Nu bor farmor hos er en tid.")
    page.get_by_label("Hitta en bild: skriv ett ord på svenska").fill("hus")
    house = page.get_by_role("radio", name="hus", exact=True)
    expect(house).to_be_visible()
    house.check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara i utkastet").click()
    story = page.locator("#part-words_pictures").locator("xpath=..")
    expect(
        story.get_by_role("listitem").filter(has_text="Nu bor farmor hos er en tid.")
    ).to_be_visible()
    page.get_by_role("button", name="Publicera ny version").click()
    expect(page.get_by_role("status")).to_contain_text("Publicerad")
    assert_accessible(page)

    # Elsa's answer: hers, and nobody else's until the worker shares it.
    page.goto(f"/personal/familj/{family_id}/folj")
    answers = page.locator("#barnet").locator("xpath=..")
    card = answers.get_by_role("listitem").filter(has_text="Jag var rädd i fredags.")
    expect(card).to_contain_text("Elsa, barn")
    expect(card).to_contain_text("Familjen ser inte det här.")
    assert_accessible(page)
    card.get_by_role("link", name=re.compile(r"^Dela med föräldrarna")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dela med föräldrarna?")
    expect(page.get_by_role("main")).to_contain_text("Nätverket ser det inte.")
    assert_accessible(page)
    page.get_by_role("button", name="Dela med föräldrarna").click()
    expect(page.get_by_role("status")).to_have_text("Delat med föräldrarna.")
    card = (
        page.locator("#barnet")
        .locator("xpath=..")
        .get_by_role("listitem")
        .filter(has_text="Jag var rädd i fredags.")
    )
    expect(card).to_contain_text("Delat med föräldrarna")
