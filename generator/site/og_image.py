"""The link-preview image: the lifecycle loop drawn as a 1200×630 PNG at build time.

Chat apps and social networks read Open Graph images as PNG or JPEG, never SVG, so the
picture lifecycle_svg.py draws for the start page is drawn again here with Pillow. Only
shapes, colours, phase numbers and Latin words: the one font every machine has alike is
the one Pillow ships (`load_default`), which has no Japanese or Korean glyphs, and a
system font would make the same sources give different bytes on another machine. So one
image serves every language. No timestamp or other metadata goes into the file: the same
sources give the same bytes.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from generator.site.lifecycle_svg import CENTER, INNER, OUTER, outline, stage_colour
from generator.source import model as m

WIDTH, HEIGHT = 1200, 630  # what Open Graph readers and Twitter's large card expect
SCALE = 2  # drawn at twice the size, then reduced: Pillow draws polygons without smoothing
BACKGROUND, INK, MUTED = "#ffffff", "#1a1a2e", "#5f6368"
RING = 290.0  # the loop's radius on the image, in pixels (the SVG's centre is 230)
LEFT = 40.0  # margin left of the loop


def og_image(portal: m.Portal) -> bytes:
    """The PNG: the loop on the left, the product and portal names on the right."""
    big = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(big)
    _loop(draw, portal)
    _names(draw, portal)
    image = big.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)  # no pnginfo: no date, no software name
    return out.getvalue()


def _loop(draw: ImageDraw.ImageDraw, portal: m.Portal) -> None:
    """Each phase's chevron in its stage's colour, its number in white at its middle."""
    scale = RING / CENTER * SCALE
    top = (HEIGHT * SCALE - 2 * CENTER * scale) / 2
    left = LEFT * SCALE

    def at(point: tuple[float, float]) -> tuple[float, float]:
        return left + point[0] * scale, top + point[1] * scale

    # Numbers as large as a segment's width at its middle allows: 46 px up to 12 phases.
    mid = (OUTER + INNER) / 2 * RING / CENTER
    half = min(math.pi / len(portal.phases), math.pi / 2)  # one phase: the whole ring
    font = _font(max(8, int(min(46, 2 * mid * math.sin(half) * 0.55))))
    for number, colour, polygon, middle in outline(portal):
        draw.polygon([at(p) for p in polygon], fill=colour)
        draw.text(at(middle), str(number), fill="#ffffff", font=font, anchor="mm")


def _names(draw: ImageDraw.ImageDraw, portal: m.Portal) -> None:
    """The product's name and the portal's title, where they are in Latin letters (the
    shipped font has no others); a stripe in each stage's colour under them."""
    x, y = (LEFT * 2 + 2 * RING + 50) * SCALE, 210 * SCALE
    room = WIDTH * SCALE - x - 40 * SCALE
    for text, size, colour in _lines(portal):
        shown, font = _fitting(text, size, room)
        draw.text((x, y), shown, fill=colour, font=font, anchor="ls")
        y += int(size * 1.5) * SCALE
    stages = portal.lifecycle.stages
    width = room / max(len(stages), 1)
    for i, stage in enumerate(stages):
        colour = stage_colour(portal, stage.id)
        left = x + i * width
        draw.rectangle((left, y, left + width - 8 * SCALE, y + 14 * SCALE), fill=colour)


def _lines(portal: m.Portal) -> list[tuple[str, int, str]]:
    """What the right side says: text, size in pixels, colour."""
    titles = [t for t in portal.info.title.values() if _latin(t)]
    found = []
    if _latin(portal.info.product):
        found.append((portal.info.product, 64, INK))
    if titles:
        found.append((titles[0], 36, MUTED))
    if _latin(portal.info.vendor) and portal.info.vendor not in portal.info.product:
        found.append((portal.info.vendor, 30, MUTED))
    return found


def _latin(text: str) -> bool:
    """Printable ASCII only: what Pillow's own font draws on every machine."""
    return bool(text.strip()) and text.isascii() and text.isprintable()


def _fitting(
    text: str, size: int, room: float
) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """`text` and the shipped font at `size`, smaller down to two thirds of it until the
    text fits in `room`; a text still too wide is cut at a word, with "..." after it."""
    smallest = size * 2 // 3
    while size > smallest and _font(size).getlength(text) > room:
        size -= 2
    font = _font(size)
    words = text.split()
    while len(words) > 1 and font.getlength(text) > room:
        words.pop()
        text = " ".join(words) + "..."
    while len(text) > 4 and font.getlength(text) > room:  # one long word
        text = text[:-4] + "..."
    return text, font


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own font (Aileron, inside Pillow) at `size` pixels of the large drawing."""
    return ImageFont.load_default(size * SCALE)
