"""Every word a person sees comes from a catalog, in their language, and every catalog is whole.

The catalogs live in translations/ beside the package, in two gettext domains:

- ``messages``: everything a family member or a child can see, in every language of
  ``config.LANGUAGES`` (strings found by babel.cfg);
- ``staff``: the worker and admin pages, the staff layout and the command line, in Swedish and
  English only, ``config.STAFF_LANGUAGES`` (strings found by babel-staff.cfg).

A string added to the code without a translation, a catalog left half done, a .mo file compiled
from an older .po, or a wheel that forgets the catalogs would each show English words (or msgids)
to a parent who reads Swedish, Arabic or Tigrinya. These tests catch each of those before anyone
opens the app. Each language also keeps a glossary of the app's fixed terms,
translations/<lang>/glossary.tsv, and every translation uses those terms.

To bring the catalogs up to date after changing strings: ``make translations`` (extract both
domains, update every catalog, fill English, compile), then translate the new entries and
remove any "#, fuzzy".
"""

from __future__ import annotations

import functools
import gettext
import importlib.util
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from conftest import csrf_token, person, sign_in, sign_in_worker
from flask_babel import get_translations

from familjeapp import config
from familjeapp.store import families

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = list(config.LANGUAGES)
STAFF_LANGUAGES = list(config.STAFF_LANGUAGES)
# The mapping file that finds each domain's strings in the code.
DOMAINS = {"messages": "babel.cfg", "staff": "babel-staff.cfg"}
# The same keywords as the pybabel extract command in the Makefile.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# A printf-style placeholder: %(name)s, %(num)d, %s; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
# The number a plural message counts. A plural form may leave it out when its word already says
# it (Arabic has a form for exactly one and one for exactly two), so long as it is named.
COUNTS = {"num", "count"}


def catalogs() -> list:
    """Every (domain, language) pair that has a catalog, as test parameters."""
    pairs = [("messages", language) for language in LANGUAGES]
    pairs += [("staff", language) for language in STAFF_LANGUAGES]
    return [pytest.param(domain, language, id=f"{domain}-{language}") for domain, language in pairs]


def po_path(domain: str, language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"


def mo_path(domain: str, language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.mo"


def load_po(domain: str, language: str) -> Catalog:
    with po_path(domain, language).open("rb") as f:
        return read_po(f, locale=language)


def entries(catalog: Catalog) -> list:
    """The translatable messages, without the header entry."""
    return [m for m in catalog if m.id]


def key(message) -> tuple:
    msgid = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
    return (msgid, message.context)


def forms(message) -> list[str]:
    """The msgstr, or every plural form of it."""
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return list(strings)


def described(keys) -> str:
    return "\n  ".join(sorted(repr(k[0] if k[1] is None else k) for k in keys))


@functools.cache
def strings_in_code(domain: str) -> frozenset[tuple]:
    """Extract a domain's strings from the code now, the way pybabel extract does."""
    with (ROOT / DOMAINS[domain]).open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return frozenset(key(m) for m in entries(found))


# --- Each language has its catalogs, and the staff side only Swedish and English ---


def test_every_language_has_its_catalogs_and_staff_only_swedish_and_english():
    def languages_with(domain: str) -> list[str]:
        return sorted(p.parent.parent.name for p in TRANSLATIONS.glob(f"*/LC_MESSAGES/{domain}.po"))

    assert languages_with("messages") == sorted(LANGUAGES)
    assert languages_with("staff") == sorted(STAFF_LANGUAGES)
    assert LANGUAGES[:2] == ["sv", "en"], "Swedish is the default and comes first, then English"
    assert {"ar", "fa"} <= config.RTL_LANGUAGES


# --- The catalogs are complete ---


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_every_message_has_a_translation(domain, language):
    catalog = load_po(domain, language)
    empty = [m.id for m in entries(catalog) if not all(s.strip() for s in forms(m))]
    assert not empty, (
        f"{language} {domain}: {len(empty)} have no translation (or an empty plural form),"
        f" the first: {empty[:5]}"
    )


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_no_translation_is_a_guess(domain, language):
    catalog = load_po(domain, language)
    # A .po without its header counts as fuzzy as a whole, and pybabel compile then skips it:
    # the app would go on using an old .mo. Never run pybabel update with --omit-header.
    assert not catalog.fuzzy, f"{language} {domain}: the header is missing or marked fuzzy"
    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    assert not fuzzy, f"{language} {domain}: check these and remove '#, fuzzy': {fuzzy}"


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_plural_messages_have_every_form_the_language_needs(domain, language):
    catalog = load_po(domain, language)
    assert catalog.num_plurals == Catalog(locale=language).num_plurals
    for message in entries(catalog):
        if message.pluralizable:
            assert len(forms(message)) == catalog.num_plurals, (language, message.id)


@pytest.mark.parametrize("domain", DOMAINS)
def test_english_says_exactly_what_the_code_says(domain):
    for message in entries(load_po(domain, "en")):
        if message.pluralizable:
            assert tuple(forms(message)) == tuple(message.id), message.id
        else:
            assert message.string == message.id, message.id


def test_a_string_on_both_sides_says_the_same_in_both_catalogs():
    for language in STAFF_LANGUAGES:
        family = {key(m): forms(m) for m in entries(load_po("messages", language))}
        for message in entries(load_po("staff", language)):
            if key(message) in family:
                assert forms(message) == family[key(message)], (language, message.id)


# --- The catalogs are in step with the code ---


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_catalog_has_exactly_the_strings_in_the_code(domain, language):
    in_code = strings_in_code(domain)
    in_catalog = {key(m) for m in entries(load_po(domain, language))}
    missing = in_code - in_catalog
    assert not missing, (
        f"{language} {domain}.po has no entry for these strings in the code (run make "
        f"translations, then translate):\n  {described(missing)}"
    )
    gone = in_catalog - in_code
    assert not gone, (
        f"{language} {domain}.po has entries that are no longer in the code (run make "
        f"translations):\n  {described(gone)}"
    )


def test_the_two_domains_cover_every_string_in_the_app():
    """A string in the app's code lands in a domain: a new folder is not forgotten by both."""
    mapping = "[python: familjeapp/**.py]\n[jinja2: familjeapp/templates/**.html]\n"
    method_map, options_map = parse_mapping_cfg(io.StringIO(mapping))
    found = {
        (tuple(m) if isinstance(m, (list, tuple)) else m, ctx)
        for _, _, m, _, ctx in extract_from_dir(str(ROOT), method_map, options_map, KEYWORDS)
    }
    assert found == strings_in_code("messages") | strings_in_code("staff")


def messages(catalog: Catalog) -> dict:
    return {key(m): forms(m) for m in catalog}


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_compiled_catalog_is_compiled_from_this_po(domain, language):
    fresh = io.BytesIO()
    write_mo(fresh, load_po(domain, language))
    fresh.seek(0)
    expected = read_mo(fresh)
    with mo_path(domain, language).open("rb") as f:
        committed = read_mo(f)
    assert messages(committed) == messages(expected), (
        f"{mo_path(domain, language).relative_to(ROOT)} is stale: run make translations"
    )


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_compiled_catalog_knows_its_language_and_plural_rule(domain, language):
    with mo_path(domain, language).open("rb") as f:
        info = gettext.GNUTranslations(f).info()
    assert info.get("language") == language
    assert info.get("plural-forms") == Catalog(locale=language).plural_forms


@pytest.mark.parametrize(
    ("language", "number", "form"),
    [("sv", 1, 0), ("sv", 3, 1), ("ar", 2, 2), ("ar", 3, 3), ("ar", 11, 4), ("fa", 1, 0)],
)
def test_a_page_counts_with_its_own_languages_plural_rule(app, language, number, form):
    """The two domains are merged; the rule kept is the language's own, not English's."""
    with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        assert get_translations().plural(number) == form


# --- Translations keep the code's placeholders ---


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


@pytest.mark.parametrize(("domain", "language"), catalogs())
def test_translations_keep_every_placeholder(domain, language):
    for message in entries(load_po(domain, language)):
        ids = message.id if message.pluralizable else (message.id,)
        wanted = placeholders(ids[-1])
        for text in forms(message):
            if not text:
                continue  # not translated yet: test_every_message_has_a_translation says so
            found = placeholders(text)
            if message.pluralizable:
                # A form may leave out the count it names in words, never anything else.
                found += [p for p in wanted if p not in found and p[2:-2] in COUNTS]
                found.sort()
            assert found == wanted, (language, message.id, text)
            # A lone % would make "text % values" fail when the page is drawn.
            left = PLACEHOLDER.sub("", text.replace("%%", ""))
            if wanted:
                assert "%" not in left, (language, message.id, text)


# --- Each language says the app's fixed terms the same way everywhere ---


def glossary(language: str) -> dict[str, list[str]]:
    """translations/<lang>/glossary.tsv: Swedish term, a tab, that language's forms split by |."""
    terms = {}
    for line in (TRANSLATIONS / language / "glossary.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        swedish, _, translated = line.partition("\t")
        terms[swedish.strip()] = [f.strip() for f in translated.split("|") if f.strip()]
    return terms


def test_every_language_has_a_glossary_of_the_same_terms():
    swedish = list(glossary("sv"))
    assert "Vår plan" in swedish and "Jag vill prata med någon" in swedish
    for language in LANGUAGES:
        assert list(glossary(language)) == swedish, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_glossary_term_has_a_translation(language):
    empty = [term for term, found in glossary(language).items() if not found]
    assert not empty, f"translations/{language}/glossary.tsv has no term for: {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_glossary_terms(language):
    swedish = {key(m): forms(m) for m in entries(load_po("messages", "sv"))}
    terms = {term: found for term, found in glossary(language).items() if found}
    wrong = []
    for message in entries(load_po("messages", language)):
        said = " ".join(swedish[key(message)]).lower()
        for term, found in terms.items():
            if term.lower() not in said:
                continue
            for text in forms(message):
                if text and not any(f.lower() in text.lower() for f in found):
                    wrong.append(f"{term!r} -> {' | '.join(found)!r} not in {text!r}")
    assert not wrong, f"{language}:\n  " + "\n  ".join(wrong)


# --- The family sees its own language; the staff side is Swedish or English ---


def test_start_page_is_swedish_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="sv" dir="ltr"' in html
    assert "Vår plan" in html
    assert "För att komma in behöver du en egen länk." in html


def test_the_language_chooser_offers_every_language_by_its_own_name(client):
    html = client.get("/").get_data(as_text=True)
    for code, name in config.LANGUAGES.items():
        assert f'value="{code}" lang="{code}"' in html and f">{name}</option>" in html


def test_choosing_english_shows_the_next_page_in_english(client):
    start = client.get("/")
    chosen = client.post(
        "/sprak", data={"csrf_token": csrf_token(start), "language": "en", "next": "/"}
    )
    assert chosen.status_code == 303
    html = client.get(chosen.location).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "To get in, you need your own link." in html
    assert "Vår plan" not in html


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_a_right_to_left_language_turns_the_family_page_around(client, language):
    start = client.get("/")
    chosen = client.post(
        "/sprak", data={"csrf_token": csrf_token(start), "language": language, "next": "/"}
    )
    assert chosen.status_code == 303
    html = client.get(chosen.location).get_data(as_text=True)
    assert f'<html lang="{language}" dir="rtl">' in html


@pytest.mark.parametrize("language", ["so", "ti"])
def test_a_left_to_right_language_stays_left_to_right(client, language):
    client.set_cookie("lang", language)
    assert f'<html lang="{language}" dir="ltr">' in client.get("/").get_data(as_text=True)


def test_a_signed_in_persons_language_is_kept_for_them(client, demo, db):
    sara = person(demo, "Sara")
    plan_path = sign_in(client, sara["invite_path"])
    plan = client.get(plan_path)
    assert "Vad fungerar bra?" in plan.get_data(as_text=True)

    chosen = client.post(
        "/sprak", data={"csrf_token": csrf_token(plan), "language": "en", "next": plan_path}
    )
    assert chosen.status_code == 303
    assert families.get_person(db, sara["id"]).language == "en"

    # Without the browser's cookie the choice still holds: it is kept on Sara herself.
    client.delete_cookie("lang")
    html = client.get(plan_path).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "What is working well?" in html
    assert "Vad fungerar bra?" not in html


def test_a_parent_reading_arabic_gets_the_plan_right_to_left(client, demo, db):
    sara = person(demo, "Sara")
    plan_path = sign_in(client, sara["invite_path"])
    families.set_language(db, sara["id"], "ar")
    client.delete_cookie("lang")
    html = client.get(plan_path).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang not in STAFF_LANGUAGES])
def test_the_staff_sign_in_is_never_in_a_family_only_language(client, language):
    client.set_cookie("lang", language)
    html = client.get("/personal/logga-in").get_data(as_text=True)
    assert '<html lang="sv" dir="ltr">' in html
    assert "<h1>Logga in</h1>" in html
    # An address under the staff side that does not exist is answered the same way.
    missing = client.get("/personal/finns-inte")
    assert missing.status_code == 404
    assert '<html lang="sv" dir="ltr">' in missing.get_data(as_text=True)


def test_the_staff_side_is_in_english_when_chosen(client):
    client.set_cookie("lang", "en")
    html = client.get("/personal/logga-in").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "<h1>Sign in</h1>" in html


def test_a_signed_in_worker_whose_browser_chose_arabic_works_in_swedish(client, demo):
    sign_in_worker(client, demo["workers"][0])
    client.set_cookie("lang", "ar")
    html = client.get("/personal/").get_data(as_text=True)
    assert '<html lang="sv" dir="ltr">' in html
    assert "Översikt" in html


# --- An installed app finds its catalogs ---


@pytest.mark.skipif(
    importlib.util.find_spec("hatchling") is None,
    reason="the build backend hatchling is not installed here (pip install hatchling), "
    "so the wheel cannot be built offline",
)
def test_the_wheel_carries_the_compiled_catalogs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
        ],
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("familjeapp-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for param in catalogs():
            domain, language = param.values
            inside = f"familjeapp/translations/{language}/LC_MESSAGES/{domain}.mo"
            assert inside in archive.namelist(), f"{inside} is not in {wheel.name}"
            assert archive.read(inside) == mo_path(domain, language).read_bytes()
