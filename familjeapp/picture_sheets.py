"""One request for all the library pictures of a page: the page's picture sheet.

A plan page shows some twenty-five pictures. Fetched one by one, each costs a request and some
330 bytes of headers over HTTP/1.1, more than many of the pictures themselves weigh. So the
pictures a page shows are put together in one SVG, the sheet, each under a ``<view>`` of its
own: ``<img src="/bilder/<version>/door+house.svg#door">`` shows the door, and the browser
fetches the sheet once for every picture on the page (a fragment does not make a new request).
The sheet's address names its pictures and the app's version, so it may be cached for ever, by
the browser and by the service worker. The names are the same library names a static picture's
address carried before, so the address tells no more than it did.

A template does not know which pictures its page shows until the page is rendered: the picture
macros write a mark and note the picture (``sheet_picture``), and once the page is rendered
``fill_in_sheet_address`` puts the sheet's address in place of the mark.
"""

import re
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, current_app, g, request, url_for

from . import static_files
from .access import public
from .pictures import is_valid_picture_id

PICTURES = Path(__file__).parent / "static" / "pictures"
MARK = "__picture_sheet__"
MOST_PICTURES = 80
SIZE = 32  # every library picture is drawn on 32 × 32
# An id inside one picture ("SVGkRCCwb7V"), and where it is used: made unique per picture.
INNER_ID = re.compile(r'(id="|url\(#|href="#)([^")]+)')
WHOLE = re.compile(r'^<svg [^>]*viewBox="([^"]+)"[^>]*>(.*)</svg>\s*\Z', re.DOTALL)

bp = Blueprint("picture_sheets", __name__)


def sheet_picture(picture_id: str) -> str:
    """The address of a library picture on this page's sheet (the sheet's own address comes in
    when the page is rendered)."""
    g.setdefault("sheet_pictures", set()).add(picture_id)
    return f"{MARK}#{picture_id}"


@lru_cache(maxsize=256)
def sheet(names: tuple[str, ...]) -> str:
    """The SVG with these pictures one under the other, each shown alone by its <view>."""
    views, drawings = [], []
    for row, name in enumerate(names):
        found = WHOLE.match((PICTURES / f"{name}.svg").read_text(encoding="utf-8"))
        view_box, inner = found.groups()
        inner = INNER_ID.sub(rf"\g<1>{name}--\g<2>", inner)
        top = row * (SIZE + 1)  # a line between two pictures, so none shows at another's edge
        views.append(f'<view id="{name}" viewBox="0 {top} {SIZE} {SIZE}"/>')
        drawings.append(
            f'<svg x="0" y="{top}" width="{SIZE}" height="{SIZE}" viewBox="{view_box}">'
            f"{inner}</svg>"
        )
    height = len(names) * (SIZE + 1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {height}">'
        + "".join(views + drawings)
        + "</svg>"
    )


@lru_cache(maxsize=256)
def brotli_sheet(names: tuple[str, ...]) -> bytes:
    return brotli.compress(sheet(names).encode(), quality=11)


@bp.get("/bilder/<version>/<names>.svg")
@public
def picture_sheet(version: str, names: str):
    """A sheet of library pictures. Only the one address per set of pictures is served (names
    sorted, each once), so that every page asking for the same pictures shares one copy."""
    wanted = names.split("+")
    if (
        len(wanted) > MOST_PICTURES
        or wanted != sorted(set(wanted))
        or not all(is_valid_picture_id(n) and (PICTURES / f"{n}.svg").is_file() for n in wanted)
    ):
        abort(404)
    response = Response(sheet(tuple(wanted)), mimetype="image/svg+xml")
    response.vary.add("Accept-Encoding")
    if request.accept_encodings.quality("br") > 0:
        # Compressed once, as hard as brotli can (a third smaller than on the fly).
        response.set_data(brotli_sheet(tuple(wanted)))
        response.headers["Content-Encoding"] = "br"
    # The address changes whenever a picture could: a new version of the app, other pictures.
    response.headers["Cache-Control"] = "public, max-age=315360000, immutable"
    return response


def fill_in_sheet_address(response: Response) -> Response:
    """After a page is rendered: the address of the sheet with the pictures it shows."""
    names = g.pop("sheet_pictures", None)
    if names and response.mimetype == "text/html" and not response.direct_passthrough:
        address = url_for(
            "picture_sheets.picture_sheet",
            version=static_files.version(current_app),
            names="+".join(sorted(names)),
        )
        response.set_data(response.get_data().replace(MARK.encode(), address.encode()))
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(fill_in_sheet_address)
    app.jinja_env.globals["sheet_picture"] = sheet_picture
