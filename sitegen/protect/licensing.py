"""Which licence applies to what: the site's, a gallery's or a photo's own (addresses: rights.addresses)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..content.model import Photo, Site
from ..rights import licences
from ..rights.addresses import licensing_url
from ..rights.licences import Licence
from ..urls import Urls


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
