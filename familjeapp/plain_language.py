"""Klarspråk check: readability (LIX), long words and authority words (myndighetsord).

The social worker sees this while writing a safety plan, so that the parents and
the child can understand it: "när du dricker alkohol får barnet inte mat", not
"barnets grundläggande omsorg måste ombesörjas".

Public API::

    lix(text) -> float
    long_words(text, longer_than=14) -> list[str]
    jargon(text, wordlist=None) -> list[Finding]
    check(text, *, for_child=False, wordlist=None) -> Report
    load_jargon(path=None, *, include_default=True) -> Wordlist

The word list
-------------
``data/myndighetsord.csv`` (UTF-8, comma or semicolon separated; lines starting
with ``#`` are comments) has the header ``ord,enklare,kommentar``:

- ``ord``: the authority word in its base form, e.g. ``vårdnadshavare``. Inflected
  forms are found too: a common Swedish ending (see ``ENDINGS``) and a genitive
  ``s`` may follow, and the final ``-a`` of a verb or the ``-e`` of an ``-are``
  noun may drop before an ending, so ``vårdnadshavare`` finds "vårdnadshavarna"
  and "vårdnadshavarens", and ``ombesörja`` finds "ombesörjs" and "ombesörjde".
  Words of at most three letters (``LVU``) are only found exactly. Several
  forms, e.g. irregular ones, are separated by ``|`` (``avslå|avslog|avslag``);
  each form is inflected.
  A ``*`` at the end of a word means "any word starting so" (``fatta* beslut``).
  A phrase may have several words, separated by any whitespace including line
  breaks; only its last word is inflected.
- ``enklare``: the plain alternative shown to the worker ("du"-form where it helps).
- ``kommentar``: optional advice, e.g. "Skriv gärna namnet."

Words are only found at the start of a word, never inside another word
("insats" is not found in "kinsats"), and case does not matter.

A municipality extends the list by editing the file, or keeps its own file and
loads it with ``load_jargon(path)``: its rows are added to ours, and a row for a
word we already have replaces ours. Lists are loaded once and cached; restart
the app after editing a file.

This module uses no Flask globals.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

__all__ = [
    "ADULT_TARGET",
    "CHILD_TARGET",
    "DEFAULT_WORDLIST_FILE",
    "ENDINGS",
    "LEVEL_LABELS",
    "Finding",
    "JargonEntry",
    "Report",
    "Wordlist",
    "check",
    "count_sentences",
    "jargon",
    "level_key",
    "lix",
    "load_jargon",
    "long_words",
    "read_wordlist",
]

DEFAULT_WORDLIST_FILE = Path(__file__).resolve().parent / "data" / "myndighetsord.csv"

ADULT_TARGET = 40
"""Highest LIX we aim for in text for parents and the network."""
CHILD_TARGET = 30
"""Highest LIX we aim for in the child's version of the plan."""

LONG_WORD = 6
"""LIX counts a word as long when it has more letters than this."""

LEVEL_LABELS: dict[str, str] = {
    "very_easy": "Mycket lätt",
    "easy": "Lätt",
    "medium": "Medelsvår",
    "hard": "Svår",
    "very_hard": "Mycket svår",
}
"""Swedish label of each readability level, keyed by ``Report.level_key``."""

# (lowest rounded LIX, level key), highest first.
_LEVEL_FLOORS: tuple[tuple[int, str], ...] = (
    (55, "very_hard"),
    (45, "hard"),
    (35, "medium"),
    (25, "easy"),
)

ENDINGS: tuple[str, ...] = (
    "n", "en", "et", "na", "erna", "arna", "orna",
    "r", "er", "ar", "or", "a", "s",
    "ade", "ad", "ades", "at", "ats", "as", "t", "tt", "ts",
    "d", "de", "da", "dd", "dda", "ddes", "it", "its",
    "ande", "ende", "nde", "ning", "ningen", "ningar", "ningarna",
)  # fmt: skip
"""Endings that may follow the base form of a word in the list (plus a genitive -s)."""

_CSV_COLUMNS = ("ord", "enklare", "kommentar")
_MIN_INFLECTED = 4  # words shorter than this are only matched exactly

_WORD_RE = re.compile(r"[^\W\d_]+")  # a run of letters: å, ä, ö, é count, digits do not
_BREAK_RE = re.compile(r"[.!?:]+|\n")
_ENDINGS_RE = "(?:" + "|".join(sorted(ENDINGS, key=len, reverse=True)) + ")"


@dataclass(frozen=True, slots=True)
class JargonEntry:
    """One row of the word list: the authority word(s) and the plain alternative."""

    term: str
    plain: str
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """An authority word found in a text.

    ``word`` is the text as written, ``text[start:end]``; ``plain`` is the plain
    alternative and ``comment`` the word list's advice, if any.
    """

    word: str
    plain: str
    start: int
    end: int
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """The klarspråk check of one text.

    ``lix`` is rounded to a whole number (half up) and ``level``/``level_key`` are
    taken from the rounded value, so the number and the label shown agree.
    ``level`` is Swedish; translate ``level_key`` if the worker's language differs.
    """

    lix: int
    target: int
    over_target: bool
    level: str
    level_key: str
    words: int
    sentences: int
    long_words: list[str]
    jargon: list[Finding]

    def as_dict(self) -> dict[str, object]:
        """The report as plain data, e.g. for JSON."""
        return asdict(self)


# --- Readability -------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFC", text))


def _continues(text: str, pos: int) -> bool:
    """True if a period ending at pos is inside a sentence ("t.ex. att", "kl. 8")."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos < len(text) and (text[pos].islower() or text[pos].isdigit())


def count_sentences(text: str) -> int:
    """Number of sentences: parts with words that end with . ! ? : or a line break.

    Empty lines and parts without letters do not count, a text with words but no
    end mark is one sentence, and a period followed by a lowercase letter or a
    digit ("t.ex. att", "kl. 8") does not end a sentence.
    """
    text = unicodedata.normalize("NFC", text)
    count = 0
    start = 0
    for mark in _BREAK_RE.finditer(text):
        if mark.group()[0] == "." and _continues(text, mark.end()):
            continue
        if _WORD_RE.search(text, start, mark.start()):
            count += 1
        start = mark.end()
    if _WORD_RE.search(text, start):
        count += 1
    return count


def lix(text: str) -> float:
    """LIX readability index: words/sentences + 100 × long words/words.

    A word is a run of letters (digits are not words); a long word has more than
    six letters. Sentences are counted by :func:`count_sentences`. A text without
    words has LIX 0.
    """
    return _lix(_words(text), count_sentences(text))


def _lix(words: list[str], sentences: int) -> float:
    if not words:
        return 0.0
    long_count = sum(1 for word in words if len(word) > LONG_WORD)
    return len(words) / max(sentences, 1) + 100 * long_count / len(words)


def long_words(text: str, longer_than: int = 14) -> list[str]:
    """Distinct words with more than ``longer_than`` letters, in order of appearance.

    Words are compared without regard to case; the first spelling is kept.
    """
    seen: set[str] = set()
    result: list[str] = []
    for word in _words(text):
        key = word.casefold()
        if len(word) > longer_than and key not in seen:
            seen.add(key)
            result.append(word)
    return result


def level_key(rounded_lix: int) -> str:
    """Level key of a (rounded) LIX: "very_easy" < 25 ≤ "easy" < 35 ≤ "medium" < 45 …"""
    for floor, key in _LEVEL_FLOORS:
        if rounded_lix >= floor:
            return key
    return "very_easy"


# --- Authority words ---------------------------------------------------------


def _token_pattern(token: str, *, last: bool) -> str:
    if token.endswith("*"):
        return re.escape(token[:-1]) + r"\w*"
    escaped = re.escape(token)
    if not last or len(token) < _MIN_INFLECTED or not token[-1].isalpha():
        return escaped
    stem = token[:-1]
    vowel = token[-1].casefold()
    if (vowel == "a" and len(stem) >= _MIN_INFLECTED) or (vowel == "e" and stem[-1] in "rR"):
        # "ombesörja" → "ombesörjs", "vårdnadshavare" → "vårdnadshavarna". Only -a
        # and -are drop their vowel: "tillse" must not find "tills" or "tillsats".
        return f"(?:{escaped}{_ENDINGS_RE}?|{re.escape(stem)}{_ENDINGS_RE})s?"
    return f"{escaped}{_ENDINGS_RE}?s?"


def _form_pattern(form: str) -> str:
    """Regex (no capturing groups) for one form of an ``ord`` cell, e.g. "fatta* beslut"."""
    tokens = form.split()
    return r"\s+".join(
        _token_pattern(token, last=i == len(tokens) - 1) for i, token in enumerate(tokens)
    )


def _normalize_term(term: str) -> str:
    forms = (" ".join(form.split()) for form in term.split("|"))
    return "|".join(form for form in forms if form)


class Wordlist:
    """Authority words with plain alternatives, compiled into one regex.

    Each form gets a capturing group; the groups are bunched by first letter
    behind a lookahead, so at each word start only the forms that begin with
    its letter are tried (about ten times faster than one flat alternation).
    """

    def __init__(self, entries: Iterable[JargonEntry]) -> None:
        by_term: dict[str, JargonEntry] = {}
        for entry in entries:
            by_term[entry.term.casefold()] = entry  # a later row replaces an earlier one
        self.entries: tuple[JargonEntry, ...] = tuple(by_term.values())
        # Longest first within a letter, so "grundläggande behov" wins over a
        # shorter word at the same place.
        forms = sorted(
            ((form, entry) for entry in self.entries for form in entry.term.split("|")),
            key=lambda item: (item[0][0].lower(), -len(item[0]), item[0].casefold()),
        )
        self._group_entries: list[JargonEntry] = [entry for _, entry in forms]
        bunches = []
        for letter, items in groupby(forms, key=lambda item: item[0][0].lower()):
            groups = "|".join(f"({_form_pattern(form)})" for form, _ in items)
            bunches.append(f"(?={re.escape(letter)})(?:{groups})")
        self.pattern: re.Pattern[str] | None = (
            re.compile(rf"(?<!\w)(?:{'|'.join(bunches)})(?!\w)", re.IGNORECASE) if forms else None
        )

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[JargonEntry]:
        return iter(self.entries)

    def find(self, text: str) -> list[Finding]:
        """Authority words in text, in order, not overlapping."""
        if self.pattern is None:
            return []
        findings = []
        for match in self.pattern.finditer(text):
            entry = self._group_entries[match.lastindex - 1]  # type: ignore[operator]
            findings.append(
                Finding(match.group(), entry.plain, match.start(), match.end(), entry.comment)
            )
        return findings


def _data_lines(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8-sig")  # tolerate Excel's byte order mark
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def read_wordlist(path: Path | str) -> list[JargonEntry]:
    """Read a word list CSV (see the module docstring for the format).

    Raises ValueError, naming the file and line, for a missing header, an empty
    word or alternative, or a word listed twice.
    """
    path = Path(path)
    lines = list(_data_lines(path))
    if not lines:
        raise ValueError(f"{path}: empty word list, expected the header ord,enklare,kommentar")
    header_number, header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows = csv.reader((line for _, line in lines), delimiter=delimiter)
    columns = [name.strip().casefold() for name in next(rows)]
    if columns[:2] != list(_CSV_COLUMNS[:2]):
        raise ValueError(f"{path}:{header_number}: expected the header ord,enklare,kommentar")
    entries: list[JargonEntry] = []
    seen: dict[str, int] = {}
    for (number, _), row in zip(lines[1:], rows, strict=False):
        cells = [cell.strip() for cell in row] + ["", "", ""]
        term, plain, comment = _normalize_term(cells[0]), cells[1], cells[2]
        if not term or not plain:
            raise ValueError(f"{path}:{number}: both ord and enklare are needed, got {row!r}")
        key = term.casefold()
        if key in seen:
            raise ValueError(f"{path}:{number}: {term!r} is already on line {seen[key]}")
        seen[key] = number
        entries.append(JargonEntry(term, plain, comment))
    return entries


@cache
def _load(path: Path | None, include_default: bool) -> Wordlist:
    entries: list[JargonEntry] = []
    if path is None or include_default:
        entries.extend(read_wordlist(DEFAULT_WORDLIST_FILE))
    if path is not None:
        entries.extend(read_wordlist(path))
    return Wordlist(entries)


def load_jargon(path: Path | str | None = None, *, include_default: bool = True) -> Wordlist:
    """The word list, loaded once per file and cached.

    Without a path: our list (``data/myndighetsord.csv``). With a path: our list
    plus the rows of that file (a municipality's own words; a row for a word we
    have replaces ours), or only that file's rows if ``include_default=False``.
    """
    resolved = Path(path).resolve() if path is not None else None
    return _load(resolved, include_default)


def jargon(text: str, wordlist: Wordlist | None = None) -> list[Finding]:
    """Authority words in text with their plain alternatives, in order of appearance.

    Positions refer to ``text`` as given. Uses our word list unless another is given.
    """
    return (load_jargon() if wordlist is None else wordlist).find(text)


# --- The whole check ---------------------------------------------------------


def check(text: str, *, for_child: bool = False, wordlist: Wordlist | None = None) -> Report:
    """Check a text for klarspråk: LIX against the target, long words and authority words.

    The target is 30 for the child's version and 40 for text for adults.
    """
    words = _words(text)
    sentences = count_sentences(text)
    rounded = math.floor(_lix(words, sentences) + 0.5)
    target = CHILD_TARGET if for_child else ADULT_TARGET
    key = level_key(rounded)
    return Report(
        lix=rounded,
        target=target,
        over_target=rounded > target,
        level=LEVEL_LABELS[key],
        level_key=key,
        words=len(words),
        sentences=sentences,
        long_words=long_words(text),
        jargon=jargon(text, wordlist),
    )
