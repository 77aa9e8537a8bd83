"""Helpers for the watermark-role tests: flat photos whose mark is easy to see, and the pictures of a page.

A photo of one flat colour makes the mark unmistakable in the pixels: a clean
derivative (JPEG or WebP) stays within a few levels of that colour everywhere,
while the mark's light lettering and dark outline differ from it by a hundred
levels or more. ``has_mark`` therefore needs no reference image, so it works
on whatever file a browser chose.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageChops

FLAT = (90, 120, 150)
WIDTHS = (480, 800, 1200, 1600, 2048)


def make_flat_photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int] = FLAT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, quality=95)
    return path


def mark_pixels(data: bytes | Path, colour: tuple[int, int, int] = FLAT) -> int:
    """How many pixels differ from the photo's flat colour by more than 60 levels in some channel."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    with Image.open(io.BytesIO(raw)) as image:
        pixels = image.convert("RGB")
    diff = ImageChops.difference(pixels, Image.new("RGB", pixels.size, colour))
    worst = ImageChops.lighter(ImageChops.lighter(*diff.split()[:2]), diff.split()[2])
    return worst.point(lambda v: 255 if v > 60 else 0).histogram()[255]


def has_mark(data: bytes | Path) -> bool:
    # The smallest mark (8 px lettering on a 480 px file) covers a few hundred such pixels;
    # codec noise on a flat colour covers none.
    return mark_pixels(data) >= 40


def is_clean(data: bytes | Path) -> bool:
    return mark_pixels(data) == 0


def file_width(data: bytes | Path) -> int:
    raw = data.read_bytes() if isinstance(data, Path) else data
    with Image.open(io.BytesIO(raw)) as image:
        return image.width


def candidates(srcset: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in srcset.split(",") if part.strip()]


def local_file(output: Path, url: str) -> Path:
    """The published file behind a URL of the built site (absolute or root-relative)."""
    path = output / unquote(urlsplit(url).path).lstrip("/")
    assert path.is_file(), f"{url} is not a published file"
    return path


@dataclass
class Picture:
    """One <picture> of a page: where it sits (the classes around it) and every file it can load."""

    context: list[str]
    srcsets: list[str] = field(default_factory=list)  # every candidate of every <source>/<img> srcset
    src: str = ""
    view_srcsets: list[str] = field(default_factory=list)  # data-view-srcset candidates (grid tiles)
    view_src: str = ""

    def inside(self, cls: str) -> bool:
        return cls in self.context


class _Pictures(HTMLParser):
    VOID = frozenset({"img", "source", "meta", "link", "br", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, list[str]]] = []
        self.pictures: list[Picture] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name", "")] = a.get("content", "")
        if tag == "picture":
            self.pictures.append(Picture([c for _, classes in self.stack for c in classes]))
        if tag in ("source", "img") and self.pictures and any(t == "picture" for t, _ in self.stack):
            picture = self.pictures[-1]
            picture.srcsets += candidates(a.get("srcset", ""))
            picture.view_srcsets += candidates(a.get("data-view-srcset", ""))
            if tag == "img":
                picture.src = a.get("src", "")
                picture.view_src = a.get("data-view-src", "")
        if tag not in self.VOID:
            self.stack.append((tag, a.get("class", "").split()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def pictures(html_file: Path) -> tuple[list[Picture], dict[str, str]]:
    parser = _Pictures()
    parser.feed(html_file.read_text("utf-8"))
    return parser.pictures, parser.meta
