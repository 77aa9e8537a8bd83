"""``sitegen find-copies PATH|URL...``: which of your photos suspected copies are, from the private index."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import load_project
from ..copies.candidates import Limits, gather
from ..copies.match import Match, closest
from ..errors import SitegenError
from ..pipeline.fingerprints import INDEX_NAME, Entry, from_json, index_path


@dataclass(frozen=True)
class Found:
    """One suspected copy: the closest photo, or why it could not be checked."""

    name: str
    match: Match | None
    problem: str = ""


def load_index(site: Path) -> list[Entry]:
    project = load_project(site)
    path = index_path(project.output_dir)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise SitegenError(
            f"{path}: no fingerprint index; run `sitegen build` first ([protect] fingerprints must be on)"
        ) from None
    except OSError as exc:
        raise SitegenError(f"{path}: cannot read the fingerprint index ({exc.strerror})") from None
    try:
        return from_json(text)
    except ValueError as exc:
        raise SitegenError(f"{path}: {exc}; rebuild the site to rewrite {INDEX_NAME}") from None


def find_copies(site: Path, targets: list[str], limits: Limits | None = None) -> Iterator[Found]:
    index = load_index(site)
    for candidate in gather(targets, limits):
        if candidate.image is None:
            yield Found(candidate.name, None, candidate.problem)
        else:
            yield Found(candidate.name, closest(candidate.image, index))
