"""The output folder is replaced only when it is safe and only when the build succeeded."""

import errno
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import cli
from sitegen.errors import ConfigError, Reporter, SitegenError
from sitegen.output.folder import MARKER, MARKER_TEXT, Output, OutputLock, check_target, read_marker
from sitegen.pipeline.build import BuildReport, build

from .conftest import make_photo


def test_refuses_site_folder_and_its_parents(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(SitegenError, match="is the site folder or contains it"):
        check_target(site, site, [])
    with pytest.raises(SitegenError, match="contains it"):
        check_target(tmp_path, site, [])


def test_refuses_output_inside_content(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    with pytest.raises(SitegenError, match="inside"):
        check_target(site / "content" / "public", site, [site / "content"])


def test_refuses_foreign_non_empty_folder(tmp_path):
    site = tmp_path / "site"
    out = tmp_path / "photos-backup"
    out.mkdir(parents=True)
    (out / "IMG_0001.CR3").write_bytes(b"raw")
    site.mkdir()
    with pytest.raises(SitegenError, match="not empty and was not created by sitegen"):
        check_target(out, site, [])
    (out / "IMG_0001.CR3").unlink()
    (out / "content").mkdir()
    with pytest.raises(SitegenError, match="contains a content/ folder"):
        check_target(out, site, [])


def test_commit_swaps_and_marks(tmp_path):
    target = tmp_path / "public"
    with Output(target) as out:
        out.write_text("index.html", "new", "test")
        out.commit()
    assert (target / "index.html").read_text() == "new"
    assert (target / MARKER).is_file()
    check_target(target, tmp_path / "elsewhere", [])  # our own output may be replaced
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no temporary folders left


def test_failure_leaves_previous_output(tmp_path):
    target = tmp_path / "public"
    with Output(target) as out:
        out.write_text("index.html", "old", "test")
        out.commit()
    with pytest.raises(RuntimeError), Output(target) as out:
        out.write_text("index.html", "half", "test")
        raise RuntimeError("boom")
    assert (target / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_paths_cannot_escape_or_collide(tmp_path):
    with Output(tmp_path / "public") as out:
        with pytest.raises(SitegenError, match="outside"):
            out.write_text("../evil.html", "x", "test")
        out.write_text("a/index.html", "x", "first")
        with pytest.raises(SitegenError, match="written twice"):
            out.write_text("a/index.html", "y", "second")


def test_stale_temporary_folders_are_cleaned_only_when_marked(tmp_path):
    killed = Output(tmp_path / "public")  # a build killed while writing: its lock dies with it
    killed.write_text("index.html", "half", "test")
    killed.lock.release()
    empty = tmp_path / ".public.sitegen-tmp-0badc0de"  # killed right after creating its folder
    empty.mkdir()
    foreign = tmp_path / ".public.sitegen-tmp-deadbeef"  # the right name, but nothing proves it is ours
    foreign.mkdir()
    (foreign / "x").write_text("x")
    unrelated = tmp_path / ".public-notes"
    unrelated.mkdir()
    with Output(tmp_path / "public") as out:
        out.commit()
    assert not killed.tmp.exists() and not empty.exists()
    assert (foreign / "x").read_text() == "x" and unrelated.exists()


@pytest.mark.parametrize(
    "marker",
    [
        b"",
        b"sitegen\n",
        MARKER_TEXT.encode() + b"build not-hex\n",
        MARKER_TEXT.encode() + b"build 0123\nmore\n",
        MARKER_TEXT.encode()[:-1],
        MARKER_TEXT.encode() + b"\0" * 5000,
    ],
    ids=["empty", "other-text", "bad-token", "extra-line", "truncated", "huge"],
)
def test_a_marker_must_hold_what_sitegen_writes(tmp_path, marker):
    """Issue 9 item 1: an empty file named .sitegen-output let sitegen replace a whole folder."""
    out = tmp_path / "photos"
    out.mkdir()
    (out / "IMG_0001.CR3").write_bytes(b"raw")
    (out / MARKER).write_bytes(marker)
    with pytest.raises(SitegenError, match="was not created by sitegen"):
        check_target(out, tmp_path / "site", [])
    assert read_marker(out) is None


def test_a_marker_that_is_a_symlink_proves_nothing(tmp_path):
    with Output(tmp_path / "public") as out:
        out.commit("ab12")
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "IMG_0001.CR3").write_bytes(b"raw")
    (photos / MARKER).symlink_to(tmp_path / "public" / MARKER)
    with pytest.raises(SitegenError, match="was not created by sitegen"):
        check_target(photos, tmp_path / "site", [])
    assert read_marker(tmp_path / "public") == "complete"


def test_failed_build_keeps_published_site(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    published = (site_dir / "public/index.html").read_text()
    write("content/about.md", "---\ntemplate: missing.html\n---\n")
    with pytest.raises(SitegenError, match=r"unknown template 'missing\.html'"):
        run_build()
    assert (site_dir / "public/index.html").read_text() == published
    assert not (site_dir / "public/about").exists()
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".public")) == []


def test_strict_fails_on_warnings_without_publishing(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: An orange test pattern.\n---\n")  # the broken file is the one warning
    write("content/g/broken.jpg", b"\xff\xd8\xff not really")
    report, reporter = run_build()
    assert report.photos == 1 and len(reporter.warnings) == 1
    before = sorted(p.name for p in (site_dir / "public").rglob("*"))
    make_photo(site_dir / "content/g/b.jpg")
    write("content/g/b.md", "---\nalt: Another test pattern.\n---\n")
    with pytest.raises(SitegenError, match="strict mode: 1 warning"):
        run_build(build__strict=True)
    assert sorted(p.name for p in (site_dir / "public").rglob("*")) == before


def test_build_refuses_to_overwrite_foreign_output(site_dir, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    (site_dir / "public").mkdir()
    (site_dir / "public" / "mine.txt").write_text("precious")
    with pytest.raises(SitegenError, match="not created by sitegen"):
        run_build()
    assert (site_dir / "public" / "mine.txt").read_text() == "precious"


def test_cache_in_static_is_refused_before_anything_is_written(site_dir, write, run_build):
    """Issue 9 item 7: the cache in static/ published probe data and build stamps."""
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[build]\ncache_dir = "static"\n')
    with pytest.raises(
        ConfigError, match=r'sitegen\.toml:2: \[build\] cache_dir: "static" is the site.s static/ folder'
    ):
        run_build()
    assert not (site_dir / "static").exists() and not (site_dir / "public").exists()


def test_output_into_the_cache_is_refused(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    write("sitegen.toml", '[site]\noutput = ".sitegen-cache"\n')
    with pytest.raises(ConfigError, match=r"\[site\] output: \"\.sitegen-cache\" is the cache folder"):
        run_build()
    write("sitegen.toml", "")
    with pytest.raises(ConfigError, match=r"--output: the output folder .* is inside the cache folder"):
        build(site_dir, overrides={"build.jobs": 1}, output_dir=site_dir / ".sitegen-cache" / "www")
    assert not (site_dir / ".sitegen-cache" / "www").exists()
    assert (site_dir / ".sitegen-cache" / "build-stamps").is_dir()  # the cache itself is untouched


KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from sitegen.cli import cli
from sitegen.pipeline.build import BuildReport, build

target = Path(sys.argv[1]).resolve() / "public"
real_rename = os.rename

def rename(src, dst, *args, **kwargs):
    real_rename(src, dst, *args, **kwargs)
    if Path(src) == target:  # the published site was just set aside: die before the new one goes in
        os.kill(os.getpid(), signal.SIGKILL)

os.rename = rename
build(Path(sys.argv[1]), overrides={"build.jobs": 1})
"""


def test_swap_killed_between_renames_then_a_failing_build_keeps_the_site(site_dir, write, run_build):
    """Issue 9 item 2: killed between the two renames, then a failing build deleted the set-aside site."""
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    published = (site_dir / "public/index.html").read_text()
    write("content/about.md", "# About\n")
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(site_dir)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not (site_dir / "public").exists()  # the window the issue describes
    assert [p.name for p in site_dir.iterdir() if p.name.startswith(".public.sitegen-old-")]

    write("content/about.md", "---\ntemplate: missing.html\n---\n")
    with pytest.raises(SitegenError, match=r"unknown template 'missing\.html'"):
        run_build()
    assert (site_dir / "public/index.html").read_text() == published
    assert not (site_dir / "public/about").exists()

    write("content/about.md", "# About\n")
    run_build()
    assert (site_dir / "public/about/index.html").is_file()
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".public")) == []


def test_a_build_failing_before_it_writes_still_restores_an_interrupted_swap(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    published = (site_dir / "public/index.html").read_text()
    os.rename(site_dir / "public", site_dir / ".public.sitegen-old-1234abcd")  # as a kill would leave it
    write("sitegen.toml", '[site]\ntheme = "no-such-theme"\n')
    with pytest.raises(SitegenError, match="no theme named"):
        run_build()
    assert (site_dir / "public/index.html").read_text() == published
    (site_dir / "sitegen.toml").unlink()
    report, _ = run_build()
    assert report.up_to_date  # the restored site is exactly what the last build wrote
    assert (site_dir / "public/index.html").read_text() == published


def test_a_second_build_waits_for_the_first(site_dir, run_build):
    """Issue 10: two builds into one output at once; the second deleted the first's temporary folder."""
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    before = (site_dir / "public" / MARKER).read_text()
    first = OutputLock(site_dir / "public")  # the first build, holding the output
    first.acquire()
    said: list[str] = []
    waiting = threading.Event()

    def echo(line: str) -> None:
        said.append(line)
        if line.startswith("waiting:"):
            waiting.set()

    results: list[object] = []

    def second() -> None:
        try:
            results.append(build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter(echo=echo), force=True))
        except BaseException as exc:  # handed to the test thread
            results.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    try:
        assert waiting.wait(60), said
        assert thread.is_alive() and results == []
        assert (site_dir / "public" / MARKER).read_text() == before
        assert not [p for p in site_dir.iterdir() if p.name.startswith(".public.sitegen-tmp-")]
    finally:
        first.release()
        thread.join(60)
    assert isinstance(results[0], BuildReport), results
    assert (site_dir / "public" / MARKER).read_text() != before  # the second build published after the first
    assert not (site_dir / ".public.sitegen-lock").exists()


def test_two_builds_at_once_both_publish(site_dir):
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg")
    command = [sys.executable, "-m", "sitegen", "build", str(site_dir), "-j", "1", "--force", "-q"]
    builds = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [proc.communicate(timeout=120)[1] for proc in builds]
    assert [proc.returncode for proc in builds] == [0, 0], errors
    assert read_marker(site_dir / "public") == "complete"
    assert (site_dir / "public/g/b/index.html").is_file()
    # The previous output is removed by a process of its own after the command reported (--force
    # leaves it aside for that): wait, bounded, for it to finish instead of hoping it already has.
    deadline = time.monotonic() + 60
    while [p for p in site_dir.iterdir() if p.name.startswith(".public")] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".public")) == []


def test_a_file_named_server_config_stops_the_build_before_the_swap(site_dir, write, run_build):
    """Issue 10: a file named server-config beside the output: FileExistsError after the swap."""
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    marker = (site_dir / "public" / MARKER).read_text()
    shutil.rmtree(site_dir / "server-config")
    write("server-config", "my notes\n")
    write("content/about.md", "# About\n")
    with pytest.raises(SitegenError, match=r"server-config is not a folder: .*move that file away") as info:
        run_build()
    assert "\n" not in str(info.value)
    assert (site_dir / "public" / MARKER).read_text() == marker and not (site_dir / "public/about").exists()
    assert (site_dir / "server-config").read_text() == "my notes\n"
    run_build(protect__header_files=False)  # without snippets to write, the file is no obstacle
    assert (site_dir / "public/about/index.html").is_file()


def _fail_inside(tmp_tag: str, code: int, marker: bool = False):
    """A write that fails the way the kernel fails it: in write(), so the error names no file."""

    def check(path: object, source: object = None) -> None:
        if tmp_tag in str(path) and (MARKER in str(path)) == marker:
            if source is not None:  # shutil's copy names the source first, the destination second
                raise OSError(code, os.strerror(code), str(source), None, str(path))
            raise OSError(code, os.strerror(code))

    return check


@pytest.mark.parametrize(
    ("layer", "code"),
    [("write_text", code) for code in (errno.ENOSPC, errno.EROFS, errno.EIO, errno.EACCES, errno.EDQUOT)]
    + [("marker", errno.ENOSPC), ("link", errno.ENOSPC), ("copy", errno.ENOSPC)],
)
def test_an_environment_error_while_writing_stops_with_one_line(site_dir, write, run_build, monkeypatch, code, layer):
    """Issue 9 item 3 / issue 10: a full or read-only output file system gave a traceback."""
    make_photo(site_dir / "content/g/a.jpg")
    write("static/notes.txt", "notes")
    run_build()
    published = {
        p.relative_to(site_dir).as_posix(): p.read_bytes() for p in (site_dir / "public").rglob("*") if p.is_file()
    }
    write("content/about.md", "# About\n")
    fail = _fail_inside(".public.sitegen-tmp-", code, marker=layer == "marker")
    if layer in ("marker", "write_text"):
        real_write = pathlib.Path.write_text
        monkeypatch.setattr(pathlib.Path, "write_text", lambda self, *a, **k: fail(self) or real_write(self, *a, **k))
    elif layer == "link":
        real_link = os.link
        monkeypatch.setattr(os, "link", lambda src, dst, **k: fail(dst) or real_link(src, dst, **k))
        monkeypatch.setattr(shutil, "copyfile", lambda src, dst, **k: fail(dst))  # a copy fails alike
    else:
        real_copy = shutil.copyfile
        monkeypatch.setattr(shutil, "copyfile", lambda src, dst, **k: fail(dst, src) or real_copy(src, dst, **k))
    with pytest.raises(SitegenError) as info:
        run_build()
    message = str(info.value)
    assert "\n" not in message
    assert f"{site_dir}/.public.sitegen-tmp-" in message  # the path, so the file system is known
    assert f"{os.strerror(code)} ({errno.errorcode[code]})" in message
    assert message.endswith("the build stopped; the previous output is untouched")
    monkeypatch.undo()
    now = {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in (site_dir / "public").rglob("*") if p.is_file()}
    assert now == published
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".public")) == []


def test_a_read_only_output_parent_is_one_line_on_the_command_line(site_dir, monkeypatch):
    make_photo(site_dir / "content/g/a.jpg")
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(".sitegen-lock") or ".sitegen-tmp-" in str(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    result = CliRunner().invoke(cli, ["build", str(site_dir), "-j", "1", "-q"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {site_dir}/.public.sitegen-lock: Read-only file system (EROFS); "
        "the build stopped; the previous output is untouched"
    ]


def test_a_lock_that_cannot_be_written_leaves_no_file(tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    lock = OutputLock(tmp_path / "public")
    with pytest.raises(OSError) as info:
        lock.acquire()
    assert info.value.filename == str(tmp_path / ".public.sitegen-lock")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_second_rename_puts_the_previous_output_back(tmp_path, monkeypatch):
    target = tmp_path / "public"
    with Output(target) as out:
        out.write_text("index.html", "old", "test")
        out.commit("aa")
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        if ".sitegen-tmp-" in str(src) and Path(dst) == target:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="Input/output error"), Output(target) as out:
        out.write_text("index.html", "new", "test")
        out.commit("bb")
    monkeypatch.undo()
    assert (target / "index.html").read_text() == "old" and read_marker(target) == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
    lock = OutputLock(target)
    assert lock.acquire(blocking=False)  # released, for the next build
    lock.release()


@pytest.mark.parametrize("what", ["page", "folder"])
def test_an_input_the_machine_cannot_read_stops_the_build(site_dir, write, run_build, monkeypatch, what):
    """A refused permission on a page or a gallery folder is the machine's fault, not the file's:
    skipping it would publish a site without that page or gallery and call the build a success."""
    make_photo(site_dir / "content/g/a.jpg")
    about = write("content/about.md", "# About\n")
    run_build()
    published = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "public").rglob("*"))
    write("content/about.md", "# About me\n")  # something to rebuild
    target = about if what == "page" else site_dir / "content/g"
    denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))  # as the kernel says it
    if what == "page":
        real = pathlib.Path.read_bytes
        monkeypatch.setattr(
            pathlib.Path, "read_bytes", lambda self: (_ for _ in ()).throw(denied) if self == about else real(self)
        )
    else:
        real_scandir = os.scandir
        gallery = str(site_dir / "content/g")
        monkeypatch.setattr(
            os, "scandir", lambda p=".": (_ for _ in ()).throw(denied) if str(p) == gallery else real_scandir(p)
        )
    with pytest.raises(SitegenError) as info:
        run_build()
    message = str(info.value)
    assert "\n" not in message and "Permission denied (EACCES)" in message
    assert str(target) in message
    monkeypatch.undo()
    assert sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "public").rglob("*")) == published
