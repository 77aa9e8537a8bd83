"""Helpers that read a built site the way a browser and a crawler would."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for attr in ("href", "src"):
            if attr in a:
                self.links.append(a[attr])
        for attr in ("srcset",):
            if attr in a:
                self.links.extend(part.strip().split(" ")[0] for part in a[attr].split(",") if part.strip())
        if tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                self.meta[key] = a.get("content", "")
        if tag == "img":
            self.images.append(a)


def parse(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text("utf-8"))
    return collector


def resolve(output: Path, link: str, base_path: str = "/", origin: str | None = None) -> Path | None:
    """The file a site-internal link points to, or None for external links."""
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    if parts.scheme or parts.netloc:
        if origin is None or not link.startswith(origin):
            return None
        parts = urlsplit(link[len(origin) :])
    path = unquote(parts.path)
    if not path:
        return None
    assert path.startswith(base_path), f"link {link} is outside the base path {base_path}"
    rel = path[len(base_path) :]
    target = output / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))
