"""sitemap.xml is written out directly (issue 14): byte for byte what ElementTree wrote before."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from sitegen.render.feeds import IMAGE_NS, SITEMAP_NS, SitemapEntry, sitemap


def sitemap_by_elementtree(entries: list[SitemapEntry]) -> str:
    """The implementation the direct one replaced, kept as the reference."""
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


WHEN = dt.datetime(2024, 5, 17, 23, 59, tzinfo=dt.UTC)
CASES = {
    "pages only": [SitemapEntry("https://example.com/"), SitemapEntry("https://example.com/about/", WHEN)],
    "with images": [
        SitemapEntry("https://example.com/", WHEN),
        SitemapEntry("https://example.com/g/p/", None, ("https://example.com/g/p-1600.ab.jpg",)),
        SitemapEntry("https://example.com/g/q/", WHEN, ("https://example.com/a.jpg", "https://example.com/b.jpg")),
    ],
    "characters to escape": [
        SitemapEntry("https://example.com/?a=1&b=<2>", WHEN, ("https://example.com/x&y>z.jpg",)),
        SitemapEntry("https://example.com/caf%C3%A9/ü/\"quoted\"/'single'/"),
    ],
    "empty texts": [SitemapEntry(""), SitemapEntry("https://example.com/", None, ("",))],
    "nothing": [],
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_direct_sitemap_is_what_elementtree_wrote(name: str) -> None:
    entries = CASES[name]
    assert sitemap(entries) == sitemap_by_elementtree(entries)
