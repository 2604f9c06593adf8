#!/usr/bin/env python3
"""Build the picture library (bildstöd) under familjeapp/static/pictures/.

Run by hand from the repository root when the pinned versions change:

    .venv/bin/python scripts/build_pictures.py

It fetches two npm packages with ``npm pack`` into a temporary folder (nothing
is installed and no node_modules is left behind) and writes:

* ``<id>.svg``  one standalone SVG per picture; ``id`` is the Iconify icon name
  from Fluent Emoji Flat (for example ``house-with-garden``);
* ``index.json`` ``[{"id", "label", "words"}]`` sorted by id, with the Swedish
  label and the Swedish search words from emojibase-data;
* ``LICENSE-fluent-emoji.txt`` and ``LICENSE-emojibase.txt``.

Every emoji that has a Swedish entry in emojibase ``sv/data.json`` is included,
except flags, skin-tone variants (only the default yellow one is kept),
regional indicators and keycaps, and emoji that Fluent Emoji Flat does not draw.

The output is committed; the packages are not. Only the Python standard library
and the ``npm`` command are needed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FLUENT_PACKAGE = "@iconify-json/fluent-emoji-flat"
FLUENT_VERSION = "1.2.6"
EMOJIBASE_PACKAGE = "emojibase-data"
EMOJIBASE_VERSION = "17.0.0"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "familjeapp" / "static" / "pictures"

# emojibase group / subgroup numbers (emojibase-data meta/groups.json)
GROUP_COMPONENT = 2  # skin-tone swatches and hair-style components
GROUP_FLAGS = 9
SUBGROUP_KEYCAP = 94

# Fluent Emoji Flat is published by Microsoft under the MIT licence
# (https://github.com/microsoft/fluentui-emoji, LICENSE). The Iconify npm package
# declares "license": "MIT" in package.json and info.json but ships no licence
# file, so the text is written here; the copyright holder is the author named in
# the package's info.json.
MIT_TEXT = """MIT License

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

_WORD_RE = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """Split text into lowercase words (same rule as familjeapp.pictures)."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).lower())


def normalize_hexcode(hexcode: str) -> str:
    """Uppercase a hexcode and drop FE0F variation selectors."""
    return "-".join(p for p in hexcode.upper().split("-") if p and p != "FE0F")


def npm_pack(package: str, version: str, workdir: Path) -> Path:
    """Fetch ``package@version`` with ``npm pack`` and return its unpacked folder."""
    spec = f"{package}@{version}"
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    dest = workdir / tarball.name.removesuffix(".tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    package_dir = dest / "package"
    found = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if found.get("version") != version:
        raise SystemExit(f"{spec}: npm gave version {found.get('version')}")
    return package_dir


@dataclass
class Entry:
    id: str
    label: str
    words: list[str]


def svg_for(icons: dict, name: str) -> str:
    """Return a standalone SVG document for an Iconify icon (aliases resolved)."""
    h_flip = v_flip = False
    seen = set()
    while name not in icons["icons"]:
        alias = icons.get("aliases", {}).get(name)
        if alias is None or name in seen:
            raise KeyError(name)
        seen.add(name)
        if alias.get("rotate"):
            raise ValueError(f"rotated alias not supported: {name}")
        h_flip ^= bool(alias.get("hFlip"))
        v_flip ^= bool(alias.get("vFlip"))
        name = alias["parent"]
    icon = icons["icons"][name]
    left = icon.get("left", icons.get("left", 0))
    top = icon.get("top", icons.get("top", 0))
    width = icon.get("width", icons.get("width", 16))
    height = icon.get("height", icons.get("height", 16))
    body = icon["body"]
    if h_flip or v_flip:
        sx, sy = (-1 if h_flip else 1), (-1 if v_flip else 1)
        tx = 2 * left + width if h_flip else 0
        ty = 2 * top + height if v_flip else 0
        body = f'<g transform="translate({tx} {ty}) scale({sx} {sy})">{body}</g>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} {top} {width} {height}">'
        f"{body}</svg>\n"
    )


def is_wanted(emoji: dict) -> bool:
    """Keep default-tone, non-flag, non-keycap, non-component emoji."""
    group = emoji.get("group")
    if group is None:  # regional indicators have no group
        return False
    if group in (GROUP_FLAGS, GROUP_COMPONENT):
        return False
    if emoji.get("subgroup") == SUBGROUP_KEYCAP:
        return False
    return True


def build(out_dir: Path, fluent_dir: Path, emojibase_dir: Path) -> list[Entry]:
    """Write the SVGs, index and licences into out_dir; return the entries."""
    icons = json.loads((fluent_dir / "icons.json").read_text(encoding="utf-8"))
    chars = json.loads((fluent_dir / "chars.json").read_text(encoding="utf-8"))
    info = json.loads((fluent_dir / "info.json").read_text(encoding="utf-8"))
    sv = json.loads((emojibase_dir / "sv" / "data.json").read_text(encoding="utf-8"))

    name_by_hex: dict[str, str] = {}
    for hexcode, name in chars.items():
        name_by_hex.setdefault(normalize_hexcode(hexcode), name)

    entries: dict[str, Entry] = {}
    skipped_no_picture: list[str] = []
    for emoji in sv:
        if not is_wanted(emoji):
            continue
        name = name_by_hex.get(normalize_hexcode(emoji["hexcode"]))
        if name is None:
            skipped_no_picture.append(f"{emoji['hexcode']} {emoji['label']}")
            continue
        words: list[str] = []
        for text in [emoji["label"], *emoji.get("tags", [])]:
            for word in words_of(text):
                if word not in words:
                    words.append(word)
        label = unicodedata.normalize("NFC", emoji["label"]).strip()
        if name in entries:  # two hexcodes drawn by one icon: merge words
            entries[name].words.extend(w for w in words if w not in entries[name].words)
            continue
        entries[name] = Entry(id=name, label=label, words=words)

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.svg"):
        if old.stem not in entries:
            old.unlink()
    for entry in entries.values():
        (out_dir / f"{entry.id}.svg").write_text(svg_for(icons, entry.id), encoding="utf-8")

    ordered = sorted(entries.values(), key=lambda e: e.id)
    index = [{"id": e.id, "label": e.label, "words": e.words} for e in ordered]
    (out_dir / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )

    holder = info.get("author", {}).get("name", "Microsoft Corporation")
    licence_url = info.get("license", {}).get("url", "")
    (out_dir / "LICENSE-fluent-emoji.txt").write_text(
        f"Pictures (*.svg) in this folder: Fluent Emoji Flat by {holder}.\n"
        f"Source package: {FLUENT_PACKAGE}@{FLUENT_VERSION} (npm), licence MIT"
        f"{f' ({licence_url})' if licence_url else ''}.\n"
        "Extracted by scripts/build_pictures.py.\n\n" + MIT_TEXT.format(holder=holder + "."),
        encoding="utf-8",
    )
    emojibase_licence = (emojibase_dir / "LICENSE").read_text(encoding="utf-8")
    (out_dir / "LICENSE-emojibase.txt").write_text(
        "Swedish labels and words in index.json: emojibase-data.\n"
        f"Source package: {EMOJIBASE_PACKAGE}@{EMOJIBASE_VERSION} (npm), file sv/data.json, "
        "licence MIT.\nExtracted by scripts/build_pictures.py.\n\n" + emojibase_licence,
        encoding="utf-8",
    )

    if skipped_no_picture:
        print(
            f"{len(skipped_no_picture)} Swedish emoji have no Fluent Emoji Flat picture "
            "and were left out, e.g.: " + "; ".join(skipped_no_picture[:8]),
            file=sys.stderr,
        )
    return ordered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed (npm pack) to fetch the packages")
    with tempfile.TemporaryDirectory(prefix="build_pictures_") as tmp:
        workdir = Path(tmp)
        fluent_dir = npm_pack(FLUENT_PACKAGE, FLUENT_VERSION, workdir)
        emojibase_dir = npm_pack(EMOJIBASE_PACKAGE, EMOJIBASE_VERSION, workdir)
        entries = build(args.out, fluent_dir, emojibase_dir)
    svgs = list(args.out.glob("*.svg"))
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    svg_total = sum(p.stat().st_size for p in svgs)
    print(
        f"{len(entries)} pictures, {len(svgs)} SVG files ({svg_total / 1e6:.2f} MB), "
        f"folder total {total / 1e6:.2f} MB in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
