"""What every template can use: the language, its direction, picture paths and dates."""

import secrets
from datetime import date, datetime

from flask import Flask, g, has_request_context, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale

from . import clock, network_map
from .auth.forms import TEXT_SIZE_COOKIE, ConfirmForm, LanguageForm
from .config import LANGUAGES, RTL_LANGUAGES
from .picture_sheets import sheet_picture


def page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """The whole page for a normal request; only the part that changed for an htmx request.

    Every htmx form also works without JavaScript: the same view answers both.
    """
    from . import htmx

    return render_template(fragment if htmx else page, **context), status


def photo_response(db, family_id: int, photo_id: int):
    """Send a family member's photo, or 404 when it is not this family's."""
    from flask import abort, make_response

    from .store.photos import get_photo

    photo = get_photo(db, family_id, photo_id)
    if photo is None:
        abort(404)
    response = make_response(photo["data"])
    response.mimetype = photo["mime"]
    return response


def picture_url(picture_id: str | None) -> str | None:
    return url_for("static", filename=f"pictures/{picture_id}.svg") if picture_id else None


def person_picture_url(person) -> str | None:
    """A person's uploaded photo if there is one, else their picture from the library (on the
    page's picture sheet).

    Photos are served by an access-checked route of the side that shows them.
    """
    from flask import request

    if getattr(person, "photo_id", None):
        endpoint = "worker.photo" if request.blueprint == "worker" else "family.photo"
        return url_for(endpoint, family_id=person.family_id, photo_id=person.photo_id)
    return sheet_picture(person.picture) if person.picture else None


def new_client_id() -> str:
    """The id a form is made with, so that the answer is kept once however often it is sent."""
    return secrets.token_urlsafe(18)


def direction_of(language: str | None) -> str:
    """The writing direction of a language: "rtl" for Arabic and Persian, else "ltr"."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def day(value: date | datetime | str | None) -> str:
    """A date the way people say it: "12 mars" this year, "12 mars 2027" another year.

    A moment is shown as its Swedish date; "this year" is the year in Sweden."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return format_date(value, "d MMMM" if value.year == clock.today().year else "d MMMM y")


def moment(value: str | datetime) -> str:
    """A saved moment in Swedish time: "12 mars, 14:05"."""
    return format_datetime(clock.local(value), "d MMMM, HH:mm", rebase=False)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    # A global, not context: macros imported without context use it too.
    app.jinja_env.globals["picture_url"] = picture_url
    app.jinja_env.globals["person_picture_url"] = person_picture_url
    app.jinja_env.globals["direction_of"] = direction_of
    app.jinja_env.globals["new_client_id"] = new_client_id
    # Vårt nätverk and Tidsram as pictures (network_map.py), for plan_parts.html.
    app.jinja_env.globals["network_map"] = network_map.network_map
    app.jinja_env.globals["timeline"] = network_map.timeline

    @app.context_processor
    def page_context() -> dict:
        language = str(get_locale())
        return {
            "language": language,
            "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "languages": LANGUAGES,
            "person": g.get("person"),
            "worker": g.get("worker"),
            "staff_idle_seconds": app.config["STAFF_IDLE_MINUTES"] * 60,
            "quick_exit_url": app.config["QUICK_EXIT_URL"],
            # Shown, never read from this request: an error page (413) must not parse the body.
            "language_form": LanguageForm(formdata=None, language=language),
            "button_form": ConfirmForm(formdata=None),
            # Större text, chosen on this device (auth.choose_text_size).
            "text_large": has_request_context()
            and request.cookies.get(TEXT_SIZE_COOKIE) == "large",
        }
