"""Forms for getting in and out."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, EqualTo, InputRequired, Regexp, ValidationError

from .. import clock
from ..config import LANGUAGES

FOUR_DIGITS = Regexp(r"^[0-9]{4}\Z", message=_l("The code is 4 digits, 0 to 9."))


def western_digits(value: str | None) -> str | None:
    """A code typed with Arabic or Persian digits (٢٤٦٨, ۲۴۶۸), as a phone set to Arabic or
    Persian types it, is the same code as 2468: the digits are read as 0 to 9."""
    if value is None:
        return None
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
        for c in value
    )


# The codes someone who picks up the phone tries first (for 4 to 6 digits): one digit or a
# block over and over (1111, 1212, 123123), digits counting up or down (1234, 9876, 7890), the
# keypad's middle column (2580, 0852), and a year a person was born in or remembers.
KEYPAD_COLUMN = frozenset({"2580", "0852"})
FIRST_YEAR = 1940


def easy_to_guess(code: str) -> bool:
    """Whether a code of digits is one of the commonest codes, which others would try first."""
    repeated = any(
        code == code[:size] * (len(code) // size)
        for size in range(1, len(code) // 2 + 1)
        if len(code) % size == 0
    )
    steps = {(int(b) - int(a)) % 10 for a, b in zip(code, code[1:], strict=False)}
    counting = steps in ({1}, {9})
    year = len(code) == 4 and FIRST_YEAR <= int(code) <= clock.today().year
    return repeated or counting or code in KEYPAD_COLUMN or year


class ConfirmForm(FlaskForm):
    """Only a button and the CSRF token: opening the invite, logging out, leaving quickly."""


class ChooseCodeForm(FlaskForm):
    code = PasswordField(
        _l("Choose a code with 4 digits"),
        validators=[InputRequired(message=_l("Write a code with 4 digits.")), FOUR_DIGITS],
        filters=[western_digits],
    )
    repeat = PasswordField(
        _l("Write the same code again"),
        filters=[western_digits],
        validators=[
            InputRequired(message=_l("Write the code again, so we know it is right.")),
            EqualTo("code", message=_l("The two codes are not the same. Try again.")),
        ],
    )

    def validate_code(self, field):
        # Only a code of the right form is judged; otherwise its own error says enough.
        if not field.errors and easy_to_guess(field.data):
            raise ValidationError(
                _l(
                    "That code is easy for others to guess. Choose another one: not the same "
                    "digits over and over, not digits in a row, and not a year."
                )
            )


class EnterCodeForm(FlaskForm):
    code = PasswordField(
        _l("Your code"),
        validators=[InputRequired(message=_l("Write your code with 4 digits.")), FOUR_DIGITS],
        filters=[western_digits],
    )


# A child's code is three of these nine pictures in order: easy to tell apart and to name, for a
# child who cannot read yet. Stored like a code of digits, as the picture ids joined.
CODE_PICTURES = {
    "dog-face": _l("Dog"),
    "cat-face": _l("Cat"),
    "fish": _l("Fish"),
    "sun": _l("Sun"),
    "star": _l("Star"),
    "banana": _l("Banana"),
    "rocket": _l("Rocket"),
    "balloon": _l("Balloon"),
    "automobile": _l("Car"),
}


def picture_field(label, message) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice(name, label) for name, label in CODE_PICTURES.items()],
        validators=[InputRequired(message=message)],
    )


class PictureCodeForm(FlaskForm):
    """A child's picture code: three pictures in order, each a row of picture radios."""

    first = picture_field(_l("First picture"), _l("Choose the first picture."))
    second = picture_field(_l("Second picture"), _l("Choose the second picture."))
    third = picture_field(_l("Third picture"), _l("Choose the third picture."))

    @property
    def picture_code(self) -> str:
        return ",".join((self.first.data, self.second.data, self.third.data))


class ChoosePictureCodeForm(PictureCodeForm):
    def validate_third(self, field):
        if self.first.data == self.second.data == field.data:
            raise ValidationError(_l("Do not choose the same picture all three times."))


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validators=[InputRequired()],
    )


# Större text: chosen on this device only, kept in this cookie (auth.choose_text_size); the
# server reads it to put the class text-large on <html>.
TEXT_SIZE_COOKIE = "text_size"


class TextSizeForm(FlaskForm):
    """Larger text ("large") or the usual size ("normal") on this device."""

    text_size = HiddenField(validators=[InputRequired(), AnyOf(["large", "normal"])])
