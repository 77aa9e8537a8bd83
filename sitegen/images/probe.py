"""Read what a photo says about itself without decoding its pixels.

The content model needs each photo's size (for layout), date (for sorting) and
any title, caption, alt text and keywords the photographer wrote in Lightroom
or similar (XMP / IPTC). All of that sits in the file header, so a probe costs
a few milliseconds, and it is cached by file size, modification and change time
and inode so a rebuild does not even open unchanged files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import struct
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from PIL import ExifTags, Image, ImageFile, IptcImagePlugin

from ..atomic import write_text_atomic
from ..errors import EnvironmentFailure
from ..untrusted import Untrusted, labels, untrusted
from .formats import ImageReadError, open_image, read_failure, reading, write_failure

# 2: SourceInfo.notes (library warnings about the file, reported against the photo); stamps with ctime and inode
# 3: camera facts as the file has them (make, model, lens, numbers as fractions), worded at render time
# 4: SourceInfo.keyword_paths (lr:hierarchicalSubject); keywords bounded in count and length
PROBE_VERSION = 4
# Keywords a file may give a photo, and their length: IPTC allows 64 bytes a keyword; Lightroom
# catalogues hold long ones (and whole hierarchies written out), but never hundreds on one photo.
MAX_KEYWORDS = 100
KEYWORD_LENGTH = 100
KEYWORD_PATH_LENGTH = 400  # "Places|Europe|Iceland|Snæfellsnes" (lr:hierarchicalSubject)
# Coarsest file-system time a stamp may be read from: FAT keeps modification times to 2 seconds.
RACY_NS = 3_000_000_000

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
}


@dataclass(frozen=True)
class SourceInfo:
    """Facts about one source file; everything here is JSON-serialisable for the cache."""

    width: int  # as displayed, after EXIF orientation
    height: int
    format: str
    mode: str
    content_hash: str
    orientation: int = 1
    frames: int = 1
    taken: str | None = None  # ISO 8601, from EXIF DateTimeOriginal
    # Text the file says about itself is Untrusted (plain text, escaped wherever it is shown),
    # however the SourceInfo was made: by probe() or from the JSON cache.
    title: Untrusted | None = None
    caption: Untrusted | None = None
    alt: Untrusted | None = None
    keywords: list[Untrusted] = field(default_factory=list)  # flat: XMP dc:subject, else IPTC 2:25
    keyword_paths: list[Untrusted] = field(default_factory=list)  # "People|Family|Kids" (lr:hierarchicalSubject)
    creator: Untrusted | None = None
    camera: dict[str, Untrusted] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the decoder warned about, one line each

    def __post_init__(self) -> None:
        for name in ("title", "caption", "alt", "creator"):
            object.__setattr__(self, name, untrusted(getattr(self, name)))
        object.__setattr__(self, "keywords", labels(self.keywords, most=MAX_KEYWORDS, longest=KEYWORD_LENGTH))
        paths = labels(self.keyword_paths, most=MAX_KEYWORDS, longest=KEYWORD_PATH_LENGTH)
        object.__setattr__(self, "keyword_paths", paths)
        camera = {str(k): untrusted(v) for k, v in self.camera.items()}
        object.__setattr__(self, "camera", {k: v for k, v in camera.items() if v})

    @property
    def taken_at(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.taken) if self.taken else None

    @classmethod
    def from_json(cls, data: Any) -> SourceInfo:
        """A cached probe; ``ValueError`` for anything :func:`probe` could not have produced.

        A damaged cache file must cost a probe, not a crash in the layout or a wrong size.
        """
        if not isinstance(data, dict) or set(data) != _INFO_FIELDS:
            raise ValueError("not the fields of a probe")
        if not all(type(data[k]) is int and data[k] > 0 for k in ("width", "height", "orientation", "frames")):
            raise ValueError("sizes, orientation and frames are positive integers")
        if not all(isinstance(data[k], str) for k in ("format", "mode", "content_hash")):
            raise ValueError("format, mode and content hash are strings")
        if not all(
            data[k] is None or isinstance(data[k], str) for k in ("taken", "title", "caption", "alt", "creator")
        ):
            raise ValueError("date and texts are strings or null")
        if not all(
            isinstance(data[k], list) and all(isinstance(v, str) for v in data[k])
            for k in ("keywords", "keyword_paths", "notes")
        ):
            raise ValueError("keywords and notes are lists of strings")
        if not isinstance(data["camera"], dict) or not all(isinstance(v, str) for v in data["camera"].values()):
            raise ValueError("camera fields are strings")
        if data["taken"] is not None:
            dt.datetime.fromisoformat(data["taken"])  # ValueError when it is not a date
        return cls(**data)


_INFO_FIELDS = {f.name for f in dataclasses.fields(SourceInfo)}


def file_hash(path: Path) -> str:
    """Content hash of a source: derivatives are keyed on it, so a touched-but-unchanged file costs nothing."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def _text(value: Any) -> str | None:
    """Text from EXIF/IPTC, which are nominally ASCII/Latin-1 but written as UTF-8 by most tools."""
    if value is None:
        return None
    if isinstance(value, str):
        with contextlib.suppress(UnicodeEncodeError):
            value = value.encode("latin-1")
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    text = str(value).replace("\x00", "").strip()
    return text or None


def _xmp_values(root: ET.Element, prefix: str, name: str) -> list[str]:
    """Values of one XMP property, whether written as an attribute or as an rdf:Alt/Bag/Seq."""
    tag = f"{{{NS[prefix]}}}{name}"
    values: list[str] = []
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in desc.attrib:
            values.append(desc.attrib[tag])
        for prop in desc.findall(tag):
            items = prop.findall(".//rdf:li", NS)
            if not items:
                if prop.text and prop.text.strip():
                    values.append(prop.text)
                continue
            default = [li for li in items if li.get(f"{{{NS['xml']}}}lang") == "x-default"]
            for li in default or items:
                if li.text and li.text.strip():
                    values.append(li.text)
    return [v.strip() for v in values if v.strip()]


def _parse_xmp(data: bytes | str | None) -> dict[str, Any]:
    if not data:
        return {}
    if isinstance(data, str):
        data = data.encode("utf-8")
    start, end = data.find(b"<x:xmpmeta"), data.rfind(b"</x:xmpmeta>")
    if start == -1 or end == -1:
        start, end = data.find(b"<rdf:RDF"), data.rfind(b"</rdf:RDF>")
        if start == -1 or end == -1:
            return {}
        end += len(b"</rdf:RDF>")
    else:
        end += len(b"</x:xmpmeta>")
    try:
        root = ET.fromstring(data[start:end])
    except ET.ParseError:
        return {}
    first = lambda prefix, name: next(iter(_xmp_values(root, prefix, name)), None)  # noqa: E731
    return {
        "title": first("dc", "title") or first("photoshop", "Headline"),
        "caption": first("dc", "description"),
        "alt": first("Iptc4xmpCore", "AltTextAccessibility"),
        "keywords": _xmp_values(root, "dc", "subject"),
        "keyword_paths": [p for p in _xmp_values(root, "lr", "hierarchicalSubject") if not _tool_path(p)],
        "creator": first("dc", "creator"),
    }


def _tool_path(path: str) -> bool:
    """A hierarchy a tool keeps for itself: darktable writes ``darktable|format|jpg``,
    ``darktable|exported`` and the like beside the photographer's own keywords."""
    return path.split("|", 1)[0].strip().casefold() == "darktable"


def _parse_iptc(image: Image.Image) -> dict[str, Any]:
    try:
        info = IptcImagePlugin.getiptcinfo(cast(ImageFile.ImageFile, image)) or {}
    except Exception:  # malformed IPTC blocks are common and never worth failing a photo for
        return {}
    keywords = info.get((2, 25)) or []
    if isinstance(keywords, bytes):
        keywords = [keywords]
    return {
        "title": _text(info.get((2, 5))),
        "caption": _text(info.get((2, 120))),
        "keywords": [k for k in (_text(x) for x in keywords) if k],
        "creator": _text(info.get((2, 80))),
    }


def _ratio(value: Any) -> Fraction | None:
    """An EXIF rational (or number) exactly, so 10/2500 s stays 1/250 s; None for nothing or nonsense."""
    try:
        if isinstance(value, tuple) and len(value) == 2:  # (numerator, denominator) from some readers
            number = Fraction(int(value[0]), int(value[1]))
        else:
            numerator, denominator = getattr(value, "numerator", None), getattr(value, "denominator", None)
            if isinstance(numerator, int) and isinstance(denominator, int):
                number = Fraction(numerator, denominator)
            else:
                number = Fraction(str(float(value)))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if number > 0 else None


def _camera(exif: Image.Exif) -> dict[str, str]:
    """Camera and exposure facts as the file has them; :mod:`sitegen.content.camera` words them for pages.

    Numbers are kept as exact fractions ("1/250", "28/10") so no rounding happens before the wording.
    """
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    out: dict[str, str] = {}
    texts = {"make": exif.get(ExifTags.Base.Make), "model": exif.get(ExifTags.Base.Model)}
    texts["lens"] = sub.get(ExifTags.Base.LensModel)
    for key, value in texts.items():
        if text := _text(value):
            out[key] = text
    numbers = {
        "focal_length": sub.get(ExifTags.Base.FocalLength),
        "aperture": sub.get(ExifTags.Base.FNumber),
        "exposure": sub.get(ExifTags.Base.ExposureTime),
    }
    for key, value in numbers.items():
        if (number := _ratio(value)) is not None:
            out[key] = str(number)
    iso = sub.get(ExifTags.Base.ISOSpeedRatings)
    if isinstance(iso, tuple):
        iso = iso[0] if iso else None
    if isinstance(iso, int) and iso > 0:
        out["iso"] = str(iso)
    return out


def _taken(exif: Image.Exif) -> str | None:
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw = _text(sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime))
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def _png_exif(path: Path) -> Image.Exif:
    """EXIF of a PNG whose eXIf chunk follows the pixels, found by skipping chunks, not decoding them.

    Pillow's ``getexif()`` decodes the whole image to get there: 784 MB and
    seconds for a 196 MP RGBA scan, in the probe, which only wants the header.
    """
    exif = Image.Exif()
    with path.open("rb") as fh:
        fh.seek(8)
        while header := fh.read(8):
            if len(header) < 8:
                break
            length, kind = struct.unpack(">I4s", header)
            if kind == b"eXIf":
                exif.load(fh.read(length))
                break
            if kind == b"IEND":
                break
            fh.seek(length + 4, os.SEEK_CUR)  # data and CRC
    return exif


def probe(path: Path) -> SourceInfo:
    """Header facts of ``path``; raises :class:`ImageReadError` for files that are not usable photos.

    Raises :class:`EnvironmentFailure` (stop the build) when the machine, not the file, failed.
    """
    try:
        content_hash = file_hash(path)  # outside ``reading``: hashing threads must not wait on its lock
    except OSError as exc:
        raise read_failure(path, exc) from None
    with reading(path) as notes:
        info = _header(path, content_hash)
    return dataclasses.replace(info, notes=notes) if notes else info


def _header(path: Path, content_hash: str) -> SourceInfo:
    """The probe proper; any exception it lets out is classified by :func:`reading`."""
    with open_image(path) as image:
        try:
            exif = _png_exif(path) if image.format == "PNG" and "exif" not in image.info else image.getexif()
        except Exception:  # a corrupt EXIF block must not hide an otherwise fine photo
            exif = Image.Exif()
        orientation = exif.get(ExifTags.Base.Orientation, 1)
        if not isinstance(orientation, int) or not 1 <= orientation <= 8:
            orientation = 1  # invalid values are ignored, as browsers do
        width, height = image.size
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        xmp = _parse_xmp(image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"))
        iptc = _parse_iptc(image) if image.format in ("JPEG", "TIFF") else {}
        frames = getattr(image, "n_frames", 1)

        def pick(key: str) -> Any:
            return xmp.get(key) or iptc.get(key)

        return SourceInfo(
            width=width,
            height=height,
            format=image.format or "unknown",
            mode=image.mode,
            content_hash=content_hash,
            orientation=orientation,
            frames=frames,
            taken=_taken(exif),
            title=pick("title"),
            caption=pick("caption"),
            alt=xmp.get("alt"),
            keywords=list(pick("keywords") or []),
            keyword_paths=list(xmp.get("keyword_paths") or []),
            creator=untrusted(pick("creator") or _text(exif.get(ExifTags.Base.Artist))),
            camera={k: Untrusted(v) for k, v in _camera(exif).items()},
        )


class ProbeCache:
    """Probe results keyed by path and stat stamp; a stale or damaged entry is simply probed again.

    The stamp (size, modification and change time, inode) stands in for the content: hashing
    every source on every build is what this cache exists to avoid, and any write or
    replacement of a file changes its change time or inode (see :meth:`_stamp`).
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.file = cache_dir / f"probe-v{PROBE_VERSION}.json" if cache_dir else None
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if self.file and self.file.is_file():
            try:
                stored = json.loads(self.file.read_text("utf-8"))
            except (OSError, ValueError):
                stored = {}
            self.entries = stored if isinstance(stored, dict) else {}

    @staticmethod
    def _stamp(st: os.stat_result) -> list[int]:
        """What tells a changed file without reading it: size and mtime, plus ctime and inode.

        Size and mtime alone miss a file replaced by one of the same size with its
        mtime kept (``cp -p``, ``rsync -t``, ``touch -r``, a camera app's export):
        the probe, and with it the content hash the image cache is keyed on,
        would stay the old file's. ctime cannot be set back, and a replacement
        by rename has a new inode.
        """
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]

    @staticmethod
    def _changed(st: os.stat_result) -> int:
        """When the file was last written or replaced, as far as the file system says."""
        return max(st.st_mtime_ns, st.st_ctime_ns)

    def _fresh(self, entry: Any, st: os.stat_result) -> bool:
        """The entry was made from the file as it is now (as far as its stamp can tell)."""
        return isinstance(entry, dict) and entry.get("stamp") == self._stamp(st) and not entry.get("racy")

    def _remember(self, path: Path, st: os.stat_result, info: SourceInfo, started: int) -> None:
        """Keep a probe; one of a file changed just before it started is trusted only once it is older.

        Git's "racily clean" rule: on a file system that keeps times in whole seconds (FAT and
        exFAT memory cards and drives), a same-size write within the tick of the probe would
        leave the stamp unchanged, and the old photo's hash would key its derivatives.
        """
        racy = self._changed(st) >= started - RACY_NS
        self.entries[str(path)] = {"stamp": self._stamp(st), "info": dataclasses.asdict(info)} | (
            {"racy": True} if racy else {}
        )
        self.dirty = True

    def get(self, path: Path) -> SourceInfo:
        """Cached probe of ``path``, probing (and remembering) on a miss."""
        started = time.time_ns()
        try:
            st = path.stat()
        except OSError as exc:
            raise read_failure(path, exc) from None
        entry = self.entries.get(str(path))
        if entry is not None and self._fresh(entry, st):
            try:
                return SourceInfo.from_json(entry.get("info"))
            except ValueError:
                pass
        info = probe(path)
        self._remember(path, st, info, started)
        return info

    def prefetch(self, paths: list[Path], workers: int) -> None:
        """Probe the uncached ``paths`` in threads before the reader asks for them one by one.

        A cold build hashes every source (a 24 MP JPEG is about 10 MB); file reads
        and hashing release the GIL, so threads overlap them. Files that fail are
        left for :meth:`get`, which reports them in the reader's order.
        """
        started = time.time_ns()
        todo = []
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            if not self._fresh(self.entries.get(str(path)), st):
                todo.append((path, st))
        if len(todo) < 2 or workers < 2:
            return

        def one(item: tuple[Path, os.stat_result]) -> None:
            path, st = item
            try:
                info = probe(path)
            except (ImageReadError, EnvironmentFailure, OSError):
                return  # reported by get(), in the reader's order
            self._remember(path, st, info, started)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, todo))

    def forget_missing(self, seen: set[str]) -> None:
        for key in list(self.entries):
            if key not in seen:
                del self.entries[key]
                self.dirty = True

    def save(self) -> None:
        if not (self.file and self.dirty):
            return
        try:
            write_text_atomic(self.file, json.dumps(self.entries, separators=(",", ":")))
        except OSError as exc:
            raise write_failure(self.file, exc) from None
        self.dirty = False


__all__ = ["ImageReadError", "ProbeCache", "SourceInfo", "probe"]
