"""Plain, translated pages for what went wrong, never a stack trace."""

from flask import Flask, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def form_expired(error: CSRFError):
        # Leaving must work even when the form's token is stale: go, without ending anything.
        if request.endpoint == "auth.quick_exit":
            if request.args.get("via") == "beacon":
                return "", 204
            return redirect(app.config["QUICK_EXIT_URL"], 303)
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
                _("Check the address, or start again from your plan."),
            ),
            405: (_("That did not work"), _("Go back and try again.")),
            413: (_("That was too much at once"), _("Send a shorter text or a smaller picture.")),
        }
        title, message = messages.get(
            error.code, (_("That did not work"), _("Go back and try again."))
        )
        return render_template("errors/error.html", title=title, message=message), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.endpoint)
        return render_template(
            "errors/error.html",
            title=_("Something went wrong on our side"),
            message=_("Try again in a while. What you saved before is still there."),
        ), 500
