"""The page a device was last given, kept by its ETag, so that the same page again costs no
rendering.

The plan page's tag (family/plan_etag.py) is a fingerprint of everything the page shows to this
person on this device, so two requests with the same tag get the same page; a phone that holds
it gets 304, and one that does not (a browser keeps no copy of a ``no-store`` page) gets the kept
copy instead of a new rendering. Only one thing on the page must differ each time: the ids
the forms are made with (``new_client_id``), which keep each answer once. They are rendered as
marks and filled in fresh for every answer, as the template would have made them.

Kept in this process's memory only, at most ``MOST_PAGES`` pages, the oldest dropped first. A
page is only ever found by its tag, which names the person and the device's session, and only
after the access checks of the page have passed.
"""

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, g

from .templating import new_client_id

MOST_PAGES = 64
# Unguessable, so that no text anyone writes can look like a mark.
_MARK = "cid" + secrets.token_hex(8)
_MARKS = re.compile(_MARK + r"[0-9]+x")


@dataclass(frozen=True)
class KeptPage:
    html: str
    sheet_pictures: frozenset[str]


class PageCache:
    def __init__(self, most: int = MOST_PAGES) -> None:
        self.most = most
        self._pages: OrderedDict[str, KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def keep(self, key: str, page: KeptPage) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.most:
                self._pages.popitem(last=False)


def client_id() -> str:
    """In templates: a new id for a form; a mark while a page is rendered to be kept."""
    marks = g.get("client_id_marks")
    if marks is None:
        return new_client_id()
    marks.append(None)
    return f"{_MARK}{len(marks)}x"


def rendered(cache: PageCache, key: str, render) -> str:
    """The page with this key: the kept one, or ``render()``'s, kept; with fresh form ids."""
    page = cache.get(key)
    if page is None:
        g.client_id_marks = []
        try:
            html = render()
        finally:
            g.pop("client_id_marks", None)
        page = KeptPage(html, frozenset(g.get("sheet_pictures", ())))
        cache.keep(key, page)
    elif page.sheet_pictures:
        # What the rendering would have noted, for picture_sheets.fill_in_sheet_address.
        g.setdefault("sheet_pictures", set()).update(page.sheet_pictures)
    fresh: dict[str, str] = {}
    return _MARKS.sub(lambda m: fresh.setdefault(m.group(0), new_client_id()), page.html)


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()
    app.jinja_env.globals["new_client_id"] = client_id
