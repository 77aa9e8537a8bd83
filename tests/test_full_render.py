"""The incremental renderer of ``sitegen serve`` can be switched off, and then agrees with itself.

example-site is previewed by two sessions side by side: one reusing unchanged pages (the page
memo), one rendering every page on every rebuild (``SITEGEN_FULL_RENDER=1``). After each edit
both rebuild and every file of the two preview folders must be byte for byte the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.output.preview import PreviewFolder
from sitegen.pipeline.session import FULL_RENDER, BuildSession

EXAMPLE = Path(__file__).resolve().parent.parent / "example-site"
ORIGIN = "http://127.0.0.1:9999"
OVERRIDES = {"build.jobs": 1}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text, f"{path} no longer holds {old!r}: pick another edit"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path.resolve()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("public", ".sitegen-cache", "server-config"))
    return dest


def test_incremental_and_full_rendering_of_example_site_give_the_same_files(site, tmp_path):
    memo_folder = PreviewFolder.create(site / ".sitegen-cache")
    full_folder = PreviewFolder(tmp_path / "full")
    incremental = BuildSession(site, memo_folder, overrides=OVERRIDES, preview_origin=ORIGIN, full_render=False)
    full = BuildSession(site, full_folder, overrides=OVERRIDES, preview_origin=ORIGIN, full_render=True)
    try:
        incremental.rebuild()
        full.build_time = incremental.build_time  # one build time, as within one session
        full.rebuild()
        assert tree(memo_folder.root) == tree(full_folder.root)
        content = site / "content"
        edits = [  # made one at a time, each followed by a rebuild of both
            (content / "about.md", "who you are", "who **you** are"),  # one page's text
            (content / "water/walruses.md", "title: Walruses", "title: Walruses at rest"),  # a photo
            (content / "water/index.md", "title: Water", "title: Sea and shore"),  # a gallery in the menu
            (site / "templates/partials/footer.html", "Licensing</a>", "Licences</a>"),  # every page
        ]
        for path, old, new in edits:
            changed = edit(path, old, new)
            memo_run, full_run = incremental.rebuild([changed]), full.rebuild([changed])
            pages = {key for key in full_folder.on_disk if key.endswith(".html")}
            assert full_run.pages_reused == 0 and set(full_run.pages_rendered) == pages
            assert memo_run.pages_reused + len(memo_run.pages_rendered) == len(pages)
            assert tree(memo_folder.root) == tree(full_folder.root), f"after editing {changed}"
        assert memo_run.pages_rendered  # the footer edit reached the memo's pages too
    finally:
        memo_folder.remove()
        full_folder.remove()


def test_the_incremental_renderer_reuses_pages_unless_switched_off(site, monkeypatch):
    folder = PreviewFolder.create(site / ".sitegen-cache")
    try:
        session = BuildSession(site, folder, overrides=OVERRIDES, preview_origin=ORIGIN)
        session.rebuild()
        again = session.rebuild([])
        assert again.pages_rendered == [] and again.pages_reused > 0
        monkeypatch.setenv(FULL_RENDER, "1")
        switched = BuildSession(site, folder, overrides=OVERRIDES, preview_origin=ORIGIN)
        switched.rebuild()
        again = switched.rebuild([])
        assert again.pages_reused == 0 and len(again.pages_rendered) > 10
        assert not again.applied  # rendered again, and the same bytes: nothing written
    finally:
        folder.remove()
