"""Zoom to detail and pan (zoom.js), in the lightbox and on the photo page, in real Chromium.

The site has one photo large enough to be worth zooming (4000x2667, published up to 4000 px:
max_size), one that is not (600x400 fits the screen at its own size) and one between. The
largest zoom shows the largest published file at its natural size: one image pixel per CSS
pixel (on a DPR 2 screen, 2x2 device pixels per image pixel). The tests read where the image
is (getBoundingClientRect) and which files the browser asked for (page.on("request")); every
wait is on a condition, bounded by the fixtures' timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from . import axe
from .browser import DESKTOP, PHONE, TIMEOUT_MS, Traffic, new_context, serve
from .conftest import make_photo

expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser

BIG = 4000  # the big photo's largest published file, px wide
SCREENS = {
    "desktop-dpr1": DESKTOP,
    "desktop-dpr2": {**DESKTOP, "device_scale_factor": 2},
    "phone": PHONE,
}

# Where the image and its box are, and what the zoom has loaded.
STATE = """(selector) => {
    const img = document.querySelector(selector);
    const view = img.offsetParent;
    const r = img.getBoundingClientRect();
    const v = view.getBoundingClientRect();
    const top = view.querySelector('.zoom-layer img');
    const t = top && top.getBoundingClientRect();
    const fit = parseFloat(getComputedStyle(img).width);  // laid out, before any transform
    return {left: r.left, top: r.top, width: r.width, height: r.height, fit,
            vleft: v.left, vtop: v.top, vright: v.right, vbottom: v.bottom, vwidth: v.width, vheight: v.height,
            scale: r.width / fit, transform: img.style.transform,
            layer: top ? {ready: top.parentElement.classList.contains('is-ready'), natural: top.naturalWidth,
                          src: top.currentSrc, left: t.left, top: t.top, width: t.width} : null};
}"""
LIGHTBOX_IMG = ".lb-slide.is-current img"
STAGE_IMG = ".photo-stage img"


@pytest.fixture(scope="module")
def zoom_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("zoom") / "site"
    (root / "sitegen.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(
        '[site]\ntitle = "Zoom"\n\n[images]\nwidths = [480, 800, 1200, 1600, 2800]\nmax_size = 4000\n', "utf-8"
    )
    for name, size in [("a-big", (BIG, 2667)), ("b-mid", (1200, 800)), ("c-small", (600, 400))]:
        make_photo(root / f"content/g/{name}.jpg", size, (60, 120, 180))
        (root / f"content/g/{name}.md").write_text(f"---\nalt: Test pattern {name}.\n---\n", "utf-8")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    with serve(root / "public") as base:
        yield base


@pytest.fixture
def open_page(chromium: Any, zoom_site: str) -> Iterator[Callable[..., tuple[Any, Traffic]]]:
    contexts = []

    def _open(screen: str, path: str, **options: Any) -> tuple[Any, Traffic]:
        context = new_context(chromium, **SCREENS[screen], **options)
        contexts.append(context)
        page = context.new_page()
        traffic = Traffic(zoom_site)
        traffic.attach(page)
        page.goto(zoom_site + path)
        return page, traffic

    yield _open
    for context in contexts:
        context.close()


def open_lightbox(page: Any, nth: int = 0, touch: bool = False) -> None:
    page.wait_for_selector("dialog.lightbox", state="attached")  # the deferred scripts ran
    link = page.locator("a.grid-link").nth(nth)
    link.tap() if touch else link.click()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    page.wait_for_function("(s) => document.querySelector(s)?.naturalWidth > 0", arg=LIGHTBOX_IMG)
    page.wait_for_load_state("networkidle")


def state(page: Any, selector: str = LIGHTBOX_IMG) -> dict[str, Any]:
    return page.evaluate(STATE, selector)


def wait_scale(page: Any, scale: float, selector: str = LIGHTBOX_IMG) -> dict[str, Any]:
    """Wait until the image is drawn at ``scale`` (an animated zoom takes a moment), then its state."""
    page.wait_for_function(
        f"(s) => {{ const i = document.querySelector(s); "
        f"return Math.abs(i.getBoundingClientRect().width - parseFloat(getComputedStyle(i).width) * {scale}) < 0.5; }}",
        arg=selector,
    )
    return state(page, selector)


def zoomable(page: Any, selector: str = LIGHTBOX_IMG) -> bool:
    return page.evaluate("(s) => document.querySelector(s).offsetParent.classList.contains('is-zoomable')", selector)


def wait_moved(page: Any, side: str, below: float, selector: str = LIGHTBOX_IMG) -> None:
    """Wait until the image's ``side`` ("left" or "top") is below ``below`` (a pan took effect)."""
    page.wait_for_function(f"(s) => document.querySelector(s).getBoundingClientRect().{side} < {below}", arg=selector)


def largest_requests(traffic: Traffic) -> list[str]:
    return [url for url in traffic.requests if f"-{BIG}." in url]


def assert_layer_fits(s: dict[str, Any]) -> None:
    """The largest file lies exactly over the displayed image (to a tenth of a pixel)."""
    layer = s["layer"]
    assert all(abs(layer[k] - s[k]) < 0.1 for k in ("left", "top", "width")), s


def assert_covers_view(s: dict[str, Any]) -> None:
    """A zoomed image larger than its box leaves no gap at any edge of the box."""
    assert s["left"] <= s["vleft"] + 0.5 and s["left"] + s["width"] >= s["vright"] - 0.5, s
    assert s["top"] <= s["vtop"] + 0.5 and s["top"] + s["height"] >= s["vbottom"] - 0.5, s


class Touch:
    """Fingers on the screen through Chromium's own input pipeline (CDP), touch-action included."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.clock = time.time()

    def send(self, kind: str, points: list[tuple[float, float]], after: float = 0.02) -> None:
        # Event times are given, not taken from the wall clock: a double tap is a double tap
        # however slowly a loaded machine delivers it.
        self.clock += after
        self.cdp.send(
            "Input.dispatchTouchEvent",
            {
                "type": kind,
                "touchPoints": [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)],
                "timestamp": self.clock,
            },
        )

    def tap(self, x: float, y: float, after: float = 0.5) -> None:
        self.send("touchStart", [(x, y)], after)
        self.send("touchEnd", [])

    def drag(self, points: list[list[tuple[float, float]]]) -> None:
        """One or two fingers from points[0] through every step to points[-1], then lifted."""
        self.send("touchStart", points[0], 0.5)
        for step in points[1:]:
            self.send("touchMove", step)
        self.send("touchEnd", [])


# --- the largest file, at its natural size, fetched only when zoomed ----------------------


@pytest.mark.parametrize("screen", list(SCREENS))
def test_zoom_shows_the_largest_file_at_its_natural_size_and_fetches_it_only_then(open_page, screen):
    page, traffic = open_page(screen, "/g/")
    touch = screen == "phone"
    open_lightbox(page, touch=touch)
    before = state(page)
    assert before["transform"] == "" and before["layer"] is None
    assert largest_requests(traffic) == [], "the largest file is fetched before anyone zoomed"
    assert zoomable(page)

    centre = (before["left"] + before["width"] / 2, before["top"] + before["height"] / 2)
    if touch:
        fingers = Touch(page)
        fingers.tap(*centre)
        fingers.tap(*centre, after=0.15)  # a double tap
    else:
        page.mouse.click(*centre)
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")
    zoomed = wait_scale(page, BIG / before["fit"])
    # One image pixel per CSS pixel: the image is drawn as wide as the largest file is.
    assert abs(zoomed["width"] - BIG) < 1, zoomed
    layer = zoomed["layer"]
    assert layer["natural"] == BIG and layer["src"].endswith(".webp"), layer  # the best format, as <picture> picks
    assert_layer_fits(zoomed)
    assert len(largest_requests(traffic)) == 1, traffic.requests
    assert_covers_view(zoomed)
    # The point that was clicked stays under the pointer (towards the pointer).
    u = (centre[0] - before["left"]) / before["width"]
    assert abs(zoomed["left"] + u * zoomed["width"] - centre[0]) < 1, (before, zoomed)

    # Once more: back to the fit; the large file stays (no second fetch when zooming again).
    if touch:
        fingers.tap(*centre)
        fingers.tap(*centre, after=0.15)
    else:
        page.mouse.click(*centre)
    back = wait_scale(page, 1)
    assert back["transform"] == ""
    expect(page.locator(".lb-count")).to_have_text("1 / 3")
    expect(page.locator("dialog.lightbox")).to_be_visible()
    assert traffic.problems() == []


def test_the_displayed_photo_stays_until_the_largest_file_is_decoded(open_page):
    page, traffic = open_page("desktop-dpr1", "/g/")
    page.evaluate(
        """() => { window.__cls = 0; new PerformanceObserver((list) => {
            for (const e of list.getEntries()) window.__cls += e.value; }).observe({type: 'layout-shift'}); }"""
    )
    held: list[Any] = []
    page.route(f"**/*-{BIG}.*", lambda route: held.append(route))  # the largest file waits for the test
    open_lightbox(page)
    shown = page.evaluate("(s) => document.querySelector(s).currentSrc", LIGHTBOX_IMG)
    page.keyboard.press("+")
    wait_scale(page, 2)
    page.wait_for_function("() => document.querySelector('.zoom-layer img') !== null")
    waited = 0
    while not held and waited < TIMEOUT_MS:  # the request is under way (bounded)
        page.wait_for_timeout(50)
        waited += 50
    assert held, "zooming never asked for the largest file"
    s = state(page)
    assert s["layer"]["ready"] is False, "the large file shows before it arrived"
    assert page.evaluate("(s) => document.querySelector(s).currentSrc", LIGHTBOX_IMG) == shown
    assert page.evaluate("getComputedStyle(document.querySelector('.zoom-layer img')).opacity") == "0"
    assert page.evaluate("document.querySelector('.lb-slide.is-current').classList.contains('is-loading')")
    for route in held:
        route.continue_()
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")
    assert page.evaluate("getComputedStyle(document.querySelector('.zoom-layer img')).opacity") == "1"
    assert not page.evaluate("document.querySelector('.lb-slide.is-current').classList.contains('is-loading')")
    assert page.evaluate("window.__cls") == 0
    assert traffic.problems() == []


def test_a_largest_file_that_fails_never_covers_the_photo(open_page):
    page, _ = open_page("desktop-dpr1", "/g/")
    page.route(f"**/*-{BIG}.*", lambda route: route.abort())
    open_lightbox(page)
    page.keyboard.press("+")
    wait_scale(page, 2)
    page.wait_for_function(
        "() => document.querySelector('.zoom-layer img') && !document.querySelector('.lb-slide.is-current.is-loading')"
    )
    assert not page.evaluate("document.querySelector('.zoom-layer').classList.contains('is-ready')")
    assert page.evaluate("(s) => document.querySelector(s).naturalWidth > 0", LIGHTBOX_IMG)  # still zoomed, still shown


def test_a_photo_already_at_its_largest_does_not_zoom(open_page):
    page, traffic = open_page("desktop-dpr1", "/g/")
    open_lightbox(page, nth=2)  # 600 px: shown at its own size
    s = state(page)
    assert abs(s["width"] - 600) < 1
    assert not zoomable(page)
    page.mouse.click(s["left"] + 300, s["top"] + 200)
    page.keyboard.press("+")
    assert state(page)["transform"] == "" and state(page)["layer"] is None
    page.keyboard.press("ArrowLeft")  # not zoomed: the arrows still change photo
    expect(page.locator(".lb-count")).to_have_text("2 / 3")
    assert traffic.problems() == []


# --- pan: drag, arrow keys, bounds --------------------------------------------------------


def test_drag_and_arrow_keys_pan_within_bounds_and_esc_zooms_out(open_page, zoom_site):
    page, traffic = open_page("desktop-dpr1", "/g/")
    open_lightbox(page)
    url = page.url
    fit = state(page)
    page.keyboard.press("+")
    s = wait_scale(page, 2)
    assert_covers_view(s)

    # A mouse drag moves the image with the pointer ...
    x, y = fit["left"] + fit["width"] / 2, fit["top"] + fit["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x - 30 * step, y - 20 * step)
    page.mouse.up()
    moved = state(page)
    assert abs(moved["left"] - (s["left"] - 150)) < 1 and abs(moved["top"] - (s["top"] - 100)) < 1, (s, moved)
    assert moved["scale"] == pytest.approx(2, abs=0.002), "the click that ends a drag does not zoom out"
    # ... but never so far that an edge comes inside the box.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 3000, y + 3000, steps=5)
    page.mouse.up()
    corner = state(page)
    assert abs(corner["left"] - corner["vleft"]) < 0.5 and abs(corner["top"] - corner["vtop"]) < 0.5, corner
    expect(page.locator("dialog.lightbox")).to_be_visible()  # the drag's click is no "click beside"

    # Arrow keys pan while zoomed (and do not change photo) ...
    page.keyboard.press("ArrowRight")
    wait_moved(page, "left", corner["left"] - 79)
    page.keyboard.press("ArrowDown")
    wait_moved(page, "top", corner["top"] - 79)
    for _ in range(30):  # far past the edge: bounded
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowUp")
    page.wait_for_function(
        """(s) => { const i = document.querySelector(s), r = i.getBoundingClientRect();
            const v = i.offsetParent.getBoundingClientRect();
            return Math.abs(r.left - v.left) < 0.5 && Math.abs(r.top - v.top) < 0.5; }""",
        arg=LIGHTBOX_IMG,
    )
    assert page.url == url
    expect(page.locator(".lb-count")).to_have_text("1 / 3")

    # ... Esc zooms out first (the lightbox stays), then closes.
    page.keyboard.press("Escape")
    assert wait_scale(page, 1)["transform"] == ""
    expect(page.locator("dialog.lightbox")).to_be_visible()
    assert page.evaluate("document.querySelector('dialog.lightbox').contains(document.activeElement)")
    page.keyboard.press("ArrowRight")  # not zoomed: next photo
    expect(page.locator(".lb-count")).to_have_text("2 / 3")
    page.keyboard.press("Escape")
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    page.wait_for_url(zoom_site + "/g/")
    assert traffic.problems() == []


# --- keys and wheel -----------------------------------------------------------------------


@pytest.mark.parametrize("screen", ["desktop-dpr1", "desktop-dpr2"])
def test_plus_minus_zero_and_the_wheel(open_page, screen):
    page, traffic = open_page(screen, "/g/")
    open_lightbox(page)
    fit = state(page)
    top = BIG / fit["fit"]
    page.keyboard.press("+")
    wait_scale(page, 2)
    page.keyboard.press("+")
    wait_scale(page, min(4, top))  # never past the largest file
    page.keyboard.press("+")
    assert wait_scale(page, top)["width"] == pytest.approx(BIG, abs=1)
    page.keyboard.press("-")
    wait_scale(page, top / 2)
    page.keyboard.press("0")
    assert wait_scale(page, 1)["transform"] == ""

    # The wheel zooms towards the pointer: the image point under it stays under it.
    px, py = fit["left"] + fit["width"] * 0.25, fit["top"] + fit["height"] * 0.3
    page.mouse.move(px, py)
    page.mouse.wheel(0, -200)
    page.wait_for_function("(s) => document.querySelector(s).style.transform !== ''", arg=LIGHTBOX_IMG)
    s = state(page)
    assert 1 < s["scale"] <= top
    assert abs(s["left"] + 0.25 * s["width"] - px) < 1 and abs(s["top"] + 0.3 * s["height"] - py) < 1, s
    page.mouse.wheel(0, 2000)  # out, down to the fit and no further
    assert wait_scale(page, 1)["transform"] == ""
    assert traffic.problems() == []


# --- touch: pinch, pan, double tap, swipe -------------------------------------------------


def test_pinch_zooms_towards_its_centre_one_finger_pans_and_swipes_wait_for_the_fit(open_page, zoom_site):
    page, traffic = open_page("phone", "/g/")
    open_lightbox(page, touch=True)
    url = page.url
    fit = state(page)
    cx, cy = fit["left"] + fit["width"] * 0.4, fit["top"] + fit["height"] * 0.5
    fingers = Touch(page)
    # Two fingers above and below the photo (in the black around it, where a pinch on a phone
    # usually starts) move from 280 to 700 px apart around a centre on the photo: 2.5x.
    assert fit["top"] > cy - 140 and fit["top"] + fit["height"] < cy + 140
    fingers.drag([[(cx, cy - 140 - 21 * k), (cx, cy + 140 + 21 * k)] for k in range(11)])
    s = wait_scale(page, 2.5)
    assert abs(s["left"] + 0.4 * s["width"] - cx) < 1.5 and abs(s["top"] + 0.5 * s["height"] - cy) < 1.5, s
    expect(page.locator(".lb-count")).to_have_text("1 / 3")
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")

    # One finger pans the zoomed photo; it does not swipe to the next one.
    fingers.drag([[(cx - 15 * k, cy)] for k in range(11)])
    panned = state(page)
    assert panned["left"] == pytest.approx(s["left"] - 150, abs=1.5), (s, panned)
    assert panned["scale"] == pytest.approx(2.5, abs=0.002)
    expect(page.locator(".lb-count")).to_have_text("1 / 3")
    assert page.url == url

    # A double tap goes back to the fit; now a swipe changes photo.
    fingers.tap(cx, cy)
    fingers.tap(cx, cy, after=0.15)
    wait_scale(page, 1)
    fingers.drag([[(320 - 24 * k, 400)] for k in range(11)])
    expect(page.locator(".lb-count")).to_have_text("2 / 3")
    assert traffic.problems() == []


def test_photo_page_zooms_in_place_and_its_arrows_pan_while_zoomed(open_page, zoom_site):
    page, traffic = open_page("desktop-dpr1", "/g/a-big/")
    page.wait_for_selector(".photo-stage.is-zoomable")
    boxes = """() => [...document.querySelectorAll('main *:not(.photo-stage img, .zoom-layer, .zoom-layer *)')]
        .map((e) => e.getBoundingClientRect().toJSON())"""
    layout = page.evaluate(boxes)
    assert largest_requests(traffic) == []
    page.keyboard.press("+")
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")
    s = wait_scale(page, 2, STAGE_IMG)
    assert_covers_view(s)
    assert len(largest_requests(traffic)) == 1
    assert_layer_fits(s)
    page.keyboard.press("ArrowRight")  # pans, stays on this page
    wait_moved(page, "left", s["left"] - 79, STAGE_IMG)
    assert page.url == zoom_site + "/g/a-big/"
    # Zooming moved nothing else on the page.
    assert page.evaluate(boxes) == layout
    page.keyboard.press("0")
    fit = wait_scale(page, 1, STAGE_IMG)
    # Not zoomed, the wheel over the photo scrolls the page (to the caption), as on any page.
    page.mouse.move(fit["left"] + fit["width"] / 2, fit["top"] + fit["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => window.scrollY > 0")
    assert state(page, STAGE_IMG)["transform"] == ""
    page.keyboard.press("ArrowRight")  # not zoomed: the next photo's page
    page.wait_for_url(zoom_site + "/g/b-mid/")
    assert traffic.problems() == []


def test_photo_page_pinch_on_a_phone_zooms_the_photo_not_the_page(open_page):
    page, traffic = open_page("phone", "/g/b-mid/")
    page.wait_for_selector(".photo-stage.is-zoomable")
    fit = state(page, STAGE_IMG)
    cx, cy = fit["left"] + fit["width"] / 2, fit["top"] + fit["height"] / 2
    # Both fingers start on the photo's sides, where the links to the neighbours lie.
    at = "([x, y]) => document.elementFromPoint(x, y).className"
    assert page.evaluate(at, [cx - 95, cy]) == "stage-link stage-prev"
    assert page.evaluate(at, [cx + 95, cy]) == "stage-link stage-next"
    Touch(page).drag([[(cx - 95 - 9.5 * k, cy), (cx + 95 + 9.5 * k, cy)] for k in range(11)])
    s = wait_scale(page, 2, STAGE_IMG)
    assert page.evaluate("visualViewport.scale") == 1, "the browser zoomed the page instead"
    assert page.url.endswith("/g/b-mid/"), "a finger on a side link followed it"
    assert abs(s["left"] + 0.5 * s["width"] - cx) < 1.5, s
    assert traffic.problems() == []


# --- reduced motion -----------------------------------------------------------------------


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_zoom_animates_only_without_reduced_motion(open_page, motion):
    page, _ = open_page("desktop-dpr1", "/g/", reduced_motion=motion)
    open_lightbox(page)
    page.keyboard.press("+")
    duration = page.evaluate("(s) => getComputedStyle(document.querySelector(s)).transitionDuration", LIGHTBOX_IMG)
    assert (duration == "0s") == (motion == "reduce"), duration
    wait_scale(page, 2)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_while_zoomed(open_page, scheme):
    """The zoomed state adds a layer and moves the photo: still no violation, in the lightbox and on the photo page."""
    page, _ = open_page("desktop-dpr1", "/g/", color_scheme=scheme)
    open_lightbox(page)
    page.keyboard.press("+")
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")
    assert axe.violations(page) == []
    page.keyboard.press("i")  # the details beside a zoomed photo
    expect(page.locator(".lb-panel")).to_be_visible()
    assert axe.violations(page) == []
    page.goto(page.url)  # the photo's own page, zoomed in place
    page.wait_for_selector("[data-zoom-width]")
    page.keyboard.press("+")
    page.wait_for_selector(".zoom-layer.is-ready", state="attached")
    assert axe.violations(page) == []
