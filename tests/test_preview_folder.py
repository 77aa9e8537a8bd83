"""The preview's output folder: updated file by file, exactly to what the last good rebuild produced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.errors import ConfigError, SitegenError
from sitegen.output.preview import MARKER, PreviewFolder, StagedOutput, marker_text


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
    with pytest.raises(
        ConfigError, match=r'sitegen\.toml:2: \[build\] cache_dir: "content" is the site.s content/ folder'
    ):
        preview.start()
    assert photo.is_file()
    assert sorted(p.name for p in (site / "content").iterdir()) == ["serve-2019"]


def _dead_pid() -> int:
    """A PID no process has: a child that has already been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_marked_folders_of_dead_previews_are_deleted(tmp_path):
    """Issue 9 item 1: every serve-<digits> folder whose PID was not running was deleted."""
    cache = tmp_path / "cache"
    dead = _dead_pid()
    stale = cache / f"serve-{dead}"  # a preview that was killed: its marker says so
    (stale / "site").mkdir(parents=True)
    (stale / MARKER).write_text(marker_text(dead))
    gallery = cache / "serve-2019"  # a photographer's folder that merely has the name
    (gallery / "a.jpg").parent.mkdir(parents=True)
    (gallery / "a.jpg").write_bytes(b"photo")
    claimed = {"empty": b"", "other pid": marker_text(dead + 1).encode(), "longer": marker_text(dead).encode() + b"x"}
    kept = []
    for n, (name, text) in enumerate(claimed.items()):
        folder = cache / f"serve-{dead + 1000 + n}"
        folder.mkdir()
        (folder / MARKER).write_bytes(text)
        (folder / "notes.txt").write_text(name)
        kept.append(folder)
    alive = cache / f"serve-{os.getppid()}"  # a preview still running
    alive.mkdir()
    (alive / MARKER).write_text(marker_text(os.getppid()))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / MARKER).write_text(marker_text(dead + 2))
    (outside / "keep.txt").write_text("keep")
    (cache / f"serve-{dead + 2}").symlink_to(outside)

    folder = PreviewFolder.create(cache)
    assert not stale.exists()
    assert (gallery / "a.jpg").read_bytes() == b"photo"
    assert all((f / "notes.txt").is_file() for f in kept) and (alive / MARKER).is_file()
    assert (outside / "keep.txt").read_text() == "keep"
    folder.remove()
    assert not folder.home.exists()


def test_the_marker_is_not_served(folder):
    folder.apply(stage(folder, {"index.html": "home"}))
    assert sorted(p.name for p in folder.root.iterdir()) == ["index.html"]
    assert (folder.home / MARKER).read_text() == marker_text(os.getpid())


def test_an_unmarked_folder_with_this_process_id_is_refused(tmp_path):
    mine = tmp_path / "cache" / f"serve-{os.getpid()}"
    mine.mkdir(parents=True)
    (mine / "a.jpg").write_bytes(b"photo")
    with pytest.raises(SitegenError, match="was not created by sitegen"):
        PreviewFolder.create(tmp_path / "cache")
    assert (mine / "a.jpg").read_bytes() == b"photo"
