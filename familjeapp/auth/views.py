"""Getting in with a personal link and a code, and getting out: logout and quick exit."""

import math

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
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from .. import csrf
from ..access import family_page, public
from ..config import LANGUAGES
from ..db import get_db
from ..store import audit, families, invites
from ..store import sessions as sessions_store
from ..urls import safe_next
from .forms import (
    TEXT_SIZE_COOKIE,
    ChooseCodeForm,
    ChoosePictureCodeForm,
    ConfirmForm,
    EnterCodeForm,
    LanguageForm,
    PictureCodeForm,
    TextSizeForm,
)

bp = Blueprint("auth", __name__)

# Logging out tells the browser to drop everything this site left on the device; leaving
# quickly keeps the cookie, so that the person's own code opens the app again.
FORGET_THIS_DEVICE = '"cache", "cookies", "storage"'
CLEAR_WHAT_WAS_SHOWN = '"cache", "storage"'
# A child on a parent's phone: the parent's session token, kept aside until the child is done.
ADULT_SID = "adult_sid"
# The child's first round of pictures, as a hash, until the same pictures are chosen again.
FIRST_PICTURES = "first_pictures"
# The app's own language: a device that has chosen no other is shown it.
DEFAULT_LANGUAGE = "sv"


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
    for_child = invites.invited_role(get_db(), token) == "child"
    # In the language the worker chose for the person, as the text message with the link was.
    with force_locale(language_of(invites.invited_language(get_db(), token))):
        return render_template("auth/invite.html", form=ConfirmForm(), for_child=for_child)


def language_of(chosen: str | None) -> str:
    """A language the app has, or the one this request is shown in already."""
    return chosen if chosen in LANGUAGES else str(get_locale())


def remember_language(response, language: str):
    """Keep the language on this device (a cookie, nothing personal): the pages are in it
    before anyone signs in, and again after the person logged out."""
    response.set_cookie(
        "lang",
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


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
    adult = set_adult_aside(db, person)
    session.clear()  # a new session id at every sign-in
    session["sid"] = sessions_store.start_session(db, person_id=person_id)
    if adult:
        session[ADULT_SID] = adult
    session.permanent = True
    log_person("sign_in_invite", person)
    response = make_response(redirect(url_for("auth.choose_code"), 303))
    if person.language in LANGUAGES:
        remember_language(response, person.language)
    return response


def set_adult_aside(db, newcomer) -> str | None:
    """A child's link used on a parent's or network member's phone: lock the adult's session
    now and keep its token for when the child is done. The child never sees the adult's plan,
    and the adult gets back in with their own code."""
    if newcomer.role != "child":
        return None
    if kept := session.get(ADULT_SID):
        return kept  # a second child's link on the same phone
    adult = g.person
    if adult is None or adult.role == "child" or g.session.unlocked_at is None:
        return None
    sessions_store.lock_session(db, g.session.id)
    return session.get("sid")


def hand_back(db, reason: str) -> None:
    """End the child's session; a phone the child borrowed gets its adult back, locked."""
    sessions_store.end_session(db, g.session.id, reason)
    session.pop("sid", None)
    if adult := session.pop(ADULT_SID, None):
        session["sid"] = adult


@bp.route("/kod/ny", methods=["GET", "POST"])
@family_page("parent", "network", "child", unlocked=False)
def choose_code():
    """Choose the code that opens the app on this device. The invite proves who it is.

    Adults choose 4 digits; a child chooses three pictures, then the same three again.
    """
    if g.session.unlocked_at is not None:
        # Only a device fresh from its invite may set a code; later it takes the old one.
        return redirect(url_for("auth.enter_code"))
    picture = g.person.role == "child"
    if request.method == "GET":
        session.pop(FIRST_PICTURES, None)  # the page opened anew starts the pictures over
    form = ChoosePictureCodeForm() if picture else ChooseCodeForm()
    again, message = picture and FIRST_PICTURES in session, None
    if form.validate_on_submit():
        code = form.picture_code if picture else form.code.data
        if picture and not again:
            session[FIRST_PICTURES] = generate_password_hash(code)
            form, again = ChoosePictureCodeForm(formdata=None), True
        elif picture and not check_password_hash(session.pop(FIRST_PICTURES), code):
            form, again = ChoosePictureCodeForm(formdata=None), False
            message = _("Those were not the same pictures. Choose three pictures again.")
        else:
            sessions_store.set_code(get_db(), g.person.id, g.session.id, code)
            log_person("code_chosen", g.person)
            return redirect(home_of(g.person), 303)
    status = 400 if form.errors or message else 200
    page = render_template(
        "auth/choose_code.html", form=form, picture=picture, again=again, message=message
    )
    return page, status


@bp.route("/kod", methods=["GET", "POST"])
@family_page("parent", "network", "child", unlocked=False)
def enter_code():
    """Type the code again after a while without use."""
    if g.session.unlocked_at is None:
        return redirect(url_for("auth.choose_code"))
    picture = g.person.role == "child"
    form = PictureCodeForm() if picture else EnterCodeForm()
    message, status, wait = None, 200, 0
    if form.validate_on_submit():
        code = form.picture_code if picture else form.code.data
        result = sessions_store.check_code(
            get_db(), g.person.id, g.session.id, code, address=request.remote_addr or ""
        )
        if result.ok:
            log_person("code_ok", g.person)
            return redirect(safe_next(request.args.get("next")) or home_of(g.person), 303)
        log_person("code_failed", g.person, outcome="denied")
        wait = result.wait_seconds
        if not result.tried:
            # Never "not the right code" here: it may well be the right one.
            message = f"{wait_words(wait)} " + _(
                "The code was wrong too many times, so we did not try the code you wrote now."
            )
        elif wait:
            message = _("That was not the right code.") + f" {wait_words(wait)}"
        else:
            message = _("That was not the right code. Try again.")
        status = 429 if wait else 400
    elif form.errors:
        status = 400
    page = render_template(
        "auth/enter_code.html", form=form, picture=picture, message=message, wait_seconds=wait
    )
    return retry_after(make_response(page, status), wait)


def wait_words(seconds: int) -> str:
    """How long to wait, in words: seconds under a minute, else minutes (rounded up)."""
    if seconds < 60:
        return ngettext(
            "Wait %(num)d second before you try again.",
            "Wait %(num)d seconds before you try again.",
            seconds,
        )
    return ngettext(
        "Wait %(num)d minute before you try again.",
        "Wait %(num)d minutes before you try again.",
        math.ceil(seconds / 60),
    )


def retry_after(response, seconds: int):
    """Tell the browser (429) how long the wait is, as the page tells the person."""
    if seconds:
        response.headers["Retry-After"] = str(seconds)
    return response


@bp.get("/logga-ut")
@public
def confirm_logout():
    """Ask once before forgetting this phone: afterwards only a new link lets the person in."""
    if g.person is None:
        return redirect(url_for("auth.start"))
    return render_template("auth/logout.html", form=ConfirmForm())


@bp.post("/logga-ut")
@public
def logout():
    """Log out for good: end the session on the server and clear what this site left here."""
    ConfirmForm().validate_on_submit() or abort(400)
    # Clear-Site-Data below takes the language cookie too: the next page gives it back (Swedish,
    # the default, needs no cookie).
    language = str(get_locale())
    language = language if language != DEFAULT_LANGUAGE else None
    if g.session is not None:
        sessions_store.end_session(get_db(), g.session.id, "logout")
        log_person("logout", g.person)
    session.clear()
    response = make_response(redirect(url_for("auth.logged_out", sprak=language), 303))
    response.headers["Clear-Site-Data"] = FORGET_THIS_DEVICE
    return response


@bp.get("/utloggad")
@public
def logged_out():
    """After logging out: said in the person's language, which this device keeps (only the
    language: the address names it, as the cookies were all cleared)."""
    language = request.args.get("sprak")
    if language not in LANGUAGES:
        return render_template("auth/logged_out.html")
    with force_locale(language):
        page = render_template("auth/logged_out.html")
    return remember_language(make_response(page), language)


@bp.post("/lamna-snabbt")
@public
@csrf.exempt
def quick_exit():
    """Lämna snabbt: lock the device on the server and go to a neutral site.

    Being able to leave wins over everything: no CSRF token is needed (the session cookie is
    enough to know which device to lock, and the worst a forged request can do is ask for the
    code). A device that has no code yet cannot be locked, so its session ends instead.
    JavaScript blanks the page and leaves before this even answers.
    """
    if g.session is not None:
        db = get_db()
        if g.person.role == "child" and ADULT_SID in session:
            hand_back(db, "quick_exit")
        elif g.session.unlocked_at is None:
            sessions_store.end_session(db, g.session.id, "quick_exit")
            session.pop("sid", None)
        else:
            sessions_store.lock_session(db, g.session.id)
        log_person("quick_exit", g.person)
    if request.args.get("via") == "beacon":
        # app.js has already left for the neutral site; a redirect here would only be
        # followed in the background and refused by our own Content-Security-Policy.
        response = make_response("", 204)
    else:
        response = make_response(redirect(current_app.config["QUICK_EXIT_URL"], 303))
    response.headers["Clear-Site-Data"] = CLEAR_WHAT_WAS_SHOWN
    return response


@bp.post("/klar")
@public
def done():
    """Jag är klar: the device forgets what the child's pages showed, and nothing of the
    child's can be seen on it again without the child's pictures.

    On a phone the child borrowed, the child's session ends and the adult comes back, locked:
    it asks for the adult's code. On the child's own phone or tablet the session is locked, so
    the child's pictures open it next time, without a new link.
    """
    ConfirmForm().validate_on_submit() or abort(400)
    if g.person is not None and g.person.role == "child":
        db = get_db()
        if ADULT_SID in session or g.session.unlocked_at is None:
            hand_back(db, "done")
        else:
            sessions_store.lock_session(db, g.session.id)
        log_person("child_done", g.person)
    response = make_response(redirect(url_for("auth.goodbye"), 303))
    response.headers["Clear-Site-Data"] = CLEAR_WHAT_WAS_SHOWN
    return response


@bp.get("/hej-da")
@public
def goodbye():
    """After Jag är klar: nothing of the child's, only a goodbye and how to come back."""
    return render_template("auth/goodbye.html", locked_here=g.person is not None)


@bp.post("/sprak")
@public
def choose_language():
    """Switch language: kept for the signed-in person (their row), and on this device (a
    cookie), which keeps it before sign-in and after logging out."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    language = form.language.data
    if g.person is not None:
        families.set_language(get_db(), g.person.id, language)
    back = safe_next(request.form.get("next")) or url_for("auth.start")
    return remember_language(make_response(redirect(back, 303)), language)


@bp.post("/textstorlek")
@public
def choose_text_size():
    """Större text, or the usual size again, on this device only: a cookie, nothing on the
    server, read by every page to set the class on <html> (templating.py)."""
    form = TextSizeForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next")) or url_for("auth.start")
    response = make_response(redirect(back, 303))
    if form.text_size.data == "large":
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            "large",
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    else:
        response.delete_cookie(
            TEXT_SIZE_COOKIE, httponly=True, samesite="Lax", secure=request.is_secure
        )
    return response
