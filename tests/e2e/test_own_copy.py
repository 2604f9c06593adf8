"""The network's own tools (issue 11): a network member calls the people whose numbers the
social worker shared with the network, and prints or saves as PDF their own view of the plan,
which holds nothing they may not see."""

import io
import re
import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

from familjeapp.db import connect
from familjeapp.store import families

BRITT = "070-123 45 67"  # shared with the parents and the network
SARA = "073-555 12 34"  # shared with the parents only
JOHAN = "076-987 65 43"  # shared with nobody


def test_a_network_member_calls_and_prints_only_what_is_theirs(
    narrow, new_family, server_env, sign_in, assert_accessible, assert_no_horizontal_scroll
):
    family = new_family()
    db = connect(server_env["FAMILJEAPP_DB"])
    for name, number, shared_with in (
        ("Farmor Britt", BRITT, "adults"), ("Sara", SARA, "parents"), ("Johan", JOHAN, "nobody"),
    ):  # fmt: skip
        families.set_phone(db, family.person(name)["id"], number, shared_with)
    db.close()

    page = narrow.new_page()
    sign_in(page, family.person("Morbror Karim"))

    # Who to call: Farmor Britt, by name, with her number readable left to right.
    call = page.get_by_role("link", name="Ring Farmor Britt")
    expect(call).to_have_attribute("href", "tel:0701234567")
    expect(call.locator(".phone")).to_have_text(BRITT)
    assert call.bounding_box()["height"] >= 44
    # Numbers not shared with the network are not in the page at all.
    expect(page.get_by_role("link", name="Ring Sara")).to_have_count(0)
    html = page.content()
    assert "073-555" not in html and "076-987" not in html

    # The own copy: a button that opens the browser's print.
    button = page.get_by_role("button", name="Skriv ut eller spara som PDF")
    expect(button).to_be_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # On paper: what the network sees, the date, the number, and nothing to press or fill in.
    page.emulate_media(media="print")
    paper = page.locator("body").inner_text()
    for text in family.texts("everyone", "adults"):
        assert text in paper
    for text in family.texts("parents", "worker"):
        assert text not in paper
    assert re.search(r"Utskriven \d{1,2} \w+ \d{4}", paper)
    assert "Ring Farmor Britt" in paper and BRITT in paper
    visible_controls = page.locator(
        "button, form, input, select, textarea, summary, .button:not(.button--call)"
    ).evaluate_all("all => all.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))")
    assert visible_controls == []
    for gone in ("Lämna snabbt", "Läs upp", "Logga ut", "Svenska"):
        assert gone not in paper

    # The PDF the browser saves says the same.
    # The page size is the stylesheet's (@page A4), as when the person prints it.
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert [round(float(x)) for x in pdf.pages[0].mediabox.upper_right] == [595, 842]
    # NFKC: the PDF's font writes "fi" as one ligature.
    words = " ".join(p.extract_text() for p in pdf.pages)
    saved = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", words))
    assert "Vår plan" in saved and "Utskriven" in saved and BRITT in saved
    assert "Lämna snabbt" not in saved and "073-555" not in saved and "076-987" not in saved
    for text in family.texts("everyone", "adults"):
        assert re.sub(r"\s+", " ", text) in saved
    for text in family.texts("parents", "worker"):
        assert re.sub(r"\s+", " ", text) not in saved
