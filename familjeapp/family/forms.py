"""Forms the family fills in."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

WORDS_MAX = 1000

WORDS_LENGTH = Length(max=WORDS_MAX, message=_l("Write at most %(max)d characters.", max=WORDS_MAX))


def client_id_field(required: bool = True) -> HiddenField:
    """The id a form is made with (on the server, or on the phone for a page kept offline); a
    resend of the same form carries the same id, so the answer is kept once."""
    again = _l("Reload the page and try again.")
    return HiddenField(
        validators=[
            InputRequired(message=again) if required else Optional(),
            Regexp(r"^[A-Za-z0-9_-]{16,64}\Z", message=again),
        ]
    )


class WorryViewForm(FlaskForm):
    # Optional: a page from before the outbox had no id, and an answer without one is kept too.
    client_id = client_id_field(required=False)
    view = RadioField(
        _l("What do you think?"),
        choices=[
            SelectChoice("agree", _l("I agree")),
            SelectChoice("partly", _l("Partly")),
            SelectChoice("disagree", _l("I do not agree")),
        ],
        validators=[InputRequired(message=_l("Choose one of the three answers."))],
    )
    words = TextAreaField(
        _l("Do you want to say why? (you can leave this empty)"), validators=[WORDS_LENGTH]
    )


KEPT_CHOICES = [
    SelectChoice("yes", _l("Yes")),
    SelectChoice("partly", _l("Partly")),
    SelectChoice("no", _l("No")),
    SelectChoice("unknown", _l("I do not know")),
]


class CheckinForm(FlaskForm):
    """Hur går det? The rule questions are added per person by ``checkin_form``."""

    client_id = client_id_field()
    rating = RadioField(
        _l("How safe is it at home right now?"),
        choices=[SelectChoice(str(step), str(step)) for step in range(11)],
        validators=[InputRequired(message=_l("Choose a number from 0 to 10."))],
    )
    words = TextAreaField(
        _l("Anything you want to tell? (you can leave this empty)"), validators=[WORDS_LENGTH]
    )
    shared = BooleanField(_l("Show this to the family and the network"))

    def rule_fields(self):
        return [field for name, field in self._fields.items() if name.startswith("rule_")]


def checkin_form(rules, **kwargs) -> CheckinForm:
    """A check-in form with one kept? question for each rule that concerns the person."""
    return checkin_form_for(tuple((rule.key, rule.text) for rule in rules), **kwargs)


def checkin_form_for(rules: tuple[tuple[str, str], ...], **kwargs) -> CheckinForm:
    """The same, for the rules as (key, text) pairs (``checkins.rules_to_check``)."""
    return _checkin_form_class(rules)(**kwargs)


@lru_cache(maxsize=256)
def _checkin_form_class(rules: tuple[tuple[str, str], ...]) -> type[CheckinForm]:
    """The form's class for these rules, made once (a class is only a description of the form;
    each request makes its own form from it)."""

    class PersonsCheckinForm(CheckinForm):
        pass

    for key, text in rules:
        setattr(
            PersonsCheckinForm,
            f"rule_{key}",
            RadioField(text, choices=KEPT_CHOICES, validators=[Optional()]),
        )
    return PersonsCheckinForm


class CommitmentForm(FlaskForm):
    client_id = client_id_field(required=False)
    response = RadioField(
        choices=[SelectChoice("confirmed", ""), SelectChoice("withdrawn", "")],
        validators=[InputRequired()],
    )
    reason = TextAreaField(_l("Why can you not any more?"), validators=[WORDS_LENGTH])

    def validate_reason(self, field):
        if self.response.data == "withdrawn" and not (field.data or "").strip():
            raise ValidationError(_l("Write a few words about why, so everyone can plan."))
