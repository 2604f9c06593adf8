"""A person's copy of their data (GDPR art. 15), the worker's part: prepare, review, hand over.

*Kopia av personens uppgifter* on the family page takes a snapshot of everything the app holds
about the person (store/data_copies.py). The review page shows that snapshot part by part; the
worker leaves out what secrecy keeps from the person (another person's words, who gave
information), each with a reason from a fixed list, so that the audit log keeps the reason and no
content. *Lämna ut* makes the one-time link, shown once, like an invite link. Each step is
audited by the store, and by staff_page as a read or change of the family's data.
"""

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import staff_page, staff_role
from ..auth.forms import ConfirmForm
from ..data_copy import readable
from ..db import get_db
from ..store import data_copies as store
from ..store import families
from .views import bp, family_person

# How long the person has to use the link.
LINK_DAYS = 30

REASONS = {
    "other_person": _l("About another person (chapter 26, section 1 OSL)"),
    "informant": _l("Who gave the information (chapter 26, section 5 OSL)"),
    "child_secrecy": _l("The child's data, towards a guardian (chapter 12, section 3 OSL)"),
    "other_secrecy": _l("Other secrecy (write the reason in the case file)"),
}
assert set(REASONS) == set(store.REASONS)


def _copy_or_404(family_id: int, copy_id: int) -> store.DataCopy:
    copy = store.get_copy(get_db(), family_id, copy_id)
    if copy is None:
        abort(404)
    return copy


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/kopia")
@staff_page()
def prepare_data_copy(family_id: int, person_id: int):
    """Take a snapshot of what the app holds about the person, to review before handing over."""
    person = family_person(family_id, person_id)
    ConfirmForm().validate_on_submit() or abort(400)
    copy_id = store.prepare(get_db(), person.id, worker_id=g.worker.id, role=staff_role(g.worker))
    return redirect(url_for(".data_copy", family_id=family_id, copy_id=copy_id), 303)


def _review_page(family_id: int, copy: store.DataCopy, status: int = 200, message=None):
    db = get_db()
    reasons = {part["id"]: part["reason"] for part in copy.left_out}
    return render_template(
        "worker/data_copy.html",
        family=families.get_family(db, family_id),
        name=copy.person_name,
        copy=copy,
        sections=readable(copy.content),
        left_out=reasons,
        reasons=REASONS,
        form=ConfirmForm(),
        days=LINK_DAYS,
        message=message,
    ), status


@bp.get("/familj/<id:family_id>/kopior/<id:copy_id>")
@staff_page()
def data_copy(family_id: int, copy_id: int):
    """The copy as prepared, part by part, to review; what was left out is marked."""
    return _review_page(family_id, _copy_or_404(family_id, copy_id))


@bp.post("/familj/<id:family_id>/kopior/<id:copy_id>")
@staff_page()
def review_data_copy(family_id: int, copy_id: int):
    """Keep what is left out and why; with *Lämna ut*, also make the one-time link."""
    copy = _copy_or_404(family_id, copy_id)
    ConfirmForm().validate_on_submit() or abort(400)
    left_out = {}
    for part in request.form.getlist("leave_out"):
        reason = request.form.get(f"reason-{part}", "")
        if reason not in REASONS:
            message = _("Choose why each part is left out.")
            return _review_page(family_id, copy, 400, message)
        left_out[part] = reason
    worker, role = g.worker, staff_role(g.worker)
    try:
        store.review(get_db(), copy, left_out, worker_id=worker.id, role=role)
        if request.form.get("action") != "hand_over":
            return redirect(url_for(".data_copy", family_id=family_id, copy_id=copy_id), 303)
        token = store.hand_over(get_db(), copy, days=LINK_DAYS, worker_id=worker.id, role=role)
    except store.AlreadyHandedOver:
        message = _("This copy is handed over already. Prepare a new copy to change it.")
        return _review_page(family_id, store.get_copy(get_db(), family_id, copy_id), 409, message)
    return render_template(
        "worker/data_copy_link.html",
        family=families.get_family(get_db(), family_id),
        name=copy.person_name,
        link=url_for("data_copy.page", token=token, _external=True),
        days=LINK_DAYS,
    )
