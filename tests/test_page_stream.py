"""Pages go to the writer as they are rendered: none is held until every page is done (issue 14).

A build of 20,000 photos held every page's HTML (160 MB) until the last page was rendered, then
wrote them all. Now the publish phase takes each page from the render phase and writes it before
the next is rendered (in one process), or as each batch comes back from the render workers. A
build stopped half-way (a full disk, a template error on a later page) publishes nothing and
leaves no worker or temporary folder behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from sitegen.errors import Reporter
from sitegen.images.probe import ProbeCache
from sitegen.output.preview import StagedOutput
from sitegen.pipeline.phases import images, load, load_theme, read, render, templates
from sitegen.pipeline.publish import publish

from .conftest import run_python, two_galleries


@pytest.fixture
def small_site(site_dir: Path, write: Any) -> Path:
    return two_galleries(write, site_dir, "Stream", photos=6)


class RecordingWriter(StagedOutput):
    def __init__(self, scratch: Path, events: list[tuple[str, str]]) -> None:
        super().__init__(scratch)
        self.events = events

    def write_text(self, site_path: str, text: str, origin: str) -> None:
        self.events.append(("write", site_path))
        super().write_text(site_path, text, origin)


def test_each_page_is_written_before_the_next_is_rendered(small_site, tmp_path):
    reporter = Reporter(root=small_site)
    project = load(small_site, {"build.jobs": 1})
    site = read(project, reporter, ProbeCache(project.cache_dir))
    results, _ = images(site, project, reporter, None, None)
    renderer = templates(site, results, load_theme(project), reporter, None)
    events: list[tuple[str, str]] = []
    real = renderer.render_template

    def spy(tpl: Any, site_path: str, context: dict[str, Any]) -> str:
        events.append(("render", site_path))
        return real(tpl, site_path, context)

    renderer.render_template = spy  # type: ignore[method-assign]
    rendered = render(renderer, site, results, reporter)
    assert events == []  # nothing rendered before the publish phase takes it
    writer = RecordingWriter(tmp_path / "scratch", events)
    publish(writer, rendered, project.static_dir, renderer.files, results.media, reporter)
    pages = [path for kind, path in events if kind == "render"]
    assert len(pages) == 1 + 2 + 2 + 12 + 1  # home, about and licensing, two galleries, their photos, 404
    page_events = [event for event in events if event[1] in set(pages)]
    assert page_events == [(kind, path) for path in pages for kind in ("render", "write")]
    assert rendered.rendered == pages


# A build in a fresh interpreter (forking is refused in a process running other tests' threads),
# every site above the workers' threshold; a fault injected into the N-th page written.
BUILD = r"""
import errno, json, multiprocessing, os, pathlib, sys
from pathlib import Path
from sitegen.errors import Reporter, SitegenError
from sitegen.pipeline.build import build
from sitegen.render import parallel

parallel.PARALLEL_FROM = 1
parallel.BATCH = 2  # several batches for a small site, so the failure comes half-way
root, jobs, fail_at = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
written = []
real_write_text = pathlib.Path.write_text

def write_text(self, *args, **kwargs):
    if ".sitegen-tmp-" in str(self) and self.name == "index.html":
        written.append(str(self))
        if len(written) == fail_at:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_write_text(self, *args, **kwargs)

pathlib.Path.write_text = write_text
try:
    report = build(root, overrides={"build.jobs": jobs}, reporter=Reporter(root=root), force=True)
    result = {"output": str(report.output_dir)}
except SitegenError as exc:
    result = {"error": str(exc)}
result["pages_written"] = len(written)
result["workers_left"] = len(multiprocessing.active_children())
print(json.dumps(result))
"""


def build_in_fresh_process(site: Path, jobs: int, fail_at: int = 0) -> dict[str, Any]:
    return run_python(BUILD, site, jobs, fail_at)


def published(site: Path) -> dict[str, bytes]:
    out = site / "public"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_half_way_through_the_pages_publishes_nothing(small_site, jobs):
    first = build_in_fresh_process(small_site, jobs)
    assert "error" not in first and first["workers_left"] == 0
    before = published(small_site)
    (small_site / "content/about.md").write_text("---\ntitle: About us\n---\nChanged.\n")
    failed = build_in_fresh_process(small_site, jobs, fail_at=6)
    assert failed["pages_written"] == 6  # pages went out as they came: the sixth write failed
    message = failed["error"]
    assert "\n" not in message
    assert f"{small_site}/.public.sitegen-tmp-" in message and "index.html" in message
    assert f"{os.strerror(errno.ENOSPC)} (ENOSPC)" in message
    assert message.endswith("the build stopped; the previous output is untouched")
    assert failed["workers_left"] == 0  # the render workers were stopped, not left rendering
    assert published(small_site) == before
    assert [p.name for p in small_site.iterdir() if p.name.startswith(".public")] == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_error_on_a_later_page_publishes_nothing(small_site, write, jobs):
    build_in_fresh_process(small_site, jobs)
    before = published(small_site)
    # The gallery "sea" is rendered after home, about and "hills" with its photos.
    write("content/sea/index.md", "---\ntitle: Sea\ntemplate: broken.html\n---\n")
    write("templates/broken.html", "{{ gallery.no_such_thing.x }}")
    failed = build_in_fresh_process(small_site, jobs)
    assert failed["pages_written"] > 2
    assert "template error while rendering /sea/" in failed["error"]
    assert failed["workers_left"] == 0
    assert published(small_site) == before
    assert [p.name for p in small_site.iterdir() if p.name.startswith(".public")] == []
