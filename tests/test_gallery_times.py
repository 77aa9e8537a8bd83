"""The feed's and sitemap's gallery times: each photo asked once, the same answers as the model's."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sitegen.config import load_project
from sitegen.content import model
from sitegen.content.model import Gallery, Site
from sitegen.content.reader import read_site
from sitegen.errors import Reporter
from sitegen.images.probe import ProbeCache
from sitegen.render.syndication import GalleryTimes

from .conftest import make_photo

EPOCH = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC).timestamp()


def nested_site(site_dir: Path, write) -> Site:
    """trips/ (undated) > north/ (undated) > coast/ (dated), photos at every level, one hidden gallery."""
    write("content/trips/index.md", "---\ntitle: Trips\n---\n")
    write("content/trips/north/index.md", "---\ntitle: North\n---\n")
    write("content/trips/north/coast/index.md", "---\ntitle: Coast\ndate: 2019-05-01\n---\n")
    write("content/trips/north/secret/index.md", "---\ntitle: Secret\nunlisted: true\n---\n")
    photos = {
        "trips/a": "2018-01-01",
        "trips/north/b": "2018-03-01",
        "trips/north/coast/c": "2021-07-01",
        "trips/north/secret/d": "2022-02-02",
    }
    for n, (stem, date) in enumerate(photos.items()):
        photo = make_photo(site_dir / f"content/{stem}.jpg")
        write(f"content/{stem}.md", f"---\ndate: {date}\n---\n")
        os.utime(photo, (EPOCH + n * 86400, EPOCH + n * 86400))
    for n, index in enumerate(sorted((site_dir / "content").rglob("index.md"))):
        os.utime(index, (EPOCH - 86400 * (n + 1),) * 2)
    return read_site(load_project(site_dir), Reporter(root=site_dir), ProbeCache(None))


def galleries(site: Site) -> list[Gallery]:
    return list(site.all_galleries())


def test_a_gallery_date_is_the_models(site_dir, write):
    site = nested_site(site_dir, write)
    times = GalleryTimes()
    assert len(galleries(site)) == 4
    assert {g.path: times.date(g) for g in galleries(site)} == {g.path: g.date for g in galleries(site)}
    # Undated parents take their newest nested photo (an unlisted gallery's too, as Gallery.date does).
    assert times.date(site.galleries[0]) == dt.datetime(2022, 2, 2)


def test_last_modified_is_the_newest_photo_file_below_or_the_galleries_own_index(site_dir, write):
    site = nested_site(site_dir, write)
    times = GalleryTimes()
    for gallery in galleries(site):
        files = [gallery.source / "index.md", *(p.source for p in gallery.all_photos())]
        newest = max(f.stat().st_mtime for f in files)
        assert times.last_modified(gallery) == dt.datetime.fromtimestamp(int(newest), dt.UTC).replace(tzinfo=None)
    # A sub-gallery's index.md newer than every photo does not date its parent: only photos below do.
    coast = next(g for g in galleries(site) if g.path.endswith("coast/"))
    os.utime(coast.source / "index.md", (EPOCH + 10 * 86400,) * 2)
    trips = site.galleries[0]
    assert GalleryTimes().last_modified(trips) == dt.datetime(2020, 1, 4, 12)


def test_each_photos_date_is_asked_once_however_deep_it_is(site_dir, write, monkeypatch):
    """Gallery.date walks every nested photo: asked of every gallery, a deep photo was read once per
    ancestor and once more per question (the sort, the entry, the newest)."""
    site = nested_site(site_dir, write)
    asked: list[str] = []
    real = model.Photo.date

    def counted(photo: model.Photo) -> dt.datetime | None:
        asked.append(photo.slug)
        return real.fget(photo)

    monkeypatch.setattr(model.Photo, "date", property(counted))
    times = GalleryTimes()
    for _ in range(3):
        for gallery in galleries(site):
            times.date(gallery)
    assert sorted(asked) == ["a", "b", "c", "d"]
