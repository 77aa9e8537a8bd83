"""The HTTP response headers every page and image of the site should carry.

One function decides them; the host files (``_headers``, ``.htaccess``, nginx,
Caddy) and the preview server all print what it returns, so what a
photographer previews is what a host sends.

HTML meta tags never reach an image downloader: img2dataset and datadiligence
look only at the headers of the image response itself. That is why these
headers apply to every path, images first of all.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from ..config import Config
from ..rights.addresses import LICENSING_PATH, tdm_policy_url
from ..rights.presets import NOAI
from ..urls import Urls
from . import rsl
from .policy import signals_for

__all__ = ["IMMUTABLE", "LICENSING_PATH", "HeaderRule", "header_rules", "protection_headers", "response_headers"]

# Derivative file names carry a content hash: a changed photo gets a new name, so a year and "immutable" is safe.
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_PREFIX = "media/"


@dataclass(frozen=True)
class HeaderRule:
    """Headers for every URL path matching ``pattern`` ("/*", "/media/*"; one trailing splat at most)."""

    pattern: str
    headers: tuple[tuple[str, str], ...]
    why: str

    def matches(self, url_path: str) -> bool:
        return fnmatch.fnmatchcase(url_path, self.pattern)


def _config(config: Config | None) -> Config:
    if config is None:
        return Config()
    return config


def protection_headers(urls: Urls, config: Config | None = None) -> list[tuple[str, str]]:
    """The AI opt-out headers, identical for every path.

    ``X-Robots-Tag: noai, noimageai`` comes first and alone on its line: some
    readers only look at the first X-Robots-Tag header (datadiligence) and some
    take a line with a ``name:`` prefix as aimed at one crawler (img2dataset).
    """
    signals = signals_for(_config(config))
    headers: list[tuple[str, str]] = []
    if signals.noai:
        headers.append(("X-Robots-Tag", NOAI))
    if signals.tdmrep:
        headers += [("tdm-reservation", "1"), ("tdm-policy", tdm_policy_url(urls))]
    if signals.content_usage:
        headers.append(("Content-Usage", signals.content_usage))
    return headers


def header_rules(urls: Urls, config: Config | None = None) -> list[HeaderRule]:
    """What the host files express, as rules over URL paths, most general first."""
    rules = []
    protection = protection_headers(urls, config)
    if protection:
        rules.append(HeaderRule("/*", tuple(protection), "AI opt-out signals on every response, images included"))
    media: tuple[tuple[str, str], ...] = (("Cache-Control", IMMUTABLE),)
    why = "published images have content-hashed names: cache them for a year"
    if rsl.enabled(_config(config)):
        # Pages carry <link rel="license" type="application/rsl+xml">; an image response can only say it here.
        media += (("Link", rsl.link_header(urls)),)
        why += "; Link points image downloaders to the RSL licence file"
    rules.append(HeaderRule(urls.base_path + MEDIA_PREFIX + "*", media, why))
    return rules


def response_headers(urls: Urls, site_path: str = "", config: Config | None = None) -> list[tuple[str, str]]:
    """Headers for the response serving ``site_path``, in the order they must be sent.

    ``site_path`` is relative to the site root ("media/x.webp", "travel/"); the
    result is exactly what the generated ``_headers`` file makes Netlify or
    Cloudflare Pages send for that path. Pass the site's ``config`` so
    ``[protect]`` applies; without it the defaults (every signal on) are used.
    """
    url_path = urls.url(site_path) if site_path else urls.base_path
    headers: list[tuple[str, str]] = []
    for rule in header_rules(urls, config):
        if rule.matches(url_path):
            headers.extend(rule.headers)
    return headers
