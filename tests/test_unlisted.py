"""Unlisted galleries and photos (issue 15 §1): published and reachable by URL, listed nowhere.

A site with a listed gallery holding one unlisted photo and an unlisted sub-gallery, and an
unlisted top-level gallery with a sub-gallery of its own, is built for real; the files are read
back: menus, home cards, parent listings, pagers, covers, sitemap and feed never lead into an
unlisted page, the unlisted pages exist, and only they say ``noindex``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .conftest import make_photo

HOME_URL = "https://photos.example/"


def _site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text(f'[site]\ntitle = "T"\nbase_url = "{HOME_URL}"\n', "utf-8")
    for name in ("a1", "a2", "a3"):
        make_photo(root / f"content/alps/{name}.jpg")
    (root / "content/alps/index.md").write_text("---\ntitle: Alps\ncover: a2.jpg\n---\n", "utf-8")
    (root / "content/alps/a2.md").write_text("---\nunlisted: true\n---\n", "utf-8")  # cover asks for it: refused
    make_photo(root / "content/alps/proofs/p1.jpg")
    (root / "content/alps/proofs/index.md").write_text("---\ntitle: Proofs\nunlisted: true\n---\n", "utf-8")
    make_photo(root / "content/smith/s1.jpg")
    make_photo(root / "content/smith/s2.jpg")
    (root / "content/smith/index.md").write_text("---\ntitle: Smith wedding\nunlisted: true\n---\nHi!\n", "utf-8")
    make_photo(root / "content/smith/day2/d1.jpg")
    (root / "content/smith/notes.md").write_text("---\ntitle: Notes\n---\nA page in an unlisted folder.\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reporter]:
    root = _site(tmp_path_factory.mktemp("unlisted") / "site")
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1}, reporter=reporter)
    return root / "public", reporter


UNLISTED_PAGES = ["alps/a2/", "alps/proofs/", "alps/proofs/p1/", "smith/", "smith/s1/", "smith/day2/", "smith/day2/d1/"]
UNLISTED_PAGES += ["smith/notes/"]
LISTED_PAGES = ["", "alps/", "alps/a1/", "alps/a3/"]


def _html(public: Path, path: str) -> str:
    return (public / path / "index.html").read_text("utf-8")


def test_unlisted_pages_are_published(built) -> None:
    public, _ = built
    for path in UNLISTED_PAGES:
        assert (public / path / "index.html").is_file(), path
    assert any((public / "media/smith").rglob("*.webp")) and any((public / "media/alps/a2").parent.rglob("a2*"))


def test_no_listing_leads_into_an_unlisted_page(built) -> None:
    public, _ = built
    listed = [_html(public, p) for p in LISTED_PAGES] + [_html(public, "licensing/")]
    listed += [(public / name).read_text("utf-8") for name in ("sitemap.xml", "feed.xml", "robots.txt", "license.xml")]
    listed.append((public / "404.html").read_text("utf-8"))
    for text in listed:
        for path in ("alps/a2/", "alps/proofs", "smith", "media/alps/a2", "Smith wedding", "Proofs"):
            assert path not in text, (path, text[:200])
    # The listed pager skips the unlisted photo: a1 -> a3.
    assert 'rel="next" href="/alps/a3/"' in _html(public, "alps/a1/")
    assert "1 / 2" in _html(public, "alps/a1/")


def test_cover_never_picks_an_unlisted_photo(built) -> None:
    public, reporter = built
    home = _html(public, "")
    assert "media/alps/a1" in home and "media/alps/a2" not in home
    assert any("a2.jpg" in p.message and "unlisted" in p.message for p in reporter.warnings)


def test_unlisted_pages_list_their_own_photos_and_sub_galleries(built) -> None:
    public, _ = built
    smith = _html(public, "smith/")
    assert 'href="/smith/s1/"' in smith and 'href="/smith/day2/"' in smith
    assert 'rel="next" href="/smith/s2/"' in _html(public, "smith/s1/")
    lone = _html(public, "alps/a2/")  # an unlisted photo of a listed gallery: no neighbours
    assert 'rel="next"' not in lone and 'rel="prev"' not in lone


ROBOTS = re.compile(r'<meta name="robots" content="([^"]*)">')


def test_noindex_only_on_unlisted_pages(built) -> None:
    public, _ = built
    for path in UNLISTED_PAGES:
        assert ROBOTS.findall(_html(public, path)) == ["noindex, noai, noimageai"], path
    for path in [*LISTED_PAGES, "licensing/"]:
        assert ROBOTS.findall(_html(public, path)) == ["noai, noimageai"], path


def test_noindex_alone_when_the_opt_out_is_off(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with (root / "sitegen.toml").open("a") as fh:
        fh.write('[protect]\npolicy = "off"\n')
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    assert ROBOTS.findall(_html(root / "public", "smith/")) == ["noindex"]
    assert ROBOTS.findall(_html(root / "public", "alps/")) == []


def test_featured_unlisted_gallery_is_not_shown(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    (root / "content/index.md").write_text("---\nfeatured: [smith, alps]\n---\n", "utf-8")
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1}, reporter=reporter)
    home = _html(root / "public", "")
    assert "Smith wedding" not in home and 'href="/alps/"' in home
    assert any("'smith'" in p.message and "unlisted" in p.message for p in reporter.warnings)
