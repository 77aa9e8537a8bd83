"""Build the real example-site into a temporary folder and check the files a visitor would get."""

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .sitecheck import html_files, parse, resolve

ORIGIN = "https://example.com"


def test_example_builds_without_warnings(example_build):
    _output, report, reporter = example_build
    assert reporter.warnings == [] and reporter.errors == []
    assert report.photos == 14 and report.galleries == 8  # the unlisted client gallery (issue 15) counts too


def test_every_internal_link_resolves(example_build):
    output, _, _ = example_build
    checked = 0
    for page in html_files(output):
        for link in parse(page).links:
            if link.startswith("#"):
                continue
            target = resolve(output, link, "/", ORIGIN)
            if target is not None:
                assert target.is_file(), f"{page.relative_to(output)} links to missing {link}"
                checked += 1
    assert checked > 200


def test_every_photo_has_a_page_with_its_derivatives(example_copy, example_build):
    output, _, _ = example_build
    sources = [p for p in (example_copy / "content").rglob("*") if p.suffix.lower() in (".jpg", ".png")]
    assert len(sources) == 14
    photo_pages = [p for p in html_files(output) if 'class="photo"' in p.read_text("utf-8")]
    assert len(photo_pages) == 14
    for page in photo_pages:
        parsed = parse(page)
        (img,) = [i for i in parsed.images if i.get("fetchpriority") == "high"]
        assert img["alt"] and int(img["width"]) > 0 and int(img["height"]) > 0
        assert parsed.meta["og:image"].startswith(ORIGIN + "/media/")


def media_files(output: Path) -> list[Path]:
    """The published image files: not the .htaccess that locks a client gallery's media/ folder (issue 15)."""
    return sorted(p for p in (output / "media").rglob("*.*") if p.name != ".htaccess")


def test_no_original_bytes_are_published(example_copy, example_build):
    output, _, _ = example_build
    originals = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p
        for p in (example_copy / "content").rglob("*")
        if p.is_file() and p.suffix.lower() in (".jpg", ".png")
    }
    for file in output.rglob("*"):
        if file.is_file():
            assert hashlib.sha256(file.read_bytes()).hexdigest() not in originals, file
    for file in media_files(output):
        with Image.open(file) as image:
            assert max(image.size) <= 2048
            assert image.getexif().get_ifd(0x8825) == {}, f"{file} carries GPS"


def test_sitemap_and_feed_parse(example_build):
    output, _, _ = example_build
    ns = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "image": "http://www.google.com/schemas/sitemap-image/1.1",
    }
    sitemap = ET.parse(output / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.findall("s:url/s:loc", ns)]
    # home, about + licensing, galleries, photos, /keywords/ and its 9 keyword pages
    assert len(locs) == len(set(locs)) == 1 + 2 + 7 + 12 + 1 + 9
    for loc in locs:
        assert resolve(output, loc, "/", ORIGIN).is_file()
    images = [e.text for e in sitemap.findall("s:url/image:image/image:loc", ns)]
    assert len(images) == 12 and all(resolve(output, i, "/", ORIGIN).is_file() for i in images)

    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(output / "feed.xml").getroot()
    assert feed.find("a:title", atom).text == "Light, water and stone"
    entries = feed.findall("a:entry", atom)
    assert len(entries) == 7
    for entry in entries:
        assert entry.find("a:id", atom).text.startswith(ORIGIN)
        assert entry.find("a:updated", atom).text.endswith("Z")


def test_template_override_and_static_files(example_build):
    output, _, _ = example_build
    home = (output / "index.html").read_text("utf-8")
    assert "Photographs by their credited authors" in home  # example-site/templates/partials/footer.html
    assert (output / "CNAME").read_text().strip() == "example.com"
    assert 'href="/favicon.svg"' in home


def test_nested_gallery_and_manual_order(example_build):
    output, _, _ = example_build
    travel = (output / "travel" / "index.html").read_text("utf-8")
    assert 'href="/travel/cities/"' in travel and 'href="/travel/canyons/"' in travel
    water = (output / "water" / "index.html").read_text("utf-8")
    order = [water.index(f'href="/water/{slug}/"') for slug in ("pier-at-dusk", "jetty-and-sea", "walruses")]
    assert order == sorted(order)


def test_sub_path_base_url(example_copy, tmp_path):
    output = tmp_path / "out"
    build(
        example_copy,
        overrides={"site.base_url": "https://example.org/portfolio/"},
        output_dir=output,
        reporter=Reporter(),
    )
    checked = 0
    for page in html_files(output):
        for link in parse(page).links:
            target = resolve(output, link, "/portfolio/", "https://example.org")
            if target is not None:
                assert target.is_file(), f"{page}: {link}"
                checked += 1
    assert checked > 200
    assert 'href="/portfolio/licensing/"' in (output / "index.html").read_text("utf-8")
    not_found = (output / "404.html").read_text("utf-8")
    assert 'href="/portfolio/"' in not_found


def test_no_base_url_means_no_absolute_urls(site_dir, run_build):
    from .conftest import make_photo

    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    out = site_dir / "public"
    assert not (out / "sitemap.xml").exists() and not (out / "feed.xml").exists()
    assert "og:image" not in (out / "g/a/index.html").read_text("utf-8")


def test_rebuild_reuses_cache(site_dir, run_build):
    from .conftest import make_photo

    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg", colour=(10, 20, 30))
    first, _ = run_build()
    assert (first.images_processed, first.images_reused) == (2, 0)
    second, _ = run_build()
    assert (second.images_processed, second.images_reused) == (0, 2)
    make_photo(site_dir / "content/g/b.jpg", colour=(90, 20, 30))
    third, _ = run_build()
    assert (third.images_processed, third.images_reused) == (1, 1)


def test_published_files_state_rights_and_watermark(example_build):
    output, _, _ = example_build
    media = media_files(output)
    assert len(media) > 100
    for file in media:
        with Image.open(file) as image:
            xmp = image.info.get("xmp", b"")
            assert b'xmpRights:WebStatement="https://example.com/licensing/"' in xmp, file
            assert b"plus:DataMining" in xmp and b"<dc:creator>" in xmp, file
    # The illustrations belong to the site's author: rights reserved, mining forbidden.
    (owned,) = (output / "media/illustrations").glob("dusk-layers-2048.*.jpg")
    with Image.open(owned) as image:
        assert b"DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING" in image.info["xmp"]
        assert b'xmpRights:Marked="True"' in image.info["xmp"]
    # Public-domain photos say so, and forbid nothing they cannot forbid.
    (free,) = (output / "media/water").glob("walruses-2048.*.jpg")
    with Image.open(free) as image:
        assert b'xmpRights:Marked="False"' in image.info["xmp"] and b"DMI-UNSPECIFIED" in image.info["xmp"]


def test_an_undated_gallery_is_updated_when_its_files_change_not_on_every_build(site_dir, write, run_build):
    """Its feed entry said the build time: every build told feed readers that every undated
    gallery had changed, and no two builds of one site were the same bytes."""
    import os

    from .conftest import make_photo

    photo = make_photo(site_dir / "content/g/a.jpg")  # no EXIF date, no front matter date
    write("content/g/index.md", "---\ntitle: G\n---\n")
    moment = 1_577_880_000  # 2020-01-01T12:00:00Z
    for path in (photo, site_dir / "content/g/index.md"):
        os.utime(path, (moment, moment))
    report, _ = run_build(site__base_url="https://example.com/")
    feed = ET.parse(report.output_dir / "feed.xml").getroot()
    atom = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.find("a:updated", atom).text for e in feed.findall("a:entry", atom)] == ["2020-01-01T12:00:00Z"]
    assert feed.find("a:updated", atom).text == "2020-01-01T12:00:00Z"
