"""Which files are photos, and opening them with one clear error per bad file.

Kept apart from the pipeline so the content reader, the probe, the workers and
the watermark-logo check agree on what counts as a photo and word their errors
the same way: :func:`reading` is the one place that decides whether a failure
is the file's (a warning, the photo is skipped) or the machine's (the build
stops).
"""

from __future__ import annotations

import contextlib
import io
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import EnvironmentFailure, SitegenError, environment_failure, is_environment_error

PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".avif", ".heic", ".heif"})
HEIF_EXTENSIONS = frozenset({".heic", ".heif"})

# Not photos, but expected in a content folder: never warned about.
QUIET_EXTENSIONS = frozenset({".md", ".markdown", ".txt", ".xmp", ".ini", ".json", ".toml"})

_heif_state: bool | None = None
_UNLIMITED = threading.Lock()  # guards the moment Pillow's global pixel limit is lifted


class ImageReadError(Exception):
    """A source file that cannot be published; the message is the reason, without the path."""


def read_failure(path: Path, exc: OSError) -> Exception:
    """An OSError met while reading a source: the machine's (stop the build) or the file's (skip it).

    Permission denied on a source counts as the machine's: the file is fine, and
    skipping it would silently publish a site without it (a ``chmod`` fixes it).
    """
    if is_environment_error(exc):
        return environment_failure(exc, doing="read", path=path)
    return ImageReadError(f"cannot read file ({exc.strerror or exc})")


def write_failure(path: Path | str, exc: OSError) -> EnvironmentFailure:
    """Any failure to write the cache is the machine's: no input file can cause it."""
    return environment_failure(exc, doing="write", path=path)


# Leading bytes of each format sitegen publishes from, to tell "damaged" from "misnamed".
_SIGNATURES: tuple[tuple[str, int, tuple[bytes, ...]], ...] = (
    ("JPEG", 0, (b"\xff\xd8\xff",)),
    ("PNG", 0, (b"\x89PNG\r\n\x1a\n",)),
    ("TIFF", 0, (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")),
    ("GIF", 0, (b"GIF87a", b"GIF89a")),
)
_EXPECTED = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP", ".tif": "TIFF", ".tiff": "TIFF",
    ".avif": "AVIF", ".heic": "HEIC", ".heif": "HEIC",
}  # fmt: skip


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a file announce, or None."""
    for name, offset, magics in _SIGNATURES:
        if any(head.startswith(m, offset) for m in magics):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp":
        brands = head[8:12] + head[16:32]
        if b"avif" in brands or b"avis" in brands:
            return "AVIF"
        if any(b in brands for b in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")):
            return "HEIC"
    return None


def _unidentified(path: Path) -> str:
    """Why Pillow could not identify ``path``: a damaged file of the right kind, or a misnamed one."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as fh:
            found = sniff(fh.read(32))
    except OSError as exc:
        if is_environment_error(exc):
            raise environment_failure(exc, doing="read", path=path) from None
        found = None
    expected = _EXPECTED.get(suffix)
    if found is not None and found == expected:
        return f"damaged {found} file: it starts like one but cannot be decoded (truncated or corrupt)"
    if found is not None:
        return f"the {suffix} name does not match the contents (it starts like a {found} file) and it cannot be read"
    return f"not a readable image (the {suffix} file is damaged or not an image)"


def _reason(exc: Exception) -> str:
    """One plain sentence for whatever Pillow (or a plugin) raised while decoding one file."""
    if isinstance(exc, Image.DecompressionBombError):
        return f"{exc} (raise [images] max_pixels if it is genuine)"
    if isinstance(exc, MemoryError):
        return "not enough memory to decode this image"
    detail = str(exc) or exc.__class__.__name__
    if not isinstance(exc, OSError):
        detail = f"{exc.__class__.__name__}: {detail}"
    return f"cannot decode image ({detail}); the file may be truncated or corrupt"


def _notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """What the decoder warned about, as one line (a damaged TIFF can warn about every tag)."""
    texts = list(dict.fromkeys(" ".join(str(w.message).split()) or w.category.__name__ for w in caught))
    if not texts:
        return []
    shown = "; ".join(texts[:3]) + (f"; and {len(texts) - 3} more" if len(texts) > 3 else "")
    return [f"damaged data in the file was ignored ({shown})"]


# catch_warnings swaps process-wide state: one file at a time (the work under it is header
# parsing or one decode; prefetch threads hash their files outside of it).
_CAPTURE = threading.RLock()


@contextlib.contextmanager
def reading(path: Path) -> Iterator[list[str]]:
    """Decode-side work on one file, with every failure turned into that file's verdict.

    Pillow and its plugins raise nearly anything on hostile input (``ValueError``
    for an oversized PNG text chunk, ``SyntaxError``, ``struct.error``,
    ``EOFError``, ``IndexError``, ``DecompressionBombError``, ``MemoryError``,
    bare ``OSError``...). All of them become :class:`ImageReadError` (skip the
    photo, one line), except errors of the environment, which become
    :class:`EnvironmentFailure` (stop the build). Library warnings (Pillow's
    "Corrupt EXIF data") are collected into the yielded list, one line each, so
    the caller can report them against the photo instead of Python printing
    them with Pillow's source path.
    """
    notes: list[str] = []
    with _CAPTURE, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked by open_image
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            yield notes
        except (ImageReadError, SitegenError):
            raise
        except OSError as exc:
            if is_environment_error(exc):
                raise environment_failure(exc, doing="read", path=path) from None
            raise ImageReadError(_reason(exc)) from None
        except Exception as exc:  # MemoryError and RecursionError included: one file's problem
            raise ImageReadError(_reason(exc)) from None
        finally:
            notes.extend(_notes(caught))


def is_photo(path: Path) -> bool:
    return path.suffix.lower() in PHOTO_EXTENSIONS


def heif_available() -> bool:
    """Register pillow-heif once if it is installed (the optional ``sitegen[heic]`` extra)."""
    global _heif_state
    if _heif_state is None:
        try:
            from pillow_heif import register_heif_opener  # optional: the [heic] extra
        except ImportError:
            _heif_state = False
        else:
            register_heif_opener()
            _heif_state = True
    return _heif_state


def set_pixel_limit(max_pixels: int) -> None:
    """Refuse decompression bombs above ``max_pixels`` (Pillow itself only refuses at twice its limit)."""
    Image.MAX_IMAGE_PIXELS = max_pixels


def open_image(path: Path, data: bytes | None = None) -> Image.Image:
    """Open ``path`` lazily (header only) or raise :class:`ImageReadError` with a plain reason.

    ``data``: the file's bytes, already read (and hashed) by the caller, to decode exactly those.
    """
    suffix = path.suffix.lower()
    if suffix in HEIF_EXTENSIONS and not heif_available():
        raise ImageReadError("HEIC/HEIF photos need the heic extra: pip install -e '.[heic]' in the sitegen checkout")
    try:
        size = path.stat().st_size if data is None else len(data)
    except OSError as exc:
        raise read_failure(path, exc) from None
    if size == 0:
        raise ImageReadError("file is empty (0 bytes)")
    try:
        # The pixel limit is checked below from the header, with the real size in the message;
        # Pillow's own check would only say "exceeds limit", or wait until twice the limit.
        with _UNLIMITED, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                image = Image.open(path if data is None else io.BytesIO(data))
            finally:
                Image.MAX_IMAGE_PIXELS = limit
    except UnidentifiedImageError:
        raise ImageReadError(_unidentified(path)) from None
    except OSError as exc:
        if is_environment_error(exc):
            raise environment_failure(exc, doing="read", path=path) from None
        raise ImageReadError(f"cannot read image ({exc})") from None
    w, h = image.size
    if limit and w * h > limit:
        image.close()
        raise ImageReadError(
            f"image is {w}x{h} = {w * h:,} pixels, above the limit of {limit:,} "
            "(raise [images] max_pixels if it is genuine)"
        )
    return image
