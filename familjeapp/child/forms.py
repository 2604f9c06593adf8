"""Forms a child fills in: the picture scale and a thing of their own for one of the houses.

Every field but the face is optional, and a bad value gets a short message in child words."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Regexp, ValidationError

from ..pictures import load_library

# A child writes a few words, not a letter.
CHILD_WORDS_MAX = 200
STEPS = [str(step) for step in range(11)]


def _known_picture(form, field) -> None:
    if field.data and not load_library().exists(field.data):
        raise ValidationError(_l("Choose a picture from the pictures."))


class _ChildForm(FlaskForm):
    # Made when the form is shown; a resend of the same form carries the same id.
    client_id = HiddenField(
        validators=[
            InputRequired(message=_l("Reload the page and try again.")),
            Regexp(r"^[A-Za-z0-9_-]{16,64}\Z", message=_l("Reload the page and try again.")),
        ]
    )
    picture = StringField(_l("A picture (if you want)"), validators=[_known_picture])
    words = TextAreaField(
        _l("A few words (if you want)"),
        validators=[
            Length(
                max=CHILD_WORDS_MAX,
                message=_l("Write at most %(max)d characters.", max=CHILD_WORDS_MAX),
            )
        ],
    )


class FeelingForm(_ChildForm):
    """Hur känns det hemma? One face from 0 to 10."""

    rating = RadioField(
        _l("How does it feel at home?"),
        choices=[SelectChoice(step, step) for step in STEPS],
        # Checked below, so a step outside 0-10 gets the same words as no step at all.
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose a face.")),
            AnyOf(STEPS, message=_l("Choose a face.")),
        ],
    )


class HouseForm(_ChildForm):
    """A thing of the child's own in one of the three houses: a picture, words, or both."""

    def validate_words(self, field) -> None:
        if not self.picture.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a picture or write a few words."))
