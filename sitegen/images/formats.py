"""Which files are photos, and opening them with one clear error per bad file.

Kept apart from the pipeline so the content reader, the probe and the workers
agree on what counts as a photo and word their errors the same way.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".avif", ".heic", ".heif"})
HEIF_EXTENSIONS = frozenset({".heic", ".heif"})

# Not photos, but expected in a content folder: never warned about.
QUIET_EXTENSIONS = frozenset({".md", ".markdown", ".txt", ".xmp", ".ini", ".json", ".toml"})

_heif_state: bool | None = None
_UNLIMITED = threading.Lock()  # guards the moment Pillow's global pixel limit is lifted


class ImageReadError(Exception):
    """A source file that cannot be published; the message is the reason, without the path."""


def is_photo(path: Path) -> bool:
    return path.suffix.lower() in PHOTO_EXTENSIONS


def heif_available() -> bool:
    """Register pillow-heif once if it is installed (the optional ``sitegen[heic]`` extra)."""
    global _heif_state
    if _heif_state is None:
        try:
            from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
        except ImportError:
            _heif_state = False
        else:
            register_heif_opener()
            _heif_state = True
    return _heif_state


def set_pixel_limit(max_pixels: int) -> None:
    """Refuse decompression bombs above ``max_pixels`` (Pillow itself only refuses at twice its limit)."""
    Image.MAX_IMAGE_PIXELS = max_pixels


def open_image(path: Path) -> Image.Image:
    """Open ``path`` lazily (header only) or raise :class:`ImageReadError` with a plain reason."""
    suffix = path.suffix.lower()
    if suffix in HEIF_EXTENSIONS and not heif_available():
        raise ImageReadError("HEIC/HEIF photos need the heic extra: pip install -e '.[heic]' in the sitegen checkout")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageReadError(f"cannot read file ({exc.strerror})") from None
    if size == 0:
        raise ImageReadError("file is empty (0 bytes)")
    try:
        # The pixel limit is checked below from the header, with the real size in the message;
        # Pillow's own check would only say "exceeds limit", or wait until twice the limit.
        with _UNLIMITED, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                image = Image.open(path)
            finally:
                Image.MAX_IMAGE_PIXELS = limit
    except UnidentifiedImageError:
        raise ImageReadError(f"not a readable image (the {suffix} name does not match the contents)") from None
    except PermissionError:
        raise ImageReadError("permission denied") from None
    except OSError as exc:
        raise ImageReadError(f"cannot read image ({exc})") from None
    w, h = image.size
    if limit and w * h > limit:
        image.close()
        raise ImageReadError(
            f"image is {w}x{h} = {w * h:,} pixels, above the limit of {limit:,} "
            "(raise [images] max_pixels if it is genuine)"
        )
    return image
