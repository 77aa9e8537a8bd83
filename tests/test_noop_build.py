"""A build that finds nothing changed: decided from ``stat``s, before the heavy libraries load, and never wrong.

The stamp's check reads file times, which are coarse: a file written twice within one
timestamp tick, to the same size, looks unchanged. Those "racy" files are checked by
content (sitegen.pipeline.stamp); the tests below make the file times useless on purpose
to show that the content check alone catches such an edit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.config import load_project
from sitegen.images.watermark import content
from sitegen.pipeline import build as build_module
from sitegen.pipeline import stamp as stamp_module
from sitegen.pipeline.fullbuild import server_file_paths
from sitegen.protect.hostfiles import snippet_texts
from sitegen.render.theme import Theme
from sitegen.urls import Urls

from .conftest import REPO, make_photo

HEAVY = ("PIL", "jinja2", "markdown", "yaml", "sitegen.protect.hostfiles", "sitegen.render")


def imported_by_build(site: Path, *args: str) -> set[str]:
    """Every module a real ``sitegen build`` process imported, from its ``-X importtime`` log."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sitegen", "build", "--jobs", "1", *args, str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "sitegen.cli" in names  # the log was read at all
    return names


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY))


def small_site(site_dir: Path, write) -> None:
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: A test pattern\n---\nA caption.\n")
    write("content/about.md", "---\ntitle: About\n---\nAbout me.\n")


def test_a_no_op_build_imports_no_image_template_or_markup_library(site_dir, write):
    small_site(site_dir, write)
    first = imported_by_build(site_dir)
    assert {"PIL", "jinja2", "markdown", "yaml"} <= set(heavy(first))  # the check below can fail
    second = imported_by_build(site_dir)
    assert heavy(second) == []
    forced = imported_by_build(site_dir, "--force")
    assert "jinja2" in forced


def run(site_dir: Path, **kw):
    return build_module.build(site_dir, overrides={"build.jobs": 1}, **kw)


def coarse_times(monkeypatch) -> None:
    """A file system whose times tell nothing: the stat line keeps only the path and the size."""
    real = stamp_module._file_line

    def line(path: str, st: os.stat_result) -> stamp_module._Line:
        return real(path, st)._replace(text=f"{path}:{st.st_size}")

    monkeypatch.setattr(stamp_module, "_file_line", line)


def test_a_same_size_edit_that_leaves_every_time_alone_rebuilds(site_dir, write, monkeypatch):
    """Written within one timestamp tick of the build, the file is racy: its content is compared."""
    coarse_times(monkeypatch)
    small_site(site_dir, write)
    assert not run(site_dir).up_to_date
    assert run(site_dir).up_to_date
    write("content/about.md", "---\ntitle: About\n---\nAbout us.\n")  # same size
    report = run(site_dir)
    assert not report.up_to_date
    assert "About us." in (site_dir / "public/about/index.html").read_text("utf-8")


def test_without_the_content_check_the_same_edit_would_be_missed(site_dir, write, monkeypatch):
    """The control of the test above: the racy files' content is what catches the edit."""
    coarse_times(monkeypatch)
    monkeypatch.setattr(stamp_module, "RACY_WINDOW_NS", -(10**18))  # nothing is ever racy
    small_site(site_dir, write)
    run(site_dir)
    write("content/about.md", "---\ntitle: About\n---\nAbout us.\n")
    assert run(site_dir).up_to_date


def test_a_same_size_edit_with_the_mtime_put_back_rebuilds(site_dir, write):
    """Real file times: an editor or sync tool that restores the mtime still changes the change time."""
    small_site(site_dir, write)
    path = site_dir / "content/about.md"
    run(site_dir)
    before = path.stat()
    path.write_text("---\ntitle: About\n---\nAbout us.\n", "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not run(site_dir).up_to_date


def test_racy_files_are_read_until_they_settle_then_never_again(site_dir, write, monkeypatch):
    small_site(site_dir, write)
    run(site_dir)
    stored = json.loads(next((site_dir / ".sitegen-cache/build-stamps").iterdir()).read_text("utf-8"))
    reads: list[str] = []
    real_digest = stamp_module.file_digest

    def counting(path):
        if Path(path).is_relative_to(site_dir / "content"):
            reads.append(str(path))
        return real_digest(path)

    monkeypatch.setattr(stamp_module, "file_digest", counting)
    assert run(site_dir).up_to_date
    assert reads  # just written: checked by content
    later = time.time_ns() + 2 * stamp_module.RACY_WINDOW_NS
    monkeypatch.setattr(stamp_module, "_clock", lambda: later)
    assert run(site_dir).up_to_date  # settled now: the stamp is refreshed
    refreshed = json.loads(next((site_dir / ".sitegen-cache/build-stamps").iterdir()).read_text("utf-8"))
    assert refreshed["racy_since"] > stored["racy_since"] and refreshed["token"] == stored["token"]
    reads.clear()
    assert run(site_dir).up_to_date
    assert reads == []
    write("content/about.md", "---\ntitle: About\n---\nAbout us.\n")  # still seen, by its times
    assert not run(site_dir).up_to_date


def test_a_deleted_server_snippet_comes_back_on_a_no_op_build(site_dir, write):
    small_site(site_dir, write)
    run(site_dir)
    snippet = site_dir / "server-config/nginx-site.conf"
    text = snippet.read_text("utf-8")
    snippet.unlink()
    assert run(site_dir).up_to_date
    assert snippet.read_text("utf-8") == text
    other = site_dir / "server-config/sitegen.caddy"
    before = other.stat().st_mtime_ns
    assert run(site_dir).up_to_date
    assert other.stat().st_mtime_ns == before  # unchanged files are not rewritten


@pytest.mark.parametrize("protect", ['policy = "no-ai"', "refuse_agents = false", 'policy = "off"', "honeypot = true"])
def test_the_stamp_knows_every_server_file(site_dir, protect):
    (site_dir / "sitegen.toml").write_text(f"[protect]\n{protect}\n", "utf-8")
    project = load_project(site_dir)
    target = site_dir / "public"
    expected = {target.parent / name for name in snippet_texts(project.config, Urls(project.config.site.base_url))}
    assert set(server_file_paths(project, target)) == expected


def test_the_stamp_digests_files_as_the_image_jobs_do(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG not really" * 100)
    assert stamp_module.file_digest(path) == content(path)[0]


@pytest.mark.parametrize("theme", ["default", "mytheme"])
def test_the_theme_chain_of_the_stamp_is_the_themes(site_dir, theme):
    if theme != "default":
        (site_dir / theme / "templates").mkdir(parents=True)
    (site_dir / "sitegen.toml").write_text(f'[site]\ntheme = "{theme}"\n', "utf-8")
    project = load_project(site_dir)
    assert build_module.theme_chain(project) == Theme.load(theme, project.root).chain
