"""Every word the family sees comes from a catalog: Swedish first, English complete.

The catalogs live in translations/ beside the package. A string added to the code without a
translation, a catalog left half done, a .mo file compiled from an older .po, or a wheel that
forgets the catalogs would each show English words (or msgids) to a Swedish parent. These tests
catch each of those before anyone opens the app.

To bring the catalogs up to date after changing strings:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \\
        -c Translators: --project familjeapp --version 0.1.0 --copyright-holder familjeapp \\
        --no-location --sort-output -o translations/messages.pot .
    .venv/bin/pybabel update -i translations/messages.pot -d translations \\
        --ignore-obsolete --ignore-pot-creation-date
    (translate the new entries, remove "#, fuzzy")
    .venv/bin/pybabel compile -d translations --statistics
"""

from __future__ import annotations

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
from conftest import csrf_token, person, sign_in

from familjeapp.store import families

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ["sv", "en"]
# The same keywords as the pybabel extract command above.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# A printf-style placeholder: %(name)s, %(num)d, %s; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]")


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def mo_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"


def load_po(language: str) -> Catalog:
    with po_path(language).open("rb") as f:
        return read_po(f, locale=language)


def entries(catalog: Catalog) -> list:
    """The translatable messages, without the header entry."""
    return [m for m in catalog if m.id]


def key(message) -> tuple:
    msgid = tuple(message.id) if isinstance(message.id, list) else message.id
    return (msgid, message.context)


def forms(message) -> list[str]:
    """The msgstr, or every plural form of it."""
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return list(strings)


def described(keys) -> str:
    return "\n  ".join(sorted(repr(k[0] if k[1] is None else k) for k in keys))


@pytest.fixture(scope="module")
def strings_in_code() -> set[tuple]:
    """Extract the strings from the code now, the way pybabel extract does."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return {key(m) for m in entries(found)}


# --- The catalogs are complete ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    catalog = load_po(language)
    empty = [m.id for m in entries(catalog) if not all(s.strip() for s in forms(m))]
    assert not empty, f"{language}: these have no translation (or an empty plural form): {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_a_guess(language):
    catalog = load_po(language)
    # A .po without its header counts as fuzzy as a whole, and pybabel compile then skips it:
    # the app would go on using an old .mo. Never run pybabel update with --omit-header.
    assert not catalog.fuzzy, f"{language}: the catalog header is missing or marked fuzzy"
    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    assert not fuzzy, f"{language}: check these and remove '#, fuzzy': {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form_the_language_needs(language):
    catalog = load_po(language)
    for message in entries(catalog):
        if message.pluralizable:
            assert len(forms(message)) == catalog.num_plurals, (language, message.id)


def test_english_says_exactly_what_the_code_says():
    for message in entries(load_po("en")):
        if message.pluralizable:
            assert tuple(forms(message)) == tuple(message.id), message.id
        else:
            assert message.string == message.id, message.id


# --- The catalogs are in step with the code ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_exactly_the_strings_in_the_code(language, strings_in_code):
    in_catalog = {key(m) for m in entries(load_po(language))}
    missing = strings_in_code - in_catalog
    assert not missing, (
        f"{language} has no entry for these strings in the code (extract, update and translate;"
        f" see this file's docstring):\n  {described(missing)}"
    )
    gone = in_catalog - strings_in_code
    assert not gone, (
        f"{language} has entries that are no longer in the code (run pybabel update):\n"
        f"  {described(gone)}"
    )


def messages(catalog: Catalog) -> dict:
    return {key(m): forms(m) for m in catalog}


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_compiled_from_this_po(language):
    fresh = io.BytesIO()
    write_mo(fresh, load_po(language))
    fresh.seek(0)
    expected = read_mo(fresh)
    with mo_path(language).open("rb") as f:
        committed = read_mo(f)
    assert messages(committed) == messages(expected), (
        f"{mo_path(language).relative_to(ROOT)} is stale: run pybabel compile -d translations"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_knows_its_language_and_plural_rule(language):
    with mo_path(language).open("rb") as f:
        info = gettext.GNUTranslations(f).info()
    assert info.get("language") == language
    assert info.get("plural-forms") == Catalog(locale=language).plural_forms


# --- Translations keep the code's placeholders ---


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for message in entries(load_po(language)):
        ids = message.id if message.pluralizable else (message.id,)
        wanted = placeholders(ids[-1])
        for text in forms(message):
            assert placeholders(text) == wanted, (language, message.id, text)
            # A lone % would make "text % values" fail when the page is drawn.
            left = PLACEHOLDER.sub("", text.replace("%%", ""))
            if wanted:
                assert "%" not in left, (language, message.id, text)


# --- The family sees its own language ---


def test_start_page_is_swedish_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="sv"' in html
    assert "Vår plan" in html
    assert "För att komma in behöver du en egen länk." in html


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
        for language in LANGUAGES:
            inside = f"familjeapp/translations/{language}/LC_MESSAGES/messages.mo"
            assert inside in archive.namelist(), f"{inside} is not in {wheel.name}"
            assert archive.read(inside) == mo_path(language).read_bytes()
