"""Image boxes have their final size before their bytes arrive (issue 13), in real Chromium.

Every response for a published image (``/media/``) is held by ``page.route`` until the test
releases it, so each test sees the not-yet-loaded state on every run: no timing luck, no
sleeps. The layout-shift figure comes from a PerformanceObserver installed before the page's
first byte is parsed (``add_init_script``), so no shift can happen before it listens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .browser import TIMEOUT_MS, VIEWPORTS, new_context
from .conftest import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "browser"

# Sum of every layout-shift entry not caused by input, from the start of the document.
CLS_OBSERVER = """
window.__cls = 0;
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__cls += entry.value;
    window.__shifts.push(entry.sources.map((s) => s.node && s.node.nodeName + '.' + s.node.className));
  }
}).observe({type: 'layout-shift', buffered: true});
"""

BOX = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
    return [Math.round(r.x * 10) / 10, Math.round(r.y * 10) / 10,
            Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10]; }"""

ALL_BOXES = """() => [...document.querySelectorAll('main img')].map((i) => {
    const r = i.getBoundingClientRect();
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]; })"""

EAGER_LOADED = "[...document.querySelectorAll('main img')].every((i) => i.complete || i.loading === 'lazy')"
LOADED = "(s) => { const i = document.querySelector(s); return i.complete && i.naturalWidth > 0; }"

# After a shift is reported, a frame or two passes: wait for two animation frames before reading it.
SETTLED_CLS = """() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(
    () => resolve({cls: window.__cls, shifts: window.__shifts}))))"""


class HeldImages:
    """Holds every request for a published image until :meth:`release`; counts what it holds."""

    def __init__(self) -> None:
        self.held: list[Any] = []
        self.holding = True

    def __call__(self, route: Any) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.holding = False
        for route in self.held:
            route.continue_()
        self.held.clear()


@pytest.fixture
def cold_page(chromium: Any) -> Iterator[Any]:
    """cold_page("phone") -> (page, held): a fresh context (empty cache) holding every /media/ response."""
    contexts = []

    def _open(viewport: str, **options: Any) -> tuple[Any, HeldImages]:
        context = new_context(chromium, **VIEWPORTS[viewport], **options)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(CLS_OBSERVER)
        held = HeldImages()
        page.route("**/media/**", held)
        return page, held

    yield _open
    for context in contexts:
        context.close()


def _wait_held(page: Any, held: HeldImages) -> None:
    """Wait (bounded) until the browser asked for at least one image, which the route now holds."""
    # Styles first: a layout read before the stylesheet arrived is not what anyone sees (the
    # browser does not paint before it), so it says nothing about shifts.
    page.wait_for_function("() => [...document.querySelectorAll('link[rel=stylesheet]')].every((l) => l.sheet)")
    deadline = TIMEOUT_MS
    while not held.held and deadline > 0:
        page.wait_for_timeout(50)
        deadline -= 50
    assert held.held, "the page never asked for its image"


STAGE = "figure.photo img"
PHOTO_PAGES = ["/water/jetty-and-sea/", "/portraits/astronaut-eileen-collins/", "/travel/cities/spice-market/"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("path", PHOTO_PAGES)
def test_photo_page_box_is_final_before_the_image_arrives(cold_page, example_url, viewport, path):
    page, held = cold_page(viewport)
    page.goto(example_url + path, wait_until="domcontentloaded")
    _wait_held(page, held)
    img = page.locator(STAGE)
    assert not page.evaluate(LOADED, STAGE), "the image is held: it cannot have loaded"
    before = page.evaluate(BOX, STAGE)
    assert before[2] > 100 and before[3] > 100, f"{path}: the photo's box is {before[2]}x{before[3]} before it loads"
    pager_before = page.evaluate(BOX, "nav.pager")
    # The spinner: announced only after ~300 ms (a CSS animation delay), never at once.
    page.wait_for_function("() => document.querySelector('.photo-stage').classList.contains('is-loading')")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.photo-stage'), '::after').opacity === '1'")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-photo-loading-{path.strip('/').replace('/', '-')}.png"))
    held.release()
    page.wait_for_function(LOADED, arg=STAGE)
    page.wait_for_function("() => !document.querySelector('.photo-stage').classList.contains('is-loading')")
    after = page.evaluate(BOX, STAGE)
    assert after == before, f"{path}: the photo's box moved from {before} to {after} when the image arrived"
    assert page.evaluate(BOX, "nav.pager") == pager_before
    width = int(img.get_attribute("width"))
    assert after[2] <= width, "never wider than the largest file"
    shifted = page.evaluate(SETTLED_CLS)
    assert shifted["cls"] == 0, f"{path} on the {viewport}: layout shift {shifted}"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("path", ["/", "/water/", "/travel/"])
def test_home_and_gallery_do_not_shift_while_images_load(cold_page, example_url, viewport, path):
    page, held = cold_page(viewport)
    page.goto(example_url + path, wait_until="domcontentloaded")
    _wait_held(page, held)
    before = page.evaluate(ALL_BOXES)
    assert before and all(w > 0 and h > 0 for _, _, w, h in before)
    held.release()
    page.wait_for_load_state("load")
    page.wait_for_function(EAGER_LOADED)
    assert page.evaluate(ALL_BOXES) == before
    shifted = page.evaluate(SETTLED_CLS)
    assert shifted["cls"] == 0, f"{path} on the {viewport}: layout shift {shifted}"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_lightbox_box_is_final_before_the_large_file_arrives(chromium, example_url, viewport):
    context = new_context(chromium, **VIEWPORTS[viewport])
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    page.goto(example_url + "/water/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("dialog.lightbox", state="attached")
    held = HeldImages()
    page.route("**/media/**", held)  # the grid's files are loaded; every full view is held from now on
    page.locator("a.grid-link").first.click()
    current = ".lb-slide.is-current img"
    page.wait_for_selector(current, state="attached")
    _wait_held(page, held)
    assert not page.evaluate("(s) => document.querySelector(s).complete", current)
    before = page.evaluate(BOX, current)
    stage = page.evaluate(BOX, ".lb-stage")
    assert before[2] > 100 and before[3] > 100, f"the lightbox photo is {before[2]}x{before[3]} before it loads"
    # It fits the stage: as wide or as high as the stage, centred.
    assert before[2] <= stage[2] + 0.5 and before[3] <= stage[3] + 0.5
    assert abs(before[2] - stage[2]) <= 1 or abs(before[3] - stage[3]) <= 1
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.lb-slide.is-current'), '::after').opacity === '1'"
    )
    held.release()
    page.wait_for_function(LOADED, arg=current)
    page.wait_for_function("() => !document.querySelector('.lb-slide.is-current').classList.contains('is-loading')")
    assert page.evaluate(BOX, current) == before
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-lightbox-loaded.png"))
    shifted = page.evaluate(SETTLED_CLS)
    assert shifted["cls"] == 0, f"lightbox on the {viewport}: layout shift {shifted}"
    context.close()


def test_spinner_does_not_spin_for_reduced_motion(cold_page, example_url):
    page, held = cold_page("desktop", reduced_motion="reduce")
    page.goto(example_url + PHOTO_PAGES[0], wait_until="domcontentloaded")
    _wait_held(page, held)
    page.wait_for_function("() => document.querySelector('.photo-stage').classList.contains('is-loading')")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.photo-stage'), '::after').opacity === '1'")
    names = page.evaluate("getComputedStyle(document.querySelector('.photo-stage'), '::after').animationName")
    assert "sg-spin" not in names
    held.release()
