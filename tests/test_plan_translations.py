"""Every family can read it (issue 10): each person's own language, and the plan's own words in
it. The worker sets a person's language and writes translations of plan items (with an
interpreter); a family member reads their language where there is a translation, with the
Swedish original one tap away, and the Swedish, marked, where there is none."""

import re

import pytest
from conftest import csrf_token, person, sign_in, sign_in_worker, signed_in
from flask_babel import force_locale, gettext

from familjeapp.store import audit, families, plans, translations

STRENGTH = "Elsa går till skolan varje dag. Hon har kompisar där."
SOMALI = "Elsa maalin kasta ayay dugsiga aadaa. Saaxiibo ayay halkaas ku leedahay."


@pytest.fixture
def worker(app, demo):
    client = app.test_client()
    sign_in_worker(client, demo["workers"][0])
    return client


def item(demo, text=STRENGTH) -> dict:
    return next(i for i in demo["items"] if i["text"] == text)


def staff_url(demo, rest: str) -> str:
    return f"/personal/familj/{demo['family_id']}{rest}"


def post(client, url: str, data: dict | None = None):
    if not hasattr(client, "token"):
        client.token = csrf_token(client.get("/personal/"))
    return client.post(url, data={"csrf_token": client.token, **(data or {})})


def set_language(worker, demo, name: str, language: str):
    return post(
        worker,
        staff_url(demo, f"/personer/{person(demo, name)['id']}/sprak"),
        {"language": language},
    )


def translate(worker, demo, key: str, language: str, text: str):
    return post(
        worker,
        staff_url(demo, f"/plan/punkt/{key}/oversattning"),
        {"language": language, "text": text},
    )


def publish(worker, demo) -> None:
    assert post(worker, staff_url(demo, "/plan/publicera")).status_code == 303


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def said_in(app, language: str, msgid: str) -> str:
    """What a reader of ``language`` sees for an English msgid (their catalog, or the msgid)."""
    with app.test_request_context("/"), force_locale(language):
        return gettext(msgid)


def somali_reader(app, worker, demo, name="Sara"):
    """The worker sets the person's language to Somali and translates the first strength;
    then the person opens their invite."""
    assert set_language(worker, demo, name, "so").status_code == 303
    assert translate(worker, demo, item(demo)["id"], "so", SOMALI).status_code == 303
    publish(worker, demo)
    return signed_in(app, demo, name)


# --- The store ----------------------------------------------------------------------------


def test_a_translation_is_published_with_its_draft_and_copied_into_the_next(db, demo):
    family, key = demo["family_id"], item(demo)["id"]
    everything = frozenset(plans.VISIBILITIES)
    draft = plans.draft_for(db, family, None)
    assert translations.set_translation(db, draft, key, language="so", text=SOMALI, worker_id=None)
    # The family reads the published version, which has no translation yet.
    seen = plans.published_plan(db, family, everything)
    assert next(i for i in seen.items if i.key == key).translations == {}

    plans.publish(db, draft)
    seen = plans.published_plan(db, family, everything)
    written = next(i for i in seen.items if i.key == key).translations["so"]
    assert (written.text, written.outdated) == (SOMALI, False)

    # The next draft starts with it; the published version can no longer be changed.
    copied = plans.plan_version(db, plans.draft_for(db, family, None), everything)
    assert next(i for i in copied.items if i.key == key).translations["so"].text == SOMALI
    with pytest.raises(plans.NotADraft):
        translations.set_translation(db, draft, key, language="so", text="x", worker_id=None)


def test_changing_the_swedish_marks_its_translations_as_perhaps_out_of_date(db, demo):
    family, strength = demo["family_id"], item(demo)
    everything = frozenset(plans.VISIBILITIES)
    draft = plans.draft_for(db, family, None)
    translations.set_translation(
        db, draft, strength["id"], language="so", text=SOMALI, worker_id=None
    )

    def written() -> translations.Translation:
        plan = plans.plan_version(db, draft, everything)
        return next(i for i in plan.items if i.key == strength["id"]).translations["so"]

    plans.update_item(
        db, draft, strength["id"], kind="strength", text=STRENGTH + " Hon spelar fotboll.",
        visibility="everyone", child_text=strength["child_text"],
    )  # fmt: skip
    assert written().outdated
    translations.set_translation(
        db, draft, strength["id"], language="so", text=SOMALI, worker_id=None
    )
    assert not written().outdated
    # The child words are not what the translation is of: changing them changes nothing.
    plans.update_item(
        db, draft, strength["id"], kind="strength", text=STRENGTH + " Hon spelar fotboll.",
        visibility="everyone", child_text="Du spelar fotboll.",
    )  # fmt: skip
    assert not written().outdated


def test_an_empty_translation_takes_it_away_and_swedish_is_never_a_translation(db, demo):
    draft = plans.draft_for(db, demo["family_id"], None)
    key = item(demo)["id"]
    translations.set_translation(db, draft, key, language="so", text=SOMALI, worker_id=None)
    translations.set_translation(db, draft, key, language="so", text="", worker_id=None)
    assert translations.for_version(db, draft) == {}
    for language in ("sv", "xx", ""):
        with pytest.raises(ValueError):
            translations.set_translation(
                db, draft, key, language=language, text="x", worker_id=None
            )
    assert not translations.set_translation(
        db, draft, "no-such-item", language="so", text="x", worker_id=None
    )


# --- The worker writes translations ---------------------------------------------------------


def test_a_somali_reader_sees_the_translation_with_the_swedish_one_tap_away(app, worker, demo, db):
    sara = somali_reader(app, worker, demo)
    page = page_of(sara.get(sara.plan_url))
    assert '<html lang="so" dir="ltr"' in page
    assert f'<p class="card__text" lang="so" dir="ltr">{SOMALI}</p>' in page
    # The Swedish original is there, behind "Show in Swedish" in her language, marked Swedish.
    shown = said_in(app, "so", "Show in Swedish")
    original = re.search(
        r'<details class="original">\s*<summary>(.*?)</summary>\s*'
        r'<p class="original__text" lang="sv" dir="ltr">(.*?)</p>',
        page,
    )
    assert original and original.groups() == (shown, STRENGTH)
    assert page.count(STRENGTH) == 1, "the Swedish shows only behind its disclosure"
    # The items nobody translated are in Swedish, marked as Swedish and as only in Swedish.
    other = next(i for i in demo["items"] if i["kind"] == "goal")["text"]
    assert f'<p class="card__text" lang="sv" dir="ltr">{other}</p>' in page
    assert said_in(app, "so", "Only in Swedish") in page
    # Words only ever in Swedish (who does a rule) are marked so, for a screen reader.
    assert '<dd><span lang="sv" dir="ltr">Johan</span></dd>' in page
    # The social worker's change is written in the audit log, without the words.
    changes = audit.rows(db, family_id=demo["family_id"], action="change")
    assert any(r["object_type"] == "worker.plan_translate_item" for r in changes)
    assert SOMALI not in str(audit.rows(db, family_id=demo["family_id"]))


def test_a_translation_is_not_seen_until_the_draft_is_published(app, worker, demo):
    assert set_language(worker, demo, "Sara", "so").status_code == 303
    assert translate(worker, demo, item(demo)["id"], "so", SOMALI).status_code == 303
    sara = signed_in(app, demo, "Sara")
    assert SOMALI not in page_of(sara.get(sara.plan_url))
    publish(worker, demo)
    assert SOMALI in page_of(sara.get(sara.plan_url))


def test_a_swedish_reader_sees_only_the_swedish(app, worker, demo):
    somali_reader(app, worker, demo)
    assert set_language(worker, demo, "Farmor Britt", "sv").status_code == 303
    britt = signed_in(app, demo, "Farmor Britt")
    page = page_of(britt.get(britt.plan_url))
    assert f'<p class="card__text">{STRENGTH}</p>' in page
    assert SOMALI not in page
    assert "Visa på svenska" not in page and "Bara på svenska" not in page


def test_a_persian_reader_without_a_persian_translation_sees_the_swedish_marked(app, worker, demo):
    somali_reader(app, worker, demo)
    assert set_language(worker, demo, "Johan", "fa").status_code == 303
    johan = signed_in(app, demo, "Johan")
    page = page_of(johan.get(johan.plan_url))
    assert '<html lang="fa" dir="rtl"' in page
    assert SOMALI not in page
    marker = said_in(app, "fa", "Only in Swedish")
    assert re.search(
        rf'<p class="card__text" lang="sv" dir="ltr">{re.escape(STRENGTH)}</p>\s*'
        rf'<span class="only-swedish">{re.escape(marker)}</span>',
        page,
    )


def test_what_changed_follows_the_same_rule(app, worker, demo):
    assert set_language(worker, demo, "Sara", "so").status_code == 303
    post(worker, staff_url(demo, "/plan/utkast"))
    added = post(
        worker,
        staff_url(demo, "/plan/ny/working"),
        {"action": "save", "kind": "strength", "text": "Farmor lagar mat.", "child_text": "",
         "picture": "", "visibility": "everyone"},
    )  # fmt: skip
    key = re.search(r"#punkt-([0-9a-f]+)$", added.location).group(1)
    assert translate(worker, demo, key, "so", "Ayeeyo ayaa cunto karisa.").status_code == 303
    publish(worker, demo)
    sara = signed_in(app, demo, "Sara")
    changes = re.search(
        r'<section class="changes".*?</section>', page_of(sara.get(sara.plan_url)), re.S
    ).group(0)
    assert '<span lang="so" dir="ltr">Ayeeyo ayaa cunto karisa.</span>' in changes
    assert '<p class="original__text" lang="sv" dir="ltr">Farmor lagar mat.</p>' in changes


def test_the_rules_to_answer_are_in_the_readers_language_too(app, worker, demo):
    rule = next(i for i in demo["items"] if i["kind"] == "rule")
    assert set_language(worker, demo, "Sara", "so").status_code == 303
    somali_rule = "Johan khamri ma cabbo marka Elsa guriga joogto."
    assert translate(worker, demo, rule["id"], "so", somali_rule).status_code == 303
    publish(worker, demo)
    sara = signed_in(app, demo, "Sara")
    checkin = page_of(sara.get(f"/familj/{demo['family_id']}/hur-gar-det"))
    assert f'<span lang="so" dir="ltr">{somali_rule}</span></legend>' in checkin


def test_a_childs_pages_follow_the_same_rule(app, worker, demo, db):
    story = next(i for i in demo["items"] if i["kind"] == "story_page")
    assert set_language(worker, demo, "Elsa", "so").status_code == 303
    assert (
        translate(worker, demo, story["id"], "so", "Anna ayaa idiin imanaysa.").status_code == 303
    )
    publish(worker, demo)
    elsa = app.test_client()
    sign_in(elsa, person(demo, "Elsa")["invite_path"])
    page = page_of(elsa.get(f"/barn/{demo['family_id']}/ord-och-bilder"))
    assert (
        '<p class="story-page__text" id="story-text" lang="so" dir="ltr">'
        "Anna ayaa idiin imanaysa.</p>"
    ) in page
    assert f'<p class="original__text" lang="sv" dir="ltr">{story["child_text"]}</p>' in page


def test_the_editor_shows_a_translation_whose_swedish_was_changed(worker, demo):
    strength = item(demo)
    assert set_language(worker, demo, "Sara", "so").status_code == 303
    assert translate(worker, demo, strength["id"], "so", SOMALI).status_code == 303
    editor = page_of(worker.get(staff_url(demo, "/plan")))
    assert "Översättningar (1)" in editor and "kan vara inaktuell" not in editor
    # Each of the family's languages has its field, to save on its own with the CSRF token.
    assert f'lang="so" dir="ltr">{SOMALI}</textarea>' in editor
    changed = post(
        worker,
        staff_url(demo, f"/plan/punkt/{strength['id']}"),
        {"action": "save", "kind": "strength", "text": "Elsa går i skolan.", "picture": "",
         "child_text": "", "visibility": "everyone"},
    )  # fmt: skip
    assert changed.status_code == 303
    editor = page_of(worker.get(staff_url(demo, "/plan")))
    assert "1 kan vara inaktuell" in editor
    assert "Tills du sparar översättningen igen ser familjen den svenska texten." in editor


def test_a_translation_of_swedish_that_changed_is_not_shown_until_saved_again(app, worker, demo):
    sara = somali_reader(app, worker, demo)
    changed = "Elsa går i skolan varje dag."
    post(
        worker,
        staff_url(demo, f"/plan/punkt/{item(demo)['id']}"),
        {"action": "save", "kind": "strength", "text": changed, "picture": "",
         "child_text": "", "visibility": "everyone"},
    )  # fmt: skip
    publish(worker, demo)
    page = page_of(sara.get(sara.plan_url))
    assert SOMALI not in page, "it may say what the plan no longer says"
    assert f'<p class="card__text" lang="sv" dir="ltr">{changed}</p>' in page
    assert translate(worker, demo, item(demo)["id"], "so", SOMALI).status_code == 303
    publish(worker, demo)
    assert SOMALI in page_of(sara.get(sara.plan_url))


def test_a_translation_without_the_csrf_token_is_refused(worker, demo, db):
    response = worker.post(
        staff_url(demo, f"/plan/punkt/{item(demo)['id']}/oversattning"),
        data={"language": "so", "text": SOMALI},
    )
    assert response.status_code == 400
    assert db.execute("SELECT COUNT(*) FROM plan_item_translations").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [
        ("so", "ab " * 700, "Skriv högst 2000 tecken."),
        ("xx", SOMALI, "Välj ett av språken i listan."),
        ("sv", SOMALI, "Välj ett av språken i listan."),
        ("", SOMALI, "Välj ett språk."),
    ],
)
def test_a_bad_translation_is_refused_and_what_was_typed_stays(
    worker, demo, db, language, text, message
):
    response = translate(worker, demo, item(demo)["id"], language, text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert text.strip() in page
    assert db.execute("SELECT COUNT(*) FROM plan_item_translations").fetchone()[0] == 0


def test_another_teams_worker_cannot_read_or_write_translations(app, demo, db):
    other = app.test_client()
    sign_in_worker(other, demo["workers"][1])
    url = staff_url(demo, f"/plan/punkt/{item(demo)['id']}/oversattning")
    assert other.get(url).status_code == 404
    assert translate(other, demo, item(demo)["id"], "so", SOMALI).status_code == 404
    assert db.execute("SELECT COUNT(*) FROM plan_item_translations").fetchone()[0] == 0


def test_the_print_in_a_family_members_language_has_the_swedish_beneath(worker, demo):
    assert translate(worker, demo, item(demo)["id"], "so", SOMALI).status_code == 303
    publish(worker, demo)
    printed = page_of(worker.get(staff_url(demo, "/utskrift?for=parents&language=so")))
    assert re.search(
        rf'<p class="card__text" lang="so" dir="ltr">{re.escape(SOMALI)}</p>\s*'
        rf'<p class="original original--on-paper" lang="sv" dir="ltr">'
        rf'<span class="original__label">På svenska:</span> {re.escape(STRENGTH)}</p>',
        printed,
    )
    assert "Bara på svenska" in printed  # the items nobody translated
    swedish = page_of(worker.get(staff_url(demo, "/utskrift?for=parents")))
    assert SOMALI not in swedish and f'<p class="card__text">{STRENGTH}</p>' in swedish
    assert worker.get(staff_url(demo, "/utskrift?for=parents&language=xx")).status_code == 400


# --- Each person's language (item 3) ---------------------------------------------------------


def test_the_worker_changes_a_persons_language(worker, demo, db):
    sara = person(demo, "Sara")
    assert set_language(worker, demo, "Sara", "ar").status_code == 303
    assert families.get_person(db, sara["id"]).language == "ar"
    family = page_of(worker.get(staff_url(demo, "")))
    assert re.search(r'<option value="ar" lang="ar" selected>', family)
    refused = set_language(worker, demo, "Sara", "xx")
    assert refused.status_code == 400
    assert "Välj ett av språken i listan." in refused.get_data(as_text=True)
    assert families.get_person(db, sara["id"]).language == "ar"


def test_adding_a_person_names_each_language_in_its_own_language(worker, demo):
    """WCAG 3.1.2: "العربية" is marked as Arabic, so a screen reader says it in Arabic."""
    form = page_of(worker.get(staff_url(demo, "/personer/ny")))
    for code, name in (("ar", "العربية"), ("fa", "فارسی"), ("ti", "ትግርኛ"), ("so", "Soomaali")):
        assert f'<option lang="{code}" value="{code}">{name}</option>' in form, code


def test_the_invite_text_message_is_in_the_persons_language(worker, demo):
    url = staff_url(demo, f"/personer/{person(demo, 'Sara')['id']}/inbjudan")
    swedish = page_of(post(worker, url, {"days": "7"}))
    assert re.search(r'lang="sv" dir="ltr">Hej Sara! Här är din egen länk', swedish)
    set_language(worker, demo, "Sara", "en")
    english = page_of(post(worker, url, {"days": "7"}))
    assert re.search(r'lang="en" dir="ltr">Hello Sara! Here is your own link', english)
    assert '<html lang="sv"' in english  # the worker's own page stays in Swedish


def test_the_invite_page_is_in_the_persons_language_and_the_device_keeps_it(app, worker, demo):
    set_language(worker, demo, "Sara", "en")
    phone = app.test_client()
    invite = page_of(phone.get(person(demo, "Sara")["invite_path"]))
    assert '<html lang="en"' in invite
    sign_in(phone, person(demo, "Sara")["invite_path"])
    assert phone.get_cookie("lang").value == "en"


def test_after_logging_out_the_device_still_has_the_persons_language(app, demo):
    sara = signed_in(app, demo, "Sara")
    plan = sara.get(sara.plan_url)
    sara.post(
        "/sprak", data={"csrf_token": csrf_token(plan), "language": "en", "next": sara.plan_url}
    )
    logout = sara.post("/logga-ut", data={"csrf_token": csrf_token(sara.get("/logga-ut"))})
    assert logout.status_code == 303
    assert "cookies" in logout.headers["Clear-Site-Data"]
    sara.delete_cookie("lang")  # what Clear-Site-Data does in a browser
    goodbye = sara.get(logout.location)
    assert '<html lang="en"' in goodbye.get_data(as_text=True)
    assert sara.get_cookie("lang").value == "en"
    assert '<html lang="en"' in page_of(sara.get("/"))


def test_after_logging_out_in_swedish_the_address_names_no_language(app, demo):
    britt = signed_in(app, demo, "Farmor Britt")
    logout = britt.post("/logga-ut", data={"csrf_token": csrf_token(britt.get("/logga-ut"))})
    assert logout.location == "/utloggad"
