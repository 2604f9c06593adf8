"""Forms the family fills in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

WORDS_MAX = 1000


class WorryViewForm(FlaskForm):
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
        _l("Do you want to say why? (you can leave this empty)"),
        validators=[
            Length(max=WORDS_MAX, message=_l("Write at most %(max)d characters.", max=WORDS_MAX))
        ],
    )
