"""Who may see what: the one place that says it.

Every view carries an access rule (``public`` or ``family_page``); a test fails on a route without
one. Family pages take the family's id from the URL and answer 404, logged, for any other family,
so a person can neither read nor learn of another family's data.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, make_response, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException

from .config import idle_limit, staff_idle_limit
from .db import get_db
from .store import audit, families, staff
from .store import sessions as sessions_store

# Which item visibilities each role may read (PRODUCT.md, "Every plan item has ...").
VISIBLE_TO = {
    "parent": frozenset({"everyone", "adults", "parents"}),
    "network": frozenset({"everyone", "adults"}),
    "child": frozenset({"everyone"}),
    "worker": frozenset({"everyone", "adults", "parents", "worker"}),
}
ADULTS = ("parent", "network")


def visibilities(role: str) -> frozenset[str]:
    return VISIBLE_TO[role]


# Answers that are the same whoever asks: they need no session.
SAME_FOR_EVERYONE = frozenset({"picture_sheets.picture_sheet"})


def load_signed_in() -> None:
    """Find the request's server-side sessions, if any (before every request).

    A family member's device and a worker's browser keep separate sessions.
    """
    g.session = g.person = g.staff_session = g.worker = None
    if request.endpoint in SAME_FOR_EVERYONE:
        return  # not even a look at the cookie, so caches may keep one copy for all
    if token := session.get("sid"):
        db = get_db()
        found = sessions_store.find_session(
            db, token, max_age=current_app.config["SESSION_MAX_AGE"]
        )
        person = families.get_person(db, found.person_id) if found and found.person_id else None
        if person is None:
            # Ended elsewhere (the social worker ended this phone, or it ran out): what the
            # phone kept for offline reading and its outbox must go too (forget_ended_device).
            session.pop("sid", None)
            g.device_ended = True
        else:
            g.session, g.person = found, person
    if token := session.get("staff_sid"):
        db = get_db()
        found = sessions_store.find_session(
            db, token, max_age=timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])
        )
        worker = staff.get_staff(db, found.worker_id) if found and found.worker_id else None
        if worker is not None and sessions_store.is_idle(
            found, idle=staff_idle_limit(current_app.config)
        ):
            sessions_store.end_session(db, found.id, "timeout")
            worker = None
        if worker is None:
            session.pop("staff_sid", None)
        else:
            g.staff_session, g.worker = found, worker


def forget_ended_device(response):
    """After every request: a phone whose family session has ended is told to delete what this
    site kept on it (the kept plan, the outbox, the service worker), even without JavaScript."""
    if g.get("device_ended"):
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def staff_role(worker) -> str:
    return "admin" if worker.is_admin else "worker"


def deny(family_id: int | None = None, *, as_staff: bool = False) -> None:
    """Log a refused request and answer 404, which tells nothing of what exists."""
    log_denied(family_id, as_staff=as_staff)
    abort(404)


def log_denied(family_id: int | None = None, *, as_staff: bool = False) -> None:
    """Write a refused request to the audit log: who, which page, which family.

    Without a matched route (an id no row can have, urls.py) the page is its path, which holds
    only ids and fixed words.
    """
    actor = g.get("worker") if as_staff else g.get("person")
    audit.record(
        get_db(),
        "access_denied",
        actor_type=("worker" if as_staff else "person") if actor else "anonymous",
        actor_id=actor.id if actor else None,
        role=(staff_role(actor) if as_staff else actor.role) if actor else None,
        object_type="path",
        object_id=request.endpoint or request.path[:200],
        family_id=family_id,
        outcome="denied",
    )


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not."""
    view.access = "public"
    return view


def secret_link(view: Callable) -> Callable:
    """Open to whoever holds the link: the secret token in the address is the key (a person's
    copy of their data, data_copy.py). Being signed in, as anyone, changes nothing; the token
    is kept as a hash only, and the proxy's log leaves it out."""
    view.access = "secret_link"
    return view


def family_page(*roles: str, unlocked: bool = True) -> Callable:
    """A page of the signed-in person's own family, for the given roles.

    Without a session the person is sent to the start page; a locked device asks for the code
    first; another family's id, or a role that may not see the page, gives a logged 404.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            person = g.person
            family_id = kwargs.get("family_id")
            if person is None:
                # The same answer whether or not the family exists: nothing to learn here.
                return redirect(url_for("auth.start"))
            if family_id is not None and family_id != person.family_id:
                deny(family_id)
            if person.role not in roles:
                deny(person.family_id)
            if unlocked:
                if g.session.unlocked_at is None:
                    return redirect(url_for("auth.choose_code"))
                if sessions_store.needs_code(g.session, idle=idle_limit(current_app.config)):
                    return redirect(url_for("auth.enter_code", next=request.full_path))
                sessions_store.touch(get_db(), g.session)
            return view(*args, **kwargs)

        checked.access = ("family", roles)
        return checked

    return decorate


def staff_page(*, admin: bool = False) -> Callable:
    """A staff page. A family's pages are for the workers of its team only (others: a logged
    404), and every read and change of a family's data is written to the audit log."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            worker = g.worker
            if worker is None:
                return redirect(url_for("worker.sign_in", next=request.full_path))
            db = get_db()
            family_id = kwargs.get("family_id")
            if admin and not worker.is_admin:
                deny(family_id, as_staff=True)
            if family_id is not None:
                family = families.get_family(db, family_id)
                if family is None or family.team_id != worker.team_id:
                    deny(family_id, as_staff=True)
            sessions_store.touch(db, g.staff_session)
            if family_id is None:
                return view(*args, **kwargs)
            # Logged once the view has answered, with what came of it: a form sent back with
            # errors changed nothing, and the log must not say that it did.
            outcome = "error"
            try:
                response = make_response(view(*args, **kwargs))
                outcome = _outcome(response.status_code)
                return response
            except HTTPException as error:
                outcome = _outcome(error.code or 500)
                raise
            finally:
                audit.record(
                    db,
                    "read" if request.method in ("GET", "HEAD") else "change",
                    actor_type="worker",
                    actor_id=worker.id,
                    role=staff_role(worker),
                    object_type=request.endpoint,
                    object_id=_object_id(kwargs),
                    family_id=family_id,
                    outcome=outcome,
                )

        checked.access = ("staff", "admin" if admin else "worker")
        return checked

    return decorate


def _outcome(status: int) -> str:
    """What a staff request on a family's data came to, for the audit log."""
    if status < 400:
        return "ok"
    return "not_done" if status < 500 else "error"


def _object_id(kwargs: dict) -> str | None:
    """The ids in the path besides the family's, e.g. the person or the plan item."""
    others = [str(v) for k, v in sorted(kwargs.items()) if k != "family_id"]
    return "/".join(others) or None
