"""Where the licence terms live, and which licence applies to what.

One URL answers three questions machines ask (Google's "license" and
"acquireLicensePage", the image files' WebStatement and LicensorURL, the
robots.txt and ai.txt comments): these functions are the only place that
spells it, so the image pipeline, the head tags and the licensing page cannot
drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..urls import Urls
from . import licences
from .licences import Licence

if TYPE_CHECKING:
    from ..config import Config
    from ..content.model import Photo, Site

LICENSING_PATH = "licensing/"
HOW_TO_LICENSE_ANCHOR = "license-a-photo"
TDM_POLICY_PATH = "tdm-policy.json"


def _best(urls: Urls, site_path: str) -> str:
    return urls.abs_url(site_path) or urls.url(site_path)


def licensing_url(urls: Urls) -> str:
    """The licensing page: absolute when ``base_url`` names a host (as metadata needs), else root-relative.

    For the image pipeline's ``xmpRights:WebStatement``; also JSON-LD ``license`` for
    licences that have no public text of their own (all rights reserved, custom).
    """
    return _best(urls, LICENSING_PATH)


def acquire_licence_url(urls: Urls) -> str:
    """Where to license a photo: the licensing page's "how to license" section.

    For the image pipeline's ``plus:LicensorURL`` and JSON-LD ``acquireLicensePage``.
    """
    return licensing_url(urls) + "#" + HOW_TO_LICENSE_ANCHOR


def tdm_policy_url(urls: Urls) -> str:
    """The TDM policy document every ``tdm-policy`` field points to."""
    return _best(urls, TDM_POLICY_PATH)


def site_licence(config: Config) -> Licence:
    """The site-wide licence, with the photographer's own name and terms when it is "custom"."""
    return resolve(config.licensing.licence, config)


def resolve(identifier: str | None, config: Config) -> Licence:
    """An identifier from config or front matter -> the licence (None means the site's)."""
    if not identifier:
        identifier = config.licensing.licence
    licence = licences.get(identifier)
    if licence.id == licences.CUSTOM:
        text = config.licensing.custom_text or licences.LICENCES[licences.ALL_RIGHTS_RESERVED].summary
        licence = replace(licence, name=config.licensing.custom_name or licence.name, summary=text)
        licence = replace(licence, short=licence.name)
    return licence


def licence_of(photo: Photo, config: Config) -> Licence:
    """The photo's own licence, else its gallery's (nearest first), else the site's."""
    return resolve(photo.licence, config)


def licence_url(licence: Licence, urls: Urls) -> str:
    """The page that states a licence: its official text, or this site's licensing page."""
    return licence.url or licensing_url(urls)


def copyright_line(config: Config, year: int, author: str | None = None) -> str:
    """The configured copyright line (``site.copyright``) for one work."""
    return config.site.copyright.format(year=year, author=author or config.site.rights_holder)


@dataclass(frozen=True)
class LicenceUse:
    licence: Licence
    photos: int


def licences_in_use(site: Site) -> list[LicenceUse]:
    """Every licence the site's photos are published under, most used first."""
    config = site.project.config
    counts: dict[str, tuple[Licence, int]] = {}
    for photo in site.all_photos():
        licence = licence_of(photo, config)
        _, n = counts.get(licence.id, (licence, 0))
        counts[licence.id] = (licence, n + 1)
    uses = [LicenceUse(licence, n) for licence, n in counts.values()]
    return sorted(uses, key=lambda u: (-u.photos, u.licence.id))
