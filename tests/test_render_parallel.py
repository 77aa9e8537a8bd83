"""Rendering on every core: forked workers give the same pages, in the same order, and the same errors.

The threshold is lowered so that a small site takes the parallel path; the same site rendered in
one process is the reference, byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sitegen.render import parallel

from .conftest import run_python, two_galleries


def html_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*.html"))}


@pytest.fixture
def small_site(site_dir: Path, write: Any) -> Path:
    return two_galleries(write, site_dir, "Parallel", photos=5)


# Forking is refused in a process with other threads (a test server of another test may run in
# this one), so each build runs in a fresh interpreter, with every site above the threshold.
BUILD = r"""
import json, sys
from pathlib import Path
from sitegen.errors import Reporter, SitegenError
from sitegen.pipeline.build import build
from sitegen.render import parallel, site as render_site

parallel.PARALLEL_FROM = 1
calls = []
real = parallel.WorkerPages

def spy(count, render_page, workers, *args):
    calls.append(workers)
    return real(count, render_page, workers, *args)

render_site.WorkerPages = spy
root, jobs = Path(sys.argv[1]), int(sys.argv[2])
try:
    report = build(root, overrides={"build.jobs": jobs}, reporter=Reporter(root=root), force=True)
    print(json.dumps({"workers": calls, "output": str(report.output_dir)}))
except SitegenError as exc:
    print(json.dumps({"workers": calls, "error": str(exc)}))
"""


def build_in_fresh_process(site: Path, jobs: int) -> dict[str, Any]:
    return run_python(BUILD, site, jobs)


def test_pages_rendered_by_workers_are_the_pages_of_one_process(small_site):
    one = build_in_fresh_process(small_site, 1)
    assert one["workers"] == []
    one_process = html_files(Path(one["output"]))
    assert {"index.html", "about/index.html", "sea/index.html", "hills/p4/index.html", "404.html"} <= set(one_process)
    two = build_in_fresh_process(small_site, 2)
    assert two["workers"] == [2]
    assert html_files(Path(two["output"])) == one_process


def test_a_template_error_in_a_worker_is_the_error_of_one_process(small_site, write):
    broken = '{% extends "base.html" %}{% block content %}{{ photo.no_such_thing.x }}{% endblock %}'
    write("templates/photo.html", broken)
    one, two = build_in_fresh_process(small_site, 1), build_in_fresh_process(small_site, 2)
    assert one["workers"] == [] and two["workers"] == [2]
    assert two["error"] == one["error"]
    assert "template error while rendering /hills/p0/" in two["error"]


def test_small_sites_and_threaded_processes_render_in_one_process(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    # A `sitegen build` renders with the main thread alone; the test process may still run other
    # tests' server threads, which would make this the threaded case.
    monkeypatch.setattr("threading.active_count", lambda: 1)
    assert parallel.workers_for(parallel.PARALLEL_FROM - 1, 0) == 1
    assert parallel.workers_for(parallel.PARALLEL_FROM, 0) == 8
    assert parallel.workers_for(parallel.PARALLEL_FROM, 1) == 1  # [build] jobs = 1
    assert parallel.workers_for(parallel.PARALLEL_FROM, 3) == 3
    monkeypatch.setattr("threading.active_count", lambda: 2)  # sitegen serve: a server and a watcher
    assert parallel.workers_for(parallel.PARALLEL_FROM, 0) == 1


def all_files(output: Path) -> dict[str, bytes]:
    """Every published file but the marker (it names the build)."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name != ".sitegen-output"
    }


def test_a_build_rendered_by_workers_publishes_the_theme_files_its_pages_link_to(small_site):
    """The workers asked for style.css's content-hashed name, the parent never did: the pages of a
    site above the threshold linked to a stylesheet the build did not publish."""
    one = all_files(Path(build_in_fresh_process(small_site, 1)["output"]))
    two = build_in_fresh_process(small_site, 2)
    assert two["workers"] == [2]
    files = all_files(Path(two["output"]))
    linked = set(re.findall(r'"/(theme/[^"]+)"', files["index.html"].decode()))
    assert any(name.startswith("theme/style.") for name in linked)
    assert linked <= set(files)
    assert files == one
