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
from .theme import Assets, Theme


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

    def render(self, template: str, site_path: str, source: Path | None, kind: str, obj: Any, **context: Any) -> None:
        tpl = self.template_for(template, source)
        canonical = self.urls.abs_url(site_path.removesuffix("index.html"))
        values = dict(
            page_kind=kind,
            current=obj,
            canonical=canonical,
            protection_head=head_tags(self.site, self.urls, HeadContext(kind, obj, self.images.get(obj))),
            social=self.api.social(kind, obj),
            nav_marks=self.api.nav_marks(obj),
            **context,
        )
        try:
            html = self.render_template(tpl, site_path, values)
        except jinja2.TemplateError as exc:
            where = _location(exc) or template
            raise SitegenError(f"{where}: template error while rendering /{site_path}: {exc}") from None
        if site_path in self.pages:
            raise SitegenError(
                f"{site_path} would be written twice (by {self.pages[site_path].origin} and by {source or template})"
            )
        self.pages[site_path] = RenderedPage(html, str(source or template))

    def render_template(self, tpl: jinja2.Template, site_path: str, context: dict[str, Any]) -> str:
        """The one place a page's HTML is produced; ``sitegen serve`` overrides it to reuse unchanged pages."""
        self._rendered.append(site_path)
        return tpl.render(context)

    def render_all(self) -> dict[str, RenderedPage]:
        """Every page: home, pages, galleries with their photos, 404; by site path in that order."""
        site = self.site
        self.render(
            site.home.template,
            "index.html",
            site.home.source,
            "home",
            site.home,
            page=site.home,
            galleries=site.featured_galleries(),
        )
        for page in site.pages:
            self.render(page.template, f"{page.path}index.html", page.source, page.kind, page, page=page)
        for gallery in site.all_galleries():
            template = gallery.template
            self.render(
                template,
                f"{gallery.path}index.html",
                gallery.index_file,
                "gallery",
                gallery,
                gallery=gallery,
                photos=[p for p in gallery.photos if p in self.images],
            )
            for photo in gallery.photos:
                self.render(
                    "photo.html",
                    f"{photo.path}index.html",
                    photo.sidecar or photo.source,
                    "photo",
                    photo,
                    photo=photo,
                    gallery=gallery,
                    img=self.images[photo],
                )
        self.render("404.html", "404.html", None, "404", None)
        return self.pages


__all__ = ["RenderedPage", "Renderer"]
