"""schema.org structured data: what Google Images needs for its "Licensable" badge, and who the site is by.

Google reads ``license`` and ``acquireLicensePage`` (plus creator, credit and
copyright) from an ``ImageObject`` on every page that shows the image; the
same URLs are embedded in the image files, so either route leads a buyer to
the licensing page. A photo's own ``buy:`` link, where it has one, is its
``acquireLicensePage`` instead, and schema.org's ``offers`` carries the
licence (``url``, ``price``, ``priceCurrency``) and a print (an Offer whose
``itemOffered`` is a Product) for the search engines that read them.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..config import Config
from ..content.model import Offers, Photo, Site
from ..images.jobs import ImageSet
from ..rights.addresses import acquire_licence_url, licensing_url
from ..urls import Urls
from .licensing import copyright_line, licence_of, licence_url


def _best(urls: Urls, site_path: str) -> str:
    return urls.abs_url(site_path) or urls.url(site_path)


def script(data: dict[str, Any]) -> Markup:
    """A JSON-LD <script>; "<", ">" and "&" are escaped so no caption can close the element."""
    # Compact: the C encoder is several times faster than the indented one, and every photo page has one.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def person(config: Config, urls: Urls, name: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": name or config.site.rights_holder}
    if name is None or name == config.site.rights_holder:
        data["url"] = _best(urls, "")
    return data


def image_object(photo: Photo, image: ImageSet, site: Site, urls: Urls) -> dict[str, Any]:
    config = site.project.config
    licence = licence_of(photo, config)
    creator = photo.author or config.site.rights_holder
    year = (photo.date or site.build_time).year
    # A public-domain work has no copyright to claim: name its status instead.
    notice = f"{creator}, {licence.name}" if licence.public_domain else copyright_line(config, year, photo.author)
    largest = image.largest()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "contentUrl": _best(urls, largest.path),
        "url": _best(urls, photo.path),
        "name": photo.title,
        "width": largest.width,
        "height": largest.height,
        "license": licence_url(licence, urls),
        "acquireLicensePage": photo.offers.buy or acquire_licence_url(urls),
        "creditText": creator,
        "creator": person(config, urls, creator),
        "copyrightNotice": notice,
    }
    if offers := offer_list(photo.offers, photo.title, data["acquireLicensePage"]):
        data["offers"] = offers
    if photo.caption_text:
        data["description"] = photo.caption_text
    if photo.date:
        data["dateCreated"] = photo.date.date().isoformat()
    if config.protect.fingerprints and image.fingerprint is not None:
        # The same ISCC as in the files' XMP: a registry entry or a copy found later names this page.
        data["identifier"] = image.fingerprint.iscc
    return data


def offer_list(offers: Offers, title: str, acquire_page: str) -> list[dict[str, Any]]:
    """schema.org Offers: the licence (when there is a link or a price) and a print (when there is a shop)."""
    found: list[dict[str, Any]] = []
    if offers.buy or offers.price:
        licence: dict[str, Any] = {"@type": "Offer", "url": acquire_page}
        if offers.price:
            licence |= {"price": offers.price.amount, "priceCurrency": offers.price.currency}
        found.append(licence)
    if offers.print:
        # The offer is for a thing other than the image: a print of it, a Product of that category.
        product = {"@type": "Product", "name": title, "category": "Photographic prints"}
        found.append({"@type": "Offer", "url": offers.print, "itemOffered": product})
    return found


def home_graph(site: Site, urls: Urls) -> dict[str, Any]:
    """WebSite and the Person behind it, linked, so search engines attribute the site to the photographer."""
    config = site.project.config
    owner = person(config, urls) | {"@id": _best(urls, "") + "#person"}
    if config.contact.email:
        owner["email"] = f"mailto:{config.contact.email}"
    website: dict[str, Any] = {
        "@type": "WebSite",
        "@id": _best(urls, "") + "#website",
        "url": _best(urls, ""),
        "name": config.site.title,
        "inLanguage": config.site.language,
        "author": {"@id": owner["@id"]},
        "copyrightHolder": {"@id": owner["@id"]},
        "license": licensing_url(urls),
    }
    if config.site.description:
        website["description"] = config.site.description
    return {"@context": "https://schema.org", "@graph": [website, owner]}
