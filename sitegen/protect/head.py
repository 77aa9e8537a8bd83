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


def head_tags(site: Site, urls: Urls, ctx: HeadContext) -> Markup:
    """All protection tags for one page, one per line.

    Never ``noindex`` or ``noimageindex`` for an opt-out: they would take the photographer out
    of search, which no AI opt-out needs. Only the pages of an unlisted gallery or photo say
    ``noindex`` (:func:`unlisted`): one robots tag, with the opt-out values after it.
    """
    config = site.project.config
    signals = signals_for(config)
    tags: list[str] = []
    robots = [NOINDEX] if unlisted(ctx.obj) else []
    if signals.noai:
        robots.append(NOAI)
    if robots:
        tags.append(meta("robots", ", ".join(robots)))
    if signals.bing_noarchive:
        tags.append(meta("bingbot", "noarchive"))
    if signals.tdmrep:
        tags.append(meta("tdm-reservation", "1"))
        tags.append(meta("tdm-policy", tdm_policy_url(urls)))
    if isinstance(ctx.obj, Photo):
        licence = licence_of(ctx.obj, config)
        tags.append(f'<link rel="license" href="{escape(licence_url(licence, urls))}">')
    elif config.licensing.page:
        tags.append(f'<link rel="license" href="{escape(licensing_url(urls))}">')
    if rsl.enabled(config):
        # Beside the human-readable licence link: RSL readers look for this type (rslstandard.org/guide).
        tags.append(f'<link rel="license" type="{RSL_MEDIA_TYPE}" href="{escape(license_xml_url(urls))}">')
    if config.licensing.json_ld:
        if isinstance(ctx.obj, Photo) and ctx.image is not None:
            tags.append(jsonld.script(jsonld.image_object(ctx.obj, ctx.image, site, urls)))
        elif ctx.kind == "home":
            tags.append(jsonld.script(jsonld.home_graph(site, urls)))
    return Markup("\n".join(tags))
