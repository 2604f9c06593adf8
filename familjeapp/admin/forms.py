"""Forms on the administrator's pages."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..store.accounts import EMAIL_PATTERN, PASSWORD_MIN_LENGTH
from ..urls import LARGEST_ID

NAME_MAX = 120
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def strip(value: str | None) -> str | None:
    """Spaces around a pasted name or address are never meant."""
    return value.strip() if isinstance(value, str) else value


class TeamForm(FlaskForm):
    name = StringField(
        _l("Name of the team"),
        filters=[strip],
        validators=[InputRequired(message=_l("Write the team's name.")), Length(max=NAME_MAX)],
    )


class WorkerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[InputRequired(message=_l("Write the worker's name.")), Length(max=NAME_MAX)],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Write the worker's e-mail address.")),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Write an e-mail address like name@kommun.se.")),
        ],
    )
    phone = StringField(
        _l("Phone number (optional)"), filters=[strip], validators=[Optional(), Length(max=40)]
    )
    team = SelectField(
        _l("Team"), coerce=int, validators=[InputRequired(message=_l("Choose a team."))]
    )
    is_admin = BooleanField(_l("Administrator"))
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("Write a first password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=1000,
                message=_l("The password must be at least %(min)d characters long."),
            ),
        ],
    )
    repeat = PasswordField(
        _l("Write the same password again"),
        validators=[
            InputRequired(message=_l("Write the password again, so we know it is right.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class AuditFilterForm(FlaskForm):
    """The log review's filter: a plain GET form, so the address can be kept and shared."""

    class Meta:
        csrf = False  # it only reads; a GET has no token to carry

    worker = SelectField(_l("Social worker"), default="")
    family = IntegerField(
        _l("Family number"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=LARGEST_ID, message=_l("A family number is a whole number from 1.")
            ),
        ],
    )
    date_from = DateField(_l("From date"), validators=[Optional()])
    date_to = DateField(_l("To date"), validators=[Optional()])

    def validate_date_from(self, field):
        within_reason(field)

    def validate_date_to(self, field):
        within_reason(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The to date must be the same as or after the from date."))


def within_reason(field) -> None:
    """Far-off years cannot be turned into moments (year 1 in Stockholm is before UTC's)."""
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Write a date between the years 2000 and 2999."))
