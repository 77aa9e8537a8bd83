"""The content model: what the site consists of, independent of how it is rendered.

Read completely before anything is rendered (Pelican's two phases), so any
page can link to any other: a photo page knows its neighbours, the home page
knows every gallery's cover. URLs here are *site paths*: relative to the site
root, no leading slash, ending in "/" for pages (``"travel/iceland/"``); the
renderer turns them into links for the configured ``base_url``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..config import Project
from ..images.probe import SourceInfo
from ..untrusted import Untrusted
from .camera import facts, is_camera_file_name
from .matter import GalleryMatter, PhotoMatter, Price
from .slugs import humanize


class Kind(enum.StrEnum):
    """What a published page shows; templates get it as ``page_kind``.

    A ``StrEnum``, so ``page_kind == "photo"`` in a template and ``kind-{{ page_kind }}``
    keep working, and a misspelt kind in Python is an AttributeError, not a silent mismatch.
    """

    HOME = "home"
    PAGE = "page"
    LICENSING = "licensing"
    GALLERY = "gallery"
    PHOTO = "photo"
    KEYWORDS = "keywords"  # /keywords/, the list of keywords (content/keywords.py)
    KEYWORD = "keyword"  # /keywords/<slug>/, one keyword's photos
    NOT_FOUND = "404"


@dataclass(eq=False)
class Page:
    """A Markdown page; the home page is the one with ``path == ""``."""

    source: Path | None
    path: str
    title: str
    body_html: str = ""
    description: str = ""
    date: dt.datetime | None = None
    draft: bool = False
    template: str = "page.html"
    menu: bool = True
    weight: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)  # theme-specific keys, never read by sitegen
    featured: list[str] | None = None  # the home page's `featured:` galleries; None means every one
    kind: Kind = Kind.PAGE
    unlisted: bool = False  # inside an unlisted gallery's folder: in no listing, sitemap or feed

    @property
    def is_home(self) -> bool:
        return self.path == ""


@dataclass(frozen=True)
class Offers:
    """Where a photo can be bought or printed and what its licence costs: its own sidecar's, else its galleries'.

    Empty (false) when none of them is known, so a theme writes ``{% if photo.offers %}``.
    """

    buy: str | None = None
    print: str | None = None
    price: Price | None = None
    note: str | None = None

    def __bool__(self) -> bool:
        return any((self.buy, self.print, self.price, self.note))


_OFFER_KEYS = ("buy", "print", "licence_price", "licence_note")
_WORDS = re.compile(r"[^\W_]+")


def same_words(a: str, b: str) -> bool:
    """Whether two texts say the same words, whatever the case, spacing and punctuation."""
    return _WORDS.findall(a.casefold()) == _WORDS.findall(b.casefold())


@dataclass(eq=False)
class Photo:
    """One source photo and everything the photographer said about it."""

    source: Path
    slug: str
    gallery: Gallery
    info: SourceInfo
    sidecar: Path | None = None
    matter: PhotoMatter = field(default_factory=PhotoMatter)  # the sidecar's keys, typed
    # Ready-made HTML (so templates print it without `| safe`): the photographer's Markdown,
    # or the file's own caption as escaped plain text (content.untrusted.plain_html).
    caption_html: Markup = field(default_factory=Markup)
    prev: Photo | None = None
    next: Photo | None = None
    kind: Kind = Kind.PHOTO
    # The title of a photo that has none but a camera's file name (``strings: camera.untitled``), set by the reader.
    untitled: str = ""

    @property
    def path(self) -> str:
        return f"{self.gallery.path}{self.slug}/"

    @property
    def key(self) -> str:
        """Stable identity across builds (the source's site-relative path), used to find its images."""
        return self.gallery.key + "/" + self.source.name if self.gallery.key else self.source.name

    @property
    def title(self) -> str:
        """The sidecar's title, else the file's own, else one from the file name; a camera's file name
        ("DSC_0001", also as the file's embedded title) is no title, so ``untitled`` stands in."""
        if self.matter.title:
            return self.matter.title
        if self.info.title and not is_camera_file_name(self.info.title):
            return self.info.title
        if not is_camera_file_name(self.source.stem):
            return humanize(self.source.stem)
        return self.untitled or humanize(self.source.stem)

    @property
    def has_title(self) -> bool:
        """Whether the title is the photo's own (the sidecar's, the file's, a file name that says something);
        a stand-in (``untitled``) is for the page only, never embedded in the published files."""
        if self.matter.title or (self.info.title and not is_camera_file_name(self.info.title)):
            return True
        return not is_camera_file_name(self.source.stem)

    @property
    def caption_repeats_title(self) -> bool:
        """A caption that only says the title again (Lightroom fills both from one field): printed once."""
        caption = Markup(self.caption_html).striptags()  # the sidecar's body, its `caption:` or the file's
        return bool(caption) and same_words(caption, self.title)

    @property
    def unlisted(self) -> bool:
        """Left out of every site-wide listing: its own ``unlisted:`` or its gallery's."""
        return self.matter.unlisted or self.gallery.unlisted

    @property
    def alt(self) -> str:
        """Alt text: the sidecar's, else the embedded one, else the title (better than nothing)."""
        return self.matter.alt or self.info.alt or self.title

    @property
    def has_alt(self) -> bool:
        return bool(self.matter.alt or self.info.alt)

    @property
    def caption_text(self) -> str:
        return self.matter.caption or self.info.caption or ""

    @property
    def date(self) -> dt.datetime | None:
        return self.matter.date or self.info.taken_at

    @property
    def author(self) -> str | None:
        """Per-photo creator (e.g. a credited guest photo); None means the site author."""
        return self.matter.author

    @property
    def licence(self) -> str | None:
        """Licence identifier set on the photo or inherited from its galleries; None means the site's."""
        return self.matter.licence or self.gallery.licence

    @property
    def extra(self) -> dict[str, Any]:
        """The sidecar's ``extra:`` keys, for themes."""
        return self.matter.extra

    @property
    def offers(self) -> Offers:
        """Buy and print links, licence price and note; a key the sidecar leaves out comes from the galleries."""
        found = {key: getattr(self.matter, key) for key in _OFFER_KEYS}
        values = {key: self.gallery.offer(key) if value is None else value for key, value in found.items()}
        price = values["licence_price"]
        return Offers(
            buy=values["buy"] or None,
            print=values["print"] or None,
            price=price if price and price.amount else None,
            note=values["licence_note"] or None,
        )

    @property
    def camera(self) -> dict[str, Untrusted]:
        """The camera facts as shown (:func:`.camera.facts`), or none where the gallery says ``camera: false``."""
        return facts(self.info.camera) if self.gallery.shows_camera else {}

    @property
    def width(self) -> int:
        return self.info.width

    @property
    def height(self) -> int:
        return self.info.height


@dataclass(eq=False)
class Gallery:
    """A folder of photos; nested folders are sub-galleries."""

    source: Path
    key: str  # site-relative folder path of the source, "/"-separated
    slug: str
    parent: Gallery | None = None
    index_file: Path | None = None
    matter: GalleryMatter = field(default_factory=GalleryMatter)  # the index.md's keys, typed
    body_html: str = ""
    # What the gallery's page lists (grid and pager, cards). Photos and sub-galleries that say
    # `unlisted: true` themselves are kept apart, so no listing can show them by mistake; walk()
    # and all_photos() include them (they are published).
    photos: list[Photo] = field(default_factory=list)
    children: list[Gallery] = field(default_factory=list)
    unlisted_photos: list[Photo] = field(default_factory=list)
    unlisted_children: list[Gallery] = field(default_factory=list)
    cover: Photo | None = None
    kind: Kind = Kind.GALLERY

    @property
    def own_unlisted(self) -> bool:
        """It says ``unlisted:`` (or ``client:``, which implies it) in its own index.md."""
        return self.matter.unlisted or bool(self.matter.client)

    @property
    def unlisted(self) -> bool:
        return self.own_unlisted or (self.parent is not None and self.parent.unlisted)

    @property
    def client(self) -> str | None:
        """The ``[clients.logins]`` entry whose users may see it: its own ``client:``, else its parent's."""
        return self.matter.client or (self.parent.client if self.parent else None)

    @property
    def path(self) -> str:
        prefix = self.parent.path if self.parent else ""
        return f"{prefix}{self.slug}/"

    @property
    def title(self) -> str:
        return self.matter.title or humanize(self.source.name)

    @property
    def description(self) -> str:
        return self.matter.description

    @property
    def draft(self) -> bool:
        return self.matter.draft

    @property
    def weight(self) -> float:
        return self.matter.weight

    @property
    def template(self) -> str:
        return self.matter.template or "gallery.html"

    @property
    def extra(self) -> dict[str, Any]:
        """The index.md's ``extra:`` keys, for themes."""
        return self.matter.extra

    @property
    def date(self) -> dt.datetime | None:
        """The front matter date, else the newest photo's date (so feeds order galleries sensibly)."""
        if self.matter.date is not None:
            return self.matter.date
        dates = [d for d in (p.date for p in self.all_photos()) if d]
        return max(dates) if dates else None

    @property
    def licence(self) -> str | None:
        own = self.matter.licence
        if own:
            return own
        return self.parent.licence if self.parent else None

    def offer(self, key: str) -> Any:
        """An offer key (``buy``, ``print``, ``licence_price``, ``licence_note``) of this gallery or the nearest
        parent that sets it; ``""`` (none) stops the search as a value does."""
        own = getattr(self.matter, key)
        if own is not None:
            return own
        return self.parent.offer(key) if self.parent else None

    @property
    def shows_camera(self) -> bool:
        """``camera: false`` on this gallery or the nearest parent that says."""
        if self.matter.camera is not None:
            return self.matter.camera
        return self.parent.shows_camera if self.parent else True

    @property
    def ancestors(self) -> list[Gallery]:
        chain: list[Gallery] = []
        node = self.parent
        while node:
            chain.insert(0, node)
            node = node.parent
        return chain

    def walk(self) -> Iterator[Gallery]:
        yield self
        for child in [*self.children, *self.unlisted_children]:
            yield from child.walk()

    def all_photos(self) -> Iterator[Photo]:
        for gallery in self.walk():
            yield from gallery.photos
            yield from gallery.unlisted_photos

    def listed_photos(self) -> Iterator[Photo]:
        """What its page and its listed sub-galleries' pages show: never an unlisted photo's."""
        yield from self.photos
        for child in self.children:
            yield from child.listed_photos()

    @property
    def photo_count(self) -> int:
        return sum(1 for _ in self.listed_photos())


@dataclass(eq=False)
class Site:
    """Everything that will be published, fully linked."""

    project: Project
    home: Page
    pages: list[Page]
    galleries: list[Gallery]  # top level, in display order; unlisted ones are apart
    unlisted_galleries: list[Gallery] = field(default_factory=list)  # top level, `unlisted:` or `client:`
    build_time: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    def all_galleries(self) -> Iterator[Gallery]:
        for gallery in [*self.galleries, *self.unlisted_galleries]:
            yield from gallery.walk()

    def listed_galleries(self) -> Iterator[Gallery]:
        """Every gallery a visitor (or a crawler) can reach by following links from the home page."""

        def listed(gallery: Gallery) -> Iterator[Gallery]:
            yield gallery
            for child in gallery.children:
                yield from listed(child)

        for gallery in self.galleries:
            yield from listed(gallery)

    def all_photos(self) -> Iterator[Photo]:
        for gallery in [*self.galleries, *self.unlisted_galleries]:
            yield from gallery.all_photos()

    def all_pages(self) -> Iterator[Page]:
        yield self.home
        yield from self.pages

    def drop_photo(self, photo: Photo) -> None:
        """Leave out a photo that turned out unpublishable (e.g. truncated), keeping neighbours linked."""
        gallery = photo.gallery
        (gallery.photos if photo in gallery.photos else gallery.unlisted_photos).remove(photo)
        if photo.prev is not None:
            photo.prev.next = photo.next
        if photo.next is not None:
            photo.next.prev = photo.prev
        photo.prev = photo.next = None
        for node in [gallery, *reversed(gallery.ancestors)]:
            if node.cover is photo:
                node.cover = next(node.listed_photos(), None)

    def featured_galleries(self) -> list[Gallery]:
        """Galleries listed under ``featured:`` in the home page, else every top-level gallery; never unlisted ones."""
        wanted = self.home.featured
        if not wanted:
            return list(self.galleries)
        listed = list(self.listed_galleries())
        by_key = {g.key: g for g in listed} | {g.path.strip("/"): g for g in listed}
        return [by_key[name.strip("/")] for name in wanted if name.strip("/") in by_key]
