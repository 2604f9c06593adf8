"""Fill the English catalogs: our msgids are English, so each empty msgstr becomes its msgid.

Run by `make translations` after `pybabel update`, for both domains: messages (what families
and children see) and staff (the worker and admin side, and the command line). Swedish and the
other languages are translated by a person.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ENGLISH = Path(__file__).parent.parent / "translations" / "en" / "LC_MESSAGES"
DOMAINS = ("messages", "staff")


def fill(path: Path) -> None:
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, sort_output=True)


def main() -> None:
    for domain in DOMAINS:
        path = ENGLISH / f"{domain}.po"
        if path.exists():
            fill(path)


if __name__ == "__main__":
    main()
