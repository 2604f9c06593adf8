"""About the app, for everyone, signed in or not: its accessibility statement.

DOS-lagen, lag (2018:1937) om tillgänglighet till digital offentlig service, asks a public body
for a statement (tillgänglighetsredogörelse) on its digital service, linked from every page. Ours
follows Digg's list of what it must say: who provides the service, how well it meets the law,
what is not accessible yet and why, how to report a problem and get an answer, Digg's
supervision, how the service was assessed, and when. The municipality's name and contacts are
settings (ORGANISATION_NAME, ACCESSIBILITY_EMAIL, ACCESSIBILITY_PHONE). A municipality must
publish the statement on its own website too (Digg: for an app, where it is downloaded from).
"""

from datetime import date

from flask import Blueprint, current_app, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from .access import public

bp = Blueprint("about", __name__)

# When the app was last assessed, and the statement last changed. Assess again, and update
# both and the list of what is not accessible yet, after a change that could affect them.
ASSESSED = date(2026, 11, 30)
UPDATED = date(2026, 11, 30)
# Where Digg takes reports about a public body's digital service.
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@bp.get("/tillganglighet")
@public
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse)."""
    config = current_app.config
    return render_template(
        "about/accessibility.html",
        service=_("Our plan"),
        organisation=config["ORGANISATION_NAME"],
        email=config["ACCESSIBILITY_EMAIL"],
        phone=config["ACCESSIBILITY_PHONE"],
        code_minutes=config["CODE_IDLE_MINUTES"],
        assessed=format_date(ASSESSED, "d MMMM y"),
        updated=format_date(UPDATED, "d MMMM y"),
        digg_report_url=DIGG_REPORT_URL,
    )
