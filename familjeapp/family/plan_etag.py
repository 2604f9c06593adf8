"""The plan page's ETag: a fingerprint of everything the page shows, made without rendering it.

A phone (or its service worker) that asks again with ``If-None-Match`` and the tag of the page it
holds gets ``304 Not Modified`` and no body when nothing it shows has changed: a few small reads
instead of building a 48 KB page, and no bytes for the phone to pay for.

What the page shows, and so what the tag is made of:

* who reads it, on which device: the person, the session (the CSRF token in the page's forms is
  the session's) and the page's language, text size and app look (cookies of this device);
* the family's data as this person reads it: the published versions of the plan (a version never
  changes once published; its translations are written in the draft), the family and its social
  worker's name and phone, the family's people as they are (names, pictures, photos, languages,
  the numbers they share), every view on a worry, every answer to a commitment, every offer to
  step in, and the newest rating this person may see (as ``latest_visible_rating`` finds it);
* the day (the timeline counts days from today) and the query string (``?sparat=``);
* the host the page was asked from (addresses in it), and the release: the app's code,
  templates and translations, its static files and ``FAMILJEAPP_RELEASE``, and the settings
  (all but the secret ones).

Records are only ever added for views, answers and check-ins (SECURITY.md: corrected by new
entries), so the newest id of each says whether one came. The tag is an HMAC with the app's
secret key, so it says nothing about the data to anyone who sees it, and it is weak: the same
data gives the same page, though the ids the forms are made with differ from render to render.
"""

import hashlib
import hmac
import json
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session

from .. import clock, static_files
from ..access import visibilities
from ..auth.forms import TEXT_SIZE_COOKIE
from ..install import LOOK_COOKIE
from ..store.checkins import _VISIBLE_TO_VIEWER, _viewer

PACKAGE = Path(__file__).resolve().parent.parent

# One read for the family's data: each part changes whenever what the page shows of it does.
FAMILY_STATE = """
SELECT
  (SELECT json_group_array(json_array(id, published_at)) FROM
     (SELECT id, published_at FROM plan_versions
      WHERE family_id = :family AND status = 'published' ORDER BY id)),
  (SELECT json_array(f.name, f.worker_id, f.closed_at, w.name, w.phone)
     FROM families f LEFT JOIN workers w ON w.id = f.worker_id WHERE f.id = :family),
  (SELECT json_group_array(json_array(id, role, name, relation, picture, photo_id, language,
                                      removed_at, phone, phone_shared_with)) FROM
     (SELECT * FROM people WHERE family_id = :family ORDER BY id)),
  (SELECT max(id) FROM worry_views WHERE family_id = :family),
  (SELECT max(id) FROM commitment_responses WHERE family_id = :family),
  (SELECT json_array(max(id), max(placed_at)) FROM stepping_in WHERE family_id = :family)
"""
# The newest rating this person may see, as checkins.latest_visible_rating finds it (its id only).
LATEST_RATING = (
    "SELECT id FROM ("  # noqa: S608 - fixed SQL, the values are parameters
    + _VISIBLE_TO_VIEWER
    + "AND c.rating IS NOT NULL ORDER BY c.created_at DESC, c.id DESC LIMIT 1)"
)
# Both in one statement: one read, and so one state of the file, even outside a transaction
# (what a 304 confirms, views.plan); and one round through SQLite instead of two.
TAG_STATE = FAMILY_STATE + ", (" + LATEST_RATING + ")"


def release_fingerprint(app: Flask) -> str:
    """The release as the pages show it, worked out once per process: the code, templates and
    translations (all processes of one release agree), the static files and the settings."""
    found = app.extensions.get("plan_etag_release")
    if found is None:
        digest = hashlib.sha256()
        translations = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
        files = sorted(
            [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html"), *translations.rglob("*.mo")]
        )
        for path in files:
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
        digest.update(static_files.version(app).encode())
        settings = sorted(
            (name, str(value))
            for name, value in app.config.items()
            if not any(secret in name for secret in ("SECRET", "KEY", "PASSWORD", "TOKEN"))
        )
        digest.update(json.dumps(settings).encode())
        found = app.extensions["plan_etag_release"] = digest.hexdigest()
    return found


def page_language() -> str:
    """The language the page is in: what Flask-Babel's locale is made from (select_locale),
    without setting up Babel's locale and translations, which a 304 does not need."""
    from .. import select_locale

    return select_locale()


def plan_page_etag(db, family_id: int, language: str) -> str:
    """The tag of the plan page this request would get (after the access checks)."""
    person = g.person
    state = db.execute(TAG_STATE, _viewer(family_id, person.id, person.role)).fetchone()
    parts = [
        release_fingerprint(current_app),
        person.id,
        person.role,
        sorted(visibilities(person.role)),
        session.get("sid"),
        session.get("csrf_token"),
        language,
        request.cookies.get(TEXT_SIZE_COOKIE),
        request.cookies.get(LOOK_COOKIE),
        request.query_string.decode("latin-1"),
        # The host the page was asked from, as its addresses are made (werkzeug's host_url from
        # these three, without its IRI decoding: a third of the tag's time).
        request.scheme,
        request.host,
        request.root_path,
        clock.today().isoformat(),
        list(state),
    ]
    message = json.dumps(parts, default=str).encode()
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"plan-page\0" + message, hashlib.sha256).hexdigest()[:32]


@contextmanager
def one_snapshot(db):
    """Read the tag and the page from the same state of the database (one read transaction in
    WAL), so that a page is never kept under the tag of another state. (A 304 needs no
    transaction: its tag is one statement, TAG_STATE, and one statement reads one state.)"""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


def not_modified(tag: str) -> Response | None:
    """``304 Not Modified`` (no body, nothing personal) when the request already holds the
    page with this tag; else None, and the page is built."""
    if not request.if_none_match.contains_weak(tag):
        return None
    response = Response(status=304)
    response.set_etag(tag, weak=True)
    # Nothing in the session changed: no new cookie either; the same Vary as the page's.
    g.skip_session_cookie = True
    response.vary.add("Cookie")
    return response
