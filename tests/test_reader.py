"""The content folder -> model rules, on small generated sites."""

from pathlib import Path

import pytest

from sitegen.config import load_project
from sitegen.content.reader import natural_key, read_site
from sitegen.errors import ContentError, Reporter
from sitegen.images.probe import ProbeCache

from .conftest import make_photo


def read(site_dir: Path, drafts: bool = False):
    reporter = Reporter(root=site_dir)
    site = read_site(load_project(site_dir), reporter, ProbeCache(None), drafts=drafts)
    return site, reporter


def own_pages(site) -> list:
    """The pages read from content/ (the generated licensing page is always there too)."""
    return [p for p in site.pages if p.kind != "licensing"]


def messages(reporter: Reporter) -> list[str]:
    return [p.format(reporter.root) for p in reporter.problems]


def test_pages_galleries_and_sidecars(site_dir, write):
    write("content/index.md", "---\ntitle: Home\n---\nHello")
    write("content/about.md", "---\ntitle: About me\n---\nText")
    make_photo(site_dir / "content/Trips/Iceland/DSC_0002.jpg")
    make_photo(site_dir / "content/Trips/Iceland/DSC_0010.jpg")
    write("content/Trips/Iceland/DSC_0002.md", "---\ntitle: Aurora\nalt: Green sky\n---\nA *caption*.")
    site, reporter = read(site_dir)
    assert not reporter.warnings
    assert site.home.title == "Home" and "Hello" in site.home.body_html
    assert [p.path for p in own_pages(site)] == ["about/"]
    (trips,) = site.galleries
    assert trips.path == "trips/" and trips.photos == []
    (iceland,) = trips.children
    assert iceland.path == "trips/iceland/" and iceland.parent is trips
    first, second = iceland.photos
    assert (first.title, first.alt, first.path) == ("Aurora", "Green sky", "trips/iceland/dsc-0002/")
    assert "<em>caption</em>" in first.caption_html
    assert second.title == "Iceland, photo 2"  # a camera's file name is no title: the gallery and the number
    assert first.next is second and second.prev is first
    assert trips.cover is first  # a gallery of galleries borrows its first child's cover


def test_sort_by_date_and_manual(site_dir, write):
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        make_photo(site_dir / "content/g" / name)
    write("content/g/a.md", "---\ndate: 2024-03-01\n---\n")
    write("content/g/b.md", "---\ndate: 2024-01-01\n---\n")
    write("content/g/index.md", "---\nsort: date\n---\n")
    site, _ = read(site_dir)
    assert [p.source.name for p in site.galleries[0].photos] == ["b.jpg", "a.jpg", "c.jpg"]

    write("content/g/index.md", "---\nsort: manual\norder: [c.jpg, missing.jpg]\n---\n")
    write("content/g/b.md", "---\nsort: 1\n---\n")
    site, reporter = read(site_dir)
    assert [p.source.name for p in site.galleries[0].photos] == ["c.jpg", "b.jpg", "a.jpg"]
    assert any("'missing.jpg'" in m for m in messages(reporter))


def test_natural_order():
    names = ["img10.jpg", "IMG2.jpg", "img1.jpg"]
    assert sorted(names, key=natural_key) == ["img1.jpg", "IMG2.jpg", "img10.jpg"]


def test_missing_cover_warns_with_line_and_falls_back(site_dir, write):
    make_photo(site_dir / "content/g/one.jpg")
    write("content/g/index.md", "---\ntitle: G\ncover: nope.jpg\n---\n")
    site, reporter = read(site_dir)
    assert site.galleries[0].cover.source.name == "one.jpg"
    (line,) = [m for m in messages(reporter) if "cover" in m]
    assert line.startswith("content/g/index.md:3: warning:") and "'nope.jpg'" in line


def test_slug_collision_is_an_error_naming_both(site_dir):
    make_photo(site_dir / "content/g/Sunset.jpg")
    make_photo(site_dir / "content/g/sunset.png")
    reporter = Reporter(root=site_dir)
    with pytest.raises(ContentError):
        read_site(load_project(site_dir), reporter, ProbeCache(None))
    (error,) = reporter.errors
    text = error.format(site_dir)
    assert "content/g/Sunset.jpg" in text and "content/g/sunset.png" in text and "/g/sunset/" in text


def test_page_and_gallery_collision(site_dir, write):
    write("content/travel.md", "page")
    make_photo(site_dir / "content/Travel/x.jpg")
    with pytest.raises(ContentError):
        read(site_dir)


def test_drafts_are_skipped_unless_asked(site_dir, write):
    write("content/secret.md", "---\ndraft: true\n---\n")
    make_photo(site_dir / "content/wip/x.jpg")
    write("content/wip/index.md", "---\ndraft: true\n---\n")
    site, _ = read(site_dir)
    assert own_pages(site) == [] and site.galleries == []
    site, _ = read(site_dir, drafts=True)
    assert len(own_pages(site)) == 1 and len(site.galleries) == 1


def test_bad_files_are_skipped_with_one_line_each(site_dir, write):
    make_photo(site_dir / "content/g/good.jpg")
    write("content/g/empty.jpg", b"")
    write("content/g/text.jpg", "this is not a photo")
    write("content/g/.DS_Store", b"\x00\x01")
    write("content/g/notes.psd", b"8BPS")
    site, reporter = read(site_dir)
    assert [p.source.name for p in site.galleries[0].photos] == ["good.jpg"]
    found = messages(reporter)
    warnings = [m for m in found if ": warning: " in m]
    assert len(warnings) == 3, found
    assert any(m.startswith("content/g/empty.jpg: warning:") and "empty" in m for m in warnings)
    assert any(m.startswith("content/g/text.jpg: warning:") and "not a readable image" in m for m in warnings)
    assert any(m.startswith("content/g/notes.psd: warning:") for m in warnings)
    assert not any(".DS_Store" in m for m in warnings)  # hidden files are not worth a warning


def test_unknown_front_matter_key_is_a_warning_with_suggestion(site_dir, write):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\ncaptoin: hi\n---\n")
    _, reporter = read(site_dir)
    (warning,) = reporter.warnings
    assert 'did you mean "caption"' in warning.format(site_dir)


def test_embedded_xmp_title_used_when_no_sidecar(site_dir, write):
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">From Lightroom</rdf:li></rdf:Alt></dc:title>'
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    make_photo(site_dir / "content/g/a.jpg", xmp=xmp)
    make_photo(site_dir / "content/g/b.jpg", xmp=xmp)
    write("content/g/b.md", "---\ntitle: Sidecar wins\n---\n")
    site, _ = read(site_dir)
    a, b = site.galleries[0].photos
    assert a.title == "From Lightroom" and b.title == "Sidecar wins"


def test_photo_at_content_root_is_refused(site_dir):
    make_photo(site_dir / "content/loose.jpg")
    site, reporter = read(site_dir)
    assert site.galleries == []
    assert "inside a gallery folder" in messages(reporter)[0]


def test_missing_content_folder(tmp_path):
    with pytest.raises(ContentError, match="no content folder"):
        read(tmp_path)
