"""The preview's output folder: updated file by file, exactly to what the last good rebuild produced."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import ConfigError, SitegenError
from sitegen.serve.folder import PreviewFolder, StagedOutput


@pytest.fixture
def folder(tmp_path: Path) -> PreviewFolder:
    return PreviewFolder.create(tmp_path / "cache")


def stage(folder: PreviewFolder, files: dict[str, str | Path]) -> StagedOutput:
    staged = folder.staging()
    for key, value in files.items():
        if isinstance(value, Path):
            staged.link(key, value, "test")
        else:
            staged.write_text(key, value, "test")
    return staged


def test_first_apply_writes_everything(folder):
    applied = folder.apply(stage(folder, {"index.html": "home", "a/index.html": "a"}))
    assert sorted(applied.written) == ["a/index.html", "index.html"] and applied.removed == []
    assert (folder.root / "a/index.html").read_text() == "a"


def test_unchanged_files_are_not_touched(folder):
    folder.apply(stage(folder, {"index.html": "home", "a/index.html": "a"}))
    before = (folder.root / "index.html").stat().st_mtime_ns, (folder.root / "index.html").stat().st_ino
    applied = folder.apply(stage(folder, {"index.html": "home", "a/index.html": "changed"}))
    assert applied.written == ["a/index.html"] and not applied.removed
    after = (folder.root / "index.html").stat().st_mtime_ns, (folder.root / "index.html").stat().st_ino
    assert before == after


def test_files_no_longer_produced_are_removed_with_their_empty_folders(folder):
    folder.apply(stage(folder, {"index.html": "home", "deep/er/page/index.html": "x", "deep/keep.txt": "k"}))
    applied = folder.apply(stage(folder, {"index.html": "home", "deep/keep.txt": "k"}))
    assert applied.removed == ["deep/er/page/index.html"]
    assert not (folder.root / "deep/er").exists() and (folder.root / "deep/keep.txt").is_file()


def test_linked_files_are_hard_links_of_the_cache(folder, tmp_path):
    cached = tmp_path / "cache" / "images-v1" / "k" / "480.webp"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"RIFF....WEBP")
    folder.apply(stage(folder, {"media/x-480.k.webp": cached}))
    published = folder.root / "media/x-480.k.webp"
    assert published.read_bytes() == b"RIFF....WEBP"
    assert published.stat().st_ino == cached.stat().st_ino
    assert not folder.apply(stage(folder, {"media/x-480.k.webp": cached}))  # nothing to do


def test_a_file_can_become_a_folder_and_back(folder):
    folder.apply(stage(folder, {"notes": "a file"}))
    folder.apply(stage(folder, {"notes/index.html": "now a folder"}))
    assert (folder.root / "notes/index.html").read_text() == "now a folder"
    folder.apply(stage(folder, {"notes": "a file again"}))
    assert (folder.root / "notes").read_text() == "a file again"


def test_writers_that_need_a_real_file_get_a_scratch_path(folder):
    staged = folder.staging()
    staged.path("robots.txt", "test").write_text("User-agent: *\n")
    assert staged.exists("robots.txt")
    folder.apply(staged)
    assert (folder.root / "robots.txt").read_text() == "User-agent: *\n"
    assert not staged.scratch.exists()


def test_staged_output_refuses_what_output_refuses(folder):
    staged = folder.staging()
    staged.write_text("a.html", "x", "first")
    with pytest.raises(SitegenError, match="twice"):
        staged.write_text("a.html", "y", "second")
    for bad in ("../escape.html", "/etc/passwd", ""):
        with pytest.raises(SitegenError, match="outside"):
            staged.write_text(bad, "x", "test")


def test_remove_leaves_nothing(folder):
    staged = folder.staging()
    staged.path("x.txt", "t").write_text("x")
    folder.remove()
    assert not folder.root.exists() and not folder.root.with_name(folder.root.name + ".scratch").exists()


def test_serve_refuses_a_cache_in_content_and_deletes_nothing(tmp_path):
    """Issue 9 item 1: with cache_dir = "content", starting the preview deleted content/serve-2019/."""
    from sitegen.commands.serve import Preview

    from .conftest import make_photo

    site = tmp_path / "site"
    photo = make_photo(site / "content" / "serve-2019" / "a.jpg")
    (site / "sitegen.toml").write_text('[build]\ncache_dir = "content"\n', "utf-8")
    preview = Preview(site, port=0, jobs=1, log=lambda *a: None)
    with pytest.raises(ConfigError, match=r'sitegen\.toml:2: \[build\] cache_dir: "content" is content/'):
        preview.start()
    assert photo.is_file()
    assert sorted(p.name for p in (site / "content").iterdir()) == ["serve-2019"]
