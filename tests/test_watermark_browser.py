"""The watermark by role in real Chromium: whatever file a screen picks for a full view carries the mark.

Reproduction (issue 9, item 9): with ``min_width = 1000`` a 2x phone picked the
unmarked 800 px file for the photo page and the lightbox. Here a site of
flat-colour photos is built with that setting and opened on a phone (390x844)
and a desktop (1440x900) at device pixel ratios 1, 2 and 3. For each full view
(the photo page's image, the lightbox's image) the file in ``currentSrc`` is
read from the built site and must carry the mark in its pixels; every
candidate the full view could have picked must carry it too. Grid tiles must
all be clean thumbnails (the default ``thumbnails = "clean"``).

Waits are on conditions (the image is complete, has a ``currentSrc`` and
decoded pixels), never on sleeps; a srcset request the browser cancels when it
switches candidates is not treated as a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .browser import DESKTOP, PHONE, Traffic, load_everything, serve
from .markcheck import has_mark, is_clean, local_file, make_flat_photo

pytestmark = pytest.mark.browser

PHOTOS = {"wide": (2400, 1600), "tall": (1400, 2100), "square": (1800, 1800), "pano": (3000, 1000)}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}

STAGE = ".photo-stage picture img"
CURRENT = ".lb-slide.is-current img"
LOADED = """(selector) => { const i = document.querySelector(selector);
    return !!i && i.complete && i.naturalWidth > 0 && !!i.currentSrc; }"""
CANDIDATES = """(selector) => [...document.querySelectorAll(selector)].flatMap((el) =>
    (el.getAttribute('srcset') || '').split(',').map((c) => c.trim().split(' ')[0]).filter(Boolean)
        .map((u) => new URL(u, document.baseURI).href))"""


@pytest.fixture(scope="module")
def marked_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("roles") / "site"
    for name, size in PHOTOS.items():
        make_flat_photo(root / f"content/g/{name}.jpg", size)
    (root / "sitegen.toml").write_text(
        '[site]\nauthor = "Jane Doe"\n[images]\nformats = ["webp", "jpeg"]\n[watermark]\nmin_width = 1000\n', "utf-8"
    )
    build(root, reporter=Reporter(root=root))
    output = root / "public"
    with serve(output) as base:
        yield output, base


@pytest.fixture
def screen(chromium: Any, marked_site: tuple[Path, str]) -> Iterator[Any]:
    """screen("phone", 2, "/g/") -> (page, traffic) in a fresh context with an empty cache."""
    contexts = []
    _, base = marked_site

    def _open(kind: str, dpr: int, path: str) -> tuple[Any, Traffic]:
        context = chromium.new_context(**{**SCREENS[kind], "device_scale_factor": dpr})
        contexts.append(context)
        page = context.new_page()
        traffic = Traffic(base)
        traffic.attach(page)
        page.goto(base + path)
        return page, traffic

    yield _open
    for context in contexts:
        context.close()


def chosen(page: Any, selector: str) -> str:
    page.wait_for_function(LOADED, arg=selector, timeout=20_000)
    return page.eval_on_selector(selector, "i => i.currentSrc")


@pytest.mark.parametrize("dpr", [1, 2, 3])
@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_photo_page_shows_a_marked_file(screen, marked_site, kind, dpr):
    output, _ = marked_site
    for name in PHOTOS:
        page, traffic = screen(kind, dpr, f"/g/{name}/")
        src = chosen(page, STAGE)
        assert "-thumb." not in src and has_mark(local_file(output, src)), f"{kind}@{dpr}x /g/{name}/ showed {src}"
        offered = page.evaluate(CANDIDATES, ".photo-stage picture source, .photo-stage picture img")
        assert len(offered) >= 8  # 4+ widths in WebP and JPEG
        unmarked = [u for u in offered if not has_mark(local_file(output, u))]
        assert unmarked == [], f"full-view candidates without the mark: {unmarked}"
        assert traffic.page_errors == []


@pytest.mark.parametrize("dpr", [1, 2, 3])
@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_grid_is_clean_and_the_lightbox_shows_marked_files(screen, marked_site, kind, dpr):
    output, _ = marked_site
    page, traffic = screen(kind, dpr, "/g/")
    load_everything(page)
    tiles = page.eval_on_selector_all("a.grid-link img", "imgs => imgs.map(i => i.currentSrc)")
    assert len(tiles) == len(PHOTOS)

    page.wait_for_selector("dialog.lightbox", state="attached")  # the deferred script is running
    page.locator("a.grid-link").first.click()
    seen = []
    for step in range(len(PHOTOS)):
        if step:
            before = seen[-1]
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "(before) => { const i = document.querySelector('.lb-slide.is-current img');"
                " return !!i && i.currentSrc !== before; }",
                arg=before,
                timeout=20_000,
            )
        src = chosen(page, CURRENT)
        seen.append(src)
        backdrop = page.eval_on_selector(CURRENT, "i => i.style.backgroundImage")
        assert "-thumb." not in backdrop, "the clean thumbnail is not shown behind the full view while it loads"
        assert "-thumb." not in src and has_mark(local_file(output, src)), f"{kind}@{dpr}x lightbox showed {src}"
    assert len(set(seen)) == len(PHOTOS)
    offered = page.evaluate(CANDIDATES, ".lb-slide source, .lb-slide img")
    assert offered, "the lightbox's slides list their files"
    unmarked = [u for u in offered if not has_mark(local_file(output, u))]
    assert unmarked == [], f"lightbox candidates without the mark: {unmarked}"
    for src in tiles:  # one rule for every tile, whatever width the tile picked
        assert "-thumb." in src and is_clean(local_file(output, src)), f"{kind}@{dpr}x grid tile {src}"
    assert traffic.page_errors == []
