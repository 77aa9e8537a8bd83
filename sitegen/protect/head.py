"""The one place that decides the protection tags in every page's <head>.

Templates call ``{{ protection_head }}`` and never spell these tags
themselves, so a theme cannot forget one and switching a signal off in
sitegen.toml changes every page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..content.model import Site
from ..urls import Urls


@dataclass(frozen=True)
class HeadContext:
    """What the protection tags of one page may depend on."""

    kind: str  # "home", "page", "gallery", "photo", "404", "licensing"
    obj: Any  # the Page, Gallery or Photo being rendered (None for 404)


def meta(name: str, content: str) -> str:
    return f'<meta name="{escape(name)}" content="{escape(content)}">'


def head_tags(site: Site, urls: Urls, ctx: HeadContext) -> Markup:
    """All protection tags for one page, one per line."""
    tags = [meta("robots", "noai, noimageai")]
    return Markup("\n".join(tags))
