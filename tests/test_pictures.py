"""The picture library (bildstöd): a social worker types a Swedish word and
gets pictures to put beside an item of the family's safety plan."""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from familjeapp.pictures import (
    MAX_QUERY_LENGTH,
    Picture,
    PictureLibrary,
    load_library,
    picture_url_path,
    read_family_words,
)

ROOT = Path(__file__).resolve().parent.parent
PICTURES = ROOT / "familjeapp" / "static" / "pictures"
FAMILY_WORDS = ROOT / "familjeapp" / "data" / "picture_words_sv.txt"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def library() -> PictureLibrary:
    return load_library()


def ids(pictures: list[Picture]) -> list[str]:
    return [p.id for p in pictures]


# --- Searching as a social worker would ---


def test_worker_finds_toothbrush_by_typing_tand(library):
    found = ids(library.search("tand"))
    assert "toothbrush" in found
    assert "tooth" in found


def test_tand_does_not_find_crying_face(library):
    # "gråtande" contains "tand" inside the word: no infix matches
    found = ids(library.search("tand"))
    assert "crying-face" not in found
    assert "loudly-crying-face" not in found


def test_exact_word_ranks_before_a_longer_word_it_begins(library):
    found = ids(library.search("tand"))
    assert found.index("tooth") < found.index("toothbrush")


def test_search_is_case_insensitive(library):
    assert ids(library.search("TAND")) == ids(library.search("tand"))
    assert ids(library.search("Tandborste"))[0] == "toothbrush"


def test_swedish_letters_match_however_they_were_typed(library):
    assert ids(library.search("ÖL"))[0] == "beer-mug"
    decomposed = unicodedata.normalize("NFD", "öl")  # o + combining diaeresis
    assert ids(library.search(decomposed))[0] == "beer-mug"


def test_family_word_borsta_finds_toothbrush(library):
    assert ids(library.search("borsta"))[0] == "toothbrush"


def test_family_words_fill_gaps_in_emojibase(library):
    assert ids(library.search("läxor"))[0] in {"books", "pencil"}
    assert "woman" in ids(library.search("mamma"))
    assert "old-woman" in ids(library.search("mormor"))
    assert "busts-in-silhouette" in ids(library.search("nätverksmöte"))


def test_family_word_ranks_before_an_emojibase_tag(library):
    # "ledsen" is our own word for crying-face and pensive-face, and only an
    # emojibase tag of many other faces (tired-face, worried-face, ...)
    found = ids(library.search("ledsen"))
    assert set(found[:2]) == {"crying-face", "pensive-face"}
    assert "tired-face" in found[2:]


def test_multiword_query_narrows(library):
    one_word = ids(library.search("tand"))
    two_words = ids(library.search("tand borste"))
    assert two_words == ["toothbrush"]
    assert set(two_words) < set(one_word)


def test_unknown_word_finds_nothing(library):
    assert library.search("xyzzyqwerty") == []
    assert library.search("tand xyzzyqwerty") == []


def test_empty_or_blank_query_finds_nothing(library):
    assert library.search("") == []
    assert library.search("   \t\n") == []
    assert library.search("!?.,") == []


def test_query_is_cut_at_100_characters(library):
    long_query = "x" * MAX_QUERY_LENGTH + " tand"
    assert library.search(long_query) == []
    assert ids(library.search("tand " * 60))[:1] == ["tooth"]


def test_limit_caps_the_number_of_results(library):
    assert len(library.search("a")) == 24
    assert len(library.search("a", limit=5)) == 5
    assert library.search("tand", limit=0) == []


def test_get_and_exists(library):
    picture = library.get("house-with-garden")
    assert picture == Picture(id="house-with-garden", label="hus med trädgård")
    assert library.exists("house-with-garden")
    assert library.get("no-such-picture") is None
    assert not library.exists("no-such-picture")


def test_library_is_loaded_once_per_folder(library):
    assert load_library() is library
    assert load_library(ROOT / "familjeapp" / "static") is library


def test_picture_url_path_points_into_static_pictures():
    assert picture_url_path("toothbrush") == "pictures/toothbrush.svg"
    with pytest.raises(ValueError):
        picture_url_path("../secret")
    with pytest.raises(ValueError):
        picture_url_path("")


# --- Our own word list ---


def test_every_family_word_points_to_a_picture_that_exists(library):
    words = read_family_words(FAMILY_WORDS)
    missing = {w: i for w, ids_ in words.items() for i in ids_ if not library.exists(i)}
    assert missing == {}


def test_family_word_list_covers_at_least_120_everyday_words():
    words = read_family_words(FAMILY_WORDS)
    assert len(words) >= 120
    for word in ["borsta", "läxor", "förskola", "nykter", "nätverksmöte", "socialsekreterare"]:
        assert word in words


def test_family_word_file_rejects_a_line_without_pictures(tmp_path):
    bad = tmp_path / "words.txt"
    bad.write_text("# kommentar\nborsta: toothbrush\nläxor\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":3:"):
        read_family_words(bad)


def test_unknown_ids_in_a_word_list_are_skipped_not_fatal():
    lib = PictureLibrary(
        [Picture("toothbrush", "tandborste")],
        family_words={"borsta": ["toothbrush", "does-not-exist"]},
    )
    assert ids(lib.search("borsta")) == ["toothbrush"]


# --- The generated files ---


def test_index_is_sorted_and_compact_with_lowercase_words():
    text = (PICTURES / "index.json").read_text(encoding="utf-8")
    entries = json.loads(text)
    assert len(entries) > 1000
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    assert "\n " not in text and '": ' not in text
    for entry in entries:
        assert set(entry) == {"id", "label", "words"}
        assert entry["label"]
        assert all(w == w.lower() for w in entry["words"])


def test_every_indexed_picture_has_an_svg_file_that_is_valid_svg(library):
    svg_files = {p.stem for p in PICTURES.glob("*.svg")}
    assert svg_files == {p.id for p in library}
    for name in svg_files:
        root = ET.parse(PICTURES / f"{name}.svg").getroot()
        assert root.tag == f"{SVG_NS}svg", name
        assert len(root.get("viewBox", "").split()) == 4, name


def test_no_flags_skin_tones_or_keycaps(library):
    # all of these are drawn by Fluent Emoji Flat but left out on purpose
    flags = ["chequered-flag", "rainbow-flag", "pirate-flag"]
    skin_tones = ["thumbs-up-light", "woman-medium-dark", "baby-dark"]
    keycaps = ["keycap-1", "keycap-hashtag"]
    for left_out in flags + skin_tones + keycaps:
        assert not library.exists(left_out), left_out
    assert library.exists("thumbs-up") and library.exists("baby")  # default tone kept
    assert not any(" hy" in p.label or p.label.startswith("regional") for p in library)


def test_pictures_stay_small_enough_to_ship():
    total = sum(p.stat().st_size for p in PICTURES.iterdir() if p.is_file())
    assert total < 10 * 1024 * 1024


def test_licences_ship_beside_the_pictures(monkeypatch):
    # the licence files name the exact versions pinned in the build script
    script = ROOT / "scripts" / "build_pictures.py"
    spec = importlib.util.spec_from_file_location("build_pictures", script)
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_pictures", build)
    spec.loader.exec_module(build)

    fluent = (PICTURES / "LICENSE-fluent-emoji.txt").read_text(encoding="utf-8")
    assert "MIT License" in fluent and "Microsoft Corporation" in fluent
    assert "Permission is hereby granted" in fluent
    assert f"{build.FLUENT_PACKAGE}@{build.FLUENT_VERSION}" in fluent

    emojibase = (PICTURES / "LICENSE-emojibase.txt").read_text(encoding="utf-8")
    assert "MIT License" in emojibase and "Permission is hereby granted" in emojibase
    assert f"{build.EMOJIBASE_PACKAGE}@{build.EMOJIBASE_VERSION}" in emojibase
