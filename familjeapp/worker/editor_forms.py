"""Forms of the plan editor. Each field keeps what the worker typed when something is wrong."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..config import LANGUAGES
from ..pictures import load_library

TEXT_MAX = 2000
SHORT_MAX = 300
TITLE_MAX = 200
# A child's item is a few short sentences: a page of the story, a rule on the roof.
CHILD_TEXT_MAX = 600


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def optional_int(value) -> int | None:
    """The id of a choice, or None for the empty "choose" line."""
    return None if value in ("", None) else int(value)


def text_length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Write at most %(max)d characters.", max=maximum))


# What the worker picks from; the family sees its own words for each (templates/family/).
KIND_LABELS = {
    "strength": _l("Strength: what works well, the safety there already is"),
    "harm": _l("Harm: what has happened"),
    "danger": _l("Danger: what could happen if nothing changes"),
    "complicating": _l("Complicating factor: what makes it harder"),
    "goal": _l("Safety goal: what life looks like when we can stop coming"),
    "next_step": _l("Next step"),
    "rule": _l("Rule: who does what, and when"),
    "warning_sign": _l("Warning sign: if you see this, do this"),
    "house_worries": _l("The house of worries"),
    "house_good": _l("The house of good things"),
    "house_dreams": _l("The house of dreams"),
    "safety_person": _l("Someone in the house, or who comes to help"),
    "safety_rule": _l("A rule on the roof"),
    "story_page": _l("A page of the story"),
}

# The same kinds, short, for the cards of the editor.
KIND_NAMES = {
    "strength": _l("Strength"),
    "harm": _l("Harm"),
    "danger": _l("Danger"),
    "complicating": _l("Complicating factor"),
    "goal": _l("Safety goal"),
    "next_step": _l("Next step"),
    "rule": _l("Rule"),
    "warning_sign": _l("Warning sign"),
    "house_worries": _l("The house of worries"),
    "house_good": _l("The house of good things"),
    "house_dreams": _l("The house of dreams"),
    "safety_person": _l("Who helps"),
    "safety_rule": _l("Rule on the roof"),
    "story_page": _l("Page of the story"),
}

# Spelled out, so nobody has to remember who "adults" are.
VISIBILITY_CHOICES = [
    SelectChoice("everyone", _l("Everyone: parents, network and children")),
    SelectChoice("adults", _l("Adults: parents and network, not children")),
    SelectChoice("parents", _l("Parents only: not the network, not children")),
    SelectChoice("worker", _l("Only the social worker: the family does not see it")),
]


class ItemForm(FlaskForm):
    """One item of the plan. Its section comes from the address; the kinds are set per section."""

    kind = RadioField(
        _l("What kind of item"),
        validators=[InputRequired(message=_l("Choose what kind of item this is."))],
    )
    text = TextAreaField(
        _l("Text for adults"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the text for adults.")), text_length(TEXT_MAX)],
    )
    child_text = TextAreaField(
        _l("Text for children (you can leave this empty)"),
        validators=[Optional(), text_length(TEXT_MAX)],
    )
    picture = StringField(_l("Picture"), validators=[Optional(), Length(max=80)])
    # Only for finding a picture; never saved.
    q = StringField(_l("Find a picture: write a Swedish word"))
    visibility = RadioField(
        _l("Who may read it"),
        choices=VISIBILITY_CHOICES,
        validators=[InputRequired(message=_l("Choose who may read it."))],
    )
    responsible = StringField(
        _l("Who is responsible"), validators=[Optional(), text_length(SHORT_MAX)]
    )
    when_text = StringField(_l("When"), validators=[Optional(), text_length(SHORT_MAX)])
    how_we_know = TextAreaField(
        _l("How we know that it works"), validators=[Optional(), text_length(TEXT_MAX)]
    )

    def set_section(self, kinds: tuple[str, ...]) -> None:
        self.kind.choices = [SelectChoice(kind, KIND_LABELS[kind]) for kind in kinds]
        if len(kinds) == 1 and not self.kind.data:
            self.kind.data = kinds[0]

    def validate_picture(self, field):
        if field.data and not load_library().exists(field.data):
            raise ValidationError(_l("That picture is not in the picture library. Choose another."))


class ChildItemForm(ItemForm):
    """An item of the child's parts (Tre hus, Det trygga hemmet, Ord och bilder): the child's
    words are the main text, with a picture; a note for the adults may go with them."""

    text = TextAreaField(
        _l("Note for the adults (you can leave this empty)"),
        filters=[strip],
        validators=[Optional(), text_length(TEXT_MAX)],
    )
    child_text = TextAreaField(
        _l("Words for the child"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the words for the child.")),
            text_length(CHILD_TEXT_MAX),
        ],
    )


class ScaleForm(FlaskForm):
    question = StringField(
        _l("The question"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the question.")), text_length(SHORT_MAX)],
    )
    low = TextAreaField(
        _l("What 0 means"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write what 0 means.")), text_length(SHORT_MAX)],
    )
    high = TextAreaField(
        _l("What 10 means"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write what 10 means.")), text_length(SHORT_MAX)],
    )


class CommitmentForm(FlaskForm):
    """A promise for one rule; the people to choose from are set to the family's adults."""

    person = SelectField(
        _l("Who promises"),
        coerce=optional_int,
        validators=[InputRequired(message=_l("Choose who promises."))],
    )
    text = TextAreaField(
        _l("What they promise, in their own words"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write what they promise.")), text_length(1000)],
    )
    starts_on = DateField(
        _l("From (you can leave this empty)"),
        validators=[Optional()],
    )
    ends_on = DateField(
        _l("Until (you can leave this empty)"),
        validators=[Optional()],
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day must be on or after the first day."))


EVENT_LABELS = {
    "start": _l("Start"),
    "network_meeting": _l("Network meeting"),
    "follow_up": _l("Follow-up"),
    "planned_end": _l("Planned end"),
}


class EventForm(FlaskForm):
    kind = SelectField(
        _l("What happens"),
        choices=[SelectChoice(kind, label) for kind, label in EVENT_LABELS.items()],
        validators=[InputRequired()],
    )
    happens_on = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Write the date, for example 2026-03-12."))],
    )
    title = StringField(
        _l("A few words (you can leave this empty)"),
        validators=[Optional(), text_length(TITLE_MAX)],
    )


# The family's languages as the worker says them; each also shows its own name (config.py).
LANGUAGE_NAMES = {
    "sv": _l("Swedish"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "so": _l("Somali"),
    "fa": _l("Persian"),
    "ti": _l("Tigrinya"),
}


def language_label(code: str) -> str:
    """The worker's word for a language and the language's own: "Somali (Soomaali)"."""
    own = LANGUAGES.get(code, code)
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({own})" if name and str(name) != own else own


class TranslationForm(FlaskForm):
    """An item's words in one of the family's languages; empty takes the translation away."""

    language = SelectField(
        _l("Language"),
        validators=[InputRequired(message=_l("Choose a language."))],
        invalid_choice_message=_l("Choose one of the languages in the list."),
    )
    text = TextAreaField(
        _l("The translation (leave it empty to take the translation away)"),
        filters=[strip],
        validators=[Optional(), text_length(TEXT_MAX)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named when the form is made, in the worker's language. Swedish is the original.
        self.language.choices = [
            SelectChoice(code, language_label(code)) for code in LANGUAGES if code != "sv"
        ]


class MoveForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))],
        validators=[InputRequired()],
    )


class PlainLanguageForm(FlaskForm):
    """The check on its own page, for a text written anywhere."""

    text = TextAreaField(
        _l("Text to check"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write a text to check.")), text_length(TEXT_MAX)],
    )
