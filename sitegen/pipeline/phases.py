"""The phases of a build, and :func:`produce`: the one sequence ``sitegen build`` and ``sitegen serve`` run.

Like Zola's ``Site::build``, a flat list of steps, each handing the next a
finished product::

    load_project -> load_theme -> read -> images -> templates -> check -> render -> publish

``sitegen build`` (:mod:`.build`) loads, takes the output's lock, checks its
stamp, then calls :func:`produce` with an :class:`~sitegen.output.folder.Output`;
``sitegen serve`` (:mod:`.session`) calls the same :func:`produce` with a
:class:`~sitegen.output.preview.StagedOutput` and an :class:`Incremental`: what
it kept from its last good rebuild (parsed files, the last model and image
results, the page memo). Those change how much work a phase does, never which
phases run or in what order, so a new phase is added here, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..config import Project, apply_overrides, load_project
from ..content.memo import ParseMemo
from ..content.model import Site
from ..content.reader import photo_files, read_site
from ..errors import ContentError, Reporter
from ..images.batch import ImageCache, run_batch
from ..images.formats import set_pixel_limit
from ..images.probe import ProbeCache
from ..output.writer import Writer
from ..protect.files import protection_files
from ..render.deps import MemoRenderer, PageMemo
from ..render.site import Renderer
from ..render.syndication import feed_files
from ..render.theme import Theme
from ..urls import base_path
from .checks import check_alt_texts, check_language
from .images import ImageResults, Progress, Runner, process_images
from .publish import Rendered, publish
from .report import BuildFailed

W = TypeVar("W", bound=Writer)


def _none(site: Site) -> ImageResults | None:
    return None


@dataclass
class Incremental:
    """What ``sitegen serve`` carries from its last good rebuild into the phases; ``sitegen build`` has none.

    ``last``: the last model and its image results, reused as they are when nothing the reader
    reads changed. ``unchanged_images``: the last image results for a newly read model, when no
    change can have touched a photo's job (else None). ``known_images``: the last run's results by
    job, so only new or edited photos are processed. ``pages``: the page memo of the incremental
    renderer (None renders every page, ``SITEGEN_FULL_RENDER=1``).
    """

    parsed: ParseMemo
    image_cache: ImageCache
    pages: PageMemo | None = None
    last: tuple[Site, ImageResults] | None = None
    unchanged_images: Callable[[Site], ImageResults | None] = _none
    known_images: Callable[[], ImageResults | None] = lambda: None
    runner: Runner = run_batch
    build_time: dt.datetime | None = None  # one per session, or every rebuild would change every page
    failed: str = "the preview shows the last good site"  # said when the read reports errors


@dataclass
class Produced(Generic[W]):
    """What one pass of the phases made, and the writer it was published into (not committed yet)."""

    site: Site
    images: ImageResults
    rendered: Rendered
    writer: W
    read: bool  # the content was read (not reused)
    image_phase: bool  # the image phase ran (not skipped as unchanged)


# -- load ----------------------------------------------------------------------------------


def load(site_dir: Path, overrides: dict[str, Any] | None, preview_origin: str | None = None) -> Project:
    """The project: ``sitegen.toml`` with overrides; for a preview, links point at the preview server."""
    project = load_project(site_dir, overrides)
    if preview_origin:
        # The site's own sub-path (base_url "https://example.com/portfolio/") is kept, on the preview's host.
        preview_url = preview_origin + base_path(project.config.site.base_url)
        config = apply_overrides(project.config, {"site.base_url": preview_url}, "sitegen serve")
        # Image files keep the published address in their metadata, so the preview and
        # `sitegen build` share one image cache instead of re-encoding every photo.
        project = dataclasses.replace(project, config=config, published_base_url=project.config.site.base_url)
    return project


def load_theme(project: Project) -> Theme:
    """The theme, and the process-wide pixel limit every image opened from now on obeys."""
    theme = Theme.load(project.config.site.theme, project.root)
    set_pixel_limit(project.config.images.max_pixels)
    return theme


# -- read ----------------------------------------------------------------------------------


def read(
    project: Project,
    reporter: Reporter,
    probes: ProbeCache,
    incremental: Incremental | None = None,
) -> Site:
    """The content model. ``sitegen build`` probes photos ahead in parallel and keeps converted Markdown
    in the cache; a preview's read is memoised on the files' text, and a read that reported errors is
    not applied (nothing of it is)."""
    if incremental is None:
        if project.content_dir.is_dir():
            probes.prefetch(photo_files(project), os.cpu_count() or 1)
        memo = ParseMemo.stored(project.cache_dir)  # the last build's HTML: --force converts no Markdown again
        site = read_site(project, reporter, probes, memo=memo)
        memo.save()
    else:
        try:
            site = read_site(project, reporter, probes, memo=incremental.parsed)
        except ContentError:
            if not reporter.errors:
                raise
            # Broken front matter, a URL claimed twice...: nothing of this read is applied.
            raise BuildFailed(f"{len(reporter.errors)} content error(s) above; {incremental.failed}") from None
        if incremental.build_time is not None:
            site.build_time = incremental.build_time
    probes.save()
    return site


# -- images --------------------------------------------------------------------------------


def images(
    site: Site, project: Project, reporter: Reporter, progress: Progress | None, incremental: Incremental | None
) -> tuple[ImageResults, bool]:
    """The image results, and whether the image phase ran (a preview skips it when no job can differ)."""
    if incremental is None:
        return process_images(site, project, reporter, progress), True
    unchanged = incremental.unchanged_images(site)
    if unchanged is not None:
        return unchanged, False
    results = process_images(
        site,
        project,
        reporter,
        progress,
        cache=incremental.image_cache,
        previous=incremental.known_images(),
        runner=incremental.runner,
    )
    return results, True


# -- render --------------------------------------------------------------------------------


def templates(site: Site, results: ImageResults, theme: Theme, reporter: Reporter, pages: PageMemo | None) -> Renderer:
    """The template environment with its globals (the logo is checked here), memoised in a preview."""
    if pages is None:
        return Renderer(site, results.images, theme, reporter)
    return MemoRenderer(site, results.images, theme, reporter, memo=pages)


def render(renderer: Renderer, site: Site, results: ImageResults, reporter: Reporter) -> Rendered:
    """Every page (rendered as the publish phase takes them; a large site's workers start now), the
    protection files, sitemap and feed (made while the workers render); nothing is written."""
    pages = renderer.stream()
    try:
        signals = protection_files(site, renderer.urls, reporter)
        feeds = feed_files(site, results.images, renderer.urls)
    except BaseException:
        pages.close()
        raise
    return Rendered(pages, signals, feeds, renderer.assets, renderer.rendered, renderer.reused)


# -- the sequence --------------------------------------------------------------------------


def produce(
    project: Project,
    theme: Theme,
    open_writer: Callable[[], W],
    reporter: Reporter,
    probes: ProbeCache,
    progress: Progress | None = None,
    incremental: Incremental | None = None,
) -> Produced[W]:
    """Run the phases after loading, publishing into the writer ``open_writer`` gives (opened when
    there is something to write). The caller decides whether to commit it."""
    last = incremental.last if incremental is not None else None
    if last is None:
        site = read(project, reporter, probes, incremental)
        results, image_phase = images(site, project, reporter, progress, incremental)
    else:
        (site, results), image_phase = last, False
    renderer = templates(site, results, theme, reporter, incremental.pages if incremental else None)
    check_alt_texts(site, results.images, reporter)
    check_language(site, reporter)
    rendered = render(renderer, site, results, reporter)
    try:
        writer = open_writer()
    except BaseException:
        rendered.pages.close()
        raise
    publish(writer, rendered, project.static_dir, renderer.files, results.media, reporter)
    return Produced(site, results, rendered, writer, last is None, image_phase)


__all__ = [
    "BuildFailed",
    "Incremental",
    "Produced",
    "images",
    "load",
    "load_theme",
    "produce",
    "read",
    "render",
    "templates",
]
