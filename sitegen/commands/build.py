"""``sitegen build``: config -> content model -> image jobs -> render -> write.

Each phase hands the next a finished product; nothing reaches back. The
output is written into a temporary folder and swapped in only when the build
succeeded (and, with ``strict``, had no warnings), so what is published is
always a complete site.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Project, load_project
from ..content.model import Photo, Site
from ..content.reader import read_site
from ..errors import Reporter, SitegenError
from ..images.formats import set_pixel_limit
from ..images.pipeline import ImageCache, ImageSet, run_batch
from ..images.plan import plan
from ..images.probe import ProbeCache
from ..output import Output, check_target
from ..render.site import Renderer
from ..render.theme import Theme

Progress = Callable[[int, int], None]


class BuildFailed(SitegenError):
    """The build finished checking but must not be published (errors, or warnings under strict)."""


@dataclass
class BuildReport:
    output_dir: Path
    pages: int
    galleries: int
    photos: int
    images_processed: int
    images_reused: int
    files_written: int
    seconds: float
    warnings: int


def workers_for(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def process_images(
    site: Site, project: Project, reporter: Reporter, progress: Progress | None
) -> tuple[dict[Photo, ImageSet], dict[str, Path], int, int]:
    """Run the image jobs; photos whose files turn out unusable are reported and left out."""
    jobs = plan(site)
    cache = ImageCache(project.cache_dir)
    batch = run_batch(
        list(jobs.values()),
        cache,
        workers_for(project.config.build.jobs),
        project.config.images.max_pixels,
        progress,
    )
    images: dict[Photo, ImageSet] = {}
    media: dict[str, Path] = {}
    for photo, job in jobs.items():
        if job.key in batch.errors:
            reporter.warning(f"skipped: {batch.errors[job.key]}", photo.source)
            site.drop_photo(photo)
            continue
        images[photo] = batch.sets[job.key]
        media.update(job.cache_files(cache.root))
    cache.save(keep=(job.key for job in jobs.values()))
    return images, media, batch.processed, batch.reused


def build(
    site_dir: Path,
    *,
    overrides: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    reporter: Reporter | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site in ``site_dir``; raises :class:`SitegenError` (never exits) on failure."""
    started = time.perf_counter()
    project = load_project(site_dir, overrides)
    reporter = reporter or Reporter(root=project.root)
    target = (output_dir or project.output_dir).resolve()
    check_target(target, project.root, [project.content_dir, project.templates_dir, project.static_dir])
    theme = Theme.load(project.config.site.theme, project.root)
    set_pixel_limit(project.config.images.max_pixels)

    probes = ProbeCache(project.cache_dir)
    site = read_site(project, reporter, probes)
    probes.save()

    images, media, processed, reused = process_images(site, project, reporter, progress)

    with Output(target) as out:
        Renderer(site, images, media, theme, out, reporter).render_all()
        if reporter.errors:
            raise BuildFailed(f"build failed with {len(reporter.errors)} error(s); the previous output is untouched")
        if project.config.build.strict and reporter.warnings:
            raise BuildFailed(
                f"strict mode: {len(reporter.warnings)} warning(s) above; the previous output is untouched"
            )
        files = len(out.written)
        out.commit()

    galleries = list(site.all_galleries())
    return BuildReport(
        output_dir=target,
        pages=1 + len(site.pages),
        galleries=len(galleries),
        photos=len(images),
        images_processed=processed,
        images_reused=reused,
        files_written=files,
        seconds=time.perf_counter() - started,
        warnings=len(reporter.warnings),
    )
