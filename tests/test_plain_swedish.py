"""Plain Swedish for every family (issue 10): each word spelled right, and easy to read.

What is checked is the Swedish text a family member or a child can see: the msgstr of
translations/sv/LC_MESSAGES/messages.po (the staff side has its own catalog, staff.po).

Spelling: hunspell with Debian's Swedish dictionary (sv_SE, package hunspell-sv; `make test`
installs it) and our short word list translations/sv/ordlista.txt, one word a line, for names
such as *familjeappen* and *Digg*, and for our own words that the dictionary lacks (*Oroshuset*).
An English word in a Swedish string is a mistake to fix in the translation, never a word for
the list.

Readability: LIX from the project's own function (familjeapp.plain_language, the check the
social worker sees while writing), against the children's target, LIX 30, since children read
these words too. LIX says little about a short text: in a label of five words, one long word
gives 25 and two give 45. So the rule is:

- every string of at least 8 words reads at LIX 30 or below, on its own;
- the family-facing strings of each template or module (roughly: one page, or one part of
  several pages) read at LIX 30 or below together, each string counted as a sentence of its
  own, since headings, labels and buttons are read one at a time, when they have at least 30
  words together (below that, one long word still moves LIX by more than 3, and a part of
  three labels such as "Bara på svenska" would fail for the word "svenska"). Shorter labels
  are checked there, as part of the page, and by the spelling check.

Placeholders (%(name)s), HTML tags and entities are taken out before both checks: a name or a
number is not a word the translator wrote.
"""

import html
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from familjeapp.plain_language import CHILD_TARGET, check

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
WORDLIST = ROOT / "translations" / "sv" / "ordlista.txt"
BABEL_CFG = ROOT / "babel.cfg"
# The same keywords as `make translations` (the Makefile's pybabel extract -k ...).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}

MIN_WORDS = 8
MIN_PAGE_WORDS = 30
TARGET = CHILD_TARGET  # 30

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[^{}]*\}")
TAG = re.compile(r"<[^>]*>")


def plain_text(translated: str) -> str:
    """What a reader sees of a translation, less the parts the translator did not write."""
    return " ".join(html.unescape(TAG.sub(" ", PLACEHOLDER.sub(" ", translated))).split())


@cache
def family_strings() -> dict[str, tuple[str, ...]]:
    """msgid -> the plain text of each Swedish form (plurals have two) in messages.po."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="sv")
    found = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found[msgid] = tuple(plain_text(form) for form in forms if form)
    return found


# --- Spelling --------------------------------------------------------------------------------


def unknown_words(texts: list[str], *, wordlist: Path | None = WORDLIST) -> list[list[str]]:
    """For each text, the words hunspell (sv_SE, with our word list) does not know.

    One hunspell process in pipe mode (-a) for all texts: each text is one line, escaped with
    "^" so that no text is read as a command; hunspell answers each line with one line per
    word and then an empty line.
    """
    hunspell = shutil.which("hunspell")
    if hunspell is None:
        pytest.fail(
            "hunspell is not installed: make test installs it (apt-get install hunspell-sv)"
        )
    command = [hunspell, "-a", "-i", "utf-8", "-d", "sv_SE"]
    if wordlist is not None:
        command += ["-p", str(wordlist)]
    lines = "".join("^" + " ".join(text.split()) + "\n" for text in texts)
    done = subprocess.run(
        command, input=lines, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    answers = done.stdout.split("\n")[1:]  # the first line names the version
    result: list[list[str]] = []
    words: list[str] = []
    for answer in answers:
        if answer == "":
            result.append(words)
            words = []
        elif answer[0] in "&#?":  # & and ? have suggestions, # none
            words.append(answer.split(" ")[1].rstrip(".:-"))  # hunspell keeps a final "."
    assert len(result) >= len(texts), done.stdout
    return result[: len(texts)]


def read_wordlist() -> list[str]:
    return WORDLIST.read_text(encoding="utf-8").splitlines()


def test_every_family_word_is_in_the_swedish_dictionary():
    strings = family_strings()
    pairs = [(msgid, text) for msgid, forms in strings.items() for text in forms]
    assert len(pairs) > 200, "messages.po looks empty"

    unknown = unknown_words([text for _, text in pairs])

    problems = [
        f"{word!r} in {text!r}  (msgid {msgid!r})"
        for (msgid, text), words in zip(pairs, unknown, strict=True)
        for word in words
    ]
    assert problems == [], (
        "Words that hunspell sv_SE does not know. Fix the Swedish translation; add only a name "
        "or our own word to translations/sv/ordlista.txt:\n  " + "\n  ".join(problems)
    )


def test_a_misspelled_or_english_word_is_caught():
    """The check above can fail: a misspelling and an English word are both found."""
    found = unknown_words(["Vi träfas i morgon.", "Tryck på Submit.", "Lägg till i Oroshuset."])

    assert found == [["träfas"], ["Submit"], []]


def test_the_word_list_is_short_and_each_word_is_needed():
    words = read_wordlist()
    assert words == sorted(words, key=str.casefold), "keep ordlista.txt in alphabetical order"
    assert all(re.fullmatch(r"[^\W\d_]+", word) for word in words), "one word a line, letters only"
    assert len(words) <= 20, "the list is for names and our own words, not a second dictionary"

    known_anyway = [
        w
        for w, unknown in zip(words, unknown_words(words, wordlist=None), strict=True)
        if not unknown
    ]
    assert known_anyway == [], f"the dictionary knows these already: {known_anyway}"
    text = " ".join(text for forms in family_strings().values() for text in forms).casefold()
    unused = [word for word in words if word.casefold() not in text]
    assert unused == [], f"no family-facing string uses these any more: {unused}"


# --- Readability -----------------------------------------------------------------------------


def test_every_longer_family_string_reads_at_lix_30_or_below():
    too_hard = []
    for msgid, forms in family_strings().items():
        for text in forms:
            report = check(text, for_child=True)
            if report.words >= MIN_WORDS and report.over_target:
                too_hard.append(f"LIX {report.lix}: {text!r}  (msgid {msgid!r})")
    assert too_hard == [], (
        f"Swedish strings of {MIN_WORDS} words or more above LIX {TARGET}: write shorter "
        "sentences and everyday words:\n  " + "\n  ".join(too_hard)
    )


def strings_by_file() -> dict[str, list[str]]:
    """Each source file's family-facing Swedish strings, found as `make translations` finds
    them (babel.cfg: the files of the domain "messages")."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    strings = family_strings()
    by_file: dict[str, dict[str, None]] = {}
    for filename, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        for text in strings.get(msgid, ()):
            by_file.setdefault(filename, {})[text] = None
    return {filename: list(texts) for filename, texts in by_file.items()}


def test_each_family_page_reads_at_lix_30_or_below_as_a_whole():
    files = strings_by_file()
    assert "familjeapp/templates/family/plan.html" in files
    assert "familjeapp/templates/child/home.html" in files

    too_hard = []
    for filename, texts in sorted(files.items()):
        report = check("\n".join(texts), for_child=True)
        if report.words >= MIN_PAGE_WORDS and report.over_target:
            too_hard.append(f"{filename}: LIX {report.lix} ({report.words} words)")
    assert too_hard == [], f"pages above LIX {TARGET}:\n  " + "\n  ".join(too_hard)


@pytest.mark.parametrize(
    ("text", "hard"),
    [
        ("Vad fungerar bra? Mormor hämtar Lisa från skolan varje dag.", False),
        ("Vårdnadshavarna ska ombesörja att barnets grundläggande behov tillgodoses.", True),
    ],
)
def test_the_readability_rule_tells_plain_from_hard(text, hard):
    """The rule above can fail: authority Swedish is over the target, plain Swedish is not."""
    report = check(plain_text(text), for_child=True)
    assert report.words >= MIN_WORDS
    assert report.over_target is hard
