"""What the app accepts from a URL: ids that a database row can have, and where to go next."""

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.urls import iri_to_uri

# SQLite's integers are 64-bit: a larger id cannot be looked up, only overflow.
LARGEST_ID = 2**63 - 1

# WHATWG URL parsing drops C0 controls and spaces at the ends, and tabs and newlines anywhere.
_ENDS = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_HERE = "http://here.invalid/"


def safe_next(target: str | None) -> str | None:
    """Where to go next, if it is a path on this site; None for anything else.

    The value is read the way a browser reads a Location (tab and newline dropped, a backslash
    taken as a slash), so ``/\\t/evil.example/`` cannot become ``//evil.example/`` on the way.
    What is returned is printable ASCII, safe in a header.
    """
    if not target:
        return None
    cleaned = _TAB_OR_NEWLINE.sub("", target.strip(_ENDS)).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    joined = urlsplit(urljoin(_HERE, cleaned))
    if f"{joined.scheme}://{joined.netloc}/" != _HERE:
        return None
    path = iri_to_uri(urlunsplit(("", "", joined.path, joined.query, joined.fragment)))
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path


class IdOutOfRange(NotFound):
    """An id in the URL that no row can have. Answered 404, and logged like any refused access
    (errors.py), since it is someone trying addresses by hand."""


class IdConverter(BaseConverter):
    """``<id:name>``: a database id, 1 to 2**63 - 1. A larger number would overflow SQLite."""

    regex = r"[0-9]+"
    weight = 50

    def to_python(self, value: str) -> int:
        # A very long number is not even turned into an int (Python refuses over 4300 digits).
        number = int(value) if len(value) <= len(str(LARGEST_ID)) else 0
        if not 1 <= number <= LARGEST_ID:
            # The route matched: not "no such page" but an impossible id for this one.
            raise IdOutOfRange()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
