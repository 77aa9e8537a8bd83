"""Visible watermarks: a pure function from pixels and a spec to marked pixels.

Sizes are fractions of the photo's shorter side, so the mark looks the same on
a 1200 px and a 2048 px derivative of the same photo. Lettering is light or
dark depending on the pixels under it, always with a contrasting outline, so it
stays readable on snow and on a night sky alike.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PIL import Image, ImageDraw, ImageFile, ImageFont, ImageStat

from .formats import ImageReadError
from .process import Size, shrink

T = TypeVar("T")

# A logo is drawn at most a fraction of a derivative's shorter side (which max_size bounds):
# a larger one is reduced once when loaded, never again per photo.
LOGO_MAX_SIDE = 2048


@dataclass(frozen=True)
class WatermarkSpec:
    """Everything that decides how a mark looks; plain values so jobs pickle and hash."""

    text: str  # placeholders already filled in
    font: str | None  # font file path; None = Pillow's built-in scalable font
    logo: str | None  # logo image path
    position: str
    size: float
    margin: float
    opacity: float
    style: str  # "auto", "light" or "dark"


LIGHT = ((255, 255, 255), (0, 0, 0))  # fill, outline
DARK = ((24, 24, 24), (255, 255, 255))


class ByContent(Generic[T]):
    """A small LRU keyed on a file's content digest, never on its path.

    A path-keyed cache gave the old logo's pixels after logo.png was replaced
    in place (``sitegen serve``, or one worker doing several builds), and those
    stale pixels were then cached under the new logo's key for every later
    build. Reading and hashing a logo or font per use costs well under a
    millisecond; decoding it again would not.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[object, ...], T] = OrderedDict()

    def get(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = make()
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


def content(path: str | Path, expected: tuple[str, ...] | None = None) -> tuple[str, bytes]:
    """A file's bytes and their digest (the same blake2b-128 the job keys use).

    With ``expected``, bytes of any other digest are refused: a font or logo replaced after a
    job was planned (and keyed) must not be drawn into files cached under the old one's key.
    """
    data = Path(path).read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if expected is not None and digest not in expected:
        raise ImageReadError(f"the watermark file {path} changed while this build ran; build again")
    return digest, data


_FONTS: ByContent[ImageFont.FreeTypeFont] = ByContent(32)
_LOGOS: ByContent[Image.Image] = ByContent(8)


@functools.lru_cache(maxsize=32)
def _default_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's built-in font: no file, so its size is all that decides it."""
    return ImageFont.load_default(size=size)


def _font(
    path: str | None, size: int, expected: tuple[str, ...] | None = None
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if not path:
        return _default_font(size)
    digest, data = content(path, expected)
    return _FONTS.get((digest, size), lambda: ImageFont.truetype(io.BytesIO(data), size=size))


def load_logo(data: bytes, max_side: int = LOGO_MAX_SIDE) -> Image.Image:
    """Decode a logo once, reduced to ``max_side`` (JPEG logos decode reduced already)."""
    logo: Image.Image = Image.open(io.BytesIO(data))
    if isinstance(logo, ImageFile.ImageFile) and logo.format == "JPEG":
        logo.draft("RGB", (max_side, max_side))
    logo.load()
    if logo.mode != "RGBA":
        logo = logo.convert("RGBA")  # reassigned: the decoded original is freed
    if max(logo.size) > max_side:
        scale = max_side / max(logo.size)
        size = Size(max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
        # Integer reduction in strips first (gap 1): no full-size premultiplied copy of a huge logo.
        logo = shrink(logo, size, gap=1.0)
    return logo


def _logo(path: str, expected: tuple[str, ...] | None = None) -> Image.Image:
    digest, data = content(path, expected)
    return _LOGOS.get((digest,), lambda: load_logo(data))


def _palette(image: Image.Image, box: tuple[int, int, int, int], style: str) -> tuple[tuple, tuple]:
    """Light lettering on dark pixels, dark on light; ``style`` can force either."""
    if style == "light":
        return LIGHT
    if style == "dark":
        return DARK
    region = image.crop(box).convert("L")
    return DARK if ImageStat.Stat(region).mean[0] > 150 else LIGHT


def _stamp(
    spec: WatermarkSpec, text_height: int, colours: tuple[tuple, tuple], expected: tuple[str, ...] | None
) -> Image.Image:
    """The mark (logo, then text) on a transparent canvas, at full opacity."""
    fill, outline = colours
    stroke = max(1, round(text_height * 0.07))
    parts: list[Image.Image] = []
    if spec.logo:
        logo = _logo(spec.logo, expected)
        logo_height = max(1, round(text_height * 1.6))
        logo_width = max(1, round(logo.width * logo_height / logo.height))
        parts.append(logo.resize((logo_width, logo_height), Image.Resampling.LANCZOS))
    if spec.text:
        font = _font(spec.font, text_height, expected)
        left, top, right, bottom = font.getbbox(spec.text, stroke_width=stroke)
        canvas = Image.new("RGBA", (int(right - left), int(bottom - top)), (0, 0, 0, 0))
        ImageDraw.Draw(canvas).text(
            (-left, -top), spec.text, font=font, fill=(*fill, 255), stroke_width=stroke, stroke_fill=(*outline, 200)
        )
        parts.append(canvas)
    if not parts:
        return Image.new("RGBA", (1, 1), (0, 0, 0, 0))
    gap = round(text_height * 0.4)
    width = sum(p.width for p in parts) + gap * (len(parts) - 1)
    height = max(p.height for p in parts)
    stamp = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    x = 0
    for part in parts:
        stamp.alpha_composite(part, (x, (height - part.height) // 2))
        x += part.width + gap
    return stamp


def _fade(stamp: Image.Image, opacity: float) -> Image.Image:
    alpha = stamp.getchannel("A").point(lambda a: round(a * opacity))
    faded = stamp.copy()
    faded.putalpha(alpha)
    return faded


def _place(position: str, canvas: tuple[int, int], mark: tuple[int, int], margin: int) -> tuple[int, int]:
    w, h = canvas
    mw, mh = mark
    horizontal = {"left": margin, "centre": (w - mw) // 2, "right": w - mw - margin}
    vertical = {"top": margin, "centre": (h - mh) // 2, "bottom": h - mh - margin}
    names = {
        "top-left": ("left", "top"), "top": ("centre", "top"), "top-right": ("right", "top"),
        "left": ("left", "centre"), "centre": ("centre", "centre"), "right": ("right", "centre"),
        "bottom-left": ("left", "bottom"), "bottom": ("centre", "bottom"), "bottom-right": ("right", "bottom"),
    }  # fmt: skip
    hx, vy = names[position]
    return max(0, horizontal[hx]), max(0, vertical[vy])


def _composite(image: Image.Image, stamp: Image.Image, xy: tuple[int, int]) -> None:
    """Blend an RGBA stamp into ``image`` in place, whatever the image's mode."""
    if image.mode in ("RGB", "RGBA"):
        image.paste(stamp.convert("RGB"), xy, stamp.getchannel("A"))
    else:  # greyscale photos get greyscale marks
        image.paste(stamp.convert("L"), xy, stamp.getchannel("A"))


def apply(image: Image.Image, spec: WatermarkSpec, expected: tuple[str, ...] | None = None) -> Image.Image:
    """A marked copy of ``image`` (the input is left untouched for deriving smaller sizes).

    ``expected``: the digests the job was keyed on; a font or logo with other contents
    raises :class:`ImageReadError` (see :func:`content`).
    """
    marked = image.copy()
    short = min(image.size)
    text_height = max(8, round(spec.size * short))
    margin = round(spec.margin * short)
    if spec.position == "tiled":
        colours = _palette(image, (0, 0, image.width, image.height), spec.style)
        stamp = _fade(_stamp(spec, text_height, colours, expected), spec.opacity * 0.5).rotate(
            30, expand=True, resample=Image.Resampling.BICUBIC
        )
        step_x = max(stamp.width + text_height * 4, 1)
        step_y = max(stamp.height + text_height * 3, 1)
        for row, y in enumerate(range(-stamp.height // 2, image.height, step_y)):
            offset = (step_x // 2) * (row % 2)
            for x in range(-stamp.width // 2 + offset, image.width, step_x):
                _composite(marked, stamp, (x, y))
        return marked
    probe = _stamp(spec, text_height, LIGHT, expected)
    x, y = _place(spec.position, image.size, probe.size, margin)
    box = (x, y, min(image.width, x + probe.width), min(image.height, y + probe.height))
    colours = _palette(image, box, spec.style)
    stamp = probe if colours == LIGHT else _stamp(spec, text_height, colours, expected)
    _composite(marked, _fade(stamp, spec.opacity), (x, y))
    return marked
