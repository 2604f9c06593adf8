"""Uploaded photos of family members: only pixels reach the family's phones.

Every test image is made here with Pillow (or by hand, for the broken ones), so
the tests need no files and show exactly what each image carries.
"""

import io
import struct
import warnings
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageOps

from familjeapp import photos
from familjeapp.photos import REASONS, CleanPhoto, PhotoRejected, clean_photo

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)

GPS_IFD = ExifTags.IFD.GPSInfo  # 0x8825
EXIF_IFD = ExifTags.IFD.Exif  # 0x8769
SECRETS = (
    b"SecretPhoneMaker",
    b"SecretModel X",
    b"2024:05:01 12:34:56",
    b"WGS-84",
    b"SecretComment",
    b"SecretXmp",
    b"SecretThumb",
    b"ICC_PROFILE",
    b"http://ns.adobe.com/xap",
)


# --- helpers ---------------------------------------------------------------


def encode(img: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def rejected(raw: bytes, **kwargs) -> str:
    """The reason clean_photo refuses ``raw`` (fails the test if it doesn't)."""
    with pytest.raises(PhotoRejected) as info:
        clean_photo(raw, **kwargs)
    assert info.value.reason in REASONS
    return info.value.reason


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The (marker, payload) segments of a JPEG up to its first scan."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segments.append((marker, data[pos + 4 : pos + 2 + length]))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    return segments


def with_thumbnail(exif_bytes: bytes, thumbnail: bytes) -> bytes:
    """Add an IFD1 with a JPEG thumbnail to Pillow's EXIF bytes (Pillow writes IFD0 only)."""
    assert exif_bytes.startswith(b"Exif\x00\x00")
    tiff = bytearray(exif_bytes[6:])
    end = ">" if tiff[:2] == b"MM" else "<"
    (ifd0,) = struct.unpack(end + "I", tiff[4:8])
    (count,) = struct.unpack(end + "H", tiff[ifd0 : ifd0 + 2])
    next_ifd_at = ifd0 + 2 + 12 * count
    assert tiff[next_ifd_at : next_ifd_at + 4] == b"\x00\x00\x00\x00"
    ifd1 = len(tiff) + len(tiff) % 2
    tiff += b"\x00" * (ifd1 - len(tiff))
    tiff[next_ifd_at : next_ifd_at + 4] = struct.pack(end + "I", ifd1)
    thumb_at = ifd1 + 2 + 3 * 12 + 4
    tiff += struct.pack(end + "H", 3)
    tiff += struct.pack(end + "HHIHH", 0x0103, 3, 1, 6, 0)  # Compression: JPEG
    tiff += struct.pack(end + "HHII", 0x0201, 4, 1, thumb_at)  # JPEGInterchangeFormat
    tiff += struct.pack(end + "HHII", 0x0202, 4, 1, len(thumbnail))  # …Length
    tiff += b"\x00\x00\x00\x00" + thumbnail
    return b"Exif\x00\x00" + bytes(tiff)


def phone_photo() -> bytes:
    """A JPEG with everything a phone (and an editing app) puts in one."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.Base.Model] = "SecretModel X"
    exif[ExifTags.Base.Orientation] = 1
    exif.get_ifd(EXIF_IFD)[ExifTags.Base.DateTimeOriginal] = "2024:05:01 12:34:56"
    exif.get_ifd(GPS_IFD).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (59.0, 19.0, 48.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (18.0, 4.0, 7.25),
            ExifTags.GPS.GPSMapDatum: "WGS-84",
        }
    )
    thumbnail = encode(Image.new("RGB", (16, 12), RED), comment=b"SecretThumb")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        Image.new("RGB", (640, 480), (30, 120, 60)),
        exif=with_thumbnail(exif.tobytes(), thumbnail),
        icc_profile=icc,
        comment=b"SecretComment",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">exif:GPSLatitude SecretXmp</x:xmpmeta>',
    )


def png_declaring(width: int, height: int) -> bytes:
    """A 1×1 PNG whose IHDR is patched (CRC fixed) to declare ``width``×``height``."""
    png = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    assert png[12:16] == b"IHDR"
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def real_png_bomb(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG of ``width``×``height`` black pixels, a few KB in size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def opened(photo: CleanPhoto) -> Image.Image:
    img = Image.open(io.BytesIO(photo.data))
    img.load()
    return img


def close_to(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


# --- stories ---------------------------------------------------------------


def test_gps_position_is_removed_from_a_phone_photo():
    raw = phone_photo()
    before = Image.open(io.BytesIO(raw))
    exif = before.getexif()
    assert exif.get_ifd(GPS_IFD)[ExifTags.GPS.GPSLatitude] == (59.0, 19.0, 48.5)
    assert exif[ExifTags.Base.Make] == "SecretPhoneMaker"
    assert exif.get_ifd(EXIF_IFD)[ExifTags.Base.DateTimeOriginal] == "2024:05:01 12:34:56"
    assert exif.get_ifd(ExifTags.IFD.IFD1)[0x0202] > 0  # the embedded thumbnail
    assert {"exif", "icc_profile", "xmp", "comment"} <= before.info.keys()
    assert all(secret in raw for secret in SECRETS)

    photo = clean_photo(raw)

    assert photo.mime == "image/jpeg"
    assert (photo.width, photo.height) == (640, 480)
    after = opened(photo)
    assert after.format == "JPEG" and after.size == (640, 480)
    assert len(after.getexif()) == 0
    assert not after.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "icc_profile", "xmp", "comment"} & after.info.keys()
    assert b"Exif" not in photo.data
    for secret in SECRETS:
        assert secret not in photo.data, secret
    # Nothing but the JFIF header, tables, frame and scan before the pixels:
    # no APP1 (EXIF/XMP), APP2 (ICC), other APPn or COM segment.
    markers = {marker for marker, _ in jpeg_segments(photo.data)}
    assert markers <= {0xE0, 0xDB, 0xC4, 0xC2, 0xDD, 0xDA}, sorted(map(hex, markers))
    assert photo.data.count(b"\xff\xd8") == 1  # no second JPEG (a thumbnail) inside


def test_sideways_phone_photo_is_turned_upright():
    # Stored as 400×200 with a red top-left corner; Orientation 6 says
    # "rotate 90° clockwise to show", so upright it is 200×400 with the red
    # corner at the top right.
    img = Image.new("RGB", (400, 200), BLUE)
    img.paste(RED, (0, 0, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6

    photo = clean_photo(encode(img, exif=exif, quality=95))

    assert (photo.width, photo.height) == (200, 400)
    out = opened(photo)
    assert out.size == (200, 400)
    assert close_to(out.getpixel((190, 10)), RED)
    assert close_to(out.getpixel((10, 10)), BLUE)
    assert close_to(out.getpixel((190, 390)), BLUE)
    assert len(out.getexif()) == 0  # the orientation tag is gone too: it was applied

    # Scaled as well when needed: 1/4 of the size, still upright.
    small = opened(clean_photo(encode(img, exif=exif, quality=95), max_side=100))
    assert small.size == (50, 100)
    assert close_to(small.getpixel((47, 2)), RED, tolerance=60)


@pytest.mark.parametrize("orientation", [3, 8])
def test_other_orientations_are_applied(orientation):
    img = Image.new("RGB", (300, 100), BLUE)
    img.paste(RED, (0, 0, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    out = opened(clean_photo(encode(img, exif=exif, quality=95)))
    if orientation == 3:  # rotated 180°: red corner at bottom right
        assert out.size == (300, 100) and close_to(out.getpixel((295, 95)), RED)
    else:  # 8: rotate 90° counter-clockwise to show: red corner at bottom left
        assert out.size == (100, 300) and close_to(out.getpixel((5, 295)), RED)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillows_exif_transpose(orientation):
    img = Image.new("RGB", (60, 30), BLUE)
    img.paste(RED, (0, 0, 20, 10))
    img.paste((0, 255, 0), (40, 20, 60, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    raw = encode(img, exif=exif, quality=100, subsampling=0)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(raw))).convert("RGB")
    out = opened(clean_photo(raw))
    assert out.size == expected.size
    for x, y in [(3, 3), (out.width - 4, 3), (3, out.height - 4), (out.width - 4, out.height - 4)]:
        assert close_to(out.getpixel((x, y)), expected.getpixel((x, y)), tolerance=20)


def test_large_photo_is_made_smaller():
    photo = clean_photo(encode(Image.new("RGB", (3000, 2000), (200, 80, 20))))
    assert (photo.width, photo.height) == (800, 533)
    out = opened(photo)
    assert out.size == (800, 533)
    assert close_to(out.getpixel((400, 266)), (200, 80, 20), tolerance=10)
    assert out.info.get("progressive") or out.info.get("progression")

    portrait = clean_photo(encode(Image.new("RGB", (1000, 4000))), max_side=400)
    assert (portrait.width, portrait.height) == (100, 400)


def test_small_photo_is_not_enlarged():
    photo = clean_photo(encode(Image.new("RGB", (300, 200), BLUE)))
    assert (photo.width, photo.height) == (300, 200)
    assert opened(photo).size == (300, 200)


def test_png_and_webp_are_accepted_and_become_jpeg():
    for fmt in ("PNG", "WEBP"):
        photo = clean_photo(encode(Image.new("RGB", (120, 90), RED), fmt))
        assert photo.mime == "image/jpeg" and (photo.width, photo.height) == (120, 90)
        out = opened(photo)
        assert out.format == "JPEG" and close_to(out.getpixel((60, 45)), RED)


def test_a_phone_photo_with_extra_pictures_gives_the_main_picture():
    # Many phones write MPO: a JPEG with more pictures appended after it.
    first, second = Image.new("RGB", (200, 100), RED), Image.new("RGB", (200, 100), BLUE)
    raw = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(raw)).format == "MPO"
    photo = clean_photo(raw)
    out = opened(photo)
    assert out.size == (200, 100) and close_to(out.getpixel((100, 50)), RED)
    assert photo.data.count(b"\xff\xd8") == 1


def test_png_text_is_dropped_and_a_text_bomb_refused():
    png = encode(Image.new("RGB", (10, 10), RED), "PNG")

    def with_chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return png[:33] + struct.pack(">I", len(body)) + kind + body + crc + png[33:]

    photo = clean_photo(with_chunk(b"tEXt", b"GPSPosition\x00SecretHome 59.33N"))
    assert b"SecretHome" not in photo.data and b"GPSPosition" not in photo.data
    bomb = with_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * 4_000_000))
    assert len(bomb) < 20_000
    assert rejected(bomb) == "broken"


def test_greyscale_and_16_bit_pngs_keep_their_brightness():
    grey = clean_photo(encode(Image.new("L", (50, 50), 128), "PNG"))
    assert close_to(opened(grey).getpixel((25, 25)), (128, 128, 128), tolerance=3)
    deep = clean_photo(encode(Image.new("I;16", (50, 50), 32768), "PNG"))
    assert close_to(opened(deep).getpixel((25, 25)), (128, 128, 128), tolerance=3)


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("a GIF called .jpg", encode(Image.new("RGB", (10, 10), RED), "GIF"), "unsupported_type"),
        ("a BMP", encode(Image.new("RGB", (10, 10), RED), "BMP"), "unsupported_type"),
        ("a TIFF", encode(Image.new("RGB", (10, 10), RED), "TIFF"), "unsupported_type"),
        ("an iPhone HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "unsupported_type"),
        ("an SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "unsupported_type"),
        ("an SVG with an XML header", b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg></svg>',
         "unsupported_type"),
        ("HTML", b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
         "not_an_image"),
        ("a text file", "Hej! Det här är ingen bild. 😊".encode(), "not_an_image"),
        ("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not_an_image"),
        ("a ZIP", b"PK\x03\x04" + b"\x00" * 40, "not_an_image"),
        ("empty", b"", "not_an_image"),
    ],
)  # fmt: skip
def test_type_is_checked_from_content_not_name(name, raw, reason):
    assert rejected(raw) == reason, name


def test_rejection_says_why_and_is_a_value_error():
    with pytest.raises(ValueError, match="not_an_image") as info:
        clean_photo(b"hello")
    assert isinstance(info.value, PhotoRejected) and info.value.reason == "not_an_image"
    with pytest.raises(ValueError, match="unknown"):
        PhotoRejected("nope")  # type: ignore[arg-type]


def test_broken_jpeg_is_refused_not_crashed():
    whole = encode(Image.effect_noise((300, 200), 64).convert("RGB"), quality=90)
    assert rejected(whole[: len(whole) // 2]) == "broken"
    assert rejected(whole[:20]) == "broken"  # only the first header bytes
    assert rejected(b"\xff\xd8\xff" + b"\x00" * 100) == "broken"  # JPEG start, then junk
    png = encode(Image.effect_noise((300, 200), 64), "PNG")
    assert rejected(png[: len(png) // 2]) == "broken"
    webp = encode(Image.effect_noise((300, 200), 64).convert("RGB"), "WEBP")
    assert rejected(webp[: len(webp) // 2]) == "broken"


@pytest.mark.parametrize("warning_filter", ["error", "ignore"])
@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20000, 20000),  # 400 MP: Pillow itself raises DecompressionBombError
        (10000, 10000),  # 100 MP: Pillow only warns; our own limit refuses
        (8000, 6000),  # 48 MP: under Pillow's limits, over ours
        (65535, 1000),
    ],
)
def test_decompression_bomb_is_refused(width, height, warning_filter):
    raw = png_declaring(width, height)
    assert len(raw) < 100
    assert struct.unpack(">II", raw[16:24]) == (width, height)
    with warnings.catch_warnings():
        warnings.simplefilter(warning_filter)
        assert rejected(raw) == "too_many_pixels"


def test_a_real_small_file_with_huge_pixels_is_refused_before_decoding(monkeypatch):
    raw = real_png_bomb(8000, 6000)  # 48 MP of valid pixel data in a few KB
    assert len(raw) < 100_000
    assert Image.open(io.BytesIO(raw)).size == (8000, 6000)

    def no_decoding(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(photos.ImageFile.ImageFile, "load", no_decoding)
    assert rejected(raw) == "too_many_pixels"


def test_pixel_limit_can_be_set():
    raw = encode(Image.new("RGB", (100, 100)))
    assert rejected(raw, max_pixels=9_999) == "too_many_pixels"
    assert clean_photo(raw, max_pixels=10_000).width == 100


def test_transparent_png_gets_a_white_background():
    img = Image.new("RGBA", (100, 50), (0, 0, 0, 0))  # transparent *black*
    img.paste((0, 0, 255, 255), (50, 0, 100, 50))  # right half opaque blue
    out = opened(clean_photo(encode(img, "PNG")))
    assert out.mode == "RGB"
    assert close_to(out.getpixel((10, 25)), WHITE, tolerance=5)
    assert close_to(out.getpixel((90, 25)), BLUE, tolerance=10)

    half = Image.new("RGBA", (20, 20), (0, 0, 0, 128))  # half-transparent black
    assert close_to(opened(clean_photo(encode(half, "PNG"))).getpixel((10, 10)), (127,) * 3, 6)

    palette = Image.new("P", (20, 20), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.paste(1, (10, 0, 20, 20))
    out = opened(clean_photo(encode(palette, "PNG", transparency=0)))
    assert close_to(out.getpixel((5, 10)), WHITE, tolerance=5)
    assert close_to(out.getpixel((15, 10)), RED)

    webp = opened(clean_photo(encode(Image.new("RGBA", (20, 20), (0, 0, 0, 0)), "WEBP")))
    assert close_to(webp.getpixel((10, 10)), WHITE, tolerance=5)


def test_oversized_file_is_refused_before_decoding(monkeypatch):
    def no_opening(*args, **kwargs):
        raise AssertionError("the file was handed to Pillow")

    monkeypatch.setattr(photos.Image, "open", no_opening)
    raw = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)
    assert rejected(raw) == "too_large_file"
    assert rejected(b"\xff\xd8\xff" + b"\x00" * 2000, max_file_bytes=1000) == "too_large_file"


def test_cleaning_twice_changes_nothing_more():
    once = clean_photo(phone_photo(), max_side=320)
    twice = clean_photo(once.data, max_side=320)
    assert (once.width, once.height) == (twice.width, twice.height) == (320, 240)
    assert len(opened(twice).getexif()) == 0


def test_bytearray_and_memoryview_are_accepted_but_not_str():
    raw = encode(Image.new("RGB", (10, 10)))
    assert clean_photo(bytearray(raw)).width == 10
    assert clean_photo(memoryview(raw)).width == 10
    with pytest.raises(TypeError):
        clean_photo(raw.decode("latin-1"))  # type: ignore[arg-type]
