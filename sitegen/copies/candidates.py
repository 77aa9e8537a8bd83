"""Suspected copies, gathered from files, folders and URLs, as pictures to fingerprint.

URLs are fetched with bounds (time, bytes, number of images a page may name), like the audit's
requests: find-copies is pointed at other people's sites, so nothing they serve may make it hang
or fill the memory. Only http and https are followed.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from ..images.formats import ImageReadError, is_photo, open_image, reading

USER_AGENT = "sitegen-find-copies (+https://github.com/sitegen)"
MAX_BYTES = 40 * 1024 * 1024  # one image or page
MAX_IMAGES_PER_PAGE = 60
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/avif", "image/gif", "image/tiff")


@dataclass(frozen=True)
class Candidate:
    """One picture to look up, or why it could not be read (said in the report, the run goes on)."""

    name: str  # a path or URL, as the user will recognise it
    image: Image.Image | None
    problem: str = ""


@dataclass(frozen=True)
class Limits:
    timeout: float = 15.0
    max_bytes: int = MAX_BYTES
    max_images_per_page: int = MAX_IMAGES_PER_PAGE


def gather(targets: list[str], limits: Limits | None = None) -> Iterator[Candidate]:
    limits = limits or Limits()
    for target in targets:
        if target.startswith(("http://", "https://")):
            yield from _from_url(target, limits)
            continue
        path = Path(target)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and is_photo(p)):
                yield _from_file(file)
        elif path.is_file():
            yield _from_file(path)
        else:
            yield Candidate(target, None, "no such file or folder")


def _from_file(path: Path) -> Candidate:
    try:
        with reading(path):
            image = open_image(path)
            image.load()
        return Candidate(str(path), image)
    except ImageReadError as exc:
        return Candidate(str(path), None, str(exc))


def _from_bytes(name: str, data: bytes) -> Candidate:
    """A downloaded image, decoded under the same guards as a photo (pixel limit, hostile files)."""
    path = Path(urllib.parse.urlsplit(name).path or "download")
    try:
        with reading(path):
            image = open_image(path, data)
            image.load()
        return Candidate(name, image)
    except ImageReadError as exc:
        return Candidate(name, None, str(exc))


def fetch(url: str, limits: Limits) -> tuple[str, bytes]:
    """(content type, body) of ``url``; ``OSError`` when it fails or exceeds the bounds."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise OSError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with urllib.request.urlopen(request, timeout=limits.timeout) as response:
        kind = response.headers.get_content_type()
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limits.max_bytes:
            raise OSError(f"larger than {limits.max_bytes} bytes")
        body = response.read(limits.max_bytes + 1)
        if len(body) > limits.max_bytes:
            raise OSError(f"larger than {limits.max_bytes} bytes")
        return kind, body


def _from_url(url: str, limits: Limits) -> Iterator[Candidate]:
    try:
        kind, body = fetch(url, limits)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        yield Candidate(url, None, f"could not fetch: {exc}")
        return
    if kind in IMAGE_TYPES or not kind.startswith("text/html"):
        yield _from_bytes(url, body)
        return
    found = page_images(body.decode("utf-8", "replace"), url)
    if not found:
        yield Candidate(url, None, "the page names no images")
    for image_url in found[: limits.max_images_per_page]:
        try:
            _kind, data = fetch(image_url, limits)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            yield Candidate(image_url, None, f"could not fetch: {exc}")
            continue
        yield _from_bytes(image_url, data)
    if len(found) > limits.max_images_per_page:
        yield Candidate(url, None, f"only the first {limits.max_images_per_page} of {len(found)} images were checked")


class _Images(HTMLParser):
    """The largest candidate of every <img>/<source> srcset, plain src, and og:image, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("property") in ("og:image", "twitter:image") and a.get("content"):
            self.urls.append(a["content"])
        if tag not in ("img", "source"):
            return
        best = _largest(a.get("srcset", ""))
        if best:
            self.urls.append(best)
        elif a.get("src"):
            self.urls.append(a["src"])


def _largest(srcset: str) -> str:
    choices = []
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        size = bits[1] if len(bits) > 1 else "1x"
        try:
            weight = float(size[:-1]) * (1 if size.endswith("w") else 1000)
        except ValueError:
            continue
        choices.append((weight, bits[0]))
    return max(choices)[1] if choices else ""


def page_images(html: str, base: str) -> list[str]:
    parser = _Images()
    parser.feed(html)
    seen: dict[str, None] = {}
    for src in parser.urls:
        absolute = urllib.parse.urljoin(base, src)
        if urllib.parse.urlsplit(absolute).scheme in ("http", "https"):
            seen.setdefault(absolute, None)
    return list(seen)


__all__ = ["Candidate", "Limits", "fetch", "gather", "page_images"]
