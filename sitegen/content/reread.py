"""Re-reading one saved Markdown file into the model ``sitegen serve`` already holds.

The preview's usual rebuild reads the whole content folder again (see
:mod:`.memo`): one listing, one read and one set of typed keys per file, so a
save costs time in proportion to the site, half a second at 5,000 photos. Most
saves change the text of one page or one photo's sidecar and nothing the
site's structure is made of. For those, :func:`reread` reads only the saved
files, with the reader's own code, and says which model objects they describe
and what they would hold now; :func:`apply` then puts the new text into the
objects in place, so every other object and every link between them stay.

What may change this way is each kind's *text* (:data:`PAGE_TEXT`,
:data:`PHOTO_TEXT`): what a page or photo shows, never what decides which
pages exist, their URLs, their order, the menu, a photo's image files, its
licence or the dates feeds and sitemaps carry. When a save changes anything
else, or the file is new, gone, unreadable, broken or not a page or sidecar
the model knows, :func:`reread` answers None and the preview reads the whole
folder as before. Every doubt resolves towards the whole read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import Project
from ..errors import Reporter
from ..images.probe import ProbeCache
from .model import Kind, Page, Photo, Site
from .reader import _Reader

# The fields a re-read may change in place; any other difference needs the whole read.
PAGE_TEXT = frozenset({"body_html", "description", "extra"})
PHOTO_TEXT = frozenset({"caption_html"})
# Not keywords: with [keywords] on, they decide which keyword pages exist and which photos they list.
PHOTO_MATTER_TEXT = frozenset({"title", "alt", "caption", "extra"})


@dataclass(frozen=True)
class Reread:
    """A model object as it is (``old``, still in the model) and as its saved file says it is now."""

    old: Page | Photo
    new: Page | Photo


def _known_files(site: Site) -> dict[Path, Page | Photo]:
    known: dict[Path, Page | Photo] = {}
    for page in site.all_pages():
        if page.source is not None:
            known[page.source] = page
    for photo in site.all_photos():
        if photo.sidecar is not None:
            known[photo.sidecar] = photo
    return known


def _page_prefix(page: Page) -> str:
    """The site path of the folder a page lives in ("" at the top): its own path without its slug."""
    return page.path[: page.path.rstrip("/").rfind("/") + 1]


def _same_except(old: object, new: object, allowed: frozenset[str]) -> bool:
    return all(
        getattr(old, f.name) == getattr(new, f.name)
        for f in dataclasses.fields(old)  # type: ignore[arg-type]
        if f.name not in allowed
    )


def _reread_one(reader: _Reader, old: Page | Photo, path: Path) -> Page | Photo | None:
    reader.readable.add(path)
    if isinstance(old, Photo):
        return reader.read_photo(old.source, path, old.gallery)
    if old.kind == Kind.HOME:
        return reader.read_home(path)
    if old.kind == Kind.LICENSING:
        return reader.read_licensing(path)
    return reader.read_page(path, _page_prefix(old))


def _text_only(old: Page | Photo, new: Page | Photo) -> bool:
    """Whether ``new`` differs from ``old`` in its text only (see the module's docstring)."""
    if isinstance(old, Page) and isinstance(new, Page):
        return _same_except(old, new, PAGE_TEXT)
    if isinstance(old, Photo) and isinstance(new, Photo):
        # Neighbours and the stand-in title ("Harbour, photo 3") come from the gallery's order, which a
        # re-read photo has no part in: the model's photo keeps its own.
        ignored = PHOTO_TEXT | {"matter", "prev", "next", "untitled"}
        return _same_except(old, new, ignored) and _same_except(old.matter, new.matter, PHOTO_MATTER_TEXT)
    return False


def reread(
    project: Project, reporter: Reporter, probes: ProbeCache, site: Site, paths: Iterable[Path]
) -> list[Reread] | None:
    """The objects the saved ``paths`` describe, re-read; None when only a whole read can tell.

    Nothing in ``site`` is changed here (:func:`apply` does that), so a caller can still
    decide against it. Warnings about the files go to ``reporter`` as a whole read reports them;
    an error (broken front matter) answers None: the whole read reports it and stops.
    """
    known = _known_files(site)
    reader = _Reader(project, reporter, probes, project.config.build.drafts)
    found: list[Reread] = []
    for path in dict.fromkeys(paths):
        old = known.get(path)
        if old is None or path.suffix.lower() != ".md" or reader.files.file(path) is None:
            return None
        new = _reread_one(reader, old, path)
        if reporter.errors or new is None or not _text_only(old, new):
            return None
        found.append(Reread(old, new))
    return found


def apply(edits: Iterable[Reread]) -> None:
    """Put the re-read text into the model objects, in place (their identity and links stay)."""
    for edit in edits:
        old, new = edit.old, edit.new
        if isinstance(old, Photo) and isinstance(new, Photo):
            old.matter, old.caption_html = new.matter, new.caption_html
        else:
            for name in PAGE_TEXT:
                setattr(old, name, getattr(new, name))


__all__ = ["PAGE_TEXT", "PHOTO_MATTER_TEXT", "PHOTO_TEXT", "Reread", "apply", "reread"]
