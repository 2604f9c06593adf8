"""Forms for following a family's plan: whose check-ins to show, the worker's own rating, and
who a printout is for."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Regexp, ValidationError

from .. import clock
from ..config import LANGUAGES
from ..family.forms import WORDS_LENGTH
from .editor_forms import language_label

# A rating older than this is almost surely a typo in the year; a case rarely runs longer
# between two meetings, and the chart would be squeezed by one stray point far to the left.
OLDEST_RATING = timedelta(days=366)
# Who a printout is for, and the role whose visibility rules it follows (PRODUCT.md):
# "everyone" means what a child may see, which is also what every adult may see.
AUDIENCES = {"parents": "parent", "network": "network", "everyone": "child"}


class PersonFilterForm(FlaskForm):
    """Whose check-ins to list. Read from the query string, so it has no CSRF token: it
    changes nothing. The choices are the family's own people, set by the view."""

    class Meta:
        csrf = False

    person = SelectField(_l("Whose check-ins"), default="", validate_choice=True)

    def __init__(self, people, **kwargs):
        super().__init__(**kwargs)
        self.person.choices = [SelectChoice("", _l("Everyone"))] + [
            SelectChoice(str(p.id), p.name) for p in people
        ]

    @property
    def person_id(self) -> int | None:
        return int(self.person.data) if self.person.data else None


class WorkerRatingForm(FlaskForm):
    """The worker's own rating of the safety, e.g. at a network meeting."""

    # Made when the form is shown; a resend of the same form carries the same id.
    client_id = HiddenField(
        validators=[
            InputRequired(message=_l("Reload the page and try again.")),
            Regexp(r"^[A-Za-z0-9_-]{16,64}\Z", message=_l("Reload the page and try again.")),
        ]
    )
    # The only check is the choice itself, so a missing or odd value gives one clear message.
    rating = RadioField(
        _l("Your rating of the safety, 0 to 10"),
        choices=[SelectChoice(str(step), str(step)) for step in range(11)],
        invalid_choice_message=_l("Choose a number from 0 to 10."),
    )
    words = TextAreaField(_l("Note (you can leave this empty)"), validators=[WORDS_LENGTH])
    rated_on = DateField(
        _l("Date of the rating"),
        default=clock.today,
        invalid_value_message=_l("Write the date as year-month-day, for example 2026-03-12."),
    )

    def validate_rated_on(self, field):
        if field.data is None:
            return
        today = clock.today()
        if field.data > today:
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data < today - OLDEST_RATING:
            raise ValidationError(_l("Choose a date within the last year."))


class PrintForm(FlaskForm):
    """Who the printout is for, from ``?for=``. From the query string, like a filter."""

    class Meta:
        csrf = False

    # In which language the plan's items are printed: Swedish, or a family member's, where
    # the worker wrote translations (the rest of the printout is in the worker's language).
    language = SelectField(
        _l("In which language?"),
        default="sv",
        invalid_choice_message=_l("Choose one of the languages in the list."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("sv", _l("Swedish"))] + [
            SelectChoice(code, language_label(code)) for code in LANGUAGES if code != "sv"
        ]

    @property
    def audience(self) -> str:
        return self["for"].data

    @property
    def role(self) -> str:
        return AUDIENCES[self.audience]


# "for" is a Python keyword, so the field is set by name; WTForms reads it from ?for=.
setattr(
    PrintForm,
    "for",
    RadioField(
        _l("Who is the printout for?"),
        choices=[
            SelectChoice("parents", _l("The parents")),
            SelectChoice("network", _l("The network")),
            SelectChoice("everyone", _l("Everyone, children too")),
        ],
        default="parents",
        invalid_choice_message=_l("Choose who the printout is for."),
    ),
)
