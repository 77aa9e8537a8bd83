"""Pure image functions: decode, orient, colour-convert, resize, encode.

Nothing here knows about galleries, caches or config files (Sigal's lesson):
each function takes pixels and plain values and returns pixels or bytes, so it
can be tested and benchmarked on its own.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from PIL import Image, ImageCms

# Orientation -> the transposes that undo it (EXIF 2.32, tag 0x0112).
_ORIENT = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}

_SRGB = ImageCms.createProfile("sRGB")


def _stable_profile(data: bytes) -> bytes:
    """LittleCMS stamps today's date (and an ID hashed over it) into new profiles; zero both so
    the same photo gives the same bytes on every day (ID zero means "not computed", which is valid)."""
    return data[:24] + bytes(12) + data[36:84] + bytes(16) + data[100:]


_SRGB_BYTES = _stable_profile(ImageCms.ImageCmsProfile(_SRGB).tobytes())


@dataclass(frozen=True)
class Size:
    width: int
    height: int


def plan_sizes(width: int, height: int, widths: Iterable[int], max_size: int) -> list[Size]:
    """Derivative sizes for a source, largest first.

    The largest is the source scaled so its long edge fits ``max_size`` (never
    upscaled); every configured width below it is added. Heights keep the aspect
    ratio, rounded, and never drop below 1.
    """
    scale = min(1.0, max_size / max(width, height))
    top_w = max(1, round(width * scale))
    sizes = {top_w}
    sizes.update(w for w in widths if w < top_w)
    return [Size(w, max(1, round(height * w / width))) for w in sorted(sizes, reverse=True)]


def draft_box(size: Size, orientation: int) -> tuple[int, int]:
    """The draft request in the file's stored orientation (before rotation)."""
    return (size.height, size.width) if orientation in (5, 6, 7, 8) else (size.width, size.height)


def apply_orientation(image: Image.Image, orientation: int) -> Image.Image:
    """Rotate/flip pixels to match EXIF orientation; invalid values (0, 9, text) are ignored."""
    for op in _ORIENT.get(orientation, []):
        image = image.transpose(op)
    return image


def _scale_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float greyscale to 8-bit by scaling, not clipping (Pillow's convert clips)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        image = image.convert("I")
        return image.point(lambda v: v / 257).convert("L")
    if image.mode == "I":
        _lo, hi = cast(tuple[float, float], image.getextrema())  # one band: (min, max)
        if hi > 255:
            return image.point(lambda v: v / 257).convert("L")
        return image.convert("L")
    if image.mode == "F":
        _lo, hi = cast(tuple[float, float], image.getextrema())
        scale = 255.0 if hi <= 1.0 else 1.0
        return image.point(lambda v: v * scale).convert("L")
    return image


def to_display(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Any decoded photo -> 8-bit sRGB ("RGB"/"RGBA") or greyscale ("L"/"LA").

    Colour-managed sources (Adobe RGB, Display P3, ProPhoto, CMYK with a
    profile) are converted to sRGB here, and the published files carry a small
    sRGB profile: untagged wide-gamut pixels would look dull in every browser.
    """
    image = _scale_to_8bit(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode == "PA":
        image = image.convert("RGBA")
    elif image.mode in ("1",):
        image = image.convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")

    # Greyscale profiles only shift tone slightly: greyscale pixels are kept as they are.
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        except (OSError, ImageCms.PyCMSError):
            source = None  # a broken embedded profile: treat the pixels as sRGB, as browsers do
        if source is not None and not _is_srgb(source):
            alpha = image.getchannel("A") if image.mode == "RGBA" else None
            base = image.convert("RGB") if alpha is not None else image
            try:
                converted = ImageCms.profileToProfile(
                    base, source, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
                )
            except ImageCms.PyCMSError:
                converted = None
            if converted is not None:
                image = converted
                if alpha is not None:
                    image.putalpha(alpha)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    try:
        description = ImageCms.getProfileDescription(profile) or ""
    except ImageCms.PyCMSError:
        return False
    return "srgb" in description.lower().replace(" ", "")


def resize(image: Image.Image, size: Size) -> Image.Image:
    """Lanczos downscale; ``reducing_gap`` lets Pillow box-reduce first when the step is large."""
    if image.size == (size.width, size.height):
        return image
    return image.resize((size.width, size.height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def shrink(image: Image.Image, size: Size, strip_pixels: int = 1 << 22, gap: float = 3.0) -> Image.Image:
    """:func:`resize`, without a full-size copy of a transparent source.

    For RGBA/LA, Pillow premultiplies alpha into a complete copy before its
    reducing first step: a 196 MP RGBA PNG then needs 784 MB more on top of its
    784 MB of decoded pixels. Here the same premultiply-and-box-reduce runs in
    strips of rows, so only the reduced image is new; the result is the same
    pixels Pillow's own ``resize(..., reducing_gap=gap)`` gives (``gap`` 3.0 is
    what :func:`resize` uses; a smaller gap reduces more before the Lanczos step).
    """
    premultiplied = {"RGBA": "RGBa", "LA": "La"}.get(image.mode)
    width, height = image.size
    fx = int(width / size.width / gap) or 1
    fy = int(height / size.height / gap) or 1
    if premultiplied is None or (fx == 1 and fy == 1):
        if image.size == (size.width, size.height):
            return image
        return image.resize((size.width, size.height), Image.Resampling.LANCZOS, reducing_gap=gap)
    reduced = Image.new(premultiplied, (-(-width // fx), -(-height // fy)))
    rows = fy * max(1, strip_pixels // (width * fy))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows))).convert(premultiplied)
        reduced.paste(strip.reduce((fx, fy)), (0, top // fy))
    box = (0.0, 0.0, width / fx, height / fy)
    return reduced.resize((size.width, size.height), Image.Resampling.LANCZOS, box=box).convert(image.mode)


def flatten(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """Alpha onto a solid background, for JPEG which has no transparency."""
    if image.mode not in ("RGBA", "LA"):
        return image
    base = Image.new("RGB", image.size, background)
    base.paste(image.convert("RGBA"), mask=image.getchannel("A"))
    return base


@dataclass(frozen=True)
class EncodeOptions:
    quality: int
    exif: bytes | None = None
    xmp: bytes | None = None


def encode(image: Image.Image, fmt: str, options: EncodeOptions) -> bytes:
    """Encode to ``fmt`` ("jpeg", "webp", "avif") with only the metadata passed in.

    Pillow writes EXIF/XMP only when given explicitly, so nothing from the
    source (GPS, serial numbers) can leak through here.
    """
    buffer = io.BytesIO()
    extra: dict[str, object] = {"icc_profile": _SRGB_BYTES if image.mode in ("RGB", "RGBA") else None}
    if options.exif:
        extra["exif"] = options.exif
    if options.xmp:
        extra["xmp"] = options.xmp
    extra = {k: v for k, v in extra.items() if v is not None}
    if fmt == "jpeg":
        image = flatten(image)
        if image.mode == "LA":
            image = image.convert("L")
        # progressive + optimized Huffman tables: ~5% smaller and shows early on slow links.
        image.save(buffer, "JPEG", quality=options.quality, optimize=True, progressive=True, **extra)
    elif fmt == "webp":
        # method 4 is libwebp's default speed/size balance; 6 is ~2x slower for ~2% less.
        image.save(buffer, "WEBP", quality=options.quality, method=4, **extra)
    elif fmt == "avif":
        image.save(buffer, "AVIF", quality=options.quality, speed=8, **extra)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buffer.getvalue()


def dominant_colour(image: Image.Image) -> str:
    """Average colour as #rrggbb, shown behind the photo while it loads."""
    small = flatten(image).convert("RGB").resize((1, 1), Image.Resampling.BOX)
    r, g, b = small.getpixel((0, 0))  # type: ignore[misc]
    return f"#{r:02x}{g:02x}{b:02x}"


def lqip(image: Image.Image, width: int = 16) -> bytes:
    """A tiny blurred-up preview (a few hundred bytes of WebP) for inline placeholders."""
    height = max(1, round(image.height * width / image.width))
    tiny = flatten(image).convert("RGB").resize((width, height), Image.Resampling.BOX)
    buffer = io.BytesIO()
    tiny.save(buffer, "WEBP", quality=40, method=6)
    return buffer.getvalue()
