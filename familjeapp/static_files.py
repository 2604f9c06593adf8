"""Our static files, small and cached for ever: WhiteNoise serves content-hashed, compressed copies.

How it works, and why this way:

- When the app starts, every file under ``familjeapp/static/`` is copied once to a name that
  carries its content hash (``css/app.css`` becomes ``css/app.3f2a1b9c0d4e.css``), with a gzip
  copy beside it (and brotli when the ``brotli`` package is installed), made by
  ``whitenoise.compress``. The copies live in the instance folder (``instance/static/``, not in
  git), so ``make run``, ``make test``, ``pytest`` and an installed package all get them, and they
  can never be older than the files they come from: a changed file gets a new name.
- ``url_for('static', filename='css/app.css')`` gives the hashed URL. Since that URL changes
  whenever the content does, WhiteNoise may send it with ``Cache-Control: max-age=<ten years>,
  public, immutable``: a repeat visit fetches nothing static at all. WhiteNoise picks the gzip or
  brotli copy from the browser's ``Accept-Encoding``.
- The plain name (``/static/css/app.css``) is still served by Flask, without the long cache, for
  anything that cannot know the hash.
- Pages are not touched: they keep ``Cache-Control: no-store``, and compression.py decides
  when one may be compressed (BREACH).

Copies are written to a temporary name and renamed, so two processes starting together are safe.
Old hashed copies stay until the instance folder is cleaned; a page still open from before an
update keeps working.
"""

import hashlib
import os
import posixpath
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

SOURCE = Path(__file__).parent / "static"
HASH_LENGTH = 12
# A name WhiteNoise may cache for ever: one made here, with the content's hash before the suffix.
HASHED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}\.[A-Za-z0-9]+$")
# A relative url(...) in a stylesheet: not data:, not another site, not an absolute path.
CSS_URL = re.compile(r"""url\((['"]?)(?![a-z]+:|/)([^'")?#]+)\1\)""")

# Built once per process and folder: the files do not change under a running app.
_built: dict[Path, dict[str, str]] = {}
_served: dict[Path, dict] = {}


def hashed_name(relative: str, content: bytes) -> str:
    """``css/app.css`` with its content hash: ``css/app.<12 hex>.css``."""
    stem, dot, suffix = relative.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy each file of source to its hashed name under target, compressed beside it.

    Returns the names: ``{"css/app.css": "css/app.<hash>.css", ...}``. Only new content is
    written (about a second the first time, for some 1,600 pictures).
    """
    # Stylesheets last: their url(...)s name the hashed copies of the files made before them.
    files = sorted(
        (p for p in source.rglob("*") if p.is_file()), key=lambda p: (p.suffix == ".css", p)
    )
    compressor = Compressor(quiet=True)
    names = {}
    for path in files:
        relative = path.relative_to(source).as_posix()
        content = path.read_bytes()
        if path.suffix == ".css":
            content = with_hashed_urls(relative, content, names)
        names[relative] = hashed_name(relative, content)
        copy = target / names[relative]
        if copy.exists():
            continue
        if compressor.should_compress(copy.name):
            for suffix, compressed in _compressed(compressor, content):
                _write_atomically(copy.with_name(copy.name + suffix), compressed)
        _write_atomically(copy, content)  # last: its presence means the copies are there too
    return names


def with_hashed_urls(relative: str, css: bytes, names: dict[str, str]) -> bytes:
    """A stylesheet with each url(...) of one of our files (the fonts) pointed at its hashed
    copy, so that it too is cached for ever; anything else is left as it is."""
    folder = posixpath.dirname(relative)

    def hashed(found: re.Match) -> str:
        quote, target = found.group(1), found.group(2)
        path = posixpath.normpath(posixpath.join(folder, target))
        if path not in names:
            return found.group(0)
        return f"url({quote}{posixpath.relpath(names[path], folder or '.')}{quote})"

    return CSS_URL.sub(hashed, css.decode("utf-8")).encode("utf-8")


def _compressed(compressor: Compressor, content: bytes):
    if compressor.use_gzip:
        gzipped = compressor.compress_gzip(content)
        if compressor.is_compressed_effectively("gzip", "", len(content), gzipped):
            yield ".gz", gzipped
    if compressor.use_brotli:
        brotlied = compressor.compress_brotli(content)
        if compressor.is_compressed_effectively("brotli", "", len(content), brotlied):
            yield ".br", brotlied


def _hashed(path: str, url: str) -> bool:
    return bool(HASHED.search(url))


def _nosniff(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    """Serve the hashed copies through WhiteNoise, and make url_for('static') point at them."""
    target = Path(app.config.get("STATIC_BUILD") or Path(app.instance_path) / "static")
    if target not in _built:
        _built[target] = build(SOURCE, target)
    names = _built[target]
    app.extensions["static_names"] = names
    served = WhiteNoise(
        app.wsgi_app,
        # Only hashed names are immutable; anything else WhiteNoise finds there may change.
        immutable_file_test=_hashed,
        max_age=60,
        allow_all_origins=False,
        add_headers_function=_nosniff,
    )
    # WhiteNoise reads every file's size and headers when it starts (about half a second for
    # the pictures and fonts); the files do not change while the process runs, so an app made
    # again in the same process (the tests make hundreds) reuses what the first one read.
    if target not in _served:
        served.add_files(str(target), prefix="static/")
        _served[target] = served.files
    served.files = _served[target]
    app.wsgi_app = served

    @app.url_defaults
    def hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]


def version(app: Flask) -> str:
    """A short hash of the release's name and every static file's hashed name: it changes
    whenever one of them does."""
    names = sorted(app.extensions["static_names"].values())
    release = app.config.get("RELEASE", "")
    return hashlib.sha256("\n".join([release, *names]).encode()).hexdigest()[:HASH_LENGTH]
