"""Keyword pages: which keywords get a page, which photos each shows, and nothing more is published.

Catalogues hold keywords that were never meant for visitors (client names, the
people in a photo, "to delete"), so one rule decides everything: a keyword is
published only when it has a page (``[keywords]`` on, not ignored, in ``only``
when that is set, carried by ``min_count`` published photos). Photo pages link
only to those, and image files embed only those (:func:`KeywordIndex.names`).

A photo's keywords are its sidecar's ``keywords:`` when it has that key (the
photographer's final word, as for title and caption: it can also take a wrong
embedded keyword away), else the file's own: XMP ``dc:subject`` (IPTC 2:25 when
there is no XMP) and the last level of each Lightroom ``lr:hierarchicalSubject``
path, whose upper levels are kept only to be matched by ``ignore``.

Keywords are the same keyword whatever their case or spacing ("Iceland",
"iceland "); their page shows the spelling most photos use. A keyword's URL is
``keywords/<slug>/`` with the slug made by :func:`.slugs.slugify`, never from the
text as it is, so no keyword can name a path. Keywords with one slug ("Black &
White", "black-white") keep distinct, stable URLs: the one spelt like its slug
(else the first in alphabetical order) has it bare, the others get a short
suffix made from their own text, which no other keyword changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..images.probe import KEYWORD_LENGTH, MAX_KEYWORDS
from ..untrusted import labels
from .model import Kind, Photo, Site
from .slugs import slugify

KEYWORDS_PATH = "keywords/"
SLUG_LENGTH = 60  # characters of a slug before its suffix; a URL part stays readable


def fold(name: str) -> str:
    """What makes two spellings one keyword: Unicode form, case and white space do not count."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def listed_photos(site: Site) -> list[Photo]:
    """The photos keyword pages count and show: the one place that decides. Never an unlisted
    one: a keyword page is a listing, and a client's photo would be found through it."""
    return [photo for photo in site.all_photos() if not photo.unlisted]


def photo_keywords(photo: Photo) -> dict[str, tuple[str, set[str]]]:
    """A photo's keywords by :func:`fold`: (its spelling here, the folded upper levels of its paths)."""
    if photo.matter.keywords is not None:
        flat: list[str] = list(labels(photo.matter.keywords, most=MAX_KEYWORDS, longest=KEYWORD_LENGTH))
        paths: list[list[str]] = []
    else:
        flat = list(photo.info.keywords)
        paths = [[level.strip() for level in p.split("|")] for p in photo.info.keyword_paths]
        flat += labels((p[-1] for p in paths if p[-1]), most=MAX_KEYWORDS, longest=KEYWORD_LENGTH)
    found: dict[str, tuple[str, set[str]]] = {}
    for name in flat:
        found.setdefault(fold(name), (name, set()))
    for levels in paths:
        entry = found.get(fold(levels[-1]))
        if entry is not None:
            entry[1].update(fold(level) for level in levels[:-1])
    return dict(list(found.items())[:MAX_KEYWORDS])


@dataclass(frozen=True)
class KeywordLink:
    """A keyword as a photo page shows it: plain values, so the preview's page memo compares them."""

    name: str
    path: str

    @property
    def title(self) -> str:
        return self.name


@dataclass(eq=False)
class Keyword:
    """One keyword's page: its photos in site order (galleries as the menu lists them)."""

    name: str
    slug: str
    photos: list[Photo]
    kind: Kind = Kind.KEYWORD

    @property
    def path(self) -> str:
        return f"{KEYWORDS_PATH}{self.slug}/"

    @property
    def title(self) -> str:
        return self.name

    @property
    def cover(self) -> Photo | None:
        return self.photos[0] if self.photos else None

    @property
    def count(self) -> int:
        return len(self.photos)

    @property
    def date(self) -> dt.datetime | None:
        """Its newest photo's date (the sitemap's lastmod)."""
        return max((d for d in (p.date for p in self.photos) if d), default=None)

    @property
    def link(self) -> KeywordLink:
        return KeywordLink(self.name, self.path)


@dataclass(eq=False)
class KeywordIndex:
    """Every keyword page of a site (empty with ``[keywords]`` off), and each photo's share of them."""

    keywords: list[Keyword] = field(default_factory=list)  # alphabetical
    by_photo: dict[Photo, list[KeywordLink]] = field(default_factory=dict)
    kind: Kind = Kind.KEYWORDS
    path: str = KEYWORDS_PATH

    def links(self, photo: Photo) -> list[KeywordLink]:
        """The keyword pages a photo page links to, alphabetical."""
        return self.by_photo.get(photo, [])

    def names(self, photo: Photo) -> tuple[str, ...]:
        """The only keywords a published file of ``photo`` may carry: those with a page."""
        return tuple(link.name for link in self.links(photo))


def _suffixed(base: str, folded: str) -> str:
    return f"{base}-{hashlib.blake2b(folded.encode('utf-8'), digest_size=3).hexdigest()}"


def assign_slugs(folded_names: Iterable[str]) -> dict[str, str]:
    """Distinct, stable slugs for keywords (by folded name); see the module docstring."""
    groups: dict[str, list[str]] = {}
    for folded in sorted(folded_names):
        base = slugify(folded)[:SLUG_LENGTH].strip("-") or "keyword"
        groups.setdefault(base, []).append(folded)
    wanted: dict[str, str] = {}
    for base, members in groups.items():
        bare = base if base in members else members[0] if base != "keyword" else None
        for folded in members:
            wanted[folded] = base if folded == bare else _suffixed(base, folded)
    # A suffixed slug that is also another keyword's own ("x-1a2b3c" typed as a keyword): suffix again.
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for folded in sorted(wanted, key=lambda f: (wanted[f] != slugify(f), f)):
        slug = wanted[folded]
        while slug in used:
            slug = _suffixed(slug, folded)
        used.add(slug)
        slugs[folded] = slug
    return slugs


def keyword_index(site: Site) -> KeywordIndex:
    """The keyword pages of ``site`` as it is now (after the image phase, without dropped photos)."""
    config = site.project.config.keywords
    if not config.enabled:
        return KeywordIndex()
    ignore = {fold(k) for k in config.ignore}
    only = {fold(k) for k in config.only}
    photos_of: dict[str, list[Photo]] = {}
    spellings: dict[str, Counter[str]] = {}
    hidden: set[str] = set()
    for photo in listed_photos(site):
        for folded, (name, uppers) in photo_keywords(photo).items():
            if folded in ignore or uppers & ignore or (only and folded not in only):
                hidden.add(folded)  # one photo's Clients|Smith hides "Smith" on every photo
                continue
            photos_of.setdefault(folded, []).append(photo)
            spellings.setdefault(folded, Counter())[name] += 1
    kept = [f for f, photos in photos_of.items() if f not in hidden and len(photos) >= config.min_count]
    slugs = assign_slugs(kept)
    keywords = [
        Keyword(spellings[f].most_common(1)[0][0], slugs[f], photos_of[f])
        for f in sorted(kept, key=lambda f: (f, slugs[f]))
    ]
    by_photo: dict[Photo, list[KeywordLink]] = {}
    for keyword in keywords:
        for photo in keyword.photos:
            by_photo.setdefault(photo, []).append(keyword.link)
    return KeywordIndex(keywords, by_photo)


__all__ = [
    "KEYWORDS_PATH",
    "Keyword",
    "KeywordIndex",
    "KeywordLink",
    "assign_slugs",
    "fold",
    "keyword_index",
    "listed_photos",
    "photo_keywords",
]
