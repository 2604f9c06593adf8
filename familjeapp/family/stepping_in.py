"""Who steps in: another adult of the family answers "Jag kan ta det" to a commitment that its
person cannot keep any more (store/stepping_in.py). The cards are at the top of the plan."""

from dataclasses import replace

from flask import abort, g, redirect, url_for
from flask_wtf import FlaskForm

from .. import htmx
from ..access import ADULTS, family_page
from ..db import get_db
from ..store import stepping_in
from ..templating import page_or_fragment
from .forms import client_id_field
from .views import bp, readable_plan


class StepInForm(FlaskForm):
    # Optional, as for the other answers: an answer without an id is kept too.
    client_id = client_id_field(required=False)


def withdrawn_for_me(family_id: int) -> list[stepping_in.Withdrawal]:
    """What others cannot do any more that this person may see and take."""
    return stepping_in.withdrawn(
        get_db(), family_id, readable_plan(family_id), viewer_id=g.person.id
    )


@bp.post("/lofte/<commitment_key>/jag-tar-det")
@family_page(*ADULTS)
def step_in(family_id: int, commitment_key: str):
    """Jag kan ta det. With htmx the card is swapped in place; without JavaScript the person
    goes back to the plan, where the card says who takes it."""
    found = next(
        (w for w in withdrawn_for_me(family_id) if w.commitment.key == commitment_key), None
    )
    if found is None:
        abort(404)
    form = StepInForm()
    if not form.validate_on_submit():
        return page_or_fragment(
            "family/stepping_in.html", "family/_stepping_in.html", 400,
            w=found, step_in_form=form, saved=False,
        )  # fmt: skip
    offer, _made = stepping_in.offer(
        get_db(),
        family_id=family_id,
        withdrawal=found,
        person_id=g.person.id,
        client_id=form.client_id.data or None,
    )
    if not htmx:
        return redirect(
            url_for(".plan", family_id=family_id, _anchor=f"ta-over-{commitment_key}"), 303
        )
    return page_or_fragment(
        "family/stepping_in.html", "family/_stepping_in.html", 200,
        w=replace(found, offer=offer), step_in_form=StepInForm(formdata=None), saved=True,
    )  # fmt: skip
