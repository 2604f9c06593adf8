"""Following the plan: check-ins, the scale over time, commitments and views, and print."""

import secrets
from datetime import datetime

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import clock
from ..access import ADULTS, deny, staff_page, visibilities
from ..auth.forms import ConfirmForm
from ..chart import scale_chart
from ..db import get_db
from ..store import checkins, children, families, plans
from .editor_forms import language_label
from .following_forms import OLDEST_RATING, PersonFilterForm, PrintForm, WorkerRatingForm
from .views import bp

# What a share link names in its address, and so in the audit log's object id.
SHAREABLE = ("avstamning", "hus")


def who(checkin: checkins.Checkin) -> str:
    """The name to show for a check-in; the worker's own ratings and a child's say whose
    they are (also the name of the line in the chart)."""
    if checkin.role == "child":
        return _("%(name)s (child)", name=checkin.person_name)
    if not checkin.by_worker:
        return checkin.person_name
    if checkin.person_name:
        return _("%(name)s (social worker)", name=checkin.person_name)
    return _("The social worker")


def not_said_yet(
    worry: plans.PlanItem,
    people: list[families.Person],
    views: dict[str, list[plans.WorryView]],
) -> list[families.Person]:
    """The adults who can read this worry on their plan but have not said what they think."""
    said = {v.person_id for v in views.get(worry.key, [])}
    return [
        p
        for p in people
        if p.role in ADULTS and worry.visibility in visibilities(p.role) and p.id not in said
    ]


@bp.get("/familj/<id:family_id>/folj")
@staff_page()
def follow(family_id: int):
    """Följ planen: every check-in (children's and unshared ones too), the scale over time
    with the worker's own ratings, each commitment's status and the views on each worry."""
    form = WorkerRatingForm(formdata=None)
    form.client_id.data = secrets.token_urlsafe(18)
    return following_page(family_id, form)


@bp.post("/familj/<id:family_id>/folj/skattning")
@staff_page()
def record_rating(family_id: int):
    """The worker's own rating, e.g. at a network meeting: saved once, never shown to the
    family. A wrong value shows the page again with what was typed and what to fix."""
    form = WorkerRatingForm()
    message, status = None, 400
    if form.validate_on_submit():
        plan = plans.published_plan(get_db(), family_id, visibilities("worker"))
        try:
            checkin_id, _created = checkins.save_worker_rating(
                get_db(),
                family_id=family_id,
                worker_id=g.worker.id,
                client_id=form.client_id.data,
                rating=int(form.rating.data),
                words=(form.words.data or "").strip(),
                rated_on=form.rated_on.data,
                today=clock.today(),
                version_id=plan.version_id if plan else None,
            )
        except checkins.CheckinConflict:
            # Keep what the worker chose, under a new id, so saving again works.
            form.client_id.data = secrets.token_urlsafe(18)
            message = _(
                "This rating was already saved with other values. "
                "Look at your answers and press save again."
            )
            status = 409
        else:
            return redirect(
                url_for(".follow", family_id=family_id, sparad=checkin_id, _anchor="skattning"),
                303,
            )
    return following_page(family_id, form, message=message, status=status)


def following_page(
    family_id: int, form: WorkerRatingForm, *, message: str | None = None, status: int = 200
):
    """The page of ``follow``, with the rating form as it is (empty, or as typed with errors).

    The chart holds every rating; the person filter narrows only the list of check-ins.
    """
    db = get_db()
    people = families.family_people(db, family_id)
    chooser = PersonFilterForm(people, formdata=request.args)
    if not chooser.validate():
        # Someone outside this family, or not a person at all: a logged 404, as for any other
        # family's data, so a probe for other families' people is seen in the log review.
        deny(family_id, as_staff=True)
    plan = plans.published_plan(db, family_id, visibilities("worker"))
    every = checkins.following_checkins(db, family_id)
    rated = [c for c in every if c.rating is not None]
    meetings = plan.meeting_days() if plan else []
    meeting_days = set(meetings)
    chart = scale_chart(
        [(who(c), c.at, c.rating) for c in reversed(rated)],  # oldest first: legend order
        meetings,
    )
    worries = plan.of_kind(*plans.KINDS["worries"]) if plan else []
    views = plans.worry_views(db, family_id, visibilities("worker"))
    by_person: dict[int, list[plans.Commitment]] = {}
    for commitment in plan.commitments if plan else []:
        by_person.setdefault(commitment.person_id, []).append(commitment)
    saved = request.args.get("sparad", type=int)
    names = {p.id: p.name for p in people}
    return render_template(
        "worker/following/follow.html",
        child_answers=child_answers(every, children.family_additions(db, family_id), names),
        just_shared="delad" in request.args,
        family=families.get_family(db, family_id),
        plan=plan,
        published=datetime.fromisoformat(plan.published_at) if plan else None,
        chart=chart,
        rated=rated,
        meetings=meetings,
        at_meeting={c.id for c in rated if clock.local_date(c.at) in meeting_days},
        chooser=chooser,
        shown=[c for c in every if chooser.person_id is None or c.person_id == chooser.person_id],
        rule_texts=checkins.rule_texts(db, family_id),
        commitments=list(by_person.values()),
        responses=checkins.commitment_responses(db, family_id, visibilities("worker")),
        worries=worries,
        views=views,
        not_yet={item.key: not_said_yet(item, people, views) for item in worries},
        form=form,
        message=message,
        saved=saved if any(c.id == saved and c.by_worker for c in every) else None,
        today=clock.today(),
        oldest=clock.today() - OLDEST_RATING,
        who=who,
    ), status


def child_answers(
    every: list[checkins.Checkin], additions: list[children.Addition], names: dict[int, str]
) -> list[dict]:
    """What the children said, newest first: ratings and words, presses of "Jag vill prata
    med någon", and what they added to the three houses, each with the child's name."""
    said = [
        {"what": "talk" if c.wants_to_talk else "checkin", "at": c.created_at,
         "name": c.person_name, "checkin": c}
        for c in every if c.role == "child"
    ] + [
        {"what": "addition", "at": a.created_at, "name": names.get(a.person_id, ""),
         "addition": a}
        for a in additions
    ]  # fmt: skip
    return sorted(said, key=lambda answer: answer["at"], reverse=True)


@bp.route(
    "/familj/<id:family_id>/folj/dela/<any(avstamning, hus):what>/<id:which>",
    methods=["GET", "POST"],
)
@staff_page()
def share_child_answer(family_id: int, what: str, which: int):
    """Share one of a child's answers with the parents: a page that says what will be shown
    to whom, then the button. From then on the parents see it, never the network. The audit
    log names what was shared ("avstamning/12" or "hus/3"); there is no unsharing."""
    db = get_db()
    if what == "avstamning":
        answer = checkins.child_checkin(db, family_id, which)
    else:
        answer = children.family_addition(db, family_id, which)
    if answer is None:
        abort(404)
    if request.method == "POST":
        ConfirmForm().validate_on_submit() or abort(400)
        share = checkins.share_child_checkin if what == "avstamning" else children.share_addition
        ids = {"checkin_id": which} if what == "avstamning" else {"addition_id": which}
        share(db, family_id=family_id, worker_id=g.worker.id, **ids)
        return redirect(
            url_for(".follow", family_id=family_id, delad=f"{what}-{which}", _anchor="barnet"),
            303,
        )
    people = families.family_people(db, family_id)
    child = next((p for p in people if p.id == answer.person_id), None)
    return render_template(
        "worker/following/share.html",
        family=families.get_family(db, family_id),
        what=what,
        which=which,
        answer=answer,
        child=child,
        parents=[p for p in people if p.role == "parent"],
    )


@bp.get("/familj/<id:family_id>/utskrift")
@staff_page()
def print_plan(family_id: int):
    """The latest published plan as one audience sees it, for a meeting or a family without
    a phone. Only what that audience may see; worker-only items never. Printed with the
    browser's own print (CSS @media print), so nothing is added to the page to make a file."""
    form = PrintForm(formdata=request.args)
    if not form.validate():
        abort(400)
    db = get_db()
    plan = plans.published_plan(db, family_id, visibilities(form.role))
    adults = form.role in ADULTS
    return render_template(
        "worker/following/print.html",
        family=families.get_family(db, family_id),
        plan=plan,
        published=datetime.fromisoformat(plan.published_at) if plan else None,
        people=families.family_people(db, family_id),
        # The numbers shared with this audience, as on their own plan page (none for children).
        numbers=families.numbers_to_call(db, family_id, reader_id=0, role=form.role),
        # A child's printout leaves out what the adults think of the worries, as the child's
        # own pages do; the adults' printouts show it, as their plan page does.
        views=plans.worry_views(db, family_id, visibilities(form.role)),
        adults=adults,
        form=form,
        today=clock.today(),
        # The items in this language where there is a translation (components/plan_text.html),
        # with the Swedish printed beneath: nothing can be tapped on paper.
        plan_language=form.language.data,
        on_paper=True,
        language_label=language_label,
    )
