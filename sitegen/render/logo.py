"""The header logo: a file from the site's static/ folder, with its intrinsic size.

``<img>`` needs width and height attributes so the header does not jump while
the logo loads; SVG logos say their size in width/height or viewBox, raster
logos in their header (read by Pillow without decoding the pixels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_NUMBER = r"\s*([0-9]*\.?[0-9]+)\s*"


@dataclass(frozen=True)
class Logo:
    url: str
    width: int
    height: int


def _svg_size(text: str) -> tuple[int, int] | None:
    root = _SVG_ROOT.search(text)
    if not root:
        return None
    tag = root.group(0)
    w = re.search(r'\bwidth\s*=\s*["\']' + _NUMBER + r'(px)?["\']', tag)
    h = re.search(r'\bheight\s*=\s*["\']' + _NUMBER + r'(px)?["\']', tag)
    if w and h:
        return round(float(w.group(1))), round(float(h.group(1)))
    box = re.search(r'\bviewBox\s*=\s*["\']' + _NUMBER + r"[ ,]" + _NUMBER + r"[ ,]" + _NUMBER + r"[ ,]" + _NUMBER, tag)
    if box:
        return round(float(box.group(3))), round(float(box.group(4)))
    return None


def logo_size(path: Path) -> tuple[int, int] | None:
    """Intrinsic (width, height) of a logo file, or None when it cannot be told."""
    if path.suffix.lower() == ".svg":
        try:
            size = _svg_size(path.read_text("utf-8", errors="replace")[:8192])
        except OSError:
            return None
    else:
        try:
            with Image.open(path) as image:
                size = image.size
        except (OSError, UnidentifiedImageError):
            return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size
