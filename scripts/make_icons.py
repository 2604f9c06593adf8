"""Draw the app's icons with Pillow: `python scripts/make_icons.py` writes familjeapp/static/icons/.

Two looks, both drawn here from plain shapes (no picture set, so no licence beyond the app's own):
- "plan": a white house with a green heart on the app's green (the button colour of app.css);
- "neutral": a plain notepad on grey, for a person who chose the neutral name ("Anteckningar"),
  so that the phone's home screen does not say what the app is.
Each in 192 and 512 px (purpose "any"), 512 px maskable (the drawing kept inside the middle 80 %,
the background to the edges) and 180 px for iOS's home screen (apple-touch-icon).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "familjeapp" / "static" / "icons"
GREEN = "#1a5e3a"
PAPER = "#fffdf9"
GREY = "#5f6b76"
SCALE = 4  # drawn large, then made smaller: smooth edges


def house(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    roof_bottom = top + 0.45 * h
    draw.polygon([(left, roof_bottom), (left + w / 2, top), (right, roof_bottom)], fill=PAPER)
    draw.rectangle([left + 0.14 * w, roof_bottom - 1, right - 0.14 * w, bottom], fill=PAPER)
    # A heart in the middle of the house: two circles and a point.
    cx, cy, r = left + w / 2, top + 0.62 * h, 0.11 * w
    draw.ellipse([cx - 2 * r, cy - r, cx, cy + r], fill=GREEN)
    draw.ellipse([cx, cy - r, cx + 2 * r, cy + r], fill=GREEN)
    point = [
        (cx - 1.93 * r, cy + 0.35 * r),
        (cx, cy),
        (cx + 1.93 * r, cy + 0.35 * r),
        (cx, cy + 2.3 * r),
    ]
    draw.polygon(point, fill=GREEN)


def notepad(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    pad_left, pad_right = left + 0.12 * w, right - 0.12 * w
    draw.rounded_rectangle([pad_left, top, pad_right, bottom], radius=0.06 * w, fill=PAPER)
    for i in range(5):
        y = top + (0.25 + 0.15 * i) * h
        draw.rectangle([pad_left + 0.1 * w, y, pad_right - 0.1 * w, y + 0.035 * h], fill=GREY)


def icon(size: int, look: str, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGB", (big, big), GREEN if look == "plan" else GREY)
    draw = ImageDraw.Draw(image)
    # Maskable: the drawing stays well inside the safe zone (a circle of 80 % of the width).
    margin = big * (0.27 if maskable else 0.17)
    box = (margin, margin, big - margin, big - margin)
    (house if look == "plan" else notepad)(draw, box)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for look in ("plan", "neutral"):
        for size in (192, 512):
            icon(size, look, maskable=False).save(OUT / f"{look}-{size}.png", optimize=True)
        icon(512, look, maskable=True).save(OUT / f"{look}-maskable-512.png", optimize=True)
        icon(180, look, maskable=False).save(OUT / f"{look}-apple-180.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
