"""Suspected copies of a published photo, made the ways copies are made (shared by the tests and the benchmark)."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageEnhance, ImageOps


def _encoded(image: Image.Image, fmt: str, **options: object) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _width(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, max(1, round(width * image.height / image.width))), Image.Resampling.LANCZOS)


def _crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop((round(w * left), round(h * top), round(w * right), round(h * bottom)))


# name -> (transformation, whether find-copies must call it the same photo or at least "probably")
FOUND_SAME: dict[str, Callable[[Image.Image], Image.Image]] = {
    "resized to 480 px": lambda im: _width(im, 480),
    "re-encoded JPEG q40": lambda im: _encoded(im.convert("RGB"), "JPEG", quality=40),
    "PNG": lambda im: _encoded(im, "PNG"),
    "WebP q50 at 800 px": lambda im: _encoded(_width(im, 800), "WEBP", quality=50),
    "mirrored": lambda im: ImageOps.mirror(im),
    "greyscale": lambda im: ImageOps.grayscale(im),
    "brightened 20 %": lambda im: ImageEnhance.Brightness(im).enhance(1.2),
}
FOUND_PROBABLY: dict[str, Callable[[Image.Image], Image.Image]] = {
    "cropped 5 %": lambda im: _crop(im, 0.025, 0.025, 0.975, 0.975),
}
# Reported by the benchmark, not promised: what the codes are known to miss or only sometimes find.
HARDER: dict[str, Callable[[Image.Image], Image.Image]] = {
    "watermark corner cropped off (12 %)": lambda im: _crop(im, 0, 0, 0.88, 0.88),
    "bottom 10 % cropped": lambda im: _crop(im, 0, 0, 1, 0.9),
    "cropped 15 %": lambda im: _crop(im, 0.075, 0.075, 0.925, 0.925),
    "rotated 3 degrees": lambda im: im.rotate(3, Image.Resampling.BICUBIC, expand=False),
    "contrast +40 %": lambda im: ImageEnhance.Contrast(im).enhance(1.4),
}


def unrelated(count: int, size: tuple[int, int] = (600, 400)) -> list[Image.Image]:
    """Pictures that are no one's photo: gradients and blocks in varied layouts."""
    out = []
    for seed in range(count):
        image = Image.linear_gradient("L").resize(size).rotate(seed * 37 % 360)
        colour = Image.merge("RGB", (image, image.point(lambda v, s=seed: (v + s * 40) % 256), image))
        x, y = (seed * 53) % (size[0] // 2), (seed * 29) % (size[1] // 2)
        colour.paste(
            ((seed * 70) % 256, (seed * 30) % 256, (seed * 110) % 256), (x, y, x + size[0] // 3, y + size[1] // 3)
        )
        out.append(colour)
    return out
