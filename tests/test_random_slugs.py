"""``slug: random`` (issue 15 §1): an unguessable URL part, made once, kept in slugs.toml, never re-invented.

Real builds of a tiny site: the slug has at least 80 bits, is the same on the next build, is stored
in the site folder's slugs.toml (appended; lines sitegen did not write stay as they are), and a
strict build or a read-only site folder stops with one line instead of making up a new URL.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

from sitegen.content import randomslugs
from sitegen.content.randomslugs import SLUGS_FILE, new_slug
from sitegen.errors import Reporter, SitegenError
from sitegen.pipeline.build import build

from .conftest import make_photo


def _site(root: Path) -> Path:
    make_photo(root / "content/smith/s1.jpg")
    (root / "content/smith/index.md").write_text("---\nslug: random\nunlisted: true\n---\n", "utf-8")
    make_photo(root / "content/open/o1.jpg", colour=(10, 200, 90))
    (root / "content/smith/s1.md").write_text("---\nalt: A pattern.\n---\n", "utf-8")
    (root / "content/open/o1.md").write_text("---\nalt: Another pattern.\n---\n", "utf-8")
    return root


def _build(root: Path, **overrides: object) -> Reporter:
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1, **overrides}, reporter=reporter)
    return reporter


def _gallery_slugs(public: Path) -> set[str]:
    return {p.name for p in public.iterdir() if p.is_dir() and (p / "s1").is_dir()}


def test_new_slug_has_80_bits() -> None:
    slugs = {new_slug() for _ in range(200)}
    assert len(slugs) == 200
    assert all(re.fullmatch(r"[a-z2-7]{16}", s) for s in slugs)  # base32 of 10 bytes: 16 x 5 bits


def test_random_slug_is_stored_and_stable(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    _build(root)
    (slug,) = _gallery_slugs(root / "public")
    stored = (root / SLUGS_FILE).read_text("utf-8")
    assert f'"smith" = "{slug}"' in stored and stored.startswith("# ")
    assert not (root / "public/smith").exists()
    _build(root, **{"build.strict": True})  # known now: a strict build is fine
    assert _gallery_slugs(root / "public") == {slug}
    assert (root / SLUGS_FILE).read_text("utf-8") == stored  # not rewritten when nothing is new


def test_entries_sitegen_did_not_make_are_kept(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    mine = '# my notes\n"old/gallery" = "keepthisslug42"   # sent to the Millers\n'
    (root / SLUGS_FILE).write_text(mine, "utf-8")
    _build(root)
    text = (root / SLUGS_FILE).read_text("utf-8")
    assert text.startswith(mine) and re.search(r'^"smith" = "[a-z2-7]{16}"$', text, re.M)


def test_strict_build_does_not_invent_a_url(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with pytest.raises(SitegenError, match=r"slugs\.toml: no entry for 'smith'.*strict"):
        _build(root, **{"build.strict": True})
    assert not (root / SLUGS_FILE).exists()


def test_read_only_site_folder_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system refuses the write (as a read-only mount does, even to root): one line naming slugs.toml."""
    root = _site(tmp_path / "site")

    def refuse(path: Path, text: str) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path.with_name(".slugs.toml.123.tmp")))

    monkeypatch.setattr(randomslugs, "write_text_atomic", refuse)
    with pytest.raises(SitegenError) as failed:
        _build(root)
    assert str(root / SLUGS_FILE) in str(failed.value) and "Read-only" in str(failed.value)
    assert ".tmp" not in str(failed.value)
    assert not (root / "public").exists()
