"""The incremental renderer of ``sitegen serve`` can be switched off, and then agrees with itself.

example-site is previewed by two sessions side by side: one reusing unchanged pages (the page
memo, and shared fragments rendered once per rebuild), one rendering every page on every rebuild
(``SITEGEN_FULL_RENDER=1``). After each kind of edit (a page, a photo's title and caption, a
gallery in the menu, a template, the menu in sitegen.toml, a new gallery, a deleted photo, a
site template shadowing the theme's) both rebuild and every file of the two preview folders must
be byte for byte the same.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
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


def changes(site: Path, content: Path) -> list[tuple[str, Callable[[], list[Path]]]]:
    """Each kind of change a photographer makes while previewing, as (what, make it -> changed paths)."""

    def new_gallery() -> list[Path]:
        gallery = content / "harbour"
        gallery.mkdir()
        (gallery / "index.md").write_text("---\ntitle: Harbour\n---\nBoats.\n", "utf-8")
        shutil.copy2(content / "water/pier-at-dusk.jpg", gallery / "boats.jpg")
        return [gallery.resolve(), (gallery / "index.md").resolve(), (gallery / "boats.jpg").resolve()]

    def delete_photo() -> list[Path]:
        photo, sidecar = (
            content / "details/spacex-dragon-over-earth.jpg",
            content / "details/spacex-dragon-over-earth.md",
        )
        changed = [photo.resolve(), sidecar.resolve()]
        photo.unlink()
        sidecar.unlink()
        return changed

    def new_site_partial() -> list[Path]:  # shadows the theme's file: the header of every page
        partial = site / "templates/partials/site_title.html"
        partial.write_text(
            '<a class="site-title" href="{{ url(\'\') }}">{{ config.site.title }} ({{ page_kind }})</a>\n'
        )
        return [partial.resolve()]

    def one(path: Path, old: str, new: str) -> Callable[[], list[Path]]:
        return lambda: [edit(path, old, new)]

    return [
        ("a page's Markdown", one(content / "about.md", "who you are", "who **you** are")),
        ("a photo's title", one(content / "water/walruses.md", "title: Walruses", "title: Walruses at rest")),
        ("a sidecar caption", one(content / "water/jetty-and-sea.md", "at 85 mm", "at 85 mm (a prime lens)")),
        ("a gallery in the menu", one(content / "water/index.md", "title: Water", "title: Sea and shore")),
        ("a template", one(site / "templates/partials/footer.html", "under CC0.", "under CC0 (or public domain).")),
        (
            "the menu",
            one(
                site / "sitegen.toml",
                '{ title = "Details", url = "/details/" },',
                '{ title = "Close-ups", url = "/details/" },',
            ),
        ),
        (
            "a menu entry",
            one(
                site / "sitegen.toml",
                '{ title = "About", url = "/about/" },',
                '{ title = "About", url = "/about/" },\n  { title = "Harbour", url = "/harbour/" },',
            ),
        ),
        ("a new gallery", new_gallery),
        ("a deleted photo", delete_photo),
        ("a new site template for a theme partial", new_site_partial),
    ]


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
        for describe, change in changes(site, content):  # made one at a time, each followed by a rebuild of both
            changed = change()
            memo_run, full_run = incremental.rebuild(changed), full.rebuild(changed)
            pages = {key for key in full_folder.on_disk if key.endswith(".html")}
            assert full_run.pages_reused == 0 and set(full_run.pages_rendered) == pages
            assert memo_run.pages_reused + len(memo_run.pages_rendered) == len(pages)
            assert tree(memo_folder.root) == tree(full_folder.root), f"after {describe}"
        assert memo_run.pages_rendered  # the last edit (every header) reached the memo's pages too
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
