"""What makes a page quick to build: translations looked up once, not through three layers.

A plan page says some 160 translated strings. Jinja's i18n extension (as Flask-Babel installs it)
reaches each through three nested ``context.call`` layers, then Flask-Babel looks up the request's
context, its locale and its catalog again for every string: a quarter of the time the page took
(README, *Performance*). Here ``_``/``gettext``/``ngettext`` in templates take the catalog of the
request's locale from one dictionary and format it exactly as Jinja's "newstyle" gettext does
(escaped when the template escapes, ``%`` formatting always), so every page says the same words.
Flask-WTF read WTForms' own catalog from disk for every request; it is kept once read.
"""

import flask_wtf.i18n
from babel import support
from flask import Flask, current_app, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup
from wtforms.i18n import messages_path


def _catalog():
    """The translations of the locale in force now (the request's, or a ``force_locale``'s)."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return get_translations()
    babel = ctx.g.__dict__.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None) if babel is not None else None
    if locale is None:
        return get_translations()  # the first string of a request: Flask-Babel picks the locale
    kept = babel.__dict__.get("page_speed")
    if kept is not None and kept[0] is locale:
        return kept[1]
    catalogs = ctx.app.extensions["page_speed"]
    name = str(locale)
    found = catalogs.get(name)
    if found is None:
        found = catalogs[name] = get_translations()
    babel.page_speed = (locale, found)
    return found


def _wtforms_translations():
    """WTForms' own messages in the request's language: Flask-WTF reads the catalog from disk
    for every request (flask_wtf.i18n); here once per language and process, then kept."""
    if not request or "babel" not in current_app.extensions:
        return None
    found = getattr(request, "wtforms_translations", None)
    if found is None:
        locale = get_locale()
        catalogs = current_app.extensions["page_speed_wtforms"]
        found = catalogs.get(str(locale))
        if found is None:
            found = catalogs[str(locale)] = support.Translations.load(
                messages_path(), [locale], domain="wtforms"
            )
        request.wtforms_translations = found
    return found


@pass_eval_context
def gettext(eval_ctx, string: str, **variables) -> str:
    text = _catalog().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalogs, escaped as Jinja's i18n does
    # "%" formatting with nothing to put in and no "%" gives the same text: skip the work.
    return text % variables if variables or "%" in text else text


@pass_eval_context
def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _catalog().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - as gettext above
    return text % variables


def init_app(app: Flask) -> None:
    """After Flask-Babel: replace the template callables it installed."""
    app.extensions["page_speed"] = {}
    app.extensions["page_speed_wtforms"] = {}
    # Flask-WTF has no setting for this; its function is replaced by one that behaves the same.
    flask_wtf.i18n._get_translations = _wtforms_translations
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
