"""What templates need to show licences: the photo licence block and the /licensing/ page.

The list of machine-readable signals on the licensing page is derived from the
same :class:`~sitegen.protect.policy.Signals` the generators use, so the page
can only list what the build really emits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..content.model import Photo, Site
from ..rights.addresses import HOW_TO_LICENSE_ANCHOR, LICENSE_XML_PATH, LICENSING_PATH, TDM_POLICY_PATH
from ..rights.licences import Licence
from ..rights.presets import NOAI
from ..strings import Strings
from ..urls import Urls
from . import honeypot, rsl
from .headers import protection_headers
from .licensing import (
    LicenceUse,
    licence_of,
    licences_in_use,
    site_licence,
)
from .policy import Signals, embeds_rights, signals_for


@dataclass(frozen=True)
class Signal:
    name: str  # what it is called
    url: str | None  # where to see it, when it is a file
    says: str  # what it says, in plain words
    code: tuple[str, ...] = ()  # the literal lines or tags, shown as code


@dataclass(frozen=True)
class LicensingPage:
    url: str  # root-relative link to /licensing/
    acquire_url: str  # its "how to license" section
    anchor: str
    licence: Licence  # the site's licence
    holder: str
    email: str
    contact_url: str
    policy: str  # "no-ai", "no-ai-training" or "off"
    reserved: bool  # TDM / AI training rights are reserved (any policy but "off")
    signals: list[Signal]


@dataclass(frozen=True)
class LicenceUsage:
    """Which licences the photos are published under: the one part of the licensing data that
    depends on the content, kept apart so that a new photo re-renders the licensing page only
    (every page sees ``licensing``; only the licensing page asks for this)."""

    site_licence: Licence
    in_use: list[LicenceUse]

    @property
    def other_licences(self) -> list[LicenceUse]:
        return [u for u in self.in_use if u.licence.id != self.site_licence.id]

    @property
    def has_open_licences(self) -> bool:
        return any(not u.licence.reserved for u in self.in_use) or not self.site_licence.reserved


def signal_list(signals: Signals, urls: Urls, site: Site) -> list[Signal]:
    config = site.project.config
    t = Strings.for_site(config.site.language, config.site.strings)
    out: list[Signal] = []
    if signals.robots_txt and signals.ai_agents:
        out.append(
            Signal(
                "robots.txt",
                urls.url("robots.txt"),
                t("signal.robots_txt", count=len(signals.ai_agents)),
                (f"Content-Signal: {signals.content_signal}", f"Content-Usage: {signals.content_usage}"),
            )
        )
    if signals.ai_txt:
        out.append(Signal("ai.txt", urls.url("ai.txt"), t("signal.ai_txt")))
    if signals.tdmrep:
        out.append(
            Signal(
                "TDMRep",
                urls.url(".well-known/tdmrep.json"),
                t("signal.tdmrep", policy=urls.url(TDM_POLICY_PATH)),
            )
        )
    if rsl.enabled(config):
        preset = signals.preset
        out.append(
            Signal(
                t("signal.rsl_name"),
                urls.url(LICENSE_XML_PATH),
                t("signal.rsl", permits=", ".join(preset.rsl_permits), prohibits=", ".join(preset.rsl_prohibits)),
            )
        )
    tags = []
    if signals.noai:
        tags.append(f'<meta name="robots" content="{NOAI}">')
    if signals.bing_noarchive:
        tags.append('<meta name="bingbot" content="noarchive">')
    if signals.tdmrep:
        tags += ['<meta name="tdm-reservation" content="1">', '<meta name="tdm-policy" content="…">']
    if tags:
        out.append(Signal(t("signal.meta_name"), None, t("signal.meta"), tuple(tags)))
    headers = protection_headers(urls, config)
    if signals.header_files and headers:
        out.append(
            Signal(
                t("signal.headers_name"),
                None,
                t("signal.headers"),
                tuple(f"{name}: {value if name != 'tdm-policy' else '…'}" for name, value in headers),
            )
        )
    if embeds_rights(config):
        out.append(
            Signal(
                t("signal.images_name"),
                None,
                t("signal.images"),
            )
        )
    if config.licensing.json_ld:
        out.append(
            Signal(
                t("signal.schema_name"),
                None,
                t("signal.schema"),
            )
        )
    return out


def licensing_page(site: Site, urls: Urls) -> LicensingPage:
    config = site.project.config
    signals = signals_for(config)
    url = urls.url(LICENSING_PATH)
    return LicensingPage(
        url=url,
        acquire_url=f"{url}#{HOW_TO_LICENSE_ANCHOR}",
        anchor=HOW_TO_LICENSE_ANCHOR,
        licence=site_licence(config),
        holder=config.site.rights_holder,
        email=config.contact.email,
        contact_url=config.contact.url,
        policy=signals.preset.name,
        reserved=signals.any,
        signals=signal_list(signals, urls, site),
    )


def template_globals(site: Site, urls: Urls) -> dict[str, Any]:
    """Functions and data for the licence partial and the licensing page."""
    config = site.project.config
    page = licensing_page(site, urls)
    licence_for: Callable[[Photo], Licence] = lambda photo: licence_of(photo, config)  # noqa: E731

    def licence_usage() -> LicenceUsage:
        return LicenceUsage(site_licence(config), licences_in_use(site))

    return {
        "licensing": page,
        "licence_of": licence_for,
        "licence_usage": licence_usage,
        # partials/honeypot.html: the hidden link, None when [protect] honeypot is off.
        "honeypot_url": honeypot.link(config, urls),
    }
