"""Påminnelser i din kalender: a parent or network member adds their commitments, the network
meetings and a weekly *Hur går det?* to the phone's own calendar (calendar_feed.py).

The address's secret token is shown once, right after it is made (only its hash is kept, as for
invite links). A calendar app fetches ``/kalender/<token>.ics`` without any cookie, so that
address is public and the token is the key: unknown gives 404, revoked 410 Gone. The feed is
sent ``no-store`` like every personal answer; calendar apps refresh it on their own schedule.
"""

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale

from .. import calendar_feed, config
from ..access import ADULTS, family_page, public, visibilities
from ..auth.forms import ConfirmForm
from ..db import get_db
from ..store import audit, families, plans
from ..store import calendars as store
from ..worker.views import qr_svg
from .forms import TitlesForm

bp = Blueprint("calendar", __name__)

ICS = "text/calendar; charset=utf-8"


def _titles_form(subscription) -> TitlesForm:
    full = subscription is not None and subscription.full_titles
    return TitlesForm(formdata=None, data={"titles": "full" if full else "neutral"})


def _audit(action: str) -> None:
    person = g.person
    audit.record(
        get_db(), action, actor_type="person", actor_id=person.id, role=person.role,
        object_type="calendar", object_id=person.id, family_id=person.family_id,
    )  # fmt: skip


def _page(family_id: int, *, form=None, address: str | None = None, status: int = 200):
    subscription = store.active_subscription(get_db(), g.person.id)
    return render_template(
        "calendar/calendar.html",
        subscription=subscription,
        form=form or _titles_form(subscription),
        button_form=ConfirmForm(),
        address=address,
        webcal=address and "webcal://" + address.split("://", 1)[1],
        qr=address and qr_svg(address),
        saved=request.args.get("sparat"),
    ), status


@bp.get("/familj/<id:family_id>/kalender")
@family_page(*ADULTS)
def page(family_id: int):
    """Påminnelser i din kalender: make, change or end the person's calendar address."""
    return _page(family_id)


@bp.post("/familj/<id:family_id>/kalender/ny")
@family_page(*ADULTS)
def new(family_id: int):
    """A new calendar address, shown once as text, a webcal link and a QR code; an older one
    stops working."""
    form = TitlesForm()
    if not form.validate_on_submit():
        return _page(family_id, form=form, status=400)
    token = store.create_subscription(get_db(), g.person.id, full_titles=form.full)
    _audit("calendar_created")
    return _page(family_id, address=url_for(".feed", token=token, _external=True))


@bp.post("/familj/<id:family_id>/kalender/rubriker")
@family_page(*ADULTS)
def titles(family_id: int):
    """Neutral titles, or the commitment's own words, in the person's calendar address."""
    form = TitlesForm()
    if not form.validate_on_submit():
        return _page(family_id, form=form, status=400)
    store.set_full_titles(get_db(), g.person.id, form.full)
    return redirect(url_for(".page", family_id=family_id, sparat=1), 303)


@bp.post("/familj/<id:family_id>/kalender/stang")
@family_page(*ADULTS)
def revoke(family_id: int):
    """End the person's calendar address at once; the calendar app gets nothing more."""
    ConfirmForm().validate_on_submit() or abort(400)
    if store.revoke(get_db(), g.person.id):
        _audit("calendar_revoked")
    return redirect(url_for(".page", family_id=family_id, sparat=1), 303)


@bp.get("/familj/<id:family_id>/kalender/kalender.ics")
@family_page(*ADULTS)
def download(family_id: int):
    """The same events once, as a file to open in the calendar app (nothing is updated later)."""
    person = g.person
    body = _feed_for(person, full_titles=request.args.get("titles") == "full")
    response = make_response(body)
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = 'attachment; filename="kalender.ics"'
    return response


@bp.get("/kalender/<token>.ics")
@public
def feed(token: str):
    """The person's calendar, fetched by a calendar app. Nothing here writes to any log."""
    db = get_db()
    subscription = store.find_by_token(db, token)
    if subscription is None:
        return _plain(404)
    person = families.get_person(db, subscription.person_id)
    family = families.get_family(db, person.family_id) if person else None
    if (
        subscription.revoked_at is not None
        or person is None
        or person.role not in ADULTS
        or family is None
        or family.closed_at is not None
    ):
        return _plain(410)
    response = make_response(_feed_for(person, full_titles=subscription.full_titles))
    response.headers["Content-Type"] = ICS
    return response


def _plain(status: int):
    """A bare answer for a calendar app: no page, nothing about the address."""
    response = make_response("", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


def _feed_for(person, *, full_titles: bool) -> bytes:
    plan = plans.published_plan(get_db(), person.family_id, visibilities(person.role))
    pages = {"plan": "family.plan", "checkin": "family.checkin"}
    language = person.language if person.language in config.LANGUAGES else "sv"
    with force_locale(language):
        return calendar_feed.feed(
            plan,
            person_id=person.id,
            full_titles=full_titles,
            url=lambda page: url_for(pages[page], family_id=person.family_id, _external=True),
        )
