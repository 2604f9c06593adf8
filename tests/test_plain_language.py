"""Klarspråk check: the worker sees readability, long words and authority words while writing."""

import csv
import time
from pathlib import Path

import pytest

from familjeapp.plain_language import (
    DEFAULT_WORDLIST_FILE,
    LEVEL_LABELS,
    Finding,
    check,
    count_sentences,
    jargon,
    level_key,
    lix,
    load_jargon,
    long_words,
    read_wordlist,
)

# LIX by hand:
#   "Mamma och pappa ska se till att Lisa äter frukost varje morgon."  12 words, long: frukost
#   "Mormor hämtar Lisa från förskolan på fredagar."                    7 words, long: förskolan,
#                                                                                       fredagar
#   "Vi träffas igen i maj."                                            5 words, long: träffas
#   (morgon, Mormor and hämtar have 6 letters: not long, long means more than 6.)
#   24 words, 3 sentences, 4 long words: 24 / 3 + 100 × 4 / 24 = 8 + 16.67 = 24.67 → 25, "Lätt".
KNOWN_TEXT = (
    "Mamma och pappa ska se till att Lisa äter frukost varje morgon. "
    "Mormor hämtar Lisa från förskolan på fredagar. "
    "Vi träffas igen i maj."
)


def plain_of(findings: list[Finding]) -> dict[str, str]:
    return {f.word: f.plain for f in findings}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_authority_language_is_flagged_with_plain_alternatives():
    text = "Vårdnadshavarna ska ombesörja att barnets grundläggande behov tillgodoses."

    report = check(text)

    found = plain_of(report.jargon)
    assert found["Vårdnadshavarna"] == "förälder"
    assert found["ombesörja"] == "se till"
    assert found["grundläggande behov"].startswith("det barnet behöver varje dag")
    assert found["tillgodoses"].startswith("se till att")
    assert list(found) == ["Vårdnadshavarna", "ombesörja", "grundläggande behov", "tillgodoses"]
    for finding in report.jargon:
        assert text[finding.start : finding.end] == finding.word
    assert report.over_target
    assert report.level == "Mycket svår"


def test_plain_text_has_no_findings():
    report = check("När du dricker alkohol får barnet inte mat.")

    assert report.jargon == []
    assert report.long_words == []
    assert report.words == 8


def test_lix_of_a_known_text_computed_by_hand():
    assert lix(KNOWN_TEXT) == pytest.approx(24 / 3 + 100 * 4 / 24)

    report = check(KNOWN_TEXT)

    assert (report.lix, report.words, report.sentences) == (25, 24, 3)
    # The label follows the rounded number the worker sees: 25 is "Lätt", not "Mycket lätt".
    assert (report.level, report.level_key) == ("Lätt", "easy")
    assert not report.over_target


def test_how_words_and_sentences_are_counted():
    assert lix("") == 0
    assert lix("  \n 12 345 ... ") == 0
    assert count_sentences("Vi ses på tisdag") == 1  # no end mark: one sentence
    assert count_sentences("Mormor kommer\nMorfar kommer\n\n\nVi äter") == 3  # one per line
    assert count_sentences("Ring! Kan du? Ja: gärna.") == 4
    assert count_sentences("Ta med t.ex. mat och kläder. Vi ses kl. 8 i skolan.") == 2
    # Digits are not words, "tjugofem" (8 letters) is long: 4 words / 1 + 100 × 1 / 4 = 29.
    assert lix("Mamma har 25 kronor, tjugofem.") == pytest.approx(29)


def test_child_text_has_target_30_and_adult_text_40():
    text = "När du dricker alkohol får barnet inte mat."  # 8 / 1 + 100 × 2 / 8 = 33

    adult = check(text)
    child = check(text, for_child=True)

    assert adult.lix == child.lix == 33
    assert (adult.target, adult.over_target) == (40, False)
    assert (child.target, child.over_target) == (30, True)


@pytest.mark.parametrize(
    ("rounded", "key", "label"),
    [
        (0, "very_easy", "Mycket lätt"),
        (24, "very_easy", "Mycket lätt"),
        (25, "easy", "Lätt"),
        (34, "easy", "Lätt"),
        (35, "medium", "Medelsvår"),
        (44, "medium", "Medelsvår"),
        (45, "hard", "Svår"),
        (54, "hard", "Svår"),
        (55, "very_hard", "Mycket svår"),
        (90, "very_hard", "Mycket svår"),
    ],
)
def test_levels_have_a_key_for_translation_and_a_swedish_label(rounded, key, label):
    assert level_key(rounded) == key
    assert LEVEL_LABELS[key] == label


def test_long_words_over_14_letters_are_listed_once_in_order():
    text = (
        "Socialförvaltningen har en familjebehandlare. "
        "Föräldrarna träffar socialförvaltningen och familjebehandlaren varje vecka."
    )

    assert len("socialförvaltningen") == 19
    assert long_words(text) == ["Socialförvaltningen", "familjebehandlare", "familjebehandlaren"]
    assert long_words(text, longer_than=17) == ["Socialförvaltningen", "familjebehandlaren"]
    assert check(text).long_words == long_words(text)


def test_inflected_forms_are_found():
    text = (
        "Vårdnadshavarens insatser. Insatsen ombesörjs. Behovet beaktades. "
        "Ärendet aktualiserades. Beslutet avslogs. Det föreligger oro. Du erhöll hjälp."
    )

    assert [f.word for f in jargon(text)] == [
        "Vårdnadshavarens",
        "insatser",
        "Insatsen",
        "ombesörjs",
        "beaktades",
        "Ärendet",
        "aktualiserades",
        "avslogs",
        "föreligger",
        "erhöll",
    ]


def test_words_are_not_found_inside_other_words():
    text = "En kinsats, tills vidare, en tillsats, en omsorgsfull mormor och en vårdnadstvist."

    assert jargon(text) == []


def test_a_phrase_is_found_across_a_line_break():
    text = "Vi vill se till barnets grundläggande\nbehov och arbeta i enlighet  med\r\nplanen."

    findings = jargon(text)

    assert [f.word for f in findings] == ["grundläggande\nbehov", "i enlighet  med"]
    assert findings[1].plain == "som"
    assert [text[f.start : f.end] for f in findings] == [f.word for f in findings]


def test_the_word_list_file_is_complete_and_clean():
    lines = DEFAULT_WORDLIST_FILE.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))

    assert lines[0].startswith("#")  # the format is explained at the top
    assert list(rows[0]) == ["ord", "enklare", "kommentar"]
    assert len(rows) >= 80
    words = [row["ord"].strip().casefold() for row in rows]
    assert len(words) == len(set(words))
    assert all(row["ord"].strip() and row["enklare"].strip() for row in rows)
    assert len(read_wordlist(DEFAULT_WORDLIST_FILE)) == len(rows)
    assert len(load_jargon()) == len(rows)


def test_a_municipality_adds_its_own_words_in_its_own_file(tmp_path):
    own = write_csv(
        tmp_path / "kommunens_ord.csv",
        "# Våra egna ord\n"
        "ord,enklare,kommentar\n"
        "hemmaplanslösning,hjälp så att barnet kan bo kvar hemma,\n"
        "insats,stöd från oss,Vi säger stöd.\n",
    )
    text = "Vi söker en hemmaplanslösning. Vårdnadshavaren får en insats."

    ours = jargon(text)
    theirs = jargon(text, load_jargon(own))
    only_theirs = jargon(text, load_jargon(own, include_default=False))

    assert "hemmaplanslösning" not in plain_of(ours)
    assert plain_of(theirs) == {
        "hemmaplanslösning": "hjälp så att barnet kan bo kvar hemma",
        "Vårdnadshavaren": "förälder",
        "insats": "stöd från oss",
    }
    assert [f.word for f in only_theirs] == ["hemmaplanslösning", "insats"]
    assert check(text, wordlist=load_jargon(own)).jargon == theirs
    assert load_jargon(own) is load_jargon(str(own))  # loaded once


def test_a_file_saved_from_excel_with_semicolons_works(tmp_path):
    own = tmp_path / "excel.csv"
    own.write_text("ord;enklare;kommentar\r\nfatta* beslut;bestämma;\r\n", encoding="utf-8-sig")

    findings = jargon("Nämnden fattade beslut.", load_jargon(own, include_default=False))

    assert [(f.word, f.plain) for f in findings] == [("fattade beslut", "bestämma")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("word,plain\nx,y\n", ":1: expected the header"),
        ("ord,enklare,kommentar\ninsats,,\n", ":2: both ord and enklare"),
        ("ord,enklare,kommentar\ninsats,hjälp,\n# x\nInsats,stöd,\n", ":4: 'Insats' is already"),
    ],
)
def test_a_broken_word_list_says_where(tmp_path, content, problem):
    path = write_csv(tmp_path / "fel.csv", content)

    with pytest.raises(ValueError, match=problem):
        read_wordlist(path)


def test_check_of_2000_words_is_fast():
    paragraph = (
        "Vårdnadshavarna ska ombesörja att barnets grundläggande behov tillgodoses. "
        "Mormor hämtar Lisa från förskolan på fredagar och socialförvaltningen följer upp "
        "insatsen i enlighet med planen. När du dricker alkohol får barnet inte mat.\n"
    )
    text = " ".join((paragraph * 100).split(" ")[:2000])
    check(text)  # load and compile the word list first

    best = min(_timed(check, text) for _ in range(5))

    assert check(text).words >= 2000
    assert best < 0.05


def _timed(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start
