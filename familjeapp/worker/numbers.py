"""Numbers to call: the social worker writes a person's phone number and chooses who in the
family sees it on the plan (issue 11). The change is audited by staff_page, without the number."""

from flask import redirect, url_for

from ..access import staff_page
from ..db import get_db
from ..store import families
from .forms import PhoneForm
from .views import bp, family_page, family_person


@bp.post("/familj/<id:family_id>/personer/<id:person_id>/telefon")
@staff_page()
def person_phone(family_id: int, person_id: int):
    """Save a person's number and who sees it; with a mistake, the family's page again (400)
    with what went wrong beside the field and the typed number kept."""
    person = family_person(family_id, person_id)
    form = PhoneForm()
    if not form.validate_on_submit():
        return family_page(family_id, 400, phone_form=form, phone_person_id=person.id)
    families.set_phone(get_db(), person.id, form.phone.data or "", form.shared_with.data)
    return redirect(url_for(".family", family_id=family_id, _anchor=f"person-{person.id}"), 303)
