"""Make the web fonts for Arabic script and Ge'ez: `python scripts/make_fonts.py`.

Writes familjeapp/static/fonts/: small WOFF2 subsets of Noto Naskh Arabic (Arabic and Persian)
and Noto Sans Ethiopic (Tigrinya), regular and bold, and LICENSE-noto-fonts.txt (the SIL Open
Font License 1.1 they come under). app.css names them only on pages in those languages, with a
unicode-range, so a Swedish page never downloads them.

Naskh rather than Noto Sans Arabic: it is the style people learn to read and see in books and
newspapers, and the one Android itself shows Arabic and Persian in.

Needs Debian's Noto fonts and fontTools (a tool for this script only, not for the app):

    sudo apt-get install fonts-noto-core
    .venv/bin/pip install fonttools brotli
    .venv/bin/python scripts/make_fonts.py [--source /usr/share/fonts/truetype/noto]
"""

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "familjeapp" / "static" / "fonts"
SOURCE = Path("/usr/share/fonts/truetype/noto")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-core/copyright")


def spans(*ranges: tuple[int, int]) -> list[int]:
    return [code for first, last in ranges for code in range(first, last + 1)]


# What Arabic and Persian text needs, and no more: the letters of both (with Persian's peh, tcheh,
# jeh, keheh, gaf, Farsi yeh and heh with yeh above), the vowel marks, the Arabic comma,
# semicolon, question mark, percent and number separators, tatweel, both sets of digits, and the
# joiners and direction marks. The shapes the letters take inside words come along with them
# (the subsetter keeps what the font's layout tables reach from these).
ARABIC = sorted(
    spans((0x0621, 0x063A), (0x0640, 0x0655), (0x0660, 0x066C), (0x06F0, 0x06F9), (0x200C, 0x200F))
    + [0x060C, 0x061B, 0x061F, 0x0670, 0x067E, 0x0686, 0x0698, 0x06A4, 0x06A9, 0x06AF, 0x06C0]
    + [0x06CC, 0x06D4]
)
# Tigrinya: the Ethiopic block (its syllables, punctuation and numerals).
ETHIOPIC = spans((0x1200, 0x137F))

FONTS = {
    "noto-naskh-arabic-regular": ("NotoNaskhArabic-Regular.ttf", ARABIC),
    "noto-naskh-arabic-bold": ("NotoNaskhArabic-Bold.ttf", ARABIC),
    "noto-sans-ethiopic-regular": ("NotoSansEthiopic-Regular.ttf", ETHIOPIC),
    "noto-sans-ethiopic-bold": ("NotoSansEthiopic-Bold.ttf", ETHIOPIC),
}


def make(source: Path, name: str, unicodes: list[int]) -> Path:
    """One subset as WOFF2. Hinting is left out: phones draw these sizes well without it."""
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    # Keep the copyright, names, version, trademark and licence records.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    path = OUT / f"{name}.woff2"
    subset.save_font(font, str(path), options)
    return path


def ofl_text() -> str:
    """The OFL 1.1 as Debian's package gives it (its last OFL-1.1 licence paragraph)."""
    copyright_file = DEBIAN_COPYRIGHT.read_text()
    body = copyright_file.rsplit("\nLicense: OFL-1.1\n", 1)[1]
    lines = []
    for line in body.splitlines():
        if line and not line.startswith(" "):
            break
        lines.append("" if line.strip() == "." else line[1:])
    return "\n".join(lines).strip() + "\n"


def licence(sources: list[Path]) -> str:
    notices = sorted({TTFont(path)["name"].getDebugName(0) for path in sources})
    names = ", ".join(sorted({TTFont(path)["name"].getDebugName(1) for path in sources}))
    return (
        f"{names}: subsets made by scripts/make_fonts.py from Debian's fonts-noto-core\n"
        "(https://github.com/notofonts), under the SIL Open Font License 1.1 below.\n\n"
        + "\n".join(notices)
        + "\nNoto is a trademark of Google LLC.\n\n"
        + "SIL Open Font License, Version 1.1 - 26 February 2007\n\n"
        + ofl_text()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="folder with the Noto .ttf")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, (file_name, unicodes) in FONTS.items():
        sources.append(args.source / file_name)
        path = make(args.source / file_name, name, unicodes)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.1f} KB")
    text = licence(sources)
    assert "PERMISSION & CONDITIONS" in text and "DISCLAIMER" in text, "no OFL text found"
    (OUT / "LICENSE-noto-fonts.txt").write_text(text)


if __name__ == "__main__":
    main()
