"""The watermark follows the file's role, not its width (issue 9, item 9).

Reproduction: with ``min_width = 1000`` a 2x phone got the unmarked 800 px file
as the full view (photo page, lightbox), while grid tiles mixed marked and clean
files depending on the width each tile happened to pick. These tests build real
sites and read the real files: every candidate a full view can load carries the
mark at every width, and thumbnails follow ``[watermark] thumbnails``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.images.jobs import Derivative, ImageSet

from .markcheck import WIDTHS, file_width, has_mark, is_clean, local_file, make_flat_photo, pictures

SIZES = {"wide": (1800, 1200), "tall": (1200, 1800), "square": (1500, 1500)}


def flat_site(site_dir: Path, write, watermark: str = "min_width = 1000\n") -> None:
    for name, size in SIZES.items():
        make_flat_photo(site_dir / f"content/g/{name}.jpg", size)
    make_flat_photo(site_dir / "content/free/open.jpg", (1600, 1000))
    write("content/free/index.md", "---\nwatermark: false\n---\n")
    write(
        "sitegen.toml",
        '[site]\nauthor = "Jane Doe"\nbase_url = "https://photos.example/"\n'
        '[images]\nformats = ["webp", "jpeg"]\n'
        f"[watermark]\n{watermark}",
    )


def media_files(output: Path) -> list[Path]:
    return sorted(p for p in (output / "media").rglob("*") if p.is_file())


def test_every_full_view_candidate_is_marked_at_every_width(site_dir, write, run_build):
    flat_site(site_dir, write)
    run_build()
    out = site_dir / "public"
    for name in SIZES:
        page = out / f"g/{name}/index.html"
        found, meta = pictures(page)
        (stage,) = [p for p in found if p.inside("photo-stage")]
        urls = [*stage.srcsets, stage.src]
        widths = {file_width(local_file(out, u)) for u in urls}
        assert {480, 800} <= widths, "the small full-view files are offered (and must be marked)"
        unmarked = [u for u in urls if not has_mark(local_file(out, u))]
        assert unmarked == [], f"{page}: full-view files without the mark: {unmarked}"
        assert not any("-thumb." in u for u in urls)
        assert has_mark(local_file(out, meta["og:image"])), "the social card is a full view"


def test_grid_and_cards_are_clean_thumbnails_below_min_width_and_carry_the_views(site_dir, write, run_build):
    flat_site(site_dir, write)
    run_build()
    out = site_dir / "public"
    tiles, _ = pictures(out / "g/index.html")
    assert len(tiles) == 3 and all(t.inside("grid-link") for t in tiles)
    for tile in tiles:
        for url in [*tile.srcsets, tile.src]:
            path = local_file(out, url)
            assert "-thumb." in url and is_clean(path), f"{url}: a grid tile is a clean thumbnail"
            assert file_width(path) < 1000, f"{url}: no unmarked file at or above min_width"
        # The lightbox reads the full-view files from the tile: all marked, none a thumbnail.
        assert tile.view_srcsets and tile.view_src
        for url in [*tile.view_srcsets, tile.view_src]:
            assert "-thumb." not in url and has_mark(local_file(out, url)), url
    cards, _ = pictures(out / "index.html")
    covers = [c for c in cards if c.inside("card-cover")]
    assert covers
    marked_cover = [c for c in covers if "/g/" in c.src]
    assert marked_cover and all(is_clean(local_file(out, u)) for c in marked_cover for u in c.srcsets)


def test_no_unmarked_file_at_or_above_min_width_is_published(site_dir, write, run_build):
    """The invariant behind both roles, over every published file of watermarked photos."""
    flat_site(site_dir, write)
    run_build()
    files = [p for p in media_files(site_dir / "public") if "/free/" not in p.as_posix()]
    thumbs = [p for p in files if "-thumb." in p.name]
    views = [p for p in files if "-thumb." not in p.name]
    # 3 photos x (480, 800 clean) x 2 formats; views: every width up to the photo, 2 formats.
    assert len(thumbs) == 3 * 2 * 2
    assert all(is_clean(p) and file_width(p) < 1000 for p in thumbs)
    assert len(views) == 2 * (4 + 4 + 4)  # 480, 800, 1200 and the largest (1500-1800) each
    assert all(has_mark(p) for p in views), [p.name for p in views if not has_mark(p)]


def test_an_unmarked_gallery_has_no_thumbnail_copies(site_dir, write, run_build):
    flat_site(site_dir, write)
    run_build()
    out = site_dir / "public"
    files = [p for p in media_files(out) if "/free/" in p.as_posix()]
    assert files and not any("-thumb." in p.name for p in files)
    assert all(is_clean(p) for p in files)
    (tile,) = pictures(out / "free/index.html")[0]
    assert tile.view_srcsets == []  # the tile's own files are the full views: nothing else to load


@pytest.mark.parametrize("watermark", ['thumbnails = "marked"\nmin_width = 1000\n', "min_width = 0\n"])
def test_marked_thumbnails_are_the_full_view_files(site_dir, write, run_build, watermark):
    flat_site(site_dir, write, watermark)
    run_build()
    out = site_dir / "public"
    assert not any("-thumb." in p.name for p in media_files(out))
    for tile in pictures(out / "g/index.html")[0]:
        assert tile.view_srcsets == []
        assert all(has_mark(local_file(out, u)) for u in [*tile.srcsets, tile.src])


def test_a_gallery_can_choose_marked_thumbnails(site_dir, write, run_build):
    flat_site(site_dir, write)
    write("content/g/index.md", "---\nwatermark: {thumbnails: marked}\n---\n")
    _, reporter = run_build()
    assert [w.message for w in reporter.warnings if "watermark" in w.message] == []
    out = site_dir / "public"
    assert not any("-thumb." in p.name for p in media_files(out))
    for tile in pictures(out / "g/index.html")[0]:
        assert all(has_mark(local_file(out, u)) for u in tile.srcsets)


def test_default_min_width_keeps_clean_thumbnails_below_1600(site_dir, write, run_build):
    flat_site(site_dir, write, watermark="")
    run_build()
    widths = sorted({file_width(p) for p in media_files(site_dir / "public") if "-thumb." in p.name})
    assert widths == [480, 800, 1200, 1500]  # the square photo's largest file is 1500 px wide


def test_image_set_roles():
    view = Derivative("media/p-800.h.jpg", 800, 600, "jpeg")
    thumb = Derivative("media/p-800-thumb.h.jpg", 800, 600, "jpeg")
    both = ImageSet(800, 600, "#000000", "", (view,), ("jpeg",), (thumb,))
    only_views = ImageSet(800, 600, "#000000", "", (view,), ("jpeg",))
    assert both.of_format("jpeg") == [view] and both.of_format("jpeg", "thumb") == [thumb]
    assert only_views.of_format("jpeg", "thumb") == [view]  # no clean copies: thumbnails are the views
    assert both.closest(1200) == view and both.largest() == view
    with pytest.raises(ValueError, match="unknown image role"):
        both.of_format("jpeg", "full")


def test_widths_used_here_are_the_defaults():
    from sitegen.config import ImagesSection

    assert tuple(ImagesSection().widths) == WIDTHS
