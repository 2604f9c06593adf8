"""A person's copy of their data (GDPR art. 15): the link the worker hands over, and the file.

The worker prepares and reviews the copy (worker/data_copies.py, store/data_copies.py) and hands
over a one-time link, ``/kopia/<token>``. Opening it (GET) shows what it is and a button; it
consumes nothing, since chat apps open links to preview them. The button (POST, with CSRF) uses
the link once and sends one ZIP: ``copy.html``, a page to read and print with no outside files,
in the person's language; ``copy.json``, the same data with stable keys (store/data_copies.py);
and the photo, if any. A used, expired or unknown link answers 410 or 404 with a page that says
so. The token is the key, so the route is open (``access.secret_link``); the proxy's log writes
``/kopia/[copy]`` and the page sends no referrer.
"""

import io
import json
import zipfile

from flask import Blueprint, abort, make_response, render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from . import config
from .access import VISIBLE_TO, secret_link
from .auth.forms import ConfirmForm
from .db import get_db
from .store import audit, parse_timestamp
from .store import data_copies as store
from .templating import direction_of

bp = Blueprint("data_copy", __name__)

SECTION_TITLES = {
    "person": _l("About you"),
    "invites": _l("Your invite links"),
    "devices": _l("Phones where you signed in"),
    "checkins": _l("Your answers to How is it going?"),
    "worry_views": _l("What you think about the worries"),
    "commitment_answers": _l("Your answers about your promises"),
    "commitments": _l("What you have promised"),
    "rules": _l("Rules in the plan about you"),
    "stepping_in": _l("When you said you can take it"),
    "calendars": _l("Your calendar address"),
    "child_additions": _l("What you added to the three houses"),
    "signals": _l("Notes to your social worker from the app"),
    "photo": _l("Your photo"),
    "staff_access": _l("Staff who read or changed your family's data"),
}

FIELD_LABELS = {
    "name": _l("Name"),
    "family": _l("Family"),
    "role": _l("In the plan as"),
    "relation": _l("Relation"),
    "language": _l("Language"),
    "picture": _l("Picture"),
    "phone": _l("Phone number"),
    "phone_shared_with": _l("Who sees your phone number"),
    "has_code": _l("You have chosen a code"),
    "added_at": _l("Added"),
    "removed_at": _l("Removed"),
    "made_at": _l("Made"),
    "expires_at": _l("Works until"),
    "used_at": _l("Used"),
    "signed_in_at": _l("Signed in"),
    "last_used_at": _l("Last used"),
    "ended_at": _l("Ended"),
    "ended_reason": _l("Why it ended"),
    "at": _l("When"),
    "rating": _l("Rating"),
    "words": _l("Your words"),
    "rules": _l("Our rules"),
    "shared": _l("Shown to the family and the network"),
    "wants_to_talk": _l("I want to talk to someone"),
    "worry": _l("The worry"),
    "view": _l("Your view"),
    "commitment": _l("The promise"),
    "answer": _l("Your answer"),
    "reason": _l("Why can you not any more?"),
    "text": _l("In the plan"),
    "rule": _l("The rule"),
    "starts_on": _l("From"),
    "ends_on": _l("To"),
    "plan_versions": _l("Plan versions"),
    "who": _l("Who"),
    "when": _l("When"),
    "how_we_know": _l("How we know it works"),
    "placed_in_plan_at": _l("Put in the plan"),
    "stopped_at": _l("Stopped"),
    "full_titles": _l("The calendar shows the plan's words"),
    "house": _l("House"),
    "shared_with_parents_at": _l("Shown to the parents"),
    "kind": _l("What it was about"),
    "handled_at": _l("Handled"),
    "file": _l("File"),
    "date": _l("Date"),
    "worker": _l("Who"),
    "what": _l("What"),
    "times": _l("Times"),
}
# In copy.json only: the photo's size, and a library picture's name (the picture is not in the
# copy), are for a computer.
NOT_SHOWN = {"id", "width", "height", "picture", "visibility"}

VALUES = {
    "role": {"parent": _l("parent"), "network": _l("the network"), "child": _l("child")},
    "phone_shared_with": {
        "nobody": _l("nobody"),
        "parents": _l("the parents"),
        "adults": _l("the parents and the network"),
    },
    "ended_reason": {
        "logout": _l("Log out"),
        "quick_exit": _l("Quick exit"),
        "revoked": _l("ended by your social worker"),
        "timeout": _l("not used for a long time"),
    },
    "answer": {
        "yes": _l("Yes"),
        "partly": _l("Partly"),
        "no": _l("No"),
        "unknown": _l("I do not know"),
        "confirmed": _l("I promise"),
        "withdrawn": _l("I cannot any more"),
    },  # fmt: skip
    "view": {
        "agree": _l("agree"),
        "partly": _l("partly agree"),
        "disagree": _l("do not agree"),
    },  # fmt: skip
    "house": {
        "worries": _l("The house of worries"),
        "good": _l("The house of good things"),
        "dreams": _l("The house of dreams"),
    },
    "kind": {
        "low_rating": _l("a low number on the scale"),
        "rating_fell": _l("the number on the scale fell"),
        "rule_not_kept": _l("a rule was not kept"),
        "commitment_withdrawn": _l("a promise you cannot keep any more"),
        "child_wants_to_talk": _l("I want to talk to someone"),
        "code_failures": _l("wrong codes"),
        "someone_steps_in": _l("you said you can take it"),
    },
    "what": {"read": _l("read"), "change": _l("changed")},
}
MOMENTS = {
    "added_at", "removed_at", "made_at", "expires_at", "used_at", "signed_in_at", "last_used_at",
    "ended_at", "at", "placed_in_plan_at", "stopped_at", "shared_with_parents_at", "handled_at",
}  # fmt: skip
DATES = {"starts_on", "ends_on", "date"}


def field_value(key: str, value):
    """A field's value as the person reads it: words for codes, dates as dates."""
    from .templating import day, moment

    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    if key in MOMENTS:
        return moment(value)
    if key in DATES:
        return day(value)
    if key == "language":
        return config.LANGUAGES.get(value, value)
    if key == "plan_versions":
        return ", ".join(str(n) for n in value)
    if key in VALUES:
        return VALUES[key].get(value, value)
    return value


def readable(content: dict) -> list[dict]:
    """The sections that hold something, each item as (label, value) pairs to show."""
    shown = []
    role = content["sections"][0]["items"][0]["role"]
    for section in content["sections"]:
        if not section["items"]:
            continue
        items = []
        for item in section["items"]:
            fields = []
            for key, value in item.items():
                if key in NOT_SHOWN:
                    continue
                if key == "rules":
                    rules = [(r["rule"], str(VALUES["answer"][r["answer"]])) for r in value]
                    if rules:
                        fields.append((str(FIELD_LABELS[key]), rules))
                    continue
                if (shown_value := field_value(key, value)) is not None:
                    fields.append((str(FIELD_LABELS.get(key, key)), str(shown_value)))
            # For the worker's review: a part the person cannot see in the app may need secrecy.
            hidden = "visibility" in item and item["visibility"] not in VISIBLE_TO.get(role, ())
            items.append({"id": item["id"], "fields": fields, "hidden_in_app": hidden})
        title = str(SECTION_TITLES[section["key"]])
        shown.append({"key": section["key"], "title": title, "items": items})
    return shown


def zip_file(copy: store.DataCopy) -> bytes:
    """The ZIP the person downloads: copy.html, copy.json and the photo if it was not left out."""
    content = copy.reviewed()
    language = _language(copy)
    with force_locale(language):
        page = render_template(
            "data_copy/copy.html",
            content=content,
            sections=readable(content),
            left_out=[
                {"title": str(SECTION_TITLES[part["section"]]), "count": part["count"]}
                for part in content["left_out"]
            ],
            language=language,
            direction=direction_of(language),
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("copy.html", page)
        archive.writestr("copy.json", json.dumps(content, ensure_ascii=False, indent=2) + "\n")
        if copy.photo and not copy.photo_left_out:
            archive.writestr(store.photo_name(copy.photo_mime), copy.photo)
    return out.getvalue()


def _language(copy: store.DataCopy) -> str:
    chosen = store.person_language(get_db(), copy.person_id)
    return chosen if chosen in config.LANGUAGES else str(get_locale())


def _not_there(state: str):
    """The page for a link that does not work (any more): 410 when it did once, else 404."""
    return render_template(
        "data_copy/invalid.html", state=state
    ), 410 if state != "unknown" else 404


@bp.get("/kopia/<token>")
@secret_link
def page(token: str):
    """What the link is, and the button. Consumes nothing: chat apps open links to preview them."""
    state, copy = store.link_state(get_db(), token)
    if state != "valid":
        return _not_there(state)
    with force_locale(_language(copy)):
        return render_template(
            "data_copy/page.html", form=ConfirmForm(), expires_at=parse_timestamp(copy.expires_at)
        )


@bp.post("/kopia/<token>")
@secret_link
def download(token: str):
    """Use the link once and send the ZIP."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_db()
    copy = store.consume(db, token)
    if copy is None:
        state, found = store.link_state(db, token)
        audit.record(
            db, "data_copy_refused", actor_type="anonymous", object_type="data_copy",
            object_id=found.id if found else None, family_id=found.family_id if found else None,
            outcome="denied",
        )  # fmt: skip
        if found is not None:
            with force_locale(_language(found)):
                return _not_there(state)
        return _not_there(state)
    response = make_response(zip_file(copy))
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = 'attachment; filename="familjeapp-kopia.zip"'
    return response
