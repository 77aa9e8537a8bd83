"""Render the content model into page texts: every page of the site, by site path. Nothing is written.

Runs after the image phase, so every photo already has its derivatives; the
templates receive the complete, linked model and never touch the filesystem.
The publish phase (:mod:`sitegen.pipeline.publish`) writes what this yields, page by page
as they are rendered (:class:`PageStream`): a build never holds every page's text at once.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..configschema import closest
from ..content.keywords import KEYWORDS_PATH, KeywordLink, keyword_index
from ..content.model import Kind, Photo, Site
from ..errors import ContentError, Reporter, SitegenError
from ..images.jobs import ImageSet
from ..protect.head import HeadContext, HeadTags
from ..strings import Strings
from .context import TemplateAPI
from .parallel import WorkerPages, workers_for
from .theme import Assets, Theme


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template, where it goes, what produced it, and its own context."""

    template: str
    site_path: str
    source: Path | None
    kind: str
    obj: Any
    context: dict[str, Any]


@dataclass(frozen=True)
class RenderedPage:
    """A file's text and what produced it (named when two things claim one site path)."""

    text: str
    origin: str


def _location(exc: BaseException) -> str:
    """``template.html:LINE`` of the innermost template frame of a rendering error."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".htm", ".txt")):
            return f"{frame.filename}:{frame.lineno}"
    return ""


class PageStream:
    """Every page as ``(site path, page)``, in the order of :meth:`Renderer.jobs`, rendered as it is taken.

    Iterated once (by the publish phase). :meth:`close` stops the render workers of a large site
    when the pages are not all taken (the build stopped half-way); it is safe to call twice.
    """

    def __init__(self, pages: Iterator[tuple[str, RenderedPage]], close: Callable[[], None] = lambda: None) -> None:
        self._pages = pages
        self._close = close

    def __iter__(self) -> Iterator[tuple[str, RenderedPage]]:
        return self._pages

    def close(self) -> None:
        try:
            self._close()
        finally:
            close = getattr(self._pages, "close", None)
            if close is not None:
                close()


class Renderer:
    """Templates -> page texts, for one model. ``sitegen serve`` uses :class:`.deps.MemoRenderer`."""

    def __init__(self, site: Site, images: dict[Photo, ImageSet], theme: Theme, reporter: Reporter) -> None:
        self.site = site
        self.images = images
        self.theme = theme
        self.reporter = reporter
        self.files = site.project.files(reporter)
        self.assets = Assets(theme.static_files(self.files))
        self.env = theme.environment(self.files)
        self.api = TemplateAPI(site, images, self.assets, self.files, reporter)
        self.urls = self.api.urls
        self.api.install(self.env)
        self.head = HeadTags(site, self.urls)
        self.keywords = keyword_index(site)  # after the image phase: photos it dropped count for nothing
        self.origins: dict[str, str] = {}  # site path -> what produced it, in the order rendered
        self._rendered: list[str] = []

    @property
    def rendered(self) -> list[str]:
        """Site paths whose templates ran (all of them here; the memo renderer reuses some)."""
        return self._rendered

    @property
    def reused(self) -> list[str]:
        return []

    def template_for(self, name: str, source: Path | None) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            if exc.name != name:
                raise SitegenError(f"template {name!r} includes {exc.name!r}, which does not exist") from None
            known = self.env.list_templates(extensions=["html"])
            hint = closest(name, known)
            extra = f'; did you mean "{hint}"?' if hint else ""
            where = f"{source}: " if source else ""
            raise ContentError(f"{where}unknown template {name!r}{extra}") from None
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name}:{exc.lineno}"
            raise SitegenError(f"{where}: template syntax error: {exc.message}") from None

    def text(self, job: PageJob) -> str:
        """One page's HTML."""
        tpl = self.template_for(job.template, job.source)
        canonical = self.urls.abs_url(job.site_path.removesuffix("index.html"))
        obj = job.obj
        values = dict(
            page_kind=job.kind,
            current=obj,
            canonical=canonical,
            protection_head=self.head(HeadContext(job.kind, obj, self.images.get(obj))),
            social=self.api.social(job.kind, obj),
            proofing=self.api.proofing(obj),
            nav_marks=self.api.nav_marks(obj),
            **job.context,
        )
        try:
            return self.render_template(tpl, job.site_path, values)
        except jinja2.TemplateError as exc:
            where = _location(exc) or job.template
            raise SitegenError(f"{where}: template error while rendering /{job.site_path}: {exc}") from None

    def add(self, job: PageJob, html: str) -> tuple[str, RenderedPage]:
        origin = str(job.source or job.template)
        if job.site_path in self.origins:
            raise SitegenError(
                f"{job.site_path} would be written twice (by {self.origins[job.site_path]} and by {origin})"
            )
        self.origins[job.site_path] = origin
        return job.site_path, RenderedPage(html, origin)

    def render_template(self, tpl: jinja2.Template, site_path: str, context: dict[str, Any]) -> str:
        """The one place a page's HTML is produced; ``sitegen serve`` overrides it to reuse unchanged pages."""
        self._rendered.append(site_path)
        return tpl.render(context)

    def workers(self, pages: int) -> int:
        """Processes to render ``pages`` pages with (:mod:`.parallel`); the page memo renders in its own."""
        return workers_for(pages, self.site.project.config.build.jobs)

    def jobs(self) -> list[PageJob]:
        """Every page: home, pages, galleries with their photos, 404; in that order."""
        site = self.site
        home = site.home
        jobs = [
            PageJob(
                home.template,
                "index.html",
                home.source,
                "home",
                home,
                {"page": home, "galleries": site.featured_galleries()},
            )
        ]
        for page in site.pages:
            jobs.append(PageJob(page.template, f"{page.path}index.html", page.source, page.kind, page, {"page": page}))
        for gallery in site.all_galleries():
            photos = [p for p in gallery.photos if p in self.images]
            jobs.append(
                PageJob(
                    gallery.template,
                    f"{gallery.path}index.html",
                    gallery.index_file,
                    "gallery",
                    gallery,
                    {"gallery": gallery, "photos": photos},
                )
            )
            for photo in [*gallery.photos, *gallery.unlisted_photos]:
                context = {
                    "photo": photo,
                    "gallery": gallery,
                    "img": self.images[photo],
                    "keywords": self.keywords.links(photo),
                }
                jobs.append(
                    PageJob(
                        "photo.html", f"{photo.path}index.html", photo.sidecar or photo.source, "photo", photo, context
                    )
                )
        jobs += self.keyword_jobs()
        jobs.append(PageJob("404.html", "404.html", None, "404", None, {}))
        return jobs

    def keyword_jobs(self) -> list[PageJob]:
        """/keywords/ and a page per keyword, with ``[keywords]`` on (:mod:`sitegen.content.keywords`)."""
        if not self.site.project.config.keywords.enabled:
            return []
        index = self.keywords
        config = self.site.project.config.site
        title = Strings.for_site(config.language, config.strings).get("keywords.title")
        trail = [KeywordLink(title, KEYWORDS_PATH)]  # the breadcrumbs of a keyword page
        jobs = [
            PageJob(
                "keywords.html", f"{KEYWORDS_PATH}index.html", None, Kind.KEYWORDS, index, {"keywords": index.keywords}
            )
        ]
        for keyword in index.keywords:
            photos = [p for p in keyword.photos if p in self.images]
            context = {"keyword": keyword, "photos": photos, "trail": trail}
            jobs.append(PageJob("keyword.html", f"{keyword.path}index.html", None, Kind.KEYWORD, keyword, context))
        return jobs

    def stream(self) -> PageStream:
        """Every page, in the order of :meth:`jobs`, each rendered as it is taken; on every core for a
        large site (the workers start now and render ahead of the taker, a bounded number of batches)."""
        jobs = self.jobs()
        workers = self.workers(len(jobs))
        if workers < 2:
            return PageStream(self.add(job, self.text(job)) for job in jobs)
        assets = self.assets
        pool = WorkerPages(len(jobs), lambda index: self.text(jobs[index]), workers, lambda: tuple(assets.published))
        return PageStream(self._from_workers(jobs, pool), pool.close)

    def _from_workers(self, jobs: list[PageJob], pool: WorkerPages) -> Iterator[tuple[str, RenderedPage]]:
        done = 0
        for texts, asked in pool.batches():
            for name in asked:
                self.assets.site_path(name)  # the content-hashed names the workers' pages link to
            batch = jobs[done : done + len(texts)]
            done += len(texts)
            self._rendered.extend(job.site_path for job in batch)
            for job, html in zip(batch, texts, strict=True):
                yield self.add(job, html)

    def render_all(self) -> dict[str, RenderedPage]:
        """Every page by site path, all at once (tests, benchmarks): the build takes :meth:`stream`."""
        pages = self.stream()
        try:
            return dict(pages)
        finally:
            pages.close()


__all__ = ["PageJob", "PageStream", "RenderedPage", "Renderer"]
