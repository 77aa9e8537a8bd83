"""Rendering on every core: forked workers give the same pages, in the same order, and the same errors.

The threshold is lowered so that a small site takes the parallel path; the same site rendered in
one process is the reference, byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitegen.errors import Reporter, SitegenError
from sitegen.pipeline.build import build
from sitegen.render import parallel

from .conftest import make_photo


def html_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*.html"))}


@pytest.fixture
def small_site(site_dir: Path, write: Any) -> Path:
    write("sitegen.toml", '[site]\ntitle = "Parallel"\nbase_url = "https://example.com/"\n')
    write("content/about.md", "---\ntitle: About\n---\nAbout.\n")
    for gallery in ("sea", "hills"):
        write(f"content/{gallery}/index.md", f"---\ntitle: {gallery.title()}\n---\n")
        for n in range(5):
            make_photo(site_dir / f"content/{gallery}/p{n}.jpg", colour=(40 * n, 90, 160))
            write(f"content/{gallery}/p{n}.md", f"---\ntitle: {gallery} {n}\nalt: Photo {n}\n---\nCaption {n}.\n")
    return site_dir


@pytest.fixture
def spied_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every site takes the parallel path; the worker counts it was called with."""
    calls: list[int] = []
    real = parallel.render_in_workers

    def spy(count: int, render_page: Any, workers: int) -> list[str]:
        calls.append(workers)
        return real(count, render_page, workers)

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr("sitegen.render.site.render_in_workers", spy)
    return calls


def test_pages_rendered_by_workers_are_the_pages_of_one_process(small_site, spied_workers, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    report = build(small_site, overrides={"build.jobs": 1}, reporter=Reporter(root=small_site))
    one_process = html_files(report.output_dir)
    assert spied_workers == []
    assert {"index.html", "about/index.html", "sea/index.html", "hills/p4/index.html", "404.html"} <= set(one_process)
    report = build(small_site, overrides={"build.jobs": 2}, reporter=Reporter(root=small_site), force=True)
    assert spied_workers == [2]
    assert html_files(report.output_dir) == one_process


def test_a_template_error_in_a_worker_is_the_error_of_one_process(small_site, spied_workers, write, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    broken = '{% extends "base.html" %}{% block content %}{{ photo.no_such_thing.x }}{% endblock %}'
    write("templates/photo.html", broken)
    with pytest.raises(SitegenError) as one_process:
        build(small_site, overrides={"build.jobs": 1}, reporter=Reporter(root=small_site))
    with pytest.raises(SitegenError) as workers:
        build(small_site, overrides={"build.jobs": 2}, reporter=Reporter(root=small_site))
    assert spied_workers == [2]
    assert str(workers.value) == str(one_process.value)
    assert "template error while rendering /hills/p0/" in str(workers.value)


def test_small_sites_and_threaded_processes_render_in_one_process(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert parallel.workers_for(parallel.PARALLEL_FROM - 1, 0) == 1
    assert parallel.workers_for(parallel.PARALLEL_FROM, 0) == 8
    assert parallel.workers_for(parallel.PARALLEL_FROM, 1) == 1  # [build] jobs = 1
    assert parallel.workers_for(parallel.PARALLEL_FROM, 3) == 3
    monkeypatch.setattr("threading.active_count", lambda: 2)  # sitegen serve: a server and a watcher
    assert parallel.workers_for(parallel.PARALLEL_FROM, 0) == 1
