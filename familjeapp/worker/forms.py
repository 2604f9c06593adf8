"""Forms on the staff side."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..config import LANGUAGES
from ..pictures import load_library

NAME_MAX = 120


# Each language's name in its own language and script, marked so a screen reader says it right.
LANGUAGE_CHOICES = [
    SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
]


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[InputRequired(message=_l("Write your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Write your password.")), Length(max=1000)],
    )


class OneTimeCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the authenticator app"),
        validators=[
            InputRequired(message=_l("Write the 6 digits from the app.")),
            Regexp(r"^\s*[0-9]{6}\s*\Z", message=_l("The code is 6 digits.")),
        ],
    )


class FamilyForm(FlaskForm):
    name = StringField(
        _l("What the family is called in the app"),
        validators=[
            InputRequired(message=_l("Write a name, for example Familjen Lind.")),
            Length(max=NAME_MAX),
        ],
    )


ROLE_CHOICES = [
    SelectChoice("parent", _l("Parent")),
    SelectChoice("network", _l("Network")),
    SelectChoice("child", _l("Child")),
]


class PersonForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])
    name = StringField(
        _l("Name, as the family says it"),
        validators=[InputRequired(message=_l("Write a name.")), Length(max=NAME_MAX)],
    )
    relation = StringField(
        _l("Relation to the child, for example mamma or farmor"),
        validators=[Optional(), Length(max=NAME_MAX)],
    )
    language = SelectField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired()],
    )
    picture = StringField(
        _l("Picture"),
        validators=[
            Optional(),
            Regexp(r"^[a-z0-9-]{1,80}\Z", message=_l("Choose a picture from the library.")),
        ],
    )
    # Only for finding a picture; never saved.
    q = StringField(_l("Find a picture: write a Swedish word"))
    photo = FileField(_l("Or a photo (JPEG, PNG or WebP)"))

    def validate_picture(self, field):
        if field.data and not load_library().exists(field.data):
            raise ValidationError(_l("There is no picture with that name in the library."))


class PersonLanguageForm(FlaskForm):
    """The language a person reads the app in, changed after they were added."""

    language = SelectField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(message=_l("Choose a language."))],
        invalid_choice_message=_l("Choose one of the languages in the list."),
    )


class InviteForm(FlaskForm):
    days = SelectField(
        _l("The link works for"),
        choices=[
            SelectChoice("1", _l("1 day")),
            SelectChoice("3", _l("3 days")),
            SelectChoice("7", _l("7 days")),
            SelectChoice("14", _l("14 days")),
        ],
        default="7",
        validators=[InputRequired()],
    )


# A Swedish phone number as people write it: digits, spaces, a + first and dashes, 6 to 15 digits.
PHONE_PATTERN = r"^\+?[0-9](?:[0-9 -]*[0-9])?\Z"
PHONE_MAX = 20


class PhoneForm(FlaskForm):
    """A person's number, and who in the family may see it on the plan."""

    phone = StringField(
        _l("Phone number"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(
                max=PHONE_MAX,
                message=_l(
                    "Write the number with at most 20 characters, for example 070-123 45 67."
                ),
            ),
            Regexp(
                PHONE_PATTERN,
                message=_l(
                    "Write the number with digits, spaces and dashes, and a + first if you like,"
                    " for example 070-123 45 67."
                ),
            ),
        ],
    )
    shared_with = SelectField(
        _l("Who sees the number on the plan"),
        choices=[
            SelectChoice("nobody", _l("Nobody in the family")),
            SelectChoice("parents", _l("The parents")),
            SelectChoice("adults", _l("The parents and the network")),
        ],
        default="nobody",
        invalid_choice_message=_l("Choose who sees the number from the list."),
    )

    def validate_phone(self, field):
        digits = sum(c.isdigit() for c in field.data or "")
        if field.data and not 6 <= digits <= 15:
            raise ValidationError(_l("A phone number has 6 to 15 digits."))
