"""``sitegen build``: config -> content model -> image jobs -> render -> write.

Each phase hands the next a finished product; nothing reaches back. The
output is written into a temporary folder and swapped in only when the build
succeeded (and, with ``strict``, had no warnings), so what is published is
always a complete site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Project, load_project
from ..content.model import Photo, Site
from ..content.reader import read_site
from ..errors import Problem, Reporter, Severity, SitegenError
from ..images.formats import set_pixel_limit
from ..images.pipeline import ImageCache, ImageSet, run_batch
from ..images.plan import plan
from ..images.probe import ProbeCache
from ..output import Output, check_target
from ..render.site import Renderer
from ..render.theme import Theme
from ..stamp import Stamp, StampStore, fingerprint

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
    up_to_date: bool = False  # nothing changed since the last build: nothing was written
    notes: list[str] = dataclasses.field(default_factory=list)  # advice that is not a warning


def notes_for(project: Project) -> list[str]:
    if "://" not in project.config.site.base_url:
        return [
            "[site] base_url is not an absolute URL: sitemap.xml, feed.xml, canonical and social-card "
            "URLs and the licensing links inside image files are left out; set it before you deploy"
        ]
    return []


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
    force: bool = False,
) -> BuildReport:
    """Build the site in ``site_dir``; raises :class:`SitegenError` (never exits) on failure.

    When every input is unchanged since the last successful build into the same
    output (see :mod:`sitegen.stamp`), nothing is redone: the report says so and
    the warnings of that build are reported again. ``force`` rebuilds regardless.
    """
    started = time.perf_counter()
    project = load_project(site_dir, overrides)
    reporter = reporter or Reporter(root=project.root)
    target = (output_dir or project.output_dir).resolve()
    check_target(target, project.root, [project.content_dir, project.templates_dir, project.static_dir])
    theme = Theme.load(project.config.site.theme, project.root)
    set_pixel_limit(project.config.images.max_pixels)

    stamps = StampStore(project.cache_dir, target)
    inputs = fingerprint(project, target, theme.chain, dt.datetime.now(dt.UTC).year)
    previous = None if force else stamps.current(inputs)
    if previous is not None:
        for item in previous.problems:
            reporter.add(
                Problem(
                    Severity(item["severity"]),
                    item["message"],
                    Path(item["path"]) if item["path"] else None,
                    item["line"],
                )
            )
        if project.config.build.strict and reporter.warnings:
            raise BuildFailed(f"strict mode: {len(reporter.warnings)} warning(s) above")
        fields = previous.report | {"output_dir": Path(previous.report["output_dir"])}
        return BuildReport(**fields, seconds=time.perf_counter() - started, up_to_date=True, notes=notes_for(project))

    probes = ProbeCache(project.cache_dir)
    site = read_site(project, reporter, probes)
    probes.save()

    images, media, processed, reused = process_images(site, project, reporter, progress)

    token = stamps.new_token()
    with Output(target) as out:
        Renderer(site, images, media, theme, out, reporter).render_all()
        if reporter.errors:
            raise BuildFailed(f"build failed with {len(reporter.errors)} error(s); the previous output is untouched")
        if project.config.build.strict and reporter.warnings:
            raise BuildFailed(
                f"strict mode: {len(reporter.warnings)} warning(s) above; the previous output is untouched"
            )
        files = len(out.written)
        out.commit(token)

    report = BuildReport(
        output_dir=target,
        pages=1 + len(site.pages),
        galleries=sum(1 for _ in site.all_galleries()),
        photos=len(images),
        images_processed=processed,
        images_reused=reused,
        files_written=files,
        seconds=time.perf_counter() - started,
        warnings=len(reporter.warnings),
        notes=notes_for(project),
    )
    kept = {k: v for k, v in dataclasses.asdict(report).items() if k not in ("seconds", "up_to_date", "notes")}
    kept["output_dir"] = str(target)
    kept["images_processed"], kept["images_reused"] = 0, report.photos
    problems = [
        {"severity": p.severity.value, "message": p.message, "path": str(p.path) if p.path else None, "line": p.line}
        for p in reporter.problems
    ]
    stamps.save(Stamp(inputs, token, problems, kept))
    return report
