"""The one place that decides the protection tags in every page's <head>.

Templates call ``{{ protection_head }}`` and never spell these tags
themselves, so a theme cannot forget one and switching a signal off in
sitegen.toml changes every page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..content.model import Photo, Site
from ..images.jobs import ImageSet
from ..rights.addresses import RSL_MEDIA_TYPE, license_xml_url, licensing_url, tdm_policy_url
from ..rights.presets import NOAI
from ..urls import Urls
from . import jsonld, rsl
from .licensing import licence_of, licence_url
from .policy import signals_for


@dataclass(frozen=True)
class HeadContext:
    """What the protection tags of one page may depend on."""

    kind: str  # "home", "page", "gallery", "photo", "404", "licensing"
    obj: Any  # the Page, Gallery or Photo being rendered (None for 404)
    image: ImageSet | None = None  # the photo's derivatives, on photo pages


NOINDEX = "noindex"


def unlisted(obj: Any) -> bool:
    """An unlisted gallery, a photo in one (or unlisted itself), or a page in an unlisted gallery's folder."""
    return bool(getattr(obj, "unlisted", False))


def meta(name: str, content: str) -> str:
    return f'<meta name="{escape(name)}" content="{escape(content)}">'


class HeadTags:
    """The protection tags of one render: what every page shares is decided and joined once.

    Asking :func:`signals_for` and formatting the same tags for every page was a tenth of the
    time of rendering a large site; only the licence link and the JSON-LD depend on the page.
    Never ``noindex`` or ``noimageindex`` for an opt-out: they would take the photographer out
    of search, which no AI opt-out needs. Only the pages of an unlisted gallery or photo say
    ``noindex`` (:func:`unlisted`): one robots tag, with the opt-out values after it.
    """

    def __init__(self, site: Site, urls: Urls) -> None:
        config = site.project.config
        signals = signals_for(config)
        self.site, self.urls, self.config = site, urls, config
        opt_out = [NOAI] if signals.noai else []
        self.robots = meta("robots", ", ".join(opt_out)) if opt_out else None
        self.robots_unlisted = meta("robots", ", ".join([NOINDEX, *opt_out]))
        first: list[str] = []
        if signals.bing_noarchive:
            first.append(meta("bingbot", "noarchive"))
        if signals.tdmrep:
            first.append(meta("tdm-reservation", "1"))
            first.append(meta("tdm-policy", tdm_policy_url(urls)))
        self.first = first
        self.site_licence = (
            f'<link rel="license" href="{escape(licensing_url(urls))}">' if config.licensing.page else None
        )
        # Beside the human-readable licence link: RSL readers look for this type (rslstandard.org/guide).
        self.rsl = (
            f'<link rel="license" type="{RSL_MEDIA_TYPE}" href="{escape(license_xml_url(urls))}">'
            if rsl.enabled(config)
            else None
        )
        self.json_ld = config.licensing.json_ld
        self._licence_links: dict[str, str] = {}  # licence URL -> its link tag
        self._home: str | None = None

    def __call__(self, ctx: HeadContext) -> Markup:
        """All protection tags for one page, one per line."""
        robots = self.robots_unlisted if unlisted(ctx.obj) else self.robots
        tags = [robots, *self.first] if robots else list(self.first)
        if isinstance(ctx.obj, Photo):
            href = licence_url(licence_of(ctx.obj, self.config), self.urls)
            link = self._licence_links.get(href)
            if link is None:
                link = self._licence_links[href] = f'<link rel="license" href="{escape(href)}">'
            tags.append(link)
        elif self.site_licence is not None:
            tags.append(self.site_licence)
        if self.rsl is not None:
            tags.append(self.rsl)
        if self.json_ld:
            if isinstance(ctx.obj, Photo) and ctx.image is not None:
                tags.append(jsonld.script(jsonld.image_object(ctx.obj, ctx.image, self.site, self.urls)))
            elif ctx.kind == "home":
                tags.append(jsonld.script(jsonld.home_graph(self.site, self.urls)))
        return Markup("\n".join(tags))


def head_tags(site: Site, urls: Urls, ctx: HeadContext) -> Markup:
    """All protection tags for one page (a renderer keeps one :class:`HeadTags` for all its pages)."""
    return HeadTags(site, urls)(ctx)
