"""Who may see what: the one place that says it.

Every view carries an access rule (``public`` or ``family_page``); a test fails on a route without
one. Family pages take the family's id from the URL and answer 404, logged, for any other family,
so a person can neither read nor learn of another family's data.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from .config import idle_limit
from .db import get_db
from .store import audit, families
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


def load_signed_in() -> None:
    """Find the request's server-side session and its person, if any (before every request)."""
    g.session = g.person = None
    token = session.get("sid")
    if not token:
        return
    db = get_db()
    max_age = current_app.config["SESSION_MAX_AGE"]
    found = sessions_store.find_session(db, token, max_age=max_age)
    if found is None or found.person_id is None:
        session.pop("sid", None)
        return
    person = families.get_person(db, found.person_id)
    if person is None:
        session.pop("sid", None)
        return
    g.session, g.person = found, person


def deny(family_id: int | None = None) -> None:
    """Log a refused request and answer 404, which tells nothing of what exists."""
    person = g.get("person")
    audit.record(
        get_db(),
        "access_denied",
        actor_type="person" if person else "anonymous",
        actor_id=person.id if person else None,
        role=person.role if person else None,
        object_type="path",
        object_id=request.endpoint,
        family_id=family_id,
        outcome="denied",
    )
    abort(404)


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not."""
    view.access = "public"
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
                if sessions_store.is_idle(g.session, idle=idle_limit(current_app.config)):
                    return redirect(url_for("auth.enter_code", next=request.full_path))
                sessions_store.touch(get_db(), g.session.id)
            return view(*args, **kwargs)

        checked.access = ("family", roles)
        return checked

    return decorate
