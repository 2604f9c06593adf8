"""Plain, translated pages for what went wrong, never a stack trace."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .access import log_denied
from .urls import IdOutOfRange


def on_staff_side() -> bool:
    """Whether the request is for a staff address (under /personal), so that an error there keeps
    the staff look and links, and never shows the family's layout or its Lämna snabbt."""
    return request.path == "/personal" or request.path.startswith("/personal/")


def init_app(app: Flask) -> None:
    app.add_template_global(on_staff_side)

    @app.errorhandler(CSRFError)
    def form_expired(error: CSRFError):
        # Lämna snabbt is exempt from the token (auth.quick_exit): leaving never lands here.
        return render_template(
            "errors/error.html",
            title=_("This page is out of date"),
            message=_("Go back, reload the page and try again. Nothing was saved."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: (
                _("We cannot find that page"),
                _("Check the address, or start again from the overview.")
                if on_staff_side()
                else _("Check the address, or start again from your plan."),
            ),
            405: (_("That did not work"), _("Go back and try again.")),
            413: (_("That was too much at once"), _("Send a shorter text or a smaller picture.")),
        }
        title, message = messages.get(
            error.code, (_("That did not work"), _("Go back and try again."))
        )
        return render_template("errors/error.html", title=title, message=message), error.code

    @app.errorhandler(IdOutOfRange)
    def impossible_id(error: IdOutOfRange):
        # Someone trying addresses by hand: logged like any other refused access.
        log_denied(as_staff=on_staff_side())
        return http_error(error)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.endpoint)
        return render_template(
            "errors/error.html",
            title=_("Something went wrong on our side"),
            message=_("Try again in a while. What you saved before is still there."),
        ), 500
