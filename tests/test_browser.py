"""The default theme in a real browser: Debian's headless Chromium driven by Playwright.

The built example-site is served from 127.0.0.1 and opened on a phone
(390x844, 3x) and a laptop (1440x900). Screenshots of every page go to
test-artifacts/browser/ for a human to look at.

Run only these: ``pytest -m browser``; skip them: ``pytest -m "not browser"``.
They are skipped when /usr/bin/chromium is missing, unless
SITEGEN_REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .browser import DESKTOP, PHONE, TIMEOUT_MS, VIEWPORTS, Traffic, load_everything, new_context, serve
from .conftest import REPO, make_photo
from .sitecheck import html_files

expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "browser"
PAGES = [
    ("home", "/"),
    ("gallery", "/water/"),
    ("photo", "/water/jetty-and-sea/"),
    ("parent-gallery", "/travel/"),
    ("page", "/about/"),
]


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def open_page(chromium: Any, example_url: str) -> Iterator[Callable[..., tuple[Any, Traffic]]]:
    """open_page("phone", "/water/", color_scheme="dark") -> (page, traffic) in a fresh context (empty cache)."""
    contexts = []

    def _open(viewport: str, path: str, base: str | None = None, **options: Any) -> tuple[Any, Traffic]:
        context = new_context(chromium, **VIEWPORTS[viewport], **options)
        contexts.append(context)
        page = context.new_page()
        traffic = Traffic(base or example_url)
        traffic.attach(page)
        page.goto((base or example_url) + path)
        return page, traffic

    yield _open
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def grid_hrefs(page: Any) -> list[str]:
    return page.eval_on_selector_all("a.grid-link", "links => links.map(a => a.getAttribute('href'))")


def lightbox_ready(page: Any) -> None:
    """Wait for the deferred script: a click before it ran is a plain link to the photo page (by design)."""
    page.wait_for_selector("dialog.lightbox", state="attached")


# --- every page, both screens -----------------------------------------------------


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_renders_cleanly(open_page, viewport, name, path):
    page, traffic = open_page(viewport, path)
    load_everything(page)
    shot(page, f"{viewport}-{name}")
    assert traffic.problems() == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the {viewport} screen"
    images = page.evaluate(
        """[...document.images].map((i) => ({src: i.currentSrc, width: i.getAttribute('width'),
            height: i.getAttribute('height'), alt: i.getAttribute('alt'), natural: i.naturalWidth}))"""
    )
    assert images, "every page of the example shows at least a logo"
    for image in images:
        assert image["width"] and image["height"], f"{image['src']} has no width/height (layout shift)"
        assert image["alt"], f"{image['src']} has no alt text"
        assert image["natural"] > 0, f"{image['src']} did not load"
    for landmark in ("header", "nav", "main#main", "footer"):
        assert page.locator(landmark).count() >= 1, f"no <{landmark}> landmark on {path}"
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize(("name", "path"), PAGES[:3])
def test_dark_mode_follows_the_system(open_page, name, path):
    page, traffic = open_page("desktop", path, color_scheme="dark")
    load_everything(page)
    shot(page, f"desktop-dark-{name}")
    background, text = page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    assert _luminance(background) < 0.1 and _luminance(text) > 0.8, (background, text)
    assert traffic.problems() == []


def _luminance(css_rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_rgb)[:3])  # gamma-encoded: enough to tell dark from light
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --- responsive images ----------------------------------------------------------

# For each <picture>: the candidate the browser chose (its w descriptor), the file's real width
# (loaded again without srcset), the width on screen, and the density-corrected naturalWidth, which
# for a w-descriptor srcset is the `sizes` value the browser computed.
PICKED = """async () => Promise.all([...document.querySelectorAll('picture img')].map(async (img) => {
    const lists = [...img.parentElement.querySelectorAll('source'), img].map((el) =>
        el.srcset.split(',').map((c) => c.trim().split(/\\s+/))
            .map(([u, w]) => [new URL(u, location.href).href, parseInt(w)]));
    const list = lists.find((l) => l.some(([u]) => u === img.currentSrc));
    const chosen = list ? list.find(([u]) => u === img.currentSrc)[1] : null;
    const file = new Image();
    file.src = img.currentSrc;
    await file.decode();
    return {src: img.currentSrc, sizes: img.naturalWidth, file: file.naturalWidth,
            shown: img.getBoundingClientRect().width, widths: list ? list.map((c) => c[1]) : [], chosen,
            largest: parseInt(img.getAttribute('width'))};
}))"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("path", ["/", "/water/", "/details/", "/water/jetty-and-sea/", "/portraits/"])
def test_browser_picks_a_file_close_to_the_displayed_size(open_page, viewport, path):
    page, _ = open_page(viewport, path)
    load_everything(page)
    dpr = VIEWPORTS[viewport]["device_scale_factor"]
    picked = page.evaluate(PICKED)
    assert picked
    for image in picked:
        assert image["chosen"], f"{image['src']} is not one of its srcset candidates"
        assert image["file"] == image["chosen"], image  # the file really is that wide
        # `sizes` said how wide the photo is shown, give or take a scrollbar.
        assert abs(image["sizes"] - image["shown"]) <= max(0.05 * image["shown"], 16), image
        needed = image["shown"] * dpr
        fitting = min((w for w in image["widths"] if w >= needed), default=max(image["widths"]))
        # Never more than the smallest file that covers the displayed size ('sizes' is not too big) ...
        assert image["chosen"] <= fitting, f"{image['src']}: {image['chosen']}w for {needed:.0f} device px"
        # ... and never visibly blurry ('sizes' is not too small).
        assert image["chosen"] >= min(needed, max(image["widths"])) * 0.65, f"{image['src']}: too small"
    if viewport == "phone":  # never the photo's largest file (a clean thumbnail list stops below min_width)
        assert all(image["chosen"] < image["largest"] or image["largest"] < 800 for image in picked)


def test_first_photos_are_eager_and_prioritised_the_rest_lazy(open_page):
    page, _ = open_page("desktop", "/water/")
    loading = page.eval_on_selector_all(
        "a.grid-link img", "imgs => imgs.map(i => [i.loading, i.getAttribute('fetchpriority')])"
    )
    assert loading[0] == ["eager", "high"]
    page, _ = open_page("desktop", "/")
    covers = page.eval_on_selector_all(".card img", "imgs => imgs.map(i => i.loading)")
    assert covers[0] == "eager" and covers[-1] == "lazy"


def test_no_layout_shift_while_photos_load(open_page):
    for viewport in ("phone", "desktop"):
        page, _ = open_page(viewport, "/water/")
        load_everything(page)
        shift = page.evaluate(
            """() => new Promise((resolve) => {
                let total = 0;
                new PerformanceObserver((list) => {
                    for (const entry of list.getEntries()) total += entry.value;
                }).observe({type: 'layout-shift', buffered: true});
                setTimeout(() => resolve(total), 200);
            })"""
        )
        assert shift < 0.01, f"cumulative layout shift {shift} on the {viewport}"


# --- the justified grid ---------------------------------------------------------

ASPECTS = [1.5, 0.667, 1.5, 1.778, 0.75, 1.0, 2.5, 1.5, 0.8, 1.333, 1.5, 0.667, 1.778, 1.5, 1.25, 3.0, 0.75]


@pytest.fixture(scope="session")
def big_gallery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site with one gallery of 17 photos of mixed shapes, served locally."""
    root = tmp_path_factory.mktemp("grid") / "site"
    for number, aspect in enumerate(ASPECTS, 1):
        size = (600, round(600 / aspect)) if aspect >= 1 else (round(600 * aspect), 600)
        make_photo(root / f"content/mixed/p{number:02}.jpg", size, (30 * number % 255, 90, 140))
        (root / f"content/mixed/p{number:02}.md").write_text(f"---\nalt: Test pattern {number}.\n---\n")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    with serve(root / "public") as base:
        yield base


@pytest.mark.parametrize("width", [390, 820, 1280, 1920])
def test_grid_rows_are_justified_and_never_crop(chromium, big_gallery, width):
    context = new_context(chromium, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(big_gallery + "/mixed/")
    load_everything(page)
    shot(page, f"grid-{width}")
    tiles = page.evaluate(
        """() => { const grid = document.querySelector('.grid').getBoundingClientRect();
            return {right: grid.right, tiles: [...document.querySelectorAll('.grid-item img')].map((img) => {
                const r = img.getBoundingClientRect();
                return {top: Math.round(r.top), left: r.left, right: r.right, w: r.width, h: r.height,
                        ratio: img.naturalWidth / img.naturalHeight};
            })}; }"""
    )
    context.close()
    rows: dict[int, list[dict[str, float]]] = {}
    for tile in tiles["tiles"]:
        assert abs(tile["w"] / tile["h"] - tile["ratio"]) < 0.02, "a photo is cropped or distorted"
        rows.setdefault(tile["top"], []).append(tile)
    assert len(rows) >= 2
    ordered = [rows[top] for top in sorted(rows)]
    for row in ordered:
        heights = [t["h"] for t in row]
        assert max(heights) - min(heights) < 1.5, "tiles in a row differ in height"
    for row in ordered[:-1]:
        assert abs(row[-1]["right"] - tiles["right"]) < 2, "a full row does not reach the right edge"
    assert ordered[-1][-1]["right"] <= tiles["right"] + 1
    # The last row is never blown up beyond the other rows' height.
    typical = sorted(row[0]["h"] for row in ordered[:-1])[len(ordered[:-1]) // 2]
    assert ordered[-1][0]["h"] <= typical * 1.3


# --- the lightbox ---------------------------------------------------------------


def _count(page: Any) -> str:
    return page.locator(".lb-count").inner_text()


def _expect_slide(page: Any, count: str, url: str) -> None:
    """Wait (bounded) for the lightbox to show slide ``count`` with the address bar at ``url``."""
    expect(page.locator(".lb-count")).to_have_text(count)
    expect(page).to_have_url(url)


def _focus_inside(page: Any) -> bool:
    return page.evaluate("document.querySelector('dialog.lightbox').contains(document.activeElement)")


def test_lightbox_opens_moves_with_keys_traps_focus_and_closes(open_page, example_url):
    page, traffic = open_page("desktop", "/water/")
    lightbox_ready(page)
    hrefs = grid_hrefs(page)
    assert len(hrefs) == 3
    page.locator("a.grid-link").first.click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    _expect_slide(page, "1 / 3", example_url + hrefs[0])  # the address bar shows the photo's own page
    page.wait_for_function("() => document.querySelector('.lb-slide.is-current img')?.naturalWidth > 0")
    current = page.evaluate(
        """() => { const i = document.querySelector('.lb-slide.is-current img');
            return {src: i.currentSrc, natural: i.naturalWidth, shown: i.getBoundingClientRect().width}; }"""
    )
    assert current["src"].endswith(".webp"), "the lightbox uses the <picture> sources, best format first"
    # A large file for the large view, but not a larger one than it needs (widths 480 ... 2048).
    file_width = int(re.search(r"-(\d+)\.[0-9a-f]+\.webp$", current["src"]).group(1))
    assert current["shown"] > 1000
    fitting = min(w for w in (480, 800, 1200, 1600, 2048) if w >= current["shown"])
    assert current["shown"] * 0.75 <= file_width <= fitting
    # The next photo is fetched before it is asked for.
    page.wait_for_function("() => document.querySelector('.lb-slide.is-next img')?.complete")
    next_slug = hrefs[1].strip("/").split("/")[-1]
    assert any(f"/media/water/{next_slug}-" in url for url in traffic.requests)
    page.screenshot(path=str(ARTIFACTS / "desktop-lightbox.png"))

    page.keyboard.press("ArrowRight")
    _expect_slide(page, "2 / 3", example_url + hrefs[1])
    assert page.title().startswith(page.locator(".lb-title").inner_text())
    page.keyboard.press("ArrowLeft")
    _expect_slide(page, "1 / 3", example_url + hrefs[0])
    page.keyboard.press("End")
    _expect_slide(page, "3 / 3", example_url + hrefs[2])
    expect(page.locator(".lb-next")).to_be_hidden()
    page.keyboard.press("ArrowRight")  # at the end: stays
    assert _count(page) == "3 / 3"

    for key in ["Tab"] * 7 + ["Shift+Tab"] * 7:
        page.keyboard.press(key)
        assert _focus_inside(page), f"{key} left the lightbox"

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_url(example_url + "/water/")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[2]  # focus back on the photo
    assert traffic.problems() == []


def test_lightbox_history_back_forward_and_shared_url(open_page, example_url):
    page, traffic = open_page("desktop", "/water/")
    lightbox_ready(page)
    hrefs = grid_hrefs(page)
    page.locator("a.grid-link").nth(1).click()
    assert page.url == example_url + hrefs[1]
    page.go_back()
    page.wait_for_url(example_url + "/water/")
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    page.go_forward()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    _expect_slide(page, "2 / 3", example_url + hrefs[1])
    page.locator(".lb-close").click()
    page.wait_for_url(example_url + "/water/")
    page.wait_for_load_state("networkidle")
    assert traffic.problems() == []
    # The shared address is a real page with the photo on it.
    page.goto(example_url + hrefs[1])
    assert page.locator("figure.photo img").count() == 1


def test_lightbox_swipes_on_touch(open_page, example_url):
    page, traffic = open_page("phone", "/water/")
    lightbox_ready(page)
    hrefs = grid_hrefs(page)
    page.locator("a.grid-link").first.tap()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    _expect_slide(page, "1 / 3", example_url + hrefs[0])
    swipe = """([from, to]) => {
        const stage = document.querySelector('.lb-stage');
        const at = (type, x) => stage.dispatchEvent(new PointerEvent(type, {bubbles: true, pointerType: 'touch',
            isPrimary: true, pointerId: 7, clientX: x, clientY: 400}));
        at('pointerdown', from); at('pointermove', (from + to) / 2); at('pointermove', to); at('pointerup', to);
    }"""
    page.evaluate(swipe, [320, 80])  # finger to the left: next photo
    _expect_slide(page, "2 / 3", example_url + hrefs[1])
    page.wait_for_function("() => document.querySelector('.lb-slide.is-current img')?.complete")
    page.wait_for_timeout(400)  # let the slide transition finish for the screenshot
    page.screenshot(path=str(ARTIFACTS / "phone-lightbox.png"))
    page.evaluate(swipe, [80, 320])  # to the right: back
    _expect_slide(page, "1 / 3", example_url + hrefs[0])
    page.evaluate(swipe, [200, 190])  # a wobble is not a swipe
    assert _count(page) == "1 / 3"
    page.locator(".lb-close").tap()
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    assert traffic.problems() == []


def test_reduced_motion_switches_transitions_off(open_page):
    page, _ = open_page("desktop", "/water/", reduced_motion="reduce")
    lightbox_ready(page)
    page.locator("a.grid-link").first.click()
    duration = page.evaluate("getComputedStyle(document.querySelector('.lb-slide')).transitionDuration")
    assert duration == "0s"
    page, _ = open_page("desktop", "/water/")
    lightbox_ready(page)
    page.locator("a.grid-link").first.click()
    assert page.evaluate("getComputedStyle(document.querySelector('.lb-slide')).transitionDuration") != "0s"


# --- keyboard, focus and no JavaScript ----------------------------------------------


def test_skip_link_and_visible_focus(open_page):
    page, _ = open_page("desktop", "/water/")
    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => { const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
            return {text: a.textContent, top: r.top, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )
    assert skip["text"] == "Skip to content" and skip["top"] >= 0  # visible when focused
    assert skip["outline"] != "none" and skip["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert focused[0] != "none" and float(focused[1].removesuffix("px")) >= 2


def test_photo_page_arrow_keys_go_to_neighbours(open_page, example_url):
    page, _ = open_page("desktop", "/water/pier-at-dusk/")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(example_url + "/water/jetty-and-sea/")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(example_url + "/water/pier-at-dusk/")


def test_every_photo_is_reachable_without_javascript(chromium, example_url, example_build):
    output, _, _ = example_build
    photos = [page for page in html_files(output) if 'class="photo"' in page.read_text("utf-8")]
    # The unlisted client gallery's photos (issue 15) are published, but no link leads to them.
    unlisted = [page for page in photos if 'name="robots" content="noindex' in page.read_text("utf-8")]
    expected = {"/" + page.parent.relative_to(output).as_posix() + "/" for page in photos if page not in unlisted}
    assert len(expected) == 12 and len(unlisted) == 2
    context = new_context(chromium, java_script_enabled=False, **PHONE)
    page = context.new_page()
    seen: set[str] = set()
    queue = ["/"]
    photo_pages = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page.goto(example_url + path)
        if page.locator("figure.photo").count():
            photo_pages.add(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(urljoin(example_url + path, href))
            if parts.netloc == urlsplit(example_url).netloc and parts.path.endswith("/") and parts.path not in seen:
                queue.append(parts.path)
    assert photo_pages == expected
    # A click on a grid photo is a plain link to its page.
    page.goto(example_url + "/water/")
    shot(page, "phone-nojs-gallery")
    first = page.locator("a.grid-link").first.get_attribute("href")
    page.locator("a.grid-link").first.click()
    page.wait_for_url(example_url + first)
    assert page.locator("dialog").count() == 0 and page.locator("figure.photo img").is_visible()
    context.close()


def test_desktop_screenshots_use_the_configured_accent(open_page):
    page, _ = open_page("desktop", "/water/")
    colour = page.evaluate("getComputedStyle(document.querySelector('.site-nav a[aria-current]')).textDecorationColor")
    assert colour == "rgb(11, 110, 105)"  # example-site's accent "#0b6e69"
    page, _ = open_page("desktop", "/water/", color_scheme="dark")
    colour = page.evaluate("getComputedStyle(document.querySelector('.site-nav a[aria-current]')).textDecorationColor")
    assert colour == "rgb(95, 208, 197)"  # accent_dark "#5fd0c5"


def test_desktop_fits_the_photo_on_the_first_screen(open_page):
    page, _ = open_page("desktop", "/travel/cities/spice-market/")
    box = page.locator("figure.photo img").bounding_box()
    assert box["y"] + box["height"] <= DESKTOP["viewport"]["height"]
    assert box["width"] > 900  # and it is big
    page, _ = open_page("desktop", "/portraits/astronaut-eileen-collins/")  # a 512 px original
    page.wait_for_load_state("networkidle")
    assert page.locator("figure.photo img").bounding_box()["width"] <= 512  # shown as it is, not blown up
    page, _ = open_page("desktop", "/portraits/")
    lightbox_ready(page)
    page.locator("a.grid-link").first.click()
    page.wait_for_function("() => document.querySelector('.lb-slide.is-current img')?.complete")
    assert page.locator(".lb-slide.is-current img").bounding_box()["width"] <= 512
