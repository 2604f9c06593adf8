"""The family's own pages: the plan (strengths first), views on the worries, check-ins
(Hur går det?), the history with the scale over time, and the network's commitments."""

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from .. import clock, htmx, page_cache
from ..access import ADULTS, family_page, visibilities
from ..chart import scale_chart
from ..db import get_db
from ..store import checkins, children, families, plans, stepping_in
from ..templating import new_client_id, page_or_fragment, photo_response
from . import plan_etag
from .forms import CommitmentForm, WorryViewForm, checkin_form_for

bp = Blueprint("family", __name__, url_prefix="/familj/<id:family_id>")


def readable_plan(family_id: int) -> plans.Plan | None:
    return plans.published_plan(get_db(), family_id, visibilities(g.person.role))


@bp.get("/plan")
@family_page(*ADULTS)
def plan(family_id: int):
    """Vår plan: everything in the published plan that this person may read.

    A repeat request for the page as the person already has it gets 304 (plan_etag.py)."""
    db = get_db()
    language = plan_etag.page_language()
    if request.if_none_match:
        # A phone that holds a page, after the checks above: one read (one state of the data)
        # and the 304, before anything a page needs (Babel's locale, a transaction).
        tag = plan_etag.plan_page_etag(db, family_id, language)
        if (unchanged := plan_etag.not_modified(tag)) is not None:
            return unchanged
    with plan_etag.one_snapshot(db):
        tag = plan_etag.plan_page_etag(db, family_id, language)
        # The page built last for the same tag, or a new one (page_cache.py).
        page = page_cache.rendered(
            current_app.extensions["page_cache"], tag, lambda: _plan_page(db, family_id)
        )
    response = make_response(page)
    response.set_etag(tag, weak=True)
    return response


def _plan_page(db, family_id: int) -> str:
    the_plan = readable_plan(family_id)
    return render_template(
        "family/plan.html",
        family=families.get_family(db, family_id),
        plan=the_plan,
        # The child's parts are told on the child's own pages, not in the adults' plan.
        changes=[
            change
            for change in plans.changes_since_previous(db, family_id, visibilities(g.person.role))
            if getattr(change.item, "section", None) != "child"
        ],
        people=families.family_people(db, family_id),
        # Only the numbers the social worker shared with this reader's role are ever loaded.
        numbers=families.numbers_to_call(db, family_id, reader_id=g.person.id, role=g.person.role),
        views=plans.worry_views(db, family_id, visibilities(g.person.role)),
        latest=checkins.latest_visible_rating(
            db, family_id, viewer_id=g.person.id, viewer_role=g.person.role
        ),
        today=clock.today(),
        view_form=WorryViewForm(formdata=None),
        commitment_form=CommitmentForm(formdata=None),
        # What others of the family cannot do any more, for this person to take (not their own).
        stepping_in=stepping_in.withdrawn(db, family_id, the_plan, viewer_id=g.person.id),
        # Without JavaScript the view is saved by a redirect back here: thank the person there.
        saved_worry=request.args.get("sparat"),
    )


@bp.get("/foto/<id:photo_id>")
@family_page("parent", "network", "child")
def photo(family_id: int, photo_id: int):
    """A photo of someone in the family, for the family only."""
    return photo_response(get_db(), family_id, photo_id)


@bp.route("/oro/<item_key>", methods=["GET", "POST"])
@family_page(*ADULTS)
def worry(family_id: int, item_key: str):
    """One worry and what each adult thinks of it; an adult marks their own view here.

    With htmx the card is swapped in place; without JavaScript the form posts here and the
    person goes back to the plan, or sees this worry alone with what went wrong.
    """
    the_plan = readable_plan(family_id)
    item = (
        next((i for i in the_plan.of_kind(*plans.KINDS["worries"]) if i.key == item_key), None)
        if the_plan
        else None
    )
    if item is None:
        abort(404)
    db = get_db()
    form = WorryViewForm()
    status, saved = 200, False
    if form.validate_on_submit():
        plans.record_worry_view(
            db,
            family_id=family_id,
            item_key=item_key,
            person_id=g.person.id,
            view=form.view.data,
            words=(form.words.data or "").strip(),
            client_id=form.client_id.data or None,
        )
        if not htmx:
            return redirect(
                url_for(".plan", family_id=family_id, sparat=item_key, _anchor=f"oro-{item_key}"),
                303,
            )
        form, saved = WorryViewForm(formdata=None), True
    elif form.errors:
        status = 400
    return page_or_fragment(
        "family/worry.html",
        "family/_worry.html",
        status,
        item=item,
        views=plans.worry_views(db, family_id, visibilities(g.person.role)).get(item_key, []),
        view_form=form,
        saved=saved,
    )


@bp.route("/hur-gar-det", methods=["GET", "POST"])
@family_page(*ADULTS)
def checkin(family_id: int):
    """Hur går det? The scale, the rules that concern the person, words, and sharing.

    Saved exactly once: a resend of the same form finds the check-in already made.
    """
    if request.method == "POST":
        # Saving needs the plan version and the person's rules, not the whole plan; the page
        # (and so the plan) is only read again for an answer with errors (README, *Performance*).
        found = checkins.rules_to_check(
            get_db(),
            family_id,
            person_id=g.person.id,
            role=g.person.role,
            visibilities=visibilities(g.person.role),
        )
        if found is None:
            abort(404)
        the_plan, (version_id, rules) = None, found
    else:
        the_plan = readable_plan(family_id)
        if the_plan is None:
            abort(404)
        version_id = the_plan.version_id
        rules = tuple(
            (rule.key, rule.text) for rule in the_plan.rules_for(g.person.id, g.person.role)
        )
    form = checkin_form_for(rules)
    if request.method == "GET":
        form.client_id.data = new_client_id()
    message, status = None, 200
    if form.validate_on_submit():
        if any(name.startswith("rule_") and name not in form for name in request.form):
            message = _("One of the rules is not in your plan. Reload the page and try again.")
            status = 400
        else:
            try:
                checkin_id, _created = checkins.save_checkin(
                    get_db(),
                    family_id=family_id,
                    person_id=g.person.id,
                    client_id=form.client_id.data,
                    rating=int(form.rating.data),
                    words=(form.words.data or "").strip(),
                    shared=form.shared.data,
                    rules={
                        f.name.removeprefix("rule_"): f.data for f in form.rule_fields() if f.data
                    },
                    version_id=version_id,
                )
            except checkins.CheckinConflict:
                # Keep what the person chose, under a new id, so saving again works.
                form.client_id.data = new_client_id()
                message = _(
                    "This check-in was already saved with other answers. "
                    "Look at your answers and press save again."
                )
                status = 409
            else:
                return redirect(url_for(".history", family_id=family_id, sparad=checkin_id), 303)
    elif form.errors:
        status = 400
    if the_plan is None:
        the_plan = readable_plan(family_id)
        if the_plan is None:
            abort(404)
    return render_template("family/checkin.html", form=form, plan=the_plan, message=message), status


def said_by(checkin: checkins.Checkin) -> str:
    """Who said it, as the history names them: a child's answer (shared by the worker) is
    marked as the child's."""
    if checkin.role == "child":
        return _("%(name)s (child)", name=checkin.person_name)
    return checkin.person_name


@bp.get("/historik")
@family_page(*ADULTS)
def history(family_id: int):
    """What has been said: the person's own check-ins and those shared with them, and the
    scale over time as a chart and as a table. For a parent also what the social worker
    shared of a child's answers, marked as the child's."""
    db = get_db()
    seen = checkins.visible_checkins(
        db, family_id, viewer_id=g.person.id, viewer_role=g.person.role
    )
    the_plan = readable_plan(family_id)
    rated = [c for c in seen if c.rating is not None]
    chart = scale_chart(
        [(said_by(c), datetime.fromisoformat(c.created_at), c.rating) for c in rated],
        the_plan.meeting_days() if the_plan else [],
    )
    saved = request.args.get("sparad", type=int)
    return render_template(
        "family/history.html",
        said_by=said_by,
        # Only the parents: the worker shares a child's answer with them, not the network.
        from_children=children.shared_additions(db, family_id) if g.person.role == "parent" else [],
        checkins=seen,
        chart=chart,
        plan=the_plan,
        saved=saved if any(c.id == saved for c in seen) else None,
    )


@bp.post("/lofte/<commitment_key>")
@family_page("network")
def commitment(family_id: int, commitment_key: str):
    """A network member confirms what they promised (Jag lovar) or says they cannot any more."""
    the_plan = readable_plan(family_id)
    promised = next(
        (
            c
            for c in (the_plan.commitments_of(g.person.id) if the_plan else [])
            if c.key == commitment_key
        ),
        None,
    )
    if promised is None:
        abort(404)
    form = CommitmentForm()
    status = 200
    if form.validate_on_submit():
        checkins.respond_to_commitment(
            get_db(),
            family_id=family_id,
            commitment_key=commitment_key,
            person_id=g.person.id,
            response=form.response.data,
            reason=(form.reason.data or "").strip(),
            client_id=form.client_id.data or None,
        )
        if not htmx:
            return redirect(
                url_for(".plan", family_id=family_id, _anchor=f"lofte-{commitment_key}"), 303
            )
        promised = next(
            c
            for c in readable_plan(family_id).commitments_of(g.person.id)
            if c.key == commitment_key
        )
        form, saved = CommitmentForm(formdata=None), True
    else:
        status, saved = 400, False
    return page_or_fragment(
        "family/commitment.html",
        "family/_my_commitment.html",
        status,
        c=promised,
        commitment_form=form,
        saved=saved,
    )


from . import stepping_in as _stepping_in_routes  # noqa: E402, F401 - its routes on bp
