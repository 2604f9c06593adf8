"""The text message that goes with a personal invite link, in the invited person's language.

The worker copies it from a staff page, but it is written to a family member: its words are the
family's (the gettext domain "messages"), so they are translated into every language a family
member can read the app in.
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from ..config import LANGUAGES

DEFAULT = "sv"


def message_language(language: str | None) -> str:
    """The language the person reads the app in: theirs, or Swedish when none is set."""
    return language if language in LANGUAGES else DEFAULT


def invite_message(*, name: str, link: str, days: int, worker: str, language: str | None) -> str:
    """The ready-to-send text, with the link, how long it works and who sent it."""
    with force_locale(message_language(language)):
        return _(
            "Hello %(name)s! Here is your own link to your family's plan in familjeapp. "
            "Open it on your phone: %(link)s The link works once, for %(days)d days. "
            "/%(worker)s, social worker",
            name=name, link=link, days=days, worker=worker,
        )  # fmt: skip
