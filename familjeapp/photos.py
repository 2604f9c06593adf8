"""Safe handling of a photo that a social worker uploads of a family member.

The photo is later shown on the family's phones, so it must carry nothing but
pixels: a phone photo's EXIF can hold the GPS position of the family's home,
the time it was taken and the camera's make and serial number. See
``SECURITY.md``, "Devices and leaving": decode with a real image library, apply
the orientation, re-encode without any metadata, cap the pixel size and check
the type from the content, never from the file name.

:func:`clean_photo` does all of that and returns a :class:`CleanPhoto`: a fresh
JPEG made from the pixel data only. Anything it cannot or will not handle is
refused with :class:`PhotoRejected`, whose ``reason`` the caller turns into a
translated message. It never raises another kind of error for bad input.

This module uses no Flask globals and changes no global Pillow setting
(``Image.MAX_IMAGE_PIXELS``, ``ImageFile.LOAD_TRUNCATED_IMAGES``) nor the
process-wide warning filters, so it is safe to call from several threads.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from dataclasses import dataclass
from typing import Final, Literal

from PIL import Image, ImageFile, UnidentifiedImageError

__all__ = [
    "ACCEPTED_FORMATS",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "OUTPUT_MIME",
    "REASONS",
    "CleanPhoto",
    "PhotoRejected",
    "RejectReason",
    "clean_photo",
]

log = logging.getLogger(__name__)

RejectReason = Literal[
    "not_an_image", "unsupported_type", "too_large_file", "too_many_pixels", "broken"
]
#: Every reason :class:`PhotoRejected` can carry, for the caller's translations.
REASONS: Final[tuple[RejectReason, ...]] = (
    "not_an_image",
    "unsupported_type",
    "too_large_file",
    "too_many_pixels",
    "broken",
)

#: Longest side of the stored photo, in pixels.
MAX_SIDE: Final = 800
#: Largest upload accepted, in bytes; checked before any decoding.
MAX_FILE_BYTES: Final = 10 * 1024 * 1024
#: Largest image accepted, in pixels (width × height), checked before decoding
#: the pixel data. 40 megapixels is above any phone camera's normal photo.
MAX_PIXELS: Final = 40_000_000

#: Pillow formats we decode. MPO is what Pillow calls a JPEG that carries extra
#: pictures (many Samsung and iPhone photos): its first picture is a plain JPEG.
ACCEPTED_FORMATS: Final[tuple[str, ...]] = ("JPEG", "MPO", "PNG", "WEBP")
#: Only these Pillow plugins are ever asked to read an upload.
_OPEN_FORMATS: Final[tuple[str, ...]] = ("JPEG", "PNG", "WEBP")

OUTPUT_MIME: Final = "image/jpeg"
_JPEG_QUALITY: Final = 85
_WHITE: Final = (255, 255, 255)

# Beginnings of image files that we recognise but do not accept. Anything else
# that Pillow cannot open as JPEG/PNG/WebP is "not_an_image".
_OTHER_IMAGE_MAGIC: Final[tuple[bytes, ...]] = (
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF, little-endian (also many camera raw files)
    b"MM\x00*",  # TIFF, big-endian
    b"\x00\x00\x01\x00",  # ICO
    b"\x00\x00\x02\x00",  # CUR
    b"8BPS",  # Photoshop
    b"\xff\x0a",  # JPEG XL codestream
    b"\x00\x00\x00\x0cJXL ",  # JPEG XL container
    b"\x00\x00\x00\x0cjP  ",  # JPEG 2000
    b"\xff\x4f\xff\x51",  # JPEG 2000 codestream
    b"icns",
    b"qoif",
)
# ISO-BMFF brands of HEIC/HEIF/AVIF (iPhone photos), found at offset 8.
_HEIF_BRANDS: Final[tuple[bytes, ...]] = (
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
)
# Beginnings of the file types we accept, to tell "broken" from "not_an_image"
# when Pillow cannot even read the header.
_ACCEPTED_MAGIC: Final[tuple[bytes, ...]] = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")

# EXIF orientation (tag 0x0112) -> the transposition that turns the pixels
# upright, the same table as ImageOps.exif_transpose. We apply it ourselves,
# after scaling down (cheaper than turning a 40-megapixel image), and without
# exif_transpose's rewriting of the metadata we throw away anyway.
# 1 (or missing, or nonsense) means "already upright".
_ORIENTATION_TRANSPOSE: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION: Final = 0x0112

# What Pillow's readers raise on bad data. UnidentifiedImageError is an
# OSError, so it must be caught before this tuple is.
_DECODE_ERRORS: Final[tuple[type[BaseException], ...]] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    struct.error,
    zlib.error,
    Warning,  # only raised when a deployment turns warnings into errors
)


class PhotoRejected(ValueError):
    """The upload is not a photo we accept; ``reason`` says why.

    ``reason`` is one of :data:`REASONS`:

    - ``"not_an_image"``: the content is not a picture at all (text, HTML, PDF…);
    - ``"unsupported_type"``: a picture, but not JPEG, PNG or WebP (GIF, SVG, HEIC…);
    - ``"too_large_file"``: more bytes than allowed (checked before decoding);
    - ``"too_many_pixels"``: the picture declares more pixels than allowed
      (a decompression bomb, or simply too big);
    - ``"broken"``: it looks like JPEG/PNG/WebP but cannot be decoded.
    """

    reason: RejectReason

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown PhotoRejected reason: {reason!r}")
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class CleanPhoto:
    """A photo that is safe to store and show: a fresh JPEG without metadata."""

    data: bytes
    mime: str
    width: int
    height: int


def clean_photo(
    raw: bytes,
    *,
    max_side: int = MAX_SIDE,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> CleanPhoto:
    """Turn an uploaded photo into a small, upright JPEG that carries only pixels.

    - ``raw`` larger than ``max_file_bytes`` is refused before decoding; empty
      input is ``"not_an_image"``.
    - The type comes from the content: only JPEG, PNG and WebP are opened (an
      animated WebP or PNG gives its first frame).
    - An image declaring more than ``max_pixels`` pixels is refused before its
      pixel data is decoded.
    - The EXIF orientation is applied, transparency is laid on white, and the
      picture is scaled down (never up) so its longest side is at most
      ``max_side``.
    - The result is a new JPEG built from the pixel data only: no EXIF (no GPS,
      no camera, no time), no XMP, no ICC profile, no thumbnail, no comment.

    Raises :class:`PhotoRejected` for every kind of unacceptable input.
    """
    if max_side < 1 or max_file_bytes < 1 or max_pixels < 1:
        raise ValueError("max_side, max_file_bytes and max_pixels must be positive")
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"clean_photo needs bytes, not {type(raw).__name__}")
    size = len(raw) if not isinstance(raw, memoryview) else raw.nbytes
    if size == 0:
        raise PhotoRejected("not_an_image", "empty file")
    if size > max_file_bytes:
        raise PhotoRejected("too_large_file", f"{size} bytes > {max_file_bytes}")
    raw = bytes(raw)

    img = _open(raw, max_pixels)
    try:
        orientation = _orientation(img)
        pixels = _scale_down(_decode(img, max_side), max_side)
        transpose = _ORIENTATION_TRANSPOSE.get(orientation)
        if transpose is not None:
            pixels = pixels.transpose(transpose)
        clean = _flatten_to_new_rgb(pixels)
    finally:
        img.close()
    data = _encode_jpeg(clean)
    return CleanPhoto(data=data, mime=OUTPUT_MIME, width=clean.width, height=clean.height)


def _open(raw: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Identify the content with Pillow (JPEG/PNG/WebP readers only) and check its size."""
    try:
        img = Image.open(io.BytesIO(raw), formats=_OPEN_FORMATS)
    except UnidentifiedImageError:
        raise PhotoRejected(_classify_unopenable(raw), "Pillow could not identify it") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise PhotoRejected("too_many_pixels", str(e)) from None
    except MemoryError:
        raise PhotoRejected("too_many_pixels", "out of memory while opening") from None
    except _DECODE_ERRORS as e:
        raise PhotoRejected("broken", f"{type(e).__name__}: {e}") from None

    if img.format not in ACCEPTED_FORMATS:  # defensive: _OPEN_FORMATS limits this already
        img.close()
        raise PhotoRejected("unsupported_type", f"format {img.format}")
    width, height = img.size
    if width < 1 or height < 1:
        img.close()
        raise PhotoRejected("broken", f"size {width}x{height}")
    if width * height > max_pixels:
        img.close()
        raise PhotoRejected("too_many_pixels", f"{width}x{height} > {max_pixels} pixels")
    return img


def _classify_unopenable(raw: bytes) -> RejectReason:
    """Why Pillow's JPEG/PNG/WebP readers could not open ``raw``."""
    head = raw[:32]
    if head.startswith(_ACCEPTED_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "broken"  # our kind of file, with a header Pillow cannot read
    if head.startswith(_OTHER_IMAGE_MAGIC):
        return "unsupported_type"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "unsupported_type"
    if head[:4] == b"RIFF":
        return "not_an_image"  # WAV, AVI…
    text = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        return "unsupported_type"
    return "not_an_image"


def _orientation(img: Image.Image) -> int:
    """EXIF orientation (1–8) of ``img``; 1 when missing or unreadable."""
    try:
        value = img.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # broken EXIF must not refuse an otherwise good photo
        log.debug("unreadable EXIF in uploaded photo; orientation ignored", exc_info=True)
        return 1
    return value if isinstance(value, int) and value in _ORIENTATION_TRANSPOSE else 1


def _decode(img: ImageFile.ImageFile, max_side: int) -> Image.Image:
    """Decode the pixels of ``img`` into an RGB or RGBA image."""
    try:
        if img.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 size when that is still at
            # least max_side on both sides: much less memory and time.
            img.draft("RGB", (max_side, max_side))
        img.load()
        return _to_rgb_or_rgba(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise PhotoRejected("too_many_pixels", str(e)) from None
    except MemoryError:
        raise PhotoRejected("too_many_pixels", "out of memory while decoding") from None
    except _DECODE_ERRORS as e:
        raise PhotoRejected("broken", f"{type(e).__name__}: {e}") from None


def _to_rgb_or_rgba(img: Image.Image) -> Image.Image:
    """Convert any mode Pillow gives for JPEG/PNG/WebP to "RGB" or "RGBA"."""
    mode = img.mode
    if mode in ("RGB", "RGBA"):
        return img
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale PNG: scale 0–65535 down to 0–255 (a plain
        # convert("L") would clip nearly everything to white).
        return img.convert("I").point(lambda v: v / 256).convert("L").convert("RGB")
    if mode == "F":
        return img.point(lambda v: v * 255).convert("L").convert("RGB")
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in img.info):
        return img.convert("RGBA")
    if mode == "L" and "transparency" in img.info:
        return img.convert("RGBA")
    return img.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, …


def _scale_down(img: Image.Image, max_side: int) -> Image.Image:
    """Shrink so the longest side is at most ``max_side``, keeping the aspect; never enlarge."""
    width, height = img.size
    longest = max(width, height)
    if longest <= max_side:
        return img
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap: a fast box reduction first, then Lanczos for the last step.
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flatten_to_new_rgb(img: Image.Image) -> Image.Image:
    """A brand-new RGB image with ``img``'s pixels on white and an empty ``info``."""
    clean = Image.new("RGB", img.size, _WHITE)
    if img.mode == "RGBA":
        clean.paste(img, mask=img.getchannel("A"))
    else:
        clean.paste(img.convert("RGB"))
    clean.info.clear()  # Image.new has none; make the guarantee explicit
    return clean


def _encode_jpeg(img: Image.Image) -> bytes:
    """Encode ``img`` as a progressive JPEG with no metadata segments."""
    out = io.BytesIO()
    img.save(
        out,
        format="JPEG",
        quality=_JPEG_QUALITY,
        optimize=True,
        progressive=True,
        # Explicitly empty, so no Pillow version can carry anything over.
        exif=b"",
        icc_profile=None,
        comment=b"",
    )
    return out.getvalue()
