"""Getting in with a personal link and a code, and getting out: logout and quick exit."""

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from ..access import family_page, public
from ..db import get_db
from ..store import audit, families, invites
from ..store import sessions as sessions_store
from .forms import ChooseCodeForm, ConfirmForm, EnterCodeForm, LanguageForm

bp = Blueprint("auth", __name__)

# Tells the browser to drop everything this site left on the device.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def home_of(person) -> str:
    """Where a person lands after getting in: a child has pages of its own."""
    if person.role == "child":
        return url_for("child.home", family_id=person.family_id)
    return url_for("family.plan", family_id=person.family_id)


def log_person(action: str, person, *, outcome: str = "ok") -> None:
    audit.record(
        get_db(),
        action,
        actor_type="person",
        actor_id=person.id,
        role=person.role,
        object_type="person",
        object_id=person.id,
        family_id=person.family_id,
        outcome=outcome,
    )


@bp.get("/")
@public
def start():
    """The start page: signed-in people go to their plan, others learn how to get in."""
    if g.person is not None:
        return redirect(home_of(g.person))
    return render_template("auth/start.html")


@bp.get("/i/<token>")
@public
def invite(token: str):
    """Show the invite's button. Consumes nothing: chat apps open links to preview them."""
    state = invites.invite_state(get_db(), token)
    if state != "valid":
        return render_template(
            "auth/invite_invalid.html", state=state
        ), 410 if state != "unknown" else 404
    return render_template("auth/invite.html", form=ConfirmForm())


@bp.post("/i/<token>")
@public
def use_invite(token: str):
    """Use the invite once: bind this device to the person with a new server-side session."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    person_id = invites.consume_invite(db, token)
    if person_id is None:
        state = invites.invite_state(db, token)
        audit.record(db, "invite_refused", actor_type="anonymous", outcome="denied")
        return render_template(
            "auth/invite_invalid.html", state=state
        ), 410 if state != "unknown" else 404
    person = families.get_person(db, person_id)
    session.clear()  # a new session id at every sign-in
    session["sid"] = sessions_store.start_session(db, person_id=person_id)
    session.permanent = True
    log_person("sign_in_invite", person)
    return redirect(url_for("auth.choose_code"), 303)


@bp.route("/kod/ny", methods=["GET", "POST"])
@family_page("parent", "network", "child", unlocked=False)
def choose_code():
    """Choose the code that opens the app on this device. The invite proves who it is."""
    if g.session.unlocked_at is not None:
        # Only a device fresh from its invite may set a code; later it takes the old one.
        return redirect(url_for("auth.enter_code"))
    form = ChooseCodeForm()
    if form.validate_on_submit():
        sessions_store.set_code(get_db(), g.person.id, g.session.id, form.code.data)
        log_person("code_chosen", g.person)
        return redirect(home_of(g.person), 303)
    status = 400 if form.errors else 200
    return render_template("auth/choose_code.html", form=form), status


def safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/kod", methods=["GET", "POST"])
@family_page("parent", "network", "child", unlocked=False)
def enter_code():
    """Type the code again after a while without use."""
    if g.session.unlocked_at is None:
        return redirect(url_for("auth.choose_code"))
    form = EnterCodeForm()
    message = None
    status = 200
    if form.validate_on_submit():
        result = sessions_store.check_code(get_db(), g.person.id, g.session.id, form.code.data)
        if result.ok:
            log_person("code_ok", g.person)
            return redirect(safe_next(request.args.get("next")) or home_of(g.person), 303)
        log_person("code_failed", g.person, outcome="denied")
        status = 429 if result.wait_seconds else 400
        if result.wait_seconds:
            message = ngettext(
                "That was not the right code. Wait %(num)d second and try again.",
                "That was not the right code. Wait %(num)d seconds and try again.",
                result.wait_seconds,
            )
        else:
            message = _("That was not the right code. Try again.")
    elif form.errors:
        status = 400
    return render_template("auth/enter_code.html", form=form, message=message), status


def end_and_clear(reason: str):
    """End the server-side session and forget the cookie."""
    if g.session is not None:
        sessions_store.end_session(get_db(), g.session.id, reason)
        log_person(reason, g.person)
    session.clear()


@bp.post("/logga-ut")
@public
def logout():
    """Log out: end the session on the server and clear what this site left on the device."""
    ConfirmForm().validate_on_submit() or abort(400)
    end_and_clear("logout")
    response = make_response(redirect(url_for("auth.logged_out"), 303))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.get("/utloggad")
@public
def logged_out():
    return render_template("auth/logged_out.html")


@bp.post("/lamna-snabbt")
@public
def quick_exit():
    """Lämna snabbt: end the session and go to a neutral site. JavaScript does it faster still."""
    ConfirmForm().validate_on_submit() or abort(400)
    end_and_clear("quick_exit")
    if request.args.get("via") == "beacon":
        # app.js has already left for the neutral site; a redirect here would only be
        # followed in the background and refused by our own Content-Security-Policy.
        response = make_response("", 204)
    else:
        response = make_response(redirect(current_app.config["QUICK_EXIT_URL"], 303))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.post("/sprak")
@public
def choose_language():
    """Switch language; kept for the person, and on this browser before sign-in."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    language = form.language.data
    if g.person is not None:
        families.set_language(get_db(), g.person.id, language)
    back = safe_next(request.form.get("next")) or url_for("auth.start")
    response = make_response(redirect(back, 303))
    response.set_cookie(
        "lang",
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
