"""The progressive web app's own routes: the service worker and the page it shows offline.

The service worker (static/sw.js) must be served from the site's root so that it may control
every page, and without caching, so that a new version is seen at the next visit. Its cache
name carries a hash of the static files' hashed names, so a new version of any of them replaces
the old cache.
"""

import json

from flask import Blueprint, current_app, make_response, render_template, url_for

from .. import static_files
from ..access import public

bp = Blueprint("pwa", __name__)

# Kept by the service worker when it is installed: what the offline page needs to show.
SHELL = ("css/app.css", "js/app.js", "js/outbox.js", "js/offline.js")


@bp.get("/sw.js")
@public
def service_worker():
    folder = current_app.static_folder
    settings = {
        "version": static_files.version(current_app),
        "offline": url_for(".offline"),
        "shell": [url_for("static", filename=name) for name in SHELL],
        "outbox": url_for("static", filename="js/outbox.js"),
    }
    with open(f"{folder}/sw.js", encoding="utf-8") as script:
        body = script.read().replace("/*SETTINGS*/{}", json.dumps(settings))
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/utan-internet")
@public
def offline():
    """What the service worker shows when a page cannot be reached and none was kept."""
    return render_template("pwa/offline.html")
