"""What templates see: the functions and values installed in the Jinja environment of one render.

Every callable installed here is declared :func:`~.functions.pure` or
:func:`~.functions.volatile` where it is defined (the incremental renderer of
``sitegen serve`` keeps the answers of pure ones). The caches of one render
are named in :class:`RenderCaches`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..config import Config
from ..config.sections import DEFAULT_COPYRIGHT
from ..content.keywords import Keyword
from ..content.model import Gallery, Page, Photo, Site
from ..errors import Reporter
from ..images.jobs import ImageSet
from ..protect.pages import template_globals
from ..rights.licences import ALL_RIGHTS_RESERVED, CUSTOM, Licence
from ..sitefiles import SiteFiles
from ..strings import Strings
from ..urls import Urls
from . import layout
from .functions import pure, volatile
from .logo import Logo, logo_size
from .theme import Assets


@dataclass(frozen=True)
class NavItem:
    """A menu entry. ``path`` is the site path of an internal link (for "you are here"), None if external."""

    title: str
    url: str
    obj: Any = None
    path: str | None = None


@dataclass
class RenderCaches:
    """The caches of one render, each keyed on what its answer depends on (values, never identities).

    ``srcsets``: (image set, format, role) -> the srcset attribute; the grid and the photo page ask
    for the same ones. ``urls``: site path -> link, asked several times for every page. Elsewhere,
    and also keyed on content: the justified rows of a gallery grid
    (:func:`.layout.cached_tiles`, by aspect ratios and row height, for the process), the
    content-hashed names of theme assets (:class:`.theme.Assets`, by the file's bytes), and in
    ``sitegen serve`` the page memo and compiled templates (:mod:`.deps`).
    """

    srcsets: dict[tuple[ImageSet, str, str], str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # site path -> link (percent-encoding is not free)


# The licensing globals come from protect/ (below this layer, so not decorated there): declared here by name.
_LICENSING_PURITY: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "licence_of": pure,  # the photo's licence: its own front matter and the configuration
    "licence_usage": volatile,  # which licences the whole site uses
}


def site_strings(config: Config) -> Strings:
    return Strings.for_site(config.site.language, config.site.strings)


def copyright_line(site: Site, year: int | None = None, author: str | None = None) -> str:
    """The ``[site] copyright`` line: for a photo's year, or for this build's. A site that keeps
    the default line gets it in its language (footer.copyright); its own line is its own words."""
    config = site.project.config
    pattern = config.site.copyright
    if pattern == DEFAULT_COPYRIGHT:
        pattern = site_strings(config).text("footer.copyright")
    return pattern.format(year=year or site.build_time.year, author=author or config.site.rights_holder)


def _translator(strings: Strings) -> Callable[..., str]:
    """``t("key", **fields)`` in templates: pure, its answer depends on the config alone.

    A field given as HTML (a link made by the template, Markup) makes the answer HTML: the
    sentence and the other fields are escaped around it, so a translation can put the link
    anywhere in its sentence without a word of the sentence being HTML.
    """

    @pure
    def t(key: str, /, **values: Any) -> str:
        if any(hasattr(v, "__html__") for v in values.values()):
            return Markup(escape(strings.text(key, values.get("count", 0)))).format(**values)
        return strings.get(key, **values)

    return t


def _licence_words(strings: Strings, config: Config) -> Callable[[Licence], LicenceWords]:
    """A licence's name, short name and summary in the site's language (the photographer's own
    words for a custom licence; the official English name where no table has the licence)."""

    @pure
    def licence_words(licence: Licence) -> LicenceWords:
        def word(part: str, default: str) -> str:
            key = f"licence.{licence.id}.{part}"
            return strings.get(key) if strings.has(key) else default

        if licence.id == CUSTOM:
            own = config.licensing.custom_name
            name = own or word("name", licence.name)
            summary = config.licensing.custom_text or strings.get(f"licence.{ALL_RIGHTS_RESERVED}.summary")
            return LicenceWords(name, name, summary)
        name = word("name", licence.name)
        return LicenceWords(name, word("short", licence.short), word("summary", licence.summary))

    return licence_words


@dataclass(frozen=True)
class LicenceWords:
    name: str
    short: str
    summary: str


@pure
def isodate(d: dt.datetime | None) -> str:
    return d.date().isoformat() if d else ""


def _longdate(strings: Strings) -> Callable[[dt.datetime | None], str]:
    @pure
    def longdate(d: dt.datetime | None) -> str:
        return strings.long_date(d) if d else ""

    return longdate


class TemplateAPI:
    """The template globals of one render, over the finished model and the image results."""

    def __init__(
        self,
        site: Site,
        images: dict[Photo, ImageSet],
        assets: Assets,
        files: SiteFiles,
        reporter: Reporter,
    ) -> None:
        self.site = site
        self.config: Config = site.project.config
        self.images = images
        self.assets = assets
        self.files = files
        self.reporter = reporter
        self.urls = Urls(self.config.site.base_url)
        self.caches = RenderCaches()
        self.nav_items = self.nav()

    @pure
    def url(self, target: Any) -> str:
        """Link to a model object, a derivative or a site path."""
        model = isinstance(target, Page | Gallery | Photo)
        path = target.path if model or (hasattr(target, "path") and isinstance(target.path, str)) else str(target)
        known = self.caches.urls.get(path)
        if known is None:
            known = self.caches.urls[path] = self.urls.url(path)
        return known

    @pure
    def abs_url(self, target: Any) -> str | None:
        path = target.path if hasattr(target, "path") else str(target)
        return self.urls.abs_url(path)

    @volatile
    def image(self, photo: Photo | None) -> ImageSet | None:
        return self.images.get(photo) if photo is not None else None

    @pure
    def srcset(self, image_set: ImageSet, fmt: str, role: str = "view") -> str:
        """``role`` is "view" (full views: photo page, lightbox; always the marked files) or "thumb"
        (grid and card thumbnails: clean or marked as [watermark] thumbnails says)."""
        key = (image_set, fmt, role)
        known = self.caches.srcsets.get(key)
        if known is None:
            known = self.caches.srcsets[key] = ", ".join(
                f"{self.urls.url(d.path)} {d.width}w" for d in image_set.of_format(fmt, role)
            )
        return known

    @volatile
    def asset(self, name: str) -> str:
        return self.urls.url(self.assets.site_path(name))

    @pure
    def copyright(self, year: int | None = None, author: str | None = None) -> str:
        return copyright_line(self.site, year, author)

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

    def nav_marks(self, obj: Any) -> tuple[str, ...]:
        """Per menu entry, what it is to the page ``obj``: "page" (this page), "section" (a page
        below it) or "". The menu's text then depends on this short tuple instead of the page, so
        it is rendered once per distinct marking (:mod:`.fragments`) instead of once per page."""
        here = getattr(obj, "path", None) if obj else None
        marks = []
        for item in self.nav_items:
            if item.path is not None and here is not None and item.path == here:
                marks.append("page")
            elif item.path and here and here.startswith(item.path):
                marks.append("section")
            else:
                marks.append("")
        return tuple(marks)

    @volatile
    def justify(self, photos: list[Photo]) -> list[tuple[Photo, layout.Tile]]:
        """The gallery grid's justified rows: each photo with its tile style and ``sizes``."""
        sets = [self.images[p] for p in photos]
        tiles = layout.cached_tiles(tuple(s.width / s.height for s in sets), self.config.theme_options.row_height)
        return list(zip(photos, tiles, strict=True))

    def logo(self) -> Logo | None:
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

    def favicon(self) -> str:
        static = self.site.project.static_dir
        for name in ("favicon.svg", "favicon.png", "favicon.ico"):
            if self.files.file(static / name) is not None:
                return self.urls.url(name)
        return self.asset("favicon.svg")

    def site_file(self, name: str) -> str | None:
        """The URL of a file of the site's static/ folder when it exists: how the theme picks up
        ``custom.css`` and ``custom.js`` without the site overriding a template."""
        if self.files.file(self.site.project.static_dir / name) is None:
            return None
        return self.urls.url(name)

    def install(self, env: jinja2.Environment) -> None:
        env.globals.update(
            site=self.site,
            config=self.config,
            url=self.url,
            abs_url=self.abs_url,
            image=self.image,
            srcset=self.srcset,
            asset=self.asset,
            copyright=self.copyright,
            nav=self.nav_items,
            justify=self.justify,
            logo=self.logo(),
            favicon=self.favicon(),
            custom_css=self.site_file("custom.css"),
            custom_js=self.site_file("custom.js"),
            feed_url=self.urls.url("feed.xml") if self.urls.absolute else None,
        )
        licensing = template_globals(self.site, self.urls)
        for name, value in licensing.items():
            if name in _LICENSING_PURITY:
                _LICENSING_PURITY[name](value)
        env.globals.update(licensing)
        strings = site_strings(self.config)
        env.globals["t"] = _translator(strings)
        env.globals["licence_words"] = _licence_words(strings, self.config)
        env.globals["viewer_strings"] = strings.group("viewer.")
        env.filters["isodate"] = isodate
        env.filters["longdate"] = _longdate(strings)

    def proofing(self, obj: Any) -> Gallery | None:
        """The gallery whose favourites a page lets visitors mark (partials/proofing.html): an unlisted
        gallery's page and its photos' pages, unless it (or a parent) says ``proofing: false``."""
        gallery = obj if isinstance(obj, Gallery) else obj.gallery if isinstance(obj, Photo) else None
        if gallery is None or not gallery.unlisted or (isinstance(obj, Photo) and obj not in gallery.photos):
            return None
        chain = [gallery, *reversed(gallery.ancestors)]
        return gallery if next((g.matter.proofing for g in chain if g.matter.proofing is not None), True) else None

    def social(self, kind: str, obj: Any) -> dict[str, Any]:
        """OpenGraph / Twitter card data; the image is always a published derivative, never an original."""
        photo: Photo | None = None
        if isinstance(obj, Photo):
            photo = obj
        elif isinstance(obj, Gallery | Keyword):
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


__all__ = ["NavItem", "RenderCaches", "TemplateAPI", "copyright_line", "site_strings"]
