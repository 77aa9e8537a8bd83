"""sitemap.xml and feed.xml as texts, from the model and the image results (written by the publish phase)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from ..content.keywords import KEYWORDS_PATH, keyword_index
from ..content.model import Gallery, Photo, Site
from ..images.jobs import ImageSet
from ..urls import Urls
from . import feeds
from .context import copyright_line, site_strings
from .site import RenderedPage


def feed_files(site: Site, images: dict[Photo, ImageSet], urls: Urls) -> dict[str, RenderedPage]:
    """``sitemap.xml`` and ``feed.xml``; none without an absolute base URL (both need absolute URLs)."""
    origin = urls.origin
    if origin is None:
        return {}

    def abs_url(site_path: str) -> str:
        return origin + urls.url(site_path)

    times = GalleryTimes()  # both ask every gallery's date
    return {
        "sitemap.xml": RenderedPage(sitemap_text(site, images, abs_url, times), "sitemap"),
        "feed.xml": RenderedPage(feed_text(site, images, abs_url, times), "feed"),
    }


def sitemap_text(
    site: Site, images: dict[Photo, ImageSet], abs_url: Callable[[str], str], times: GalleryTimes | None = None
) -> str:
    """Listed pages only: an unlisted gallery's URL is for those it was given to (``site.listed_galleries``)."""
    times = times or GalleryTimes()
    entries = [feeds.SitemapEntry(abs_url(""), _newest(site, times))]
    entries += [feeds.SitemapEntry(abs_url(p.path), p.date) for p in site.pages if not p.unlisted]
    for gallery in site.listed_galleries():
        entries.append(feeds.SitemapEntry(abs_url(gallery.path), times.date(gallery)))
        for photo in gallery.photos:
            image_set = images[photo]
            entries.append(feeds.SitemapEntry(abs_url(photo.path), photo.date, (abs_url(image_set.largest().path),)))
    if site.project.config.keywords.enabled:
        keywords = keyword_index(site).keywords
        entries.append(
            feeds.SitemapEntry(abs_url(KEYWORDS_PATH), max((k.date for k in keywords if k.date), default=None))
        )
        entries += [feeds.SitemapEntry(abs_url(k.path), k.date) for k in keywords]
    return feeds.sitemap(entries)


def feed_text(
    site: Site, images: dict[Photo, ImageSet], abs_url: Callable[[str], str], times: GalleryTimes | None = None
) -> str:
    config = site.project.config
    strings = site_strings(config)
    times = times or GalleryTimes()
    galleries = sorted(site.listed_galleries(), key=lambda g: times.date(g) or dt.datetime.min, reverse=True)
    feed_entries = []
    for gallery in galleries:
        cover = images.get(gallery.cover) if gallery.cover is not None else None
        html = ""
        if cover is not None and gallery.cover is not None:
            src = abs_url(cover.closest(1200).path)
            html = f'<p><img src="{Markup.escape(src)}" alt="{Markup.escape(gallery.cover.alt)}"></p>'
        html += gallery.body_html
        feed_entries.append(
            feeds.FeedEntry(
                title=gallery.title,
                link=abs_url(gallery.path),
                updated=times.date(gallery) or times.last_modified(gallery) or site.build_time.replace(tzinfo=None),
                summary=gallery.description or strings.get("feed.photos", count=gallery.photo_count),
                content_html=html,
            )
        )
    return feeds.atom(
        title=config.site.title,
        subtitle=config.site.description,
        site_url=abs_url(""),
        feed_url=abs_url("feed.xml"),
        author=config.site.rights_holder,
        updated=_newest(site, times)
        or max((e.updated for e in feed_entries), default=None)
        or site.build_time.replace(tzinfo=None),
        entries=feed_entries,
        rights=copyright_line(site),
        language=config.site.language,
    )


def _newest(site: Site, times: GalleryTimes) -> dt.datetime | None:
    dates = [d for d in (times.date(g) for g in site.listed_galleries()) if d]
    dates += [p.date for p in site.pages if p.date and not p.unlisted]
    return max(dates) if dates else None


class GalleryTimes:
    """A gallery's date and its files' newest time, each gallery visited once.

    ``Gallery.date`` walks every photo of the nested galleries below it, and the
    feed and the sitemap ask it of every gallery (a parent's walk repeats its
    children's): the newest times are taken bottom-up here, each photo once.
    """

    def __init__(self) -> None:
        self._newest_photo: dict[Gallery, dt.datetime | None] = {}
        self._newest_file: dict[Gallery, float | None] = {}

    def date(self, gallery: Gallery) -> dt.datetime | None:
        """What ``gallery.date`` is: the front matter date, else its photos' (nested ones too) newest."""
        return gallery.matter.date if gallery.matter.date is not None else self._photos_newest(gallery)

    def _photos_newest(self, gallery: Gallery) -> dt.datetime | None:
        if gallery not in self._newest_photo:
            dates = [d for d in (p.date for p in (*gallery.photos, *gallery.unlisted_photos)) if d]
            dates += [d for d in map(self._photos_newest, _subgalleries(gallery)) if d]
            self._newest_photo[gallery] = max(dates) if dates else None
        return self._newest_photo[gallery]

    def last_modified(self, gallery: Gallery) -> dt.datetime | None:
        """When an undated gallery's files last changed: a feed entry's ``updated`` that stays put from
        build to build (the build time would tell feed readers it changed on every build)."""
        times = [t for t in (_mtime(gallery.source / "index.md"), self._photo_files_newest(gallery)) if t is not None]
        return dt.datetime.fromtimestamp(int(max(times)), dt.UTC).replace(tzinfo=None) if times else None

    def _photo_files_newest(self, gallery: Gallery) -> float | None:
        """The newest time of its photos' files and its sub-galleries' (not their ``index.md``)."""
        if gallery not in self._newest_file:
            times = [_mtime(p.source) for p in (*gallery.photos, *gallery.unlisted_photos)]
            times += map(self._photo_files_newest, _subgalleries(gallery))
            found = [t for t in times if t is not None]
            self._newest_file[gallery] = max(found) if found else None
        return self._newest_file[gallery]


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _subgalleries(gallery: Gallery) -> list[Gallery]:
    """The galleries ``Gallery.walk`` goes down into: listed and unlisted."""
    return [*gallery.children, *gallery.unlisted_children]


__all__ = ["feed_files", "feed_text", "sitemap_text"]
