"""The image phase: plan every photo's job, run the ones not done yet, hand the renderer the results.

Shared by ``sitegen build`` and ``sitegen serve``: a preview passes the last
run's results (``previous``) and its own chunked runner, nothing else differs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Project
from ..content.model import Photo, Site
from ..errors import PHOTO_SKIPPED, Reporter
from ..images.batch import BatchResult, ImageCache, run_batch
from ..images.jobs import ImageJob, ImageSet
from .imagejobs import plan
from .report import Progress


def workers_for(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


@dataclass
class ImageResults:
    """What the image phase hands the renderer, plus what a later incremental run may reuse."""

    images: dict[Photo, ImageSet]
    media: dict[str, Path]  # published site path -> cached derivative file
    processed: int = 0
    reused: int = 0
    # (job key, output stem) -> image set and files; the same job gives the same files.
    by_job: dict[tuple[str, str], tuple[ImageSet, dict[str, Path]]] = field(default_factory=dict)
    # Watermark files the jobs were planned with, path -> content digest: inputs of the build that may
    # live outside the folders the build stamp walks (a gallery's own logo beside sitegen.toml).
    watermark_files: dict[str, str] = field(default_factory=dict)


Runner = Callable[[list[ImageJob], ImageCache, int, int, Progress | None], BatchResult]


def process_images(
    site: Site,
    project: Project,
    reporter: Reporter,
    progress: Progress | None,
    *,
    cache: ImageCache | None = None,
    previous: ImageResults | None = None,
    runner: Runner = run_batch,
) -> ImageResults:
    """Run the image jobs; photos whose files turn out unusable are reported and left out.

    ``previous`` (``sitegen serve``) are the results of the last run in this
    process: photos whose job is unchanged are taken from it without touching
    the cache, so a new or edited photo costs only its own processing.
    """
    jobs = plan(site)
    cache = cache or ImageCache(project.cache_dir)
    known = previous.by_job if previous is not None else {}
    todo = [job for job in jobs.values() if (job.key, job.output_stem) not in known]
    batch = (
        runner(todo, cache, workers_for(project.config.build.jobs), project.config.images.max_pixels, progress)
        if todo
        else BatchResult()
    )
    results = ImageResults({}, {}, batch.processed, batch.reused)
    for job in jobs.values():
        results.watermark_files.update(job.watermark_files)
    for photo, job in jobs.items():
        ident = (job.key, job.output_stem)
        if ident in known:
            image_set, files = known[ident]
            results.reused += 1
        elif job.key in batch.errors:
            reporter.warning(f"skipped: {batch.errors[job.key]}", photo.source, kind=PHOTO_SKIPPED)
            site.drop_photo(photo)
            continue
        else:
            # The same photo twice (a portfolio shot also in a client gallery) is processed once, but each
            # copy is published under its own gallery's path: a listed page must never link into an
            # unlisted (or password-protected) folder.
            meta = cache.index.get(job.key)
            image_set = job.image_set(meta) if meta is not None else batch.sets[job.key]
            files = job.cache_files(cache.root)
        results.images[photo] = image_set
        results.media.update(files)
        results.by_job[ident] = (image_set, files)
    if todo or previous is None:
        cache.save(keep=(job.key for job in jobs.values()))
    return results
