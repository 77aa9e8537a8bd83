"""What an image job is and what it produces: plain, typed values.

A job carries every input of one photo's derivatives as plain values (paths, numbers,
texts, file digests), so the image functions know nothing of the config or the content
model, and its ``key`` covers exactly what changes the output (see :class:`ImageJob`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import process
from .credentials import SigningSpec
from .fingerprint import Fingerprint
from .metadata import Description, Rights
from .version import PIPELINE_VERSION
from .watermark import WatermarkSpec

EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}


@dataclass(frozen=True)
class Derivative:
    path: str  # site path, e.g. "media/travel/iceland/aurora-1600.1a2b3c4d.webp"
    width: int
    height: int
    format: str

    @property
    def mime(self) -> str:
        return MIME[self.format]


ROLES = ("view", "thumb")


@dataclass(frozen=True)
class ImageSet:
    """Everything a template needs for one photo's <picture>.

    Files have a role, not just a width: ``derivatives`` are the full views
    (photo page, lightbox, social card, feeds), marked at every width when the
    photo is watermarked; ``thumbnails`` are the clean grid/card copies, made
    only below ``[watermark] min_width``. When there are none, thumbnails are
    the full-view files. Nothing but ``role="thumb"`` ever reads the clean set,
    and the default role is the full view.
    """

    width: int
    height: int
    colour: str
    lqip: str  # data: URI
    derivatives: tuple[Derivative, ...]
    formats: tuple[str, ...]
    thumbnails: tuple[Derivative, ...] = ()
    fingerprint: Fingerprint | None = None  # of the largest full view, as published

    def of_format(self, fmt: str, role: str = "view") -> list[Derivative]:
        if role not in ROLES:
            raise ValueError(f"unknown image role {role!r}; expected one of {', '.join(ROLES)}")
        files = self.thumbnails if role == "thumb" and self.thumbnails else self.derivatives
        return sorted((d for d in files if d.format == fmt), key=lambda d: d.width)

    @property
    def fallback_format(self) -> str:
        """The most compatible format present, for <img src>: JPEG if published, else the last listed."""
        return "jpeg" if "jpeg" in self.formats else self.formats[-1]

    def largest(self, fmt: str | None = None, role: str = "view") -> Derivative:
        return self.of_format(fmt or self.fallback_format, role)[-1]

    def closest(self, width: int, fmt: str | None = None, role: str = "view") -> Derivative:
        """Smallest derivative at least ``width`` wide (or the largest there is)."""
        candidates = self.of_format(fmt or self.fallback_format, role)
        return next((d for d in candidates if d.width >= width), candidates[-1])


@dataclass(frozen=True)
class SetMeta:
    """What a worker learns about a photo besides its files; kept in the cache entry's ``set.json``."""

    colour: str  # dominant colour, "#rrggbb"
    lqip: str  # data: URI of a tiny blurred preview
    fingerprint: Fingerprint | None = None  # only for a job that ``identify``s (``[protect] fingerprints``)

    def to_json(self) -> dict[str, str]:
        out = {"colour": self.colour, "lqip": self.lqip}
        return out | self.fingerprint.to_json() if self.fingerprint is not None else out

    @classmethod
    def from_json(cls, data: Any) -> SetMeta:
        """``ValueError`` unless ``data`` is what :meth:`to_json` writes: a damaged entry is redone, not published."""
        keys = set(data) if isinstance(data, dict) else set()
        if keys not in ({"colour", "lqip"}, {"colour", "lqip", "iscc", "centre", "windows"}):
            raise ValueError("an image set's metadata is its colour, lqip and, when asked for, fingerprint")
        colour, lqip = data["colour"], data["lqip"]
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            raise ValueError(f"not a #rrggbb colour: {colour!r}")
        if not isinstance(lqip, str) or not _LQIP.fullmatch(lqip):
            raise ValueError("lqip is not a base64 WebP data URI")
        return cls(colour, lqip, Fingerprint.from_json(data) if "iscc" in keys else None)


_COLOUR = re.compile(r"#[0-9a-f]{6}")
_LQIP = re.compile(r"data:image/webp;base64,[A-Za-z0-9+/]+={0,2}")


@dataclass(frozen=True)
class JobFailed:
    """A photo that cannot be published: the reason, said against the photo (the build goes on)."""

    reason: str


JobOutcome = SetMeta | JobFailed


@dataclass(frozen=True)
class Settings:
    """Everything besides the source bytes that changes a job's output."""

    widths: tuple[int, ...]
    max_size: int
    formats: tuple[str, ...]
    quality: tuple[tuple[str, int], ...]

    def quality_of(self, fmt: str) -> int:
        return dict(self.quality)[fmt]


@dataclass(frozen=True)
class ImageJob:
    """All a worker needs for one photo: plain values only, so it pickles cheaply and hashes stably."""

    source: str
    content_hash: str
    orientation: int
    source_size: tuple[int, int]  # displayed (oriented) width, height
    settings: Settings
    output_stem: str  # site path prefix of the files: "media/travel/iceland/aurora"
    watermark: WatermarkSpec | None = None
    rights: Rights | None = None
    description: Description | None = None
    keep_camera: bool = False
    file_hashes: tuple[str, ...] = ()  # content of the watermark font/logo files
    clean_widths: tuple[int, ...] = ()  # widths of the unmarked thumbnails (only when watermarked)
    identify: bool = False  # fingerprint the photo, and write its ISCC into the files' XMP (dc:identifier)
    signing: SigningSpec | None = None  # sign every file with Content Credentials (C2PA)

    @functools.cached_property
    def key(self) -> str:
        """Everything that changes the output bytes, and nothing else (not the path or the output name).

        Built from the dataclasses' reprs, which are deterministic for these plain values and
        several times cheaper than JSON of ``asdict`` (this runs once per photo on every build).
        """
        blob = "|".join(
            (
                str(PIPELINE_VERSION),
                self.content_hash,
                str(self.orientation),
                repr(self.settings),
                repr(self._watermark_look()),
                repr(self.rights),
                repr(self.description),
                str(self.keep_camera),
                # "v2": entries made before font/logo caches were keyed on content may hold an
                # earlier logo's pixels under a later logo's key; new keys retire them.
                "files-v2:" + ",".join(self.file_hashes) if self.file_hashes else "",
                repr(self.clean_widths),
                "iscc" if self.identify else "",
                repr(self.signing.looks()) if self.signing is not None else "",
            )
        )
        return hashlib.blake2b(blob.encode(), digest_size=16).hexdigest()

    @property
    def watermark_files(self) -> tuple[tuple[str, str], ...]:
        """(path, content digest) of the files besides the photo this job was planned (and keyed) with:
        the watermark's font and logo, the signing certificate and key."""
        w = self.watermark
        paths = [path for path in (w.font, w.logo) if path] if w is not None else []
        found = tuple(zip(paths, self.file_hashes, strict=True))
        s = self.signing
        return (*found, (s.chain, s.chain_digest), (s.key, s.key_digest)) if s is not None else found

    def _watermark_look(self) -> WatermarkSpec | None:
        """The mark without its files' paths: their contents are in ``file_hashes``, and a site
        moved to another folder (or built in a temporary one) must find its cache entries."""
        w = self.watermark
        if w is None:
            return None
        return dataclasses.replace(w, font="file" if w.font else None, logo="file" if w.logo else None)

    @functools.cached_property
    def sizes(self) -> tuple[process.Size, ...]:
        """Planned once per job: the planner, the writer's file list and the image set all ask."""
        w, h = self.source_size
        return tuple(process.plan_sizes(w, h, self.settings.widths, self.settings.max_size))

    @functools.cached_property
    def thumb_sizes(self) -> tuple[process.Size, ...]:
        return tuple(s for s in self.sizes if s.width in self.clean_widths)

    def file_name(self, size: process.Size, fmt: str, role: str = "view") -> str:
        return f"{'thumb-' if role == 'thumb' else ''}{size.width}.{EXTENSIONS[fmt]}"

    @functools.cached_property
    def _files(self) -> tuple[tuple[str, process.Size, str, str], ...]:
        """(site path, size, format, role) of every published file.

        A thumbnail is "<stem>-<width>-thumb.<hash>": a view always has digits
        before its hash, so no photo's view can be named like another's thumbnail.
        """
        short = self.key[:10]
        out = []
        for role, sizes in (("view", self.sizes), ("thumb", self.thumb_sizes)):
            infix = "-thumb" if role == "thumb" else ""
            for s in sizes:
                for fmt in self.settings.formats:
                    out.append((f"{self.output_stem}-{s.width}{infix}.{short}.{EXTENSIONS[fmt]}", s, fmt, role))
        return tuple(out)

    def image_set(self, meta: SetMeta) -> ImageSet:
        files = self._files
        views = tuple(Derivative(path, s.width, s.height, fmt) for path, s, fmt, role in files if role == "view")
        thumbs = tuple(Derivative(path, s.width, s.height, fmt) for path, s, fmt, role in files if role == "thumb")
        top = self.sizes[0]
        return ImageSet(
            top.width, top.height, meta.colour, meta.lqip, views, self.settings.formats, thumbs, meta.fingerprint
        )

    def cache_files(self, cache_root: Path) -> dict[str, Path]:
        """Published site path -> cached file, for the writer to link into the output."""
        folder = cache_root / self.key
        return {path: folder / self.file_name(s, fmt, role) for path, s, fmt, role in self._files}
