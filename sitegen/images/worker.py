"""One photo's derivatives, made in a worker process: decode once, then resize, mark, embed rights, encode.

One photo per task keeps each worker's memory bounded by the largest photo, not by the
number of photos; the files land in the cache under the job's key.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from . import credentials, metadata, process, watermark
from .fingerprint import Fingerprint, fingerprint
from .formats import ImageReadError, open_image, reading, set_pixel_limit, write_failure
from .jobs import MIME, ImageJob, JobFailed, JobOutcome, SetMeta


def _decode(job: ImageJob) -> tuple[Image.Image, Image.Exif, bytes | None]:
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
        xmp = image.info.get("xmp") if job.signing is not None else None
        try:
            exif = image.getexif()
        except Exception:  # a corrupt EXIF block only costs the optional camera fields
            exif = Image.Exif()
        image.load()
        # Reassigned step by step so a full-size intermediate is freed as soon as the next exists.
        image = process.apply_orientation(image, job.orientation)
        image = process.to_display(image, icc)
        return image, exif, xmp if isinstance(xmp, bytes) else None


def render_files(job: ImageJob) -> tuple[dict[str, bytes], SetMeta]:
    """Every derivative of one photo as bytes (by file name), plus the set's metadata. Pure: no disk writes.

    The watermark's font and logo are drawn only from the contents the job's key names
    (``file_hashes``): a file replaced after the job was planned is this photo's
    :class:`ImageReadError`, never new pixels cached under the old file's key.
    """
    image, source_exif, source_xmp = _decode(job)
    sign = _signing(job, credentials.source_type(source_xmp))
    camera = metadata.camera_exif(source_exif) if job.keep_camera else None
    files: dict[str, bytes] = {}
    current = image
    clean = set(job.clean_widths)
    del image  # the full-size pixels are freed by the first (largest) step
    options: dict[str, process.EncodeOptions] = {}
    print_: Fingerprint | None = None
    for size in job.sizes:  # largest first: each size is derived from the clean one before it
        current = process.shrink(current, size)
        # Every full view is marked, whatever its width; the clean copy is a thumbnail only.
        view = watermark.apply(current, job.watermark, job.file_hashes) if job.watermark is not None else current
        if not options:  # the largest size, first
            # Of the largest file as published (mark included): what a copy taken from the site looks like.
            print_ = fingerprint(view, windows=True) if job.identify else None
            identifier = print_.iscc if print_ is not None else None
            options = {
                fmt: process.EncodeOptions(
                    quality=job.settings.quality_of(fmt),
                    exif=metadata.exif_bytes(job.rights, camera),
                    xmp=metadata.xmp_packet(job.rights, job.description, identifier),
                )
                for fmt in job.settings.formats
            }
        for fmt in job.settings.formats:
            name = job.file_name(size, fmt)
            files[name] = sign(process.encode(view, fmt, options[fmt]), fmt, name)
            if size.width in clean:
                name = job.file_name(size, fmt, "thumb")
                files[name] = sign(process.encode(current, fmt, options[fmt]), fmt, name)
    lqip = "data:image/webp;base64," + base64.b64encode(process.lqip(current)).decode("ascii")
    return files, SetMeta(process.dominant_colour(current), lqip, print_)


def _signing(job: ImageJob, source_type: str) -> Callable[[bytes, str, str], bytes]:
    """Sign each file after its final encode, or pass it through when the site does not sign."""
    spec = job.signing
    if spec is None:
        return lambda data, fmt, name: data
    stem = job.output_stem.rsplit("/", 1)[-1]
    return lambda data, fmt, name: credentials.sign(data, MIME[fmt], spec, f"{stem}-{name}", source_type)


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
