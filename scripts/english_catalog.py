"""Fill the English catalog: our msgids are English, so each empty msgstr becomes its msgid.

Run by `make translations` after `pybabel update`; Swedish (and later languages) are translated
by a person.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with CATALOG.open("rb") as f:
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
    with CATALOG.open("wb") as f:
        write_po(f, catalog, sort_output=True)


if __name__ == "__main__":
    main()
