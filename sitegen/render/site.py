"""Render the content model into page texts: every page of the site, by site path. Nothing is written.

Runs after the image phase, so every photo already has its derivatives; the
templates receive the complete, linked model and never touch the filesystem.
The publish phase (:mod:`sitegen.pipeline.publish`) writes what this returns.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..configschema import closest
from ..content.model import Photo, Site
from ..errors import ContentError, Reporter, SitegenError
from ..images.jobs import ImageSet
from ..protect.head import HeadContext, head_tags
from .context import TemplateAPI
from .parallel import render_in_workers, workers_for
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
        self.pages: dict[str, RenderedPage] = {}  # site path -> text, in the order rendered
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
            protection_head=head_tags(self.site, self.urls, HeadContext(job.kind, obj, self.images.get(obj))),
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

    def add(self, job: PageJob, html: str) -> None:
        if job.site_path in self.pages:
            raise SitegenError(
                f"{job.site_path} would be written twice (by {self.pages[job.site_path].origin} "
                f"and by {job.source or job.template})"
            )
        self.pages[job.site_path] = RenderedPage(html, str(job.source or job.template))

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
                context = {"photo": photo, "gallery": gallery, "img": self.images[photo]}
                jobs.append(
                    PageJob(
                        "photo.html", f"{photo.path}index.html", photo.sidecar or photo.source, "photo", photo, context
                    )
                )
        jobs.append(PageJob("404.html", "404.html", None, "404", None, {}))
        return jobs

    def render_all(self) -> dict[str, RenderedPage]:
        """Every page by site path, in the order of :meth:`jobs`; on every core for a large site."""
        jobs = self.jobs()
        workers = self.workers(len(jobs))
        if workers > 1:
            texts = render_in_workers(len(jobs), lambda index: self.text(jobs[index]), workers)
            self._rendered.extend(job.site_path for job in jobs)
            for job, html in zip(jobs, texts, strict=True):
                self.add(job, html)
        else:
            for job in jobs:
                self.add(job, self.text(job))
        return self.pages


__all__ = ["PageJob", "RenderedPage", "Renderer"]
