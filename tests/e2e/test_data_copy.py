"""A person's copy of their data (GDPR art. 15, issue 11 item 7): the social worker prepares it,
leaves out a part that secrecy keeps back, and hands over a link; the person opens it on a
320 px phone and downloads one ZIP with the page and the data, without the part left out."""

import io
import json
import secrets
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from familjeapp.db import connect
from familjeapp.store import checkins

KEPT = "Helgen var lugn och fin"
SECRET = "Det Johan berättade om Sara"


def test_a_worker_hands_over_a_copy_and_the_person_downloads_it_once(
    desktop, narrow, new_family, server_env, staff_sign_in, assert_accessible,
    assert_no_horizontal_scroll,
):  # fmt: skip
    family = new_family()
    sara = family.person("Sara")
    db = connect(server_env["FAMILJEAPP_DB"])
    for words in (KEPT, SECRET):
        checkins.save_checkin(
            db, family_id=family["family_id"], person_id=sara["id"],
            client_id=secrets.token_urlsafe(12), rating=7, words=words, shared=False, rules={},
            version_id=None,
        )  # fmt: skip
    db.close()

    # The worker prepares the copy from the family's page and reviews it part by part.
    page = desktop.new_page()
    staff_sign_in(page, family["workers"][0])
    page.goto(f"/personal/familj/{family['family_id']}")
    page.locator(f"#person-{sara['id']}").get_by_role(
        "button", name="Kopia av personens uppgifter"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kopia av uppgifterna om Sara")
    expect(page.get_by_role("heading", name="Dina svar på Hur går det?")).to_be_visible()
    assert_accessible(page)
    secret = page.locator(".copy-item").filter(has_text=SECRET)
    secret.get_by_role("checkbox").check()
    secret.get_by_label("Varför den utelämnas").select_option(
        label="Om någon annan (26 kap. 1 § OSL)"
    )
    page.get_by_role("button", name="Lämna ut").click()

    # The link, shown once.
    link = page.get_by_label("Länk").input_value()
    assert "/kopia/" in link
    assert_accessible(page)

    # The person opens it on a small phone: opening uses nothing, the button downloads.
    phone = narrow.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Din kopia av dina uppgifter")
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    with phone.expect_download() as downloaded:
        phone.get_by_role("button", name="Ladda ner").click()
    with zipfile.ZipFile(io.BytesIO(Path(downloaded.value.path()).read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert {"copy.html", "copy.json"} <= set(files)
    data = json.loads(files["copy.json"])
    checkins_kept = next(s for s in data["sections"] if s["key"] == "checkins")["items"]
    assert [c["words"] for c in checkins_kept] == [KEPT]
    html = files["copy.html"].decode()
    assert KEPT in html and SECRET not in html and SECRET not in files["copy.json"].decode()

    # The page in the ZIP reads well on the same phone, on its own.
    reader = narrow.new_page()
    reader.set_content(html)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Dina uppgifter i familjeapp")
    expect(reader.get_by_text("Några delar finns inte med på grund av sekretess:")).to_be_visible()
    assert_accessible(reader)
    assert_no_horizontal_scroll(reader)

    # Used once: the link now says so.
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Länken fungerar inte")
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
