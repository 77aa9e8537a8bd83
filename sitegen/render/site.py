"""Render the content model into the output: every page, the feed, the sitemap, assets.

Runs after the image phase, so every photo already has its derivatives; the
templates receive the complete, linked model and never touch the filesystem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..configschema import closest
from ..content.model import Gallery, Page, Photo, Site
from ..errors import NO_ALT, ContentError, Reporter, SitegenError
from ..images.pipeline import ImageSet
from ..images.scrub import ScrubError, is_checked, scrub
from ..output.folder import Output
from ..protect.files import write_protection_files
from ..protect.head import HeadContext, head_tags
from ..protect.pages import template_globals
from ..urls import Urls
from . import feeds, layout
from .logo import Logo, logo_size
from .theme import Assets, Theme


@dataclass(frozen=True)
class NavItem:
    """A menu entry. ``path`` is the site path of an internal link (for "you are here"), None if external."""

    title: str
    url: str
    obj: Any = None
    path: str | None = None


def _system_junk(name: str) -> bool:
    """Files operating systems leave in folders; ``._*`` are macOS metadata twins (AppleDouble)."""
    return name in (".DS_Store", "Thumbs.db", "desktop.ini") or name.startswith("._")


def _location(exc: BaseException) -> str:
    """``template.html:LINE`` of the innermost template frame of a rendering error."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".htm", ".txt")):
            return f"{frame.filename}:{frame.lineno}"
    return ""


class Renderer:
    def __init__(
        self,
        site: Site,
        images: dict[Photo, ImageSet],
        media: dict[str, Path],
        theme: Theme,
        output: Output,
        reporter: Reporter,
    ) -> None:
        self.site = site
        self.config = site.project.config
        self.images = images
        self.media = media  # published site path -> cached derivative file
        self.theme = theme
        self.output = output
        self.reporter = reporter
        self.urls = Urls(self.config.site.base_url)
        self.files = site.project.files(reporter)
        self.assets = Assets(theme.static_files(self.files))
        self.env = theme.environment(self.files)
        self._srcsets: dict[tuple[int, str, str], str] = {}
        self._install_globals()

    # -- template API ----------------------------------------------------------

    def url(self, target: Any) -> str:
        """Link to a model object, a derivative or a site path."""
        if isinstance(target, Page | Gallery | Photo):
            return self.urls.url(target.path)
        if hasattr(target, "path") and isinstance(target.path, str):
            return self.urls.url(target.path)
        return self.urls.url(str(target))

    def abs_url(self, target: Any) -> str | None:
        path = target.path if hasattr(target, "path") else str(target)
        return self.urls.abs_url(path)

    def image(self, photo: Photo | None) -> ImageSet | None:
        return self.images.get(photo) if photo is not None else None

    def srcset(self, image_set: ImageSet, fmt: str, role: str = "view") -> str:
        """``role`` is "view" (full views: photo page, lightbox; always the marked files) or "thumb"
        (grid and card thumbnails: clean or marked as [watermark] thumbnails says)."""
        key = (id(image_set), fmt, role)
        if key not in self._srcsets:  # the grid and the photo page ask for the same ones
            self._srcsets[key] = ", ".join(
                f"{self.urls.url(d.path)} {d.width}w" for d in image_set.of_format(fmt, role)
            )
        return self._srcsets[key]

    def asset(self, name: str) -> str:
        return self.urls.url(self.assets.site_path(name))

    def copyright(self, year: int | None = None, author: str | None = None) -> str:
        site = self.config.site
        return site.copyright.format(
            year=year or self.site.build_time.year,
            author=author or site.rights_holder,
        )

    def nav(self) -> list[NavItem]:
        """The ``[theme_options] menu`` when set, else top-level galleries, then top-level pages."""
        menu = self.config.theme_options.menu
        if menu:
            items = []
            for link in menu:
                if link.url.startswith("/"):
                    path = link.url.lstrip("/")
                    items.append(NavItem(link.title, self.urls.url(path), None, path.split("#")[0].split("?")[0]))
                else:
                    items.append(NavItem(link.title, link.url))
            return items
        items = [NavItem(g.title, self.url(g), g, g.path) for g in self.site.galleries]
        items += [
            NavItem(p.title, self.url(p), p, p.path) for p in self.site.pages if p.menu and p.path.count("/") == 1
        ]
        return items

    def justify(self, photos: list[Photo]) -> list[tuple[Photo, layout.Tile]]:
        """The gallery grid's justified rows: each photo with its tile style and ``sizes``."""
        sets = [self.images[p] for p in photos]
        tiles = layout.cached_tiles(tuple(s.width / s.height for s in sets), self.config.theme_options.row_height)
        return list(zip(photos, tiles, strict=True))

    def _logo(self) -> Logo | None:
        name = self.config.theme_options.logo
        if not name:
            return None
        path = self.site.project.static_dir / name
        where = self.site.project.config_file
        if self.files.file(path) is None:
            self.reporter.warning(f"[theme_options] logo: {path} does not exist; showing the site title", where)
            return None
        size = logo_size(path)
        if size is None:
            self.reporter.warning(
                f"[theme_options] logo: cannot tell the size of {path}; showing the site title", where
            )
            return None
        return Logo(self.urls.url(name), *size)

    def _install_globals(self) -> None:
        self.env.globals.update(
            site=self.site,
            config=self.config,
            url=self.url,
            abs_url=self.abs_url,
            image=self.image,
            srcset=self.srcset,
            asset=self.asset,
            copyright=self.copyright,
            nav=self.nav(),
            justify=self.justify,
            logo=self._logo(),
            favicon=self._favicon(),
            feed_url=self.urls.url("feed.xml") if self.urls.absolute else None,
        )
        self.env.globals.update(template_globals(self.site, self.urls))
        self.env.filters["isodate"] = lambda d: d.date().isoformat() if d else ""
        self.env.filters["longdate"] = lambda d: f"{d:%-d %B %Y}" if d else ""

    def _favicon(self) -> str:
        static = self.site.project.static_dir
        for name in ("favicon.svg", "favicon.png", "favicon.ico"):
            if self.files.file(static / name) is not None:
                return self.urls.url(name)
        return self.asset("favicon.svg")

    # -- writing -----------------------------------------------------------------

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
            social=self.social(kind, obj),
            **context,
        )
        try:
            html = self.render_template(tpl, site_path, values)
        except jinja2.TemplateError as exc:
            where = _location(exc) or template
            raise SitegenError(f"{where}: template error while rendering /{site_path}: {exc}") from None
        self.output.write_text(site_path, html, origin=str(source or template))

    def render_template(self, tpl: jinja2.Template, site_path: str, context: dict[str, Any]) -> str:
        """The one place a page's HTML is produced; ``sitegen serve`` overrides it to reuse unchanged pages."""
        return tpl.render(context)

    def social(self, kind: str, obj: Any) -> dict[str, Any]:
        """OpenGraph / Twitter card data; the image is always a published derivative, never an original."""
        photo: Photo | None = None
        if isinstance(obj, Photo):
            photo = obj
        elif isinstance(obj, Gallery):
            photo = obj.cover
        elif kind == "home":
            featured = self.site.featured_galleries()
            photo = next((g.cover for g in featured if g.cover), None)
        image_set = self.image(photo)
        card: dict[str, Any] = {"image": None, "width": None, "height": None, "alt": None}
        if image_set is not None and photo is not None:
            # ~1200 px is what the big platforms display; JPEG is the one every link-preview bot reads.
            derivative = image_set.closest(1200, "jpeg" if "jpeg" in image_set.formats else None)
            card.update(
                image=self.urls.abs_url(derivative.path),
                width=derivative.width,
                height=derivative.height,
                alt=photo.alt,
            )
        return card

    def check_alt_texts(self) -> None:
        """One warning per published photo without alt text: screen readers would only hear its title."""
        for photo in self.site.all_photos():
            if photo in self.images and not photo.has_alt:
                name = photo.sidecar.name if photo.sidecar else f"{photo.source.stem}.md"
                self.reporter.warning(
                    f'no alt text: screen readers only hear its title "{photo.title}"; '
                    f'add "alt:" to {name} (or an alt text to the file\'s XMP metadata)',
                    photo.source,
                    kind=NO_ALT,
                )

    def render_all(self) -> None:
        site = self.site
        self.check_alt_texts()
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
        write_protection_files(site, self.urls, self.output, self.reporter)
        self.write_feeds()
        self.write_assets()
        self.write_images()

    def write_feeds(self) -> None:
        origin = self.urls.origin
        if origin is None:  # a sitemap and a feed need absolute URLs
            return

        def abs_url(site_path: str) -> str:
            return origin + self.urls.url(site_path)

        entries = [feeds.SitemapEntry(abs_url(""), self._newest())]
        entries += [feeds.SitemapEntry(abs_url(p.path), p.date) for p in self.site.pages]
        for gallery in self.site.all_galleries():
            entries.append(feeds.SitemapEntry(abs_url(gallery.path), gallery.date))
            for photo in gallery.photos:
                image_set = self.images[photo]
                entries.append(
                    feeds.SitemapEntry(abs_url(photo.path), photo.date, (abs_url(image_set.largest().path),))
                )
        self.output.write_text("sitemap.xml", feeds.sitemap(entries), origin="sitemap")

        galleries = sorted(self.site.all_galleries(), key=lambda g: g.date or dt.datetime.min, reverse=True)
        feed_entries = []
        for gallery in galleries:
            cover = self.image(gallery.cover)
            html = ""
            if cover is not None and gallery.cover is not None:
                src = abs_url(cover.closest(1200).path)
                html = f'<p><img src="{Markup.escape(src)}" alt="{Markup.escape(gallery.cover.alt)}"></p>'
            html += gallery.body_html
            feed_entries.append(
                feeds.FeedEntry(
                    title=gallery.title,
                    link=abs_url(gallery.path),
                    updated=gallery.date or _last_modified(gallery) or self.site.build_time.replace(tzinfo=None),
                    summary=gallery.description or f"{gallery.photo_count} photographs",
                    content_html=html,
                )
            )
        text = feeds.atom(
            title=self.config.site.title,
            subtitle=self.config.site.description,
            site_url=abs_url(""),
            feed_url=abs_url("feed.xml"),
            author=self.config.site.rights_holder,
            updated=self._newest()
            or max((e.updated for e in feed_entries), default=None)
            or self.site.build_time.replace(tzinfo=None),
            entries=feed_entries,
            rights=self.copyright(),
            language=self.config.site.language,
        )
        self.output.write_text("feed.xml", text, origin="feed")

    def _newest(self) -> dt.datetime | None:
        dates = [d for d in (g.date for g in self.site.all_galleries()) if d]
        dates += [p.date for p in self.site.pages if p.date]
        return max(dates) if dates else None

    def write_assets(self) -> None:
        # Every theme file under its plain name (so CSS url() references resolve) ...
        for name, source in self.assets.files.items():
            self.publish_file(f"theme/{name}", source, origin=f"theme {source}")
        # ... and the ones templates asked for under content-hashed names too.
        for name, site_path in self.assets.published.items():
            self.publish_file(site_path, self.assets.files[name], origin=f"theme {name}")
        static = self.site.project.static_dir
        for entry in self.files.walk(static, _system_junk):
            path = entry.path
            rel = path.relative_to(static).as_posix()
            if self.output.exists(rel):
                self.reporter.warning(f"ignored: sitegen generates /{rel} itself", path)
                continue
            self.publish_file(rel, path, origin=str(path))

    def publish_file(self, site_path: str, source: Path, origin: str) -> None:
        """Copy a static or theme file, without the private metadata of images (see :mod:`.scrub`)."""
        if not is_checked(source.suffix):
            self.output.copy(site_path, source, origin=origin)
            return
        try:
            cleaned = scrub(source.read_bytes(), source.suffix)
        except ScrubError as exc:
            self.reporter.warning(f"not published: {exc}", source)
            return
        if cleaned.removed:
            self.reporter.info(f"published without its metadata: {', '.join(cleaned.removed)}", source)
        self.output.write_bytes(site_path, cleaned.data, origin=origin)

    def write_images(self) -> None:
        """Link each photo's cached derivatives into the output: the only image bytes ever published."""
        for site_path, cached in self.media.items():
            self.output.link(site_path, cached, origin="images")


def _last_modified(gallery: Gallery) -> dt.datetime | None:
    """When an undated gallery's files last changed: a feed entry's ``updated`` that stays put from
    build to build (the build time would tell feed readers it changed on every build)."""
    times = []
    for path in [gallery.source / "index.md", *(p.source for p in gallery.all_photos())]:
        with contextlib.suppress(OSError):
            times.append(path.stat().st_mtime)
    if not times:
        return None
    return dt.datetime.fromtimestamp(int(max(times)), dt.UTC).replace(tzinfo=None)
