"""The worker puts an offer to take over a commitment in the plan (store/stepping_in.py).

One action: the commitment becomes the person's in the family's draft (made if need be), and the
worker lands in the editor at that rule, with the draft's changes listed, and publishes as usual.
Publishing stays the deliberate step after a talk with the family; nothing reaches the family
before it. Audited through staff_page, like every editor action.
"""

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import staff_page
from ..auth.forms import ConfirmForm
from ..db import get_db
from ..store import stepping_in
from .views import bp


@bp.post("/familj/<id:family_id>/tar-over/<id:offer_id>/lagg-in")
@staff_page()
def place_offer(family_id: int, offer_id: int):
    """Lägg in i planen: the person who offered takes the commitment over in the draft."""
    ConfirmForm().validate_on_submit() or abort(400)
    db = get_db()
    try:
        new_key, _made = stepping_in.place_in_plan(
            db, family_id=family_id, offer_id=offer_id, worker_id=g.worker.id
        )
    except stepping_in.NothingToPlace:
        return render_template(
            "errors/error.html",
            title=_("It could not be put in the plan"),
            message=_("The commitment is no longer in the plan. Write a new one in the editor."),
        ), 409
    except LookupError:
        abort(404)
    rule = stepping_in.rule_of(db, family_id, new_key)
    anchor = f"punkt-{rule}" if rule else None
    return redirect(url_for(".plan_editor", family_id=family_id, _anchor=anchor), 303)
