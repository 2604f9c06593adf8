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
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
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
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
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
