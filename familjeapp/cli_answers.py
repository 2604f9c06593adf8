"""The command line answers in the app's default language (Swedish), its errors included.

Click writes "Error: ..." in English; commands raise Refused instead, which says it in the app's
language. Click's own messages about the command's syntax (a missing option) stay in English.
"""

import click
from flask_babel import gettext as _


class Refused(click.ClickException):
    """A command that cannot do what was asked, with the reason in plain words; exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # Worded now, inside the command: click shows it after the app context has closed.
        self.line = _("Error: %(message)s", message=message)

    def show(self, file=None) -> None:
        click.echo(self.line, file=file, err=True)
