"""Pages compressed for a phone that pays per byte, without opening the door to BREACH.

A page holds a CSRF token next to what people wrote. BREACH guesses such a secret by making the
victim's browser ask for a page many times with chosen text in it, and watching how long the
compressed answers are. Those requests come from the attacker's site, and browsers say so in
``Sec-Fetch-Site``, which a page cannot forge. So a page is compressed only when the browser says
the request came from one of our own pages or from the person (typed address, bookmark,
installed app): ``same-origin`` or ``none``. A browser that sends no ``Sec-Fetch-Site`` gets the
page uncompressed, as before. Flask-Compress does the compressing (zstd, brotli or gzip, whatever
the browser takes); static files are compressed ahead of time by WhiteNoise (static_files.py).
"""

from flask import Flask, Response, request
from flask_compress import Compress

from .security import OWN_SITE

_compress = Compress()


def compress_own_pages(response: Response) -> Response:
    """After every request: compress a page only for a request from our own site; what holds
    no secret (a picture sheet, the manifest) for anyone."""
    if response.mimetype == "text/html":
        response.vary.add("Sec-Fetch-Site")
        if request.headers.get("Sec-Fetch-Site") not in OWN_SITE:
            return response
    return _compress.after_request(response)


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault(
        "COMPRESS_MIMETYPES", ["text/html", "application/json", "text/calendar", "image/svg+xml"]
    )
    # A conditional request is answered by our own pages, not by the compressor.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    _compress.init_app(app)
    app.after_request(compress_own_pages)
