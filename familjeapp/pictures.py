"""Picture library (bildstöd): find a picture for every item of a safety plan.

The pictures are Fluent Emoji Flat SVGs in ``static/pictures/`` with Swedish
labels and search words from emojibase (``static/pictures/index.json``, built by
``scripts/build_pictures.py``). On top of those come our own everyday family
words from ``data/picture_words_sv.txt`` (``borsta: toothbrush``).

Search matches whole words or word beginnings only: "tand" finds "tand" and
"tandborste" but never "gråtande".

This module uses no Flask globals; the app turns :func:`picture_url_path` into
a URL with ``url_for("static", filename=...)``.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "MAX_QUERY_LENGTH",
    "Picture",
    "PictureLibrary",
    "is_valid_picture_id",
    "load_library",
    "picture_url_path",
    "read_family_words",
    "words_of",
]

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_STATIC_FOLDER = PACKAGE_DIR / "static"
DEFAULT_FAMILY_WORDS_FILE = PACKAGE_DIR / "data" / "picture_words_sv.txt"
PICTURES_SUBDIR = "pictures"
INDEX_FILE = "index.json"

MAX_QUERY_LENGTH = 100
"""Longer queries are cut to this many characters before they are split."""

_WORD_RE = re.compile(r"[^\W_]+")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")

# How a word belongs to a picture; lower ranks first.
_OWN_OR_LABEL = 0  # our family word or a word of the Swedish label
_TAG = 1  # an emojibase tag


@dataclass(frozen=True)
class Picture:
    """One picture: its id (the SVG file name without .svg) and Swedish label."""

    id: str
    label: str


def _normalize(text: str) -> str:
    """NFC-normalize and case-fold, so "Å" typed as A + ring equals "å"."""
    return unicodedata.normalize("NFC", text).casefold()


def words_of(text: str) -> list[str]:
    """Split text into lowercase words (letters and digits; å, ä, ö kept as letters)."""
    return _WORD_RE.findall(_normalize(text))


def is_valid_picture_id(picture_id: str) -> bool:
    """True if picture_id looks like a picture id (lowercase words joined by "-")."""
    return bool(_ID_RE.match(picture_id))


def picture_url_path(picture_id: str) -> str:
    """Path of a picture under the static folder, for ``url_for("static", filename=...)``.

    Raises ValueError for anything that is not a plain picture id, so a stored
    value can never point outside the pictures folder.
    """
    if not is_valid_picture_id(picture_id):
        raise ValueError(f"not a picture id: {picture_id!r}")
    return f"{PICTURES_SUBDIR}/{picture_id}.svg"


def read_family_words(path: Path = DEFAULT_FAMILY_WORDS_FILE) -> dict[str, list[str]]:
    """Read our own word list: lines ``ord: id1, id2``; ``#`` starts a comment.

    Returns {word: [picture ids]} with words lowercased; a word listed twice
    gets the ids of both lines. Raises ValueError on a line without ids.
    """
    result: dict[str, list[str]] = {}
    text = path.read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, sep, ids_text = line.partition(":")
        word = " ".join(words_of(word))
        ids = [part.strip() for part in ids_text.split(",") if part.strip()]
        if not sep or not word or not ids:
            raise ValueError(f"{path}:{number}: expected 'ord: id1, id2', got {raw!r}")
        known = result.setdefault(word, [])
        known.extend(i for i in ids if i not in known)
    return result


class PictureLibrary:
    """All pictures with their Swedish search words."""

    def __init__(
        self,
        pictures: Iterable[Picture],
        tags: Mapping[str, Iterable[str]] | None = None,
        family_words: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Build the search index.

        pictures: the pictures; each one's label words become its words.
        tags: {picture id: emojibase words} (label words may be among them).
        family_words: {our word: [picture ids]}; unknown ids are skipped.
        """
        self._by_id: dict[str, Picture] = {p.id: p for p in pictures}
        # word -> {picture id: best kind}
        self._index: dict[str, dict[str, int]] = {}
        for picture in self._by_id.values():
            for word in words_of(picture.label):
                self._add(word, picture.id, _OWN_OR_LABEL)
        for picture_id, words in (tags or {}).items():
            if picture_id not in self._by_id:
                continue
            for text in words:
                for word in words_of(text):
                    self._add(word, picture_id, _TAG)
        for text, ids in (family_words or {}).items():
            for picture_id in ids:
                if picture_id not in self._by_id:
                    log.warning("the family word list points to unknown picture %r", picture_id)
                    continue
                for word in words_of(text):
                    self._add(word, picture_id, _OWN_OR_LABEL)
        self._sorted_words: list[str] = sorted(self._index)

    def _add(self, word: str, picture_id: str, kind: int) -> None:
        owners = self._index.setdefault(word, {})
        owners[picture_id] = min(kind, owners.get(picture_id, kind))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, picture_id: object) -> bool:
        return picture_id in self._by_id

    def __iter__(self) -> Iterator[Picture]:
        return iter(sorted(self._by_id.values(), key=lambda p: p.id))

    def get(self, picture_id: str) -> Picture | None:
        """The picture with this id, or None."""
        return self._by_id.get(picture_id)

    def exists(self, picture_id: str) -> bool:
        """True if there is a picture with this id."""
        return picture_id in self._by_id

    def _matches(self, query_word: str) -> dict[str, tuple[int, int]]:
        """{picture id: (is_prefix, kind)} for pictures with a word equal to or
        starting with query_word; the best (lowest) match per picture."""
        found: dict[str, tuple[int, int]] = {}
        for picture_id, kind in self._index.get(query_word, {}).items():
            found[picture_id] = (0, kind)
        start = bisect_left(self._sorted_words, query_word)
        for word in self._sorted_words[start:]:
            if not word.startswith(query_word):
                break
            if word == query_word:
                continue
            for picture_id, kind in self._index[word].items():
                match = (1, kind)
                if match < found.get(picture_id, (2, 2)):
                    found[picture_id] = match
        return found

    def search(self, query: str, limit: int = 24) -> list[Picture]:
        """Pictures matching every word of query, best first, at most limit.

        Each query word must equal or begin a word of the picture (label word,
        emojibase tag or our family word). Ranking: exact words before
        prefixes, label and family words before tags, then shorter label, then
        id. An empty query gives []; only the first 100 characters count.
        """
        if limit <= 0:
            return []
        query_words = list(dict.fromkeys(words_of(query[:MAX_QUERY_LENGTH])))
        if not query_words:
            return []
        scores: dict[str, list[int]] | None = None
        for query_word in query_words:
            matches = self._matches(query_word)
            if scores is None:
                scores = {pid: [p, k] for pid, (p, k) in matches.items()}
            else:
                scores = {
                    pid: [score[0] + matches[pid][0], score[1] + matches[pid][1]]
                    for pid, score in scores.items()
                    if pid in matches
                }
            if not scores:
                return []
        assert scores is not None

        def rank(picture_id: str) -> tuple[int, int, int, str]:
            prefixes, tags = scores[picture_id]
            return (prefixes, tags, len(self._by_id[picture_id].label), picture_id)

        return [self._by_id[pid] for pid in sorted(scores, key=rank)[:limit]]


def load_library(
    static_folder: Path | None = None,
    family_words_file: Path | None = None,
) -> PictureLibrary:
    """The picture library from ``<static_folder>/pictures/index.json``.

    static_folder defaults to the package's ``static`` folder and
    family_words_file to ``data/picture_words_sv.txt``. The result is cached
    per pair of paths, so calling this on every request is cheap.
    """
    static = Path(static_folder or DEFAULT_STATIC_FOLDER).resolve()
    words = Path(family_words_file or DEFAULT_FAMILY_WORDS_FILE).resolve()
    return _load_cached(static, words)


@lru_cache(maxsize=8)
def _load_cached(static_folder: Path, family_words_file: Path) -> PictureLibrary:
    index_path = static_folder / PICTURES_SUBDIR / INDEX_FILE
    try:
        entries = json.loads(index_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{index_path} is missing: run scripts/build_pictures.py") from exc
    pictures = [Picture(id=e["id"], label=e["label"]) for e in entries]
    tags = {e["id"]: e.get("words", []) for e in entries}
    family_words = read_family_words(family_words_file) if family_words_file.exists() else {}
    return PictureLibrary(pictures, tags=tags, family_words=family_words)
