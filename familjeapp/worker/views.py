"""The social worker's side, all under one prefix so a reverse proxy can keep it to the
municipality's own network: signing in with a second factor, the dashboard, and families."""

import io
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import (
    Blueprint,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import htmx
from ..access import public, staff_page, staff_role
from ..auth.forms import ConfirmForm
from ..auth.invite_message import invite_message, message_language
from ..auth.views import FORGET_THIS_DEVICE, retry_after, wait_words
from ..db import get_db
from ..photos import PhotoRejected, clean_photo
from ..pictures import load_library
from ..store import (
    audit,
    data_copies,
    families,
    invites,
    now,
    parse_timestamp,
    staff,
    throttle,
    timestamp,
)
from ..store import calendars as calendar_store
from ..store import photos as photo_store
from ..store import sessions as sessions_store
from ..templating import photo_response
from ..urls import safe_next
from .forms import (
    FamilyForm,
    InviteForm,
    OneTimeCodeForm,
    PersonForm,
    PersonLanguageForm,
    PhoneForm,
    SignInForm,
)

bp = Blueprint("worker", __name__, url_prefix="/personal")

# How many pictures a search shows at once.
PICTURES_SHOWN = 24
# The password step is good for this long while the worker finds the authenticator app.
PENDING_FOR = timedelta(minutes=5)


def log_staff(action: str, worker_id: int | None, *, outcome: str = "ok", role: str = "worker"):
    audit.record(
        get_db(), action, actor_type="worker" if worker_id else "anonymous",
        actor_id=worker_id, role=role if worker_id else None, outcome=outcome,
    )  # fmt: skip


def sign_in_source() -> throttle.Source:
    """Where a sign-in try comes from: this browser (an id kept in its cookie) and its address.
    Wrong tries are counted for each, and for the account (store/throttle.py)."""
    browser = session.setdefault("browser", secrets.token_urlsafe(16))
    return throttle.Source(device=f"browser:{browser}", address=request.remote_addr or "")


def refused(check: staff.SignInCheck, message: str) -> tuple[int, str]:
    """The answer to a failed step: try again (400), or wait (429) after too many tries."""
    if not check.tried:
        # Nothing was tried, so nothing may be said of what was written.
        return 429, f"{wait_words(check.wait_seconds)} " + _(
            "There were too many wrong tries, so we did not try what you wrote now."
        )
    if check.wait_seconds:
        return 429, f"{message} {wait_words(check.wait_seconds)}"
    return 400, message


def step_page(template: str, status: int, wait: int, **context):
    """A sign-in step's page; during a wait it shows the time left and says so in Retry-After."""
    page = render_template(template, wait_seconds=wait, **context)
    return retry_after(make_response(page, status), wait)


def pending_worker() -> int | None:
    """The worker who gave the right password a moment ago, waiting for the second step."""
    pending = session.get("staff_pending")
    if not pending or parse_timestamp(pending["at"]) < now() - PENDING_FOR:
        return None
    return pending["worker_id"]


@bp.route("/logga-in", methods=["GET", "POST"])
@public
def sign_in():
    """Step one: e-mail and password."""
    if g.worker is not None:
        return redirect(url_for(".dashboard"))
    form = SignInForm()
    message, status, wait = None, 200, 0
    if form.validate_on_submit():
        check = staff.check_password(
            get_db(), form.email.data, form.password.data, source=sign_in_source()
        )
        if check.worker_id is not None:
            session.pop("staff_sid", None)
            session["staff_pending"] = {"worker_id": check.worker_id, "at": timestamp()}
            session["staff_next"] = safe_next(request.args.get("next"))
            worker = staff.get_staff(get_db(), check.worker_id)
            step = ".one_time_code" if worker.has_totp else ".enrol"
            return redirect(url_for(step), 303)
        log_staff("staff_sign_in_failed", None, outcome="denied")
        status, message = refused(check, _("The e-mail or the password is wrong."))
        wait = check.wait_seconds
    elif form.errors:
        status = 400
    return step_page("worker/sign_in.html", status, wait, form=form, message=message)


def finish_sign_in(worker_id: int):
    session.pop("staff_pending", None)
    target = session.pop("staff_next", None)
    session["staff_sid"] = sessions_store.start_session(get_db(), worker_id=worker_id)
    session.permanent = True
    worker = staff.get_staff(get_db(), worker_id)
    log_staff("staff_sign_in", worker_id, role=staff_role(worker))
    return redirect(target or url_for(".dashboard"), 303)


@bp.route("/engangskod", methods=["GET", "POST"])
@public
def one_time_code():
    """Step two: the code from the authenticator app."""
    worker_id = pending_worker()
    if worker_id is None:
        return redirect(url_for(".sign_in"))
    form = OneTimeCodeForm()
    message, status, wait = None, 200, 0
    if form.validate_on_submit():
        check = staff.check_totp(
            get_db(), worker_id, form.code.data.strip(), source=sign_in_source()
        )
        if check.worker_id is not None:
            return finish_sign_in(worker_id)
        log_staff("staff_totp_failed", worker_id, outcome="denied")
        status, message = refused(
            check, _("That code did not work. Wait for a new code in the app and try again.")
        )
        wait = check.wait_seconds
    elif form.errors:
        status = 400
    return step_page("worker/one_time_code.html", status, wait, form=form, message=message)


def qr_svg(data: str) -> Markup:
    """A QR code as inline SVG, made by segno (no external service, no script)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title=None, svgclass="qr"
    )
    return Markup(out.getvalue().decode())  # noqa: S704 - segno's own markup, no user input


@bp.route("/tvastegsverifiering", methods=["GET", "POST"])
@public
def enrol():
    """First sign-in: connect an authenticator app with a QR code, then prove it works."""
    worker_id = pending_worker()
    if worker_id is None:
        return redirect(url_for(".sign_in"))
    worker = staff.get_staff(get_db(), worker_id)
    if worker.has_totp:
        return redirect(url_for(".one_time_code"))
    secret = session.setdefault("staff_enrol_secret", pyotp.random_base32())
    form = OneTimeCodeForm()
    message, status, wait = None, 200, 0
    if form.validate_on_submit():
        check = staff.check_totp(
            get_db(), worker_id, form.code.data.strip(), source=sign_in_source(), secret=secret
        )
        if check.worker_id is not None:
            session.pop("staff_enrol_secret", None)
            log_staff("staff_totp_enrolled", worker_id, role=staff_role(worker))
            return finish_sign_in(worker_id)
        status, message = refused(
            check, _("That code did not work. Check that the app shows familjeapp and try again.")
        )
        wait = check.wait_seconds
    elif form.errors:
        status = 400
    uri = pyotp.TOTP(secret).provisioning_uri(name=worker.email, issuer_name="familjeapp")
    return step_page(
        "worker/enrol.html", status, wait, form=form, message=message, qr=qr_svg(uri),
        secret=secret,
    )  # fmt: skip


@bp.post("/logga-ut")
@public
def sign_out():
    ConfirmForm().validate_on_submit() or abort(400)
    goodbye = None
    if g.staff_session is not None:
        from .municipal import sign_out_url  # signed in through the municipality's provider

        goodbye = sign_out_url(g.staff_session.id)
        sessions_store.end_session(get_db(), g.staff_session.id, "logout")
        log_staff("staff_sign_out", g.worker.id, role=staff_role(g.worker))
    session.pop("staff_sid", None)
    response = make_response(redirect(goodbye or url_for(".sign_in"), 303))
    response.headers["Clear-Site-Data"] = FORGET_THIS_DEVICE
    return response


@bp.post("/fortsatt")
@staff_page()
def stay_signed_in():
    """The "stay signed in" button of the inactivity warning: using the page is enough."""
    ConfirmForm().validate_on_submit() or abort(400)
    if htmx:
        return "", 204
    return redirect(safe_next(request.form.get("next")) or url_for(".dashboard"), 303)


@bp.get("/")
@staff_page()
def dashboard():
    """My team's families, and what needs attention across them, most urgent first."""
    db = get_db()
    return render_template(
        "worker/dashboard.html",
        families=staff.team_families(db, g.worker.team_id),
        signals=staff.attention_queue(db, g.worker.team_id),
    )


@bp.route("/familjer/ny", methods=["GET", "POST"])
@staff_page()
def new_family():
    form = FamilyForm()
    if form.validate_on_submit():
        db = get_db()
        family_id = families.create_family(
            db, team_id=g.worker.team_id, name=form.name.data.strip(), worker_id=g.worker.id
        )
        audit.record(
            db, "create", actor_type="worker", actor_id=g.worker.id, role=staff_role(g.worker),
            object_type="family", object_id=family_id, family_id=family_id,
        )  # fmt: skip
        return redirect(url_for(".family", family_id=family_id), 303)
    return render_template("worker/new_family.html", form=form), 400 if form.errors else 200


@bp.get("/familj/<id:family_id>")
@staff_page()
def family(family_id: int):
    """One family: its people with their devices and invites, and what needs attention."""
    return family_page(family_id)


def family_page(family_id: int, status: int = 200, **context):
    """The family's page; `context` carries a form sent back with its errors (worker/numbers.py)."""
    db = get_db()
    people = families.family_people(db, family_id)
    return render_template(
        "worker/family.html",
        family=families.get_family(db, family_id),
        people=people,
        devices={p.id: sessions_store.devices(db, p.id) for p in people},
        calendars=calendar_store.people_with_calendars(db, family_id),
        signals=staff.attention_queue(db, g.worker.team_id, family_id=family_id),
        invite_form=InviteForm(formdata=None),
        button_form=ConfirmForm(),
        numbers=families.phone_numbers(db, family_id),
        phone_choices=PhoneForm(formdata=None),
        copies=data_copies.copies_by_person(db, family_id),
        **context,
    ), status


PHOTO_REJECTED = {
    "not_an_image": _l("That file is not a picture. Choose a photo."),
    "unsupported_type": _l("Choose a JPEG, PNG or WebP photo."),
    "too_large_file": _l("The photo is too big. Choose one under 10 MB."),
    "too_many_pixels": _l("The photo has too many pixels. Choose a smaller one."),
    "broken": _l("The photo could not be read. Try another one."),
}


@bp.route("/familj/<id:family_id>/personer/ny", methods=["GET", "POST"])
@staff_page()
def add_person(family_id: int):
    """Add a parent, child or network member, with a library picture or a photo.

    An uploaded photo is decoded and re-encoded without any metadata (GPS, camera, time)
    before it is stored.
    """
    form = PersonForm()
    pictures = []
    if request.method == "POST" and request.form.get("action") == "search":
        pictures = load_library().search(form.q.data or "", limit=PICTURES_SHOWN)
    elif form.validate_on_submit():
        db = get_db()
        photo_id = None
        upload = form.photo.data
        if upload and upload.filename:
            try:
                clean = clean_photo(upload.read())
            except PhotoRejected as rejected:
                form.photo.errors = [str(PHOTO_REJECTED[rejected.reason])]
            else:
                photo_id = photo_store.save_photo(db, family_id, clean)
        if not form.photo.errors:
            families.add_person(
                db,
                family_id=family_id,
                role=form.role.data,
                name=form.name.data.strip(),
                relation=(form.relation.data or "").strip(),
                picture=form.picture.data or None,
                language=form.language.data,
                photo_id=photo_id,
            )
            return redirect(url_for(".family", family_id=family_id), 303)
    status = 400 if form.errors else 200
    library = load_library()
    chosen = library.get(form.picture.data) if form.picture.data else None
    return render_template(
        "worker/add_person.html",
        form=form,
        family=families.get_family(get_db(), family_id),
        pictures=pictures,
        chosen=chosen,
        query=form.q.data or "",
    ), status


@bp.get("/familj/<id:family_id>/foto/<id:photo_id>")
@staff_page()
def photo(family_id: int, photo_id: int):
    """A family member's photo, for the family's own workers."""
    return photo_response(get_db(), family_id, photo_id)


def family_person(family_id: int, person_id: int):
    person = families.get_person(get_db(), person_id)
    if person is None or person.family_id != family_id:
        abort(404)
    return person


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/inbjudan")
@staff_page()
def invite(family_id: int, person_id: int):
    """A new personal link for one person: shown once, as a link, a QR code and a text."""
    person = family_person(family_id, person_id)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    days = int(form.days.data)
    token = invites.create_invite(get_db(), person.id, days=days, created_by=g.worker.id)
    link = url_for("auth.invite", token=token, _external=True)
    # Written in the person's own language, whatever language this page is in.
    message = invite_message(
        name=person.name, link=link, days=days, worker=g.worker.name, language=person.language
    )
    return render_template(
        "worker/invite.html",
        family=families.get_family(get_db(), family_id),
        person=person,
        link=link,
        qr=qr_svg(link),
        message=message,
        message_language=message_language(person.language),
        days=days,
    )


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/sprak")
@staff_page()
def person_language(family_id: int, person_id: int):
    """Change the language a person reads the app in: their pages, the plan's translations and
    the text message with their next invite. The person can change it themselves too."""
    person = family_person(family_id, person_id)
    form = PersonLanguageForm()
    if not form.validate_on_submit():
        # Only a changed page sends anything but a language of the list: say so, change nothing.
        errors = " ".join(str(error) for error in form.language.errors)
        return render_template(
            "errors/error.html",
            title=_("The language was not changed"),
            message=errors or _("Reload the page and try again."),
        ), 400
    families.set_language(get_db(), person.id, form.language.data)
    return redirect(url_for(".family", family_id=family_id, _anchor=f"person-{person.id}"), 303)


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/enheter/<id:session_id>/stang")
@staff_page()
def revoke_device(family_id: int, person_id: int, session_id: int):
    """End one device's session at once ("farmor lost her phone")."""
    person = family_person(family_id, person_id)
    ConfirmForm().validate_on_submit() or abort(400)
    if not any(d["id"] == session_id for d in sessions_store.devices(get_db(), person.id)):
        abort(404)
    sessions_store.end_session(get_db(), session_id, "revoked")
    return redirect(url_for(".family", family_id=family_id, _anchor=f"person-{person.id}"), 303)


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/kalender/stang")
@staff_page()
def revoke_calendar(family_id: int, person_id: int):
    """End a person's calendar address at once (the phone with the calendar is lost)."""
    person = family_person(family_id, person_id)
    ConfirmForm().validate_on_submit() or abort(400)
    calendar_store.revoke(get_db(), person.id, worker_id=g.worker.id)
    return redirect(url_for(".family", family_id=family_id, _anchor=f"person-{person.id}"), 303)


@bp.post("/familj/<id:family_id>/signaler/<id:signal_id>/hanterad")
@staff_page()
def handle_signal(family_id: int, signal_id: int):
    """Mark a signal handled; who and when are kept."""
    ConfirmForm().validate_on_submit() or abort(400)
    if not staff.handle_signal(get_db(), signal_id, worker_id=g.worker.id, family_id=family_id):
        abort(404)
    return redirect(safe_next(request.form.get("next")) or url_for(".dashboard"), 303)


@bp.post("/familj/<id:family_id>/avsluta")
@staff_page()
def close_case(family_id: int):
    """Close the family's case. Nothing is deleted: closing starts the retention period, after
    which an administrator deletes the case (SECURITY.md, "Data lifecycle")."""
    ConfirmForm().validate_on_submit() or abort(400)
    if families.close_case(get_db(), family_id):
        audit.record(
            get_db(), "close_case", actor_type="worker", actor_id=g.worker.id,
            role=staff_role(g.worker), object_type="family", object_id=family_id,
            family_id=family_id,
        )  # fmt: skip
    return redirect(url_for(".family", family_id=family_id), 303)
