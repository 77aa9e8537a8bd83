"""Image jobs: from photos in the content model to cached, published derivatives.

One job per photo, run in worker processes (decoding and encoding are CPU
bound; one photo per task keeps each worker's memory bounded by the largest
photo, not by the number of photos). Every job is keyed on the source's
content hash plus every setting that changes its output plus the pipeline
version, and its files live in the site's cache folder under that key: a
rebuild with nothing changed decodes no image, and a changed setting redoes
exactly the photos it touches.
"""

from __future__ import annotations

import base64
import ctypes
import dataclasses
import functools
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from ..atomic import write_text_atomic
from ..errors import STOPPED, EnvironmentFailure
from ..processes import pid_alive
from . import metadata, process, watermark
from .formats import ImageReadError, open_image, reading, set_pixel_limit, write_failure
from .metadata import Description, Rights
from .watermark import WatermarkSpec

PIPELINE_VERSION = 3
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

    def to_json(self) -> dict[str, str]:
        return {"colour": self.colour, "lqip": self.lqip}

    @classmethod
    def from_json(cls, data: Any) -> SetMeta:
        """``ValueError`` unless ``data`` is a colour and a WebP data URI: a damaged entry is redone, not published."""
        if not isinstance(data, dict) or set(data) != {"colour", "lqip"}:
            raise ValueError("an image set's metadata is its colour and lqip")
        colour, lqip = data["colour"], data["lqip"]
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            raise ValueError(f"not a #rrggbb colour: {colour!r}")
        if not isinstance(lqip, str) or not _LQIP.fullmatch(lqip):
            raise ValueError("lqip is not a base64 WebP data URI")
        return cls(colour, lqip)


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
            )
        )
        return hashlib.blake2b(blob.encode(), digest_size=16).hexdigest()

    @property
    def watermark_files(self) -> tuple[tuple[str, str], ...]:
        """(path, content digest) of the font and logo this job was planned (and keyed) with."""
        w = self.watermark
        paths = [path for path in (w.font, w.logo) if path] if w is not None else []
        return tuple(zip(paths, self.file_hashes, strict=True))

    def _watermark_look(self) -> WatermarkSpec | None:
        """The mark without its files' paths: their contents are in ``file_hashes``, and a site
        moved to another folder (or built in a temporary one) must find its cache entries."""
        w = self.watermark
        if w is None:
            return None
        return dataclasses.replace(w, font="file" if w.font else None, logo="file" if w.logo else None)

    @property
    def sizes(self) -> list[process.Size]:
        w, h = self.source_size
        return process.plan_sizes(w, h, self.settings.widths, self.settings.max_size)

    @property
    def thumb_sizes(self) -> list[process.Size]:
        return [s for s in self.sizes if s.width in self.clean_widths]

    def file_name(self, size: process.Size, fmt: str, role: str = "view") -> str:
        return f"{'thumb-' if role == 'thumb' else ''}{size.width}.{EXTENSIONS[fmt]}"

    def _files(self) -> list[tuple[str, process.Size, str, str]]:
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
        return out

    def image_set(self, meta: SetMeta) -> ImageSet:
        files = self._files()
        views = tuple(Derivative(path, s.width, s.height, fmt) for path, s, fmt, role in files if role == "view")
        thumbs = tuple(Derivative(path, s.width, s.height, fmt) for path, s, fmt, role in files if role == "thumb")
        top = self.sizes[0]
        return ImageSet(top.width, top.height, meta.colour, meta.lqip, views, self.settings.formats, thumbs)

    def cache_files(self, cache_root: Path) -> dict[str, Path]:
        """Published site path -> cached file, for the writer to link into the output."""
        folder = cache_root / self.key
        return {path: folder / self.file_name(s, fmt, role) for path, s, fmt, role in self._files()}


# --- the worker -----------------------------------------------------------------


def _decode(job: ImageJob) -> tuple[Image.Image, Image.Exif]:
    """Decode at the smallest scale that still covers the largest derivative, then orient and colour-convert.

    Whatever Pillow raises on this file is classified by :func:`reading`; its
    warnings were already reported against the photo by the probe, which reads
    the same header, so the worker drops them instead of printing them raw.
    """
    path = Path(job.source)
    with reading(path):
        image = open_image(path)
        image.seek(0)
        if image.format == "JPEG":
            # DCT-domain downscale (1/2, 1/4, 1/8): a 24 MP photo for a 2048 px derivative decodes at 6 MP.
            image.draft(image.mode, process.draft_box(job.sizes[0], job.orientation))
        icc = image.info.get("icc_profile")
        try:
            exif = image.getexif()
        except Exception:  # a corrupt EXIF block only costs the optional camera fields
            exif = Image.Exif()
        image.load()
        # Reassigned step by step so a full-size intermediate is freed as soon as the next exists.
        image = process.apply_orientation(image, job.orientation)
        image = process.to_display(image, icc)
        return image, exif


def render_files(job: ImageJob) -> tuple[dict[str, bytes], SetMeta]:
    """Every derivative of one photo as bytes (by file name), plus the set's metadata. Pure: no disk writes.

    The watermark's font and logo are drawn only from the contents the job's key names
    (``file_hashes``): a file replaced after the job was planned is this photo's
    :class:`ImageReadError`, never new pixels cached under the old file's key.
    """
    image, source_exif = _decode(job)
    camera = metadata.camera_exif(source_exif) if job.keep_camera else None
    options = {
        fmt: process.EncodeOptions(
            quality=job.settings.quality_of(fmt),
            exif=metadata.exif_bytes(job.rights, camera),
            xmp=metadata.xmp_packet(job.rights, job.description),
        )
        for fmt in job.settings.formats
    }
    files: dict[str, bytes] = {}
    current = image
    clean = set(job.clean_widths)
    del image  # the full-size pixels are freed by the first (largest) step
    for size in job.sizes:  # largest first: each size is derived from the clean one before it
        current = process.shrink(current, size)
        # Every full view is marked, whatever its width; the clean copy is a thumbnail only.
        view = watermark.apply(current, job.watermark, job.file_hashes) if job.watermark is not None else current
        for fmt in job.settings.formats:
            files[job.file_name(size, fmt)] = process.encode(view, fmt, options[fmt])
            if size.width in clean:
                files[job.file_name(size, fmt, "thumb")] = process.encode(current, fmt, options[fmt])
    lqip = "data:image/webp;base64," + base64.b64encode(process.lqip(current)).decode("ascii")
    return files, SetMeta(process.dominant_colour(current), lqip)


def run_job(job: ImageJob, cache_root: str, max_pixels: int) -> JobOutcome:
    """Process one photo into ``cache_root/<key>/``; returns the set's metadata or why it failed.

    A problem with the photo's file is a :class:`JobFailed` (the photo is
    skipped); a failure to write the cache raises :class:`EnvironmentFailure`
    (the build stops): a full disk is not a bad photo.

    Files are written into a temporary folder renamed into place at the end, so
    an interrupted build never leaves a half-written entry that looks complete.
    """
    set_pixel_limit(max_pixels)
    key = job.key
    final = Path(cache_root) / key
    tmp = Path(cache_root) / f".tmp-{key}-{os.getpid()}"
    try:
        try:
            files, meta = render_files(job)
        except ImageReadError as exc:
            return JobFailed(str(exc))
        except MemoryError:  # raised by our own resizing/encoding, after the decode
            return JobFailed("not enough memory to process this image")
        written = tmp
        try:
            tmp.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                written = tmp / name
                written.write_bytes(data)
            written = tmp / "set.json"
            written.write_text(json.dumps(meta.to_json()), "utf-8")
            written = final
            if final.exists():
                shutil.rmtree(final)
            tmp.rename(final)
        except OSError as exc:
            raise write_failure(written, exc) from None
        return meta
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# --- running a batch --------------------------------------------------------------


@dataclass
class BatchResult:
    sets: dict[str, ImageSet] = field(default_factory=dict)  # job key -> set
    errors: dict[str, str] = field(default_factory=dict)  # job key -> reason
    processed: int = 0
    reused: int = 0
    most_at_once: int = 0  # photos processed at the same time, at most (the memory budget can lower it)


class ImageCache:
    """The folder of processed images, with an index so a no-op build touches one file."""

    def __init__(self, root: Path) -> None:
        self.root = root / f"images-v{PIPELINE_VERSION}"
        self.index_file = self.root / "index.json"
        self.index: dict[str, SetMeta] = {}
        if self.index_file.is_file():
            try:
                stored = json.loads(self.index_file.read_text("utf-8"))
                self.index = {str(key): SetMeta.from_json(meta) for key, meta in stored.items()}
            except (OSError, ValueError, AttributeError):  # unreadable or damaged: each entry's set.json still counts
                self.index = {}

    def lookup(self, key: str) -> SetMeta | None:
        meta = self.index.get(key)
        if meta is not None and (self.root / key).is_dir():
            return meta
        entry = self.root / key / "set.json"
        if entry.is_file():
            try:
                meta = SetMeta.from_json(json.loads(entry.read_text("utf-8")))
            except (OSError, ValueError):
                return None
            self.index[key] = meta
            return meta
        return None

    def save(self, keep: Iterable[str]) -> int:
        """Write the index and delete entries no current photo uses; returns how many were pruned."""
        keep = set(keep)
        self.index = {k: v for k, v in self.index.items() if k in keep}
        pruned = 0
        if self.root.is_dir():
            for entry in self.root.iterdir():
                if entry.is_dir() and entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
                    pruned += 1
        try:
            index = {key: meta.to_json() for key, meta in self.index.items()}
            write_text_atomic(self.index_file, json.dumps(index, separators=(",", ":")))
        except OSError as exc:
            raise write_failure(self.index_file, exc) from None
        return pruned


def _worker_context() -> multiprocessing.context.BaseContext:
    """How to start image workers: fork when it is safe, a forkserver when it is not.

    Forking is the cheapest start (no re-import; a cold CLI build of 24 camera
    files is about 0.4 s faster than with a forkserver) but copies the parent's
    threads' locks: ``sitegen serve`` builds from a threaded process (HTTP
    server, file watcher), where a forked worker could hang on a lock another
    thread held. A process with other threads therefore uses the forkserver,
    which preloads the pipeline so its workers still start quickly.
    """
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() > 1 and "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    if "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _available_memory() -> int:
    """Memory the system can give without swapping (MemAvailable), or a guess where /proc is missing."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 4 << 30


def memory_budget() -> int:
    """What all image workers together may plan to use: half of what is available now."""
    return _available_memory() // 2


def job_memory(job: ImageJob) -> int:
    """A worker's planned peak for ``job``, in bytes (deliberately generous).

    The decoded source dominates: 4 bytes a pixel, about twice over (decoded
    pixels plus an oriented or colour-converted copy; transparent sources are
    reduced in strips by :func:`process.shrink`, so no premultiplied copy).
    JPEG decodes at reduced size (draft), so its cost follows the largest
    derivative, not the sensor. Plus the worker's own baseline.
    """
    w, h = job.source_size
    pixels = w * h
    if Path(job.source).suffix.lower() in (".jpg", ".jpeg"):
        top = job.sizes[0]
        scale = min(8, max(1, min(w // max(1, top.width), h // max(1, top.height))))
        draft = 1 << (scale.bit_length() - 1)  # libjpeg scales by 1/2, 1/4 or 1/8
        pixels //= draft * draft
    return pixels * 4 * 2 + (64 << 20)


def _watch_parent(parent: int) -> None:
    """Image workers end when the build that started them is gone (SIGKILL included).

    On Linux the kernel sends SIGKILL when the parent process dies
    (PR_SET_PDEATHSIG); everywhere, a thread notices when this worker was
    reparented or the build's process no longer exists, and ends the worker.
    Without this, workers orphaned by a killed build kept writing cache entries
    and then blocked forever on a queue nobody reads.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    started_under = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != started_under or not pid_alive(parent):
                os._exit(70)

    threading.Thread(target=watch, name="sitegen-parent-watch", daemon=True).start()
    if os.getppid() != started_under or not pid_alive(parent):  # died before the watch began
        os._exit(70)


def run_batch(
    jobs: list[ImageJob],
    cache: ImageCache,
    workers: int,
    max_pixels: int,
    progress: Callable[[int, int], None] | None = None,
    *,
    budget: int | None = None,
) -> BatchResult:
    """Run every job whose output is not cached; ``progress(done, total)`` after each photo.

    Up to ``workers`` photos run at once, and only as many as fit together in
    ``budget`` bytes (default: half the memory available now) by
    :func:`job_memory`: a folder of huge scans runs one or two at a time instead
    of one per core. A photo too large for the budget on its own still runs,
    alone.

    Raises :class:`EnvironmentFailure` when the machine fails (disk full,
    permission, a worker killed by the system): the build must stop rather than
    publish a site that silently lost photos.
    """
    result = BatchResult()
    todo: list[ImageJob] = []
    for job in jobs:
        meta = cache.lookup(job.key)
        if meta is not None:
            result.sets[job.key] = job.image_set(meta)
            result.reused += 1
        else:
            todo.append(job)
    unique = list({job.key: job for job in todo}.values())  # the same photo twice is processed once
    try:
        cache.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(cache.root, exc) from None
    total = len(unique)

    def record(job: ImageJob, outcome: JobOutcome) -> None:
        if isinstance(outcome, JobFailed):
            result.errors[job.key] = outcome.reason
        else:
            cache.index[job.key] = outcome
            result.processed += 1

    if total and (workers <= 1 or total == 1):
        result.most_at_once = 1
        for done, job in enumerate(unique, 1):
            record(job, run_job(job, str(cache.root), max_pixels))
            if progress:
                progress(done, total)
    elif total:
        _run_pool(unique, cache, min(workers, total), max_pixels, budget, record, progress, result)
    for job in todo:
        if job.key in cache.index:
            result.sets[job.key] = job.image_set(cache.index[job.key])
    return result


def _run_pool(
    jobs: list[ImageJob],
    cache: ImageCache,
    workers: int,
    max_pixels: int,
    budget: int | None,
    record: Callable[[ImageJob, JobOutcome], None],
    progress: Callable[[int, int], None] | None,
    result: BatchResult,
) -> None:
    """Feed ``jobs`` to a process pool within the memory budget; see :func:`run_batch`."""
    budget = memory_budget() if budget is None else budget
    pending = list(reversed(jobs))  # pop() from the end keeps the given order
    running: dict[Future[JobOutcome], tuple[ImageJob, int]] = {}
    planned = done = 0
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_worker_context(), initializer=_watch_parent, initargs=(os.getpid(),)
    )
    try:
        while pending or running:
            while pending and len(running) < workers:
                cost = job_memory(pending[-1])
                if running and planned + cost > budget:
                    break
                job = pending.pop()
                running[pool.submit(run_job, job, str(cache.root), max_pixels)] = (job, cost)
                planned += cost
                result.most_at_once = max(result.most_at_once, len(running))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                job, cost = running.pop(future)
                planned -= cost
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    # Every job in flight fails alike; which one the system killed is not known.
                    others = [Path(other.source).name for other, _ in running.values()]
                    suspects = f" or {', '.join(others)}" if others else ""
                    raise EnvironmentFailure(
                        f"{job.source}: an image worker was killed (out of memory?) while processing this photo"
                        f"{suspects}; {STOPPED}"
                    ) from None
                except (EnvironmentFailure, KeyboardInterrupt):
                    raise
                except Exception as exc:  # a bug on one photo's path is that photo's problem, not the build's
                    outcome = JobFailed(f"image worker failed ({exc.__class__.__name__}: {exc})")
                record(job, outcome)
                done += 1
                if progress:
                    progress(done, len(jobs))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
