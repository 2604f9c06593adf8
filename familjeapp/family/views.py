"""The family's own pages: the plan, read strengths first, and their views on the worries."""

from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, url_for

from .. import htmx
from ..access import ADULTS, family_page, visibilities
from ..db import get_db
from ..store import families, plans
from .forms import WorryViewForm

bp = Blueprint("family", __name__, url_prefix="/familj/<int:family_id>")


def readable_plan(family_id: int) -> plans.Plan | None:
    return plans.published_plan(get_db(), family_id, visibilities(g.person.role))


@bp.get("/plan")
@family_page("parent", "network")
def plan(family_id: int):
    """Vår plan: everything in the published plan that this person may read."""
    db = get_db()
    the_plan = readable_plan(family_id)
    views = plans.worry_views(db, family_id)
    return render_template(
        "family/plan.html",
        family=families.get_family(db, family_id),
        plan=the_plan,
        people=families.family_people(db, family_id),
        views=views,
        today=date.today(),
        view_form=WorryViewForm(),
    )


@bp.route("/oro/<item_key>", methods=["GET", "POST"])
@family_page(*ADULTS)
def worry(family_id: int, item_key: str):
    """One worry and what each adult thinks of it; an adult marks their own view here.

    With htmx the card is swapped in place; without JavaScript the form posts here and the
    person goes back to the plan, or sees this worry alone with what went wrong.
    """
    the_plan = readable_plan(family_id)
    item = next(
        (
            i
            for i in (the_plan.items if the_plan else [])
            if i.key == item_key and i.section == "worries"
        ),
        None,
    )
    if item is None:
        abort(404)
    db = get_db()
    form = WorryViewForm()
    status = 200
    saved = False
    if form.validate_on_submit():
        plans.record_worry_view(
            db,
            family_id=family_id,
            item_key=item_key,
            person_id=g.person.id,
            view=form.view.data,
            words=(form.words.data or "").strip(),
        )
        if not htmx:
            return redirect(url_for(".plan", family_id=family_id, _anchor=f"oro-{item_key}"), 303)
        form = WorryViewForm(formdata=None)
        saved = True
    elif form.errors:
        status = 400
    context = {
        "item": item,
        "views": plans.worry_views(db, family_id).get(item_key, []),
        "view_form": form,
        "saved": saved,
    }
    if htmx:
        return render_template("family/_worry.html", **context), status
    return render_template("family/worry.html", **context), status
