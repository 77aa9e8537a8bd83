"""The private fingerprint index: every published photo's codes, its page and its source, beside the output.

Written after the output is committed, for ``sitegen build`` only, into ``fingerprints.json`` next
to the output folder (never inside it: it names source files, which are private). ``sitegen
find-copies`` reads it. Like the server snippets, it is only ever written over a file sitegen wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..config import Project
from ..content.model import Site
from ..errors import Reporter, environment_failure
from ..images.fingerprint import Fingerprint
from ..urls import Urls
from .images import ImageResults

INDEX_NAME = "fingerprints.json"
FORMAT = "sitegen fingerprint index 1"


@dataclass(frozen=True)
class Entry:
    """One published photo, as ``find-copies`` reports it."""

    fingerprint: Fingerprint
    page: str  # absolute URL when the site has a base URL, else the site path
    source: str  # the photo's file, relative to the site folder
    file: str  # the largest published file's site path


def index_path(target: Path) -> Path:
    return target.parent / INDEX_NAME


def entries(site: Site, images: ImageResults, project: Project) -> list[Entry]:
    urls = Urls(project.config.site.base_url)
    out = []
    for photo, image in images.images.items():
        if image.fingerprint is None:
            continue
        try:
            source = photo.source.relative_to(project.root).as_posix()
        except ValueError:
            source = str(photo.source)
        page = urls.abs_url(photo.path) or urls.url(photo.path)
        out.append(Entry(image.fingerprint, page, source, image.largest().path))
    return sorted(out, key=lambda e: e.page)


def to_json(items: list[Entry]) -> str:
    photos = [e.fingerprint.to_json() | {"page": e.page, "source": e.source, "file": e.file} for e in items]
    return json.dumps({"format": FORMAT, "photos": photos}, indent=1, ensure_ascii=False) + "\n"


def from_json(text: str) -> list[Entry]:
    """``ValueError`` naming what is wrong, for a file that is not an index this version wrote."""
    data: Any = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("photos"), list):
        raise ValueError(f"not a {FORMAT!r} file")
    out = []
    for item in data["photos"]:
        try:
            print_ = Fingerprint.from_json(item)
            out.append(Entry(print_, str(item["page"]), str(item["source"]), str(item["file"])))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"a damaged entry: {item!r:.120}") from exc
    return out


def write_index(project: Project, target: Path, site: Site, images: ImageResults, reporter: Reporter) -> None:
    """Write the index beside ``target``, unless a file of that name is not one sitegen wrote."""
    if not project.config.protect.fingerprints:
        return
    path = index_path(target)
    if path.exists() or path.is_symlink():
        try:
            from_json(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            reporter.warning(
                f"not written: {INDEX_NAME} beside the output is not a fingerprint index sitegen wrote; "
                "move it away to let sitegen keep the index there",
                path,
            )
            return
    try:
        write_text_atomic(path, to_json(entries(site, images, project)))
    except OSError as exc:
        raise environment_failure(exc, "the site is published, but its fingerprint index beside it is not") from exc


__all__ = ["INDEX_NAME", "Entry", "entries", "from_json", "index_path", "to_json", "write_index"]
