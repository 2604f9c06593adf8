"""Forms for getting in and out."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Regexp

from ..config import LANGUAGES

FOUR_DIGITS = Regexp(r"^[0-9]{4}$", message=_l("The code is 4 digits, 0 to 9."))


class ConfirmForm(FlaskForm):
    """Only a button and the CSRF token: opening the invite, logging out, leaving quickly."""


class ChooseCodeForm(FlaskForm):
    code = PasswordField(
        _l("Choose a code with 4 digits"),
        validators=[InputRequired(message=_l("Write a code with 4 digits.")), FOUR_DIGITS],
    )
    repeat = PasswordField(
        _l("Write the same code again"),
        validators=[
            InputRequired(message=_l("Write the code again, so we know it is right.")),
            EqualTo("code", message=_l("The two codes are not the same. Try again.")),
        ],
    )


class EnterCodeForm(FlaskForm):
    code = PasswordField(
        _l("Your code"),
        validators=[InputRequired(message=_l("Write your code with 4 digits.")), FOUR_DIGITS],
    )


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validators=[InputRequired()],
    )
