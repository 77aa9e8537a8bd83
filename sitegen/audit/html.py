"""Reading pages and sitemaps the way crawlers do: meta tags, image candidates, links."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE_NS = "{http://www.google.com/schemas/sitemap-image/1.1}"


@dataclass
class PageFacts:
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name -> contents, in order
    images: list[str] = field(default_factory=list)  # the largest candidate of every <img>/<source>, og:image
    links: list[str] = field(default_factory=list)
    json_ld: list[object] = field(default_factory=list)
    json_ld_errors: int = 0

    def robots_directives(self) -> set[str]:
        """Directives of every robots meta tag (and the generic ones of crawler-specific tags)."""
        found: set[str] = set()
        for content in self.meta.get("robots", []):
            found |= {d.strip().lower() for d in content.split(",") if d.strip()}
        return found


def _largest(srcset: str) -> str | None:
    best, best_w = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.strip().split()
        if not parts:
            continue
        width = 0.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            width = float(parts[1][:-1])
        if width > best_w:
            best, best_w = parts[0], width
    return best


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            if name:
                self.facts.meta.setdefault(name, []).append(a.get("content", ""))
                if name == "og:image" and a.get("content"):
                    self.facts.images.append(a["content"])
        elif tag in ("img", "source"):
            chosen = _largest(a["srcset"]) if a.get("srcset") else None
            chosen = chosen or a.get("src")
            if chosen:
                self.facts.images.append(chosen)
        elif tag == "a" and a.get("href") and "nofollow" not in a.get("rel", "").lower().split():
            # The audit follows links as a polite crawler: not a nofollow one (the honeypot's link is).
            self.facts.links.append(a["href"])
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            try:
                self.facts.json_ld.append(json.loads("".join(self._script)))
            except ValueError:
                self.facts.json_ld_errors += 1
            self._script = None


def read_page(body: bytes) -> PageFacts:
    parser = _Parser()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    return parser.facts


def _safe_xml(body: bytes) -> ET.Element | None:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return None
    try:
        return ET.fromstring(body)
    except ET.ParseError:
        return None


def sitemap_locations(body: bytes) -> list[str]:
    """Page URLs of a sitemap (image entries excluded)."""
    root = _safe_xml(body)
    if root is None:
        return []
    return [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc") if (loc.text or "").strip()]


def sitemap_images(body: bytes) -> list[str]:
    root = _safe_xml(body)
    if root is None:
        return []
    return [(loc.text or "").strip() for loc in root.iter(f"{IMAGE_NS}loc") if (loc.text or "").strip()]
