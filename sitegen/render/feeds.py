"""sitemap.xml and the Atom feed, built with ElementTree so escaping is never a template's job."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: dt.datetime | None = None
    images: tuple[str, ...] = ()


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def sitemap(entries: Iterable[SitemapEntry]) -> str:
    """A sitemap with image extensions: search engines find every photo page and its published image."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("image", IMAGE_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        if entry.lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod.date().isoformat()
        for image in entry.images:
            node = ET.SubElement(url, f"{{{IMAGE_NS}}}image")
            ET.SubElement(node, f"{{{IMAGE_NS}}}loc").text = image
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    updated: dt.datetime
    summary: str = ""
    content_html: str = ""


def atom(
    *,
    title: str,
    site_url: str,
    feed_url: str,
    author: str,
    updated: dt.datetime,
    entries: Iterable[FeedEntry],
    rights: str = "",
    subtitle: str = "",
    language: str = "en",
    id_for: Callable[[str], str] = lambda link: link,
) -> str:
    """An Atom 1.0 feed (RFC 4287); entry ids are their permalinks, stable across builds."""
    ET.register_namespace("", ATOM_NS)
    a = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    root = ET.Element(a("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": language})
    ET.SubElement(root, a("title")).text = title
    if subtitle:
        ET.SubElement(root, a("subtitle")).text = subtitle
    ET.SubElement(root, a("id")).text = site_url
    ET.SubElement(root, a("link"), {"rel": "alternate", "type": "text/html", "href": site_url})
    ET.SubElement(root, a("link"), {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    ET.SubElement(root, a("updated")).text = _iso(updated)
    author_el = ET.SubElement(root, a("author"))
    ET.SubElement(author_el, a("name")).text = author
    if rights:
        ET.SubElement(root, a("rights")).text = rights
    ET.SubElement(root, a("generator")).text = "sitegen"
    for entry in entries:
        node = ET.SubElement(root, a("entry"))
        ET.SubElement(node, a("title")).text = entry.title
        ET.SubElement(node, a("id")).text = id_for(entry.link)
        ET.SubElement(node, a("link"), {"rel": "alternate", "type": "text/html", "href": entry.link})
        ET.SubElement(node, a("updated")).text = _iso(entry.updated)
        if entry.summary:
            ET.SubElement(node, a("summary")).text = entry.summary
        if entry.content_html:
            ET.SubElement(node, a("content"), {"type": "html"}).text = entry.content_html
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
