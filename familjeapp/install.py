"""Installing the app on a phone: the web app manifest, and the choice of a neutral name.

PRODUCT.md: the installed app can have a neutral name and icon. A person chooses it on their own
device; the choice is kept in a cookie on that browser only (never in the database, so nothing
on the server says who wanted to hide the app), and the manifest served to that browser then
says "Anteckningar" with a plain notepad icon instead of "Vår plan" with the house.

The manifest differs per browser, so it is sent with the no-store of every page, not from the
static files.
"""

import json

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .access import public
from .auth.forms import ConfirmForm
from .urls import safe_next

bp = Blueprint("install", __name__)

LOOK_COOKIE = "app_look"
# The look's colours match its icon (scripts/make_icons.py) and app.css.
LOOKS = {
    "plan": {"theme": "#1a5e3a", "background": "#fffdf9"},
    "neutral": {"theme": "#5f6b76", "background": "#ffffff"},
}


def chosen_look() -> str:
    return "neutral" if request.cookies.get(LOOK_COOKIE) == "neutral" else "plan"


def app_name(look: str) -> str:
    return _("Notes") if look == "neutral" else _("Our plan")


def icon(look: str, name: str) -> str:
    return url_for("static", filename=f"icons/{look}-{name}.png")


@bp.app_context_processor
def look_context() -> dict:
    look = chosen_look()
    return {
        "app_look": look,
        "app_name": app_name(look),
        "theme_color": LOOKS[look]["theme"],
        "apple_touch_icon": icon(look, "apple-180"),
    }


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """What the phone needs to install the app: its name, icons, colours and where it starts."""
    look = chosen_look()
    name = app_name(look)
    body = {
        # The same id in both looks: changing the name changes this app, it does not add one.
        "id": "/",
        "name": name,
        "short_name": name,
        "lang": str(get_locale()),
        # "/" sends a signed-in person on to their own start page (auth.start).
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": LOOKS[look]["theme"],
        "background_color": LOOKS[look]["background"],
        "icons": [
            {"src": icon(look, "192"), "sizes": "192x192", "type": "image/png"},
            {"src": icon(look, "512"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon(look, "maskable-512"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json"
    )
    return response


@bp.post("/appens-namn")
@public
def choose_look():
    """Show the app with a neutral name and icon on this device, or with its own again."""
    ConfirmForm().validate_on_submit() or abort(400)
    look = "neutral" if request.form.get("look") == "neutral" else "plan"
    back = safe_next(request.form.get("next")) or url_for("auth.start")
    response = make_response(redirect(back, 303))
    if look == "neutral":
        response.set_cookie(
            LOOK_COOKIE,
            "neutral",
            max_age=5 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    else:
        response.delete_cookie(LOOK_COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response
