"""The one choice on the calendar page: neutral titles or the commitment's own words."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


class TitlesForm(FlaskForm):
    titles = RadioField(
        _l("What should the calendar say?"),
        choices=[
            SelectChoice("neutral", _l("Only a neutral word and the time, such as Reminder 15:00")),
            SelectChoice("full", _l("What I have promised, in my own words")),
        ],
        default="neutral",
        validators=[InputRequired(message=_l("Choose one of the two."))],
    )

    @property
    def full(self) -> bool:
        return self.titles.data == "full"
