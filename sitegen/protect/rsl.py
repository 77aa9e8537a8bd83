"""``/license.xml``: the site's terms as RSL 1.0 (Really Simple Licensing), for machines that license content.

Source: RSL 1.0 Specification, RSL-SPEC-1.0, "Recommendation" published 2025-11-06, https://rslstandard.org/rsl
(namespace ``https://rslstandard.org/rsl``), with the guides https://rslstandard.org/guide/file-format,
/guide/robots-txt (``License: [absoluteURL]``, global, fully qualified) and /guide/http
(``Link: <url>; rel="license"; type="application/rsl+xml"``); read through the search tool, December 2026.
What this module relies on from the specification:

- root ``<rsl xmlns="https://rslstandard.org/rsl">`` with one or more ``<content>``, each a distinct asset;
- ``<content url="...">``: ``url`` required, a full URL or a server path matched by RFC 9309 rules (a path
  prefix; ``*`` and ``$`` special);
- inside it ``<license>`` with ``<permits type="usage">`` / ``<prohibits type="usage">`` holding
  space-separated usage tokens (``all``, ``ai-all``, ``ai-train``, ``ai-input``, ``ai-index``, ``search``),
  ``<copyright type="person|organization" contactEmail=".." contactUrl="..">name</copyright>`` and
  ``<terms>URL</terms>`` (additional information about licensing the asset);
- ``<payment>`` is optional and absent here: sitegen does not price anything, ``<terms>`` says how to ask.

Which usages are permitted and prohibited comes from the preset (:mod:`sitegen.rights.presets`), the same
data every other signal reads, so the licence file cannot contradict robots.txt or the headers.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..config import Config
from ..content.model import Gallery, Photo, Site
from ..rights.addresses import acquire_licence_url, license_xml_url, licensing_url
from ..rights.licences import Licence
from ..rights.presets import PRESETS
from ..urls import Urls
from .licensing import resolve, site_licence

NAMESPACE = "https://rslstandard.org/rsl"


def enabled(config: Config) -> bool:
    """license.xml (and everything pointing to it) is written under an AI policy with ``[licensing] rsl`` on.

    Read from the config, not from :class:`~sitegen.protect.policy.Signals`: those are remembered by the
    ``[protect]`` section alone, and this switch lives in ``[licensing]``.
    """
    return config.protect.policy != "off" and config.licensing.rsl


def link_header(urls: Urls) -> str:
    """The ``Link`` header value that points an image response to the licence file (RSL guide "HTTP")."""
    return f'<{license_xml_url(urls)}>; rel="license"; type="application/rsl+xml"'


def _content(url: str, config: Config, urls: Urls, licence: Licence) -> list[str]:
    preset = PRESETS[config.protect.policy]
    lines = [f"  <content url={quoteattr(url)}>", "    <license>"]
    if licence.public_domain:
        # No copyright is claimed, so nothing can be prohibited: say so rather than pretend.
        lines.append('      <permits type="usage">all</permits>')
    else:
        if preset.rsl_permits:
            lines.append(f'      <permits type="usage">{" ".join(preset.rsl_permits)}</permits>')
        if preset.rsl_prohibits:
            lines.append(f'      <prohibits type="usage">{" ".join(preset.rsl_prohibits)}</prohibits>')
    lines.append("    </license>")
    if not licence.public_domain:
        contact = ""
        if config.contact.email:
            contact += f" contactEmail={quoteattr(config.contact.email)}"
        contact += f" contactUrl={quoteattr(config.contact.url or acquire_licence_url(urls))}"
        lines.append(f'    <copyright type="person"{contact}>{escape(config.site.rights_holder)}</copyright>')
    lines.append(f"    <terms>{escape(licence.url or licensing_url(urls))}</terms>")
    lines.append("  </content>")
    return lines


def _differing(site: Site, config: Config) -> list[tuple[Gallery | Photo, Licence]]:
    """Galleries and photos whose own licence differs from what they would inherit, in site order."""
    out: list[tuple[Gallery | Photo, Licence]] = []
    for gallery in site.listed_galleries():  # license.xml is public: it must not name an unlisted gallery
        inherited = resolve(gallery.parent.licence if gallery.parent else None, config)
        own = resolve(gallery.licence, config)
        if gallery.matter.licence and own.id != inherited.id:
            out.append((gallery, own))
        for photo in gallery.photos:
            mine = resolve(photo.licence, config)
            if photo.matter.licence and mine.id != own.id:
                out.append((photo, mine))
    return out


def license_xml(site: Site, urls: Urls) -> str:
    """The RSL document: one ``<content>`` for the whole site, then one per gallery or photo licensed otherwise.

    Paths are server paths (RFC 9309 prefix matching), so the file is right wherever the site is deployed
    even when ``base_url`` has no host; the most specific entry is the longest matching path.
    """
    config = site.project.config
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<rsl xmlns="{NAMESPACE}">']
    lines += _content(urls.base_path, config, urls, site_licence(config))
    for item, licence in _differing(site, config):
        lines += _content(urls.url(item.path), config, urls, licence)
    lines.append("</rsl>")
    return "\n".join(lines) + "\n"
