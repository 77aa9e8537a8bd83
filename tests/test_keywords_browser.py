"""Keyword pages in Chromium (issue 15 §2): /keywords/ and one keyword's page of example-site as a
visitor sees them (screenshots under test-artifacts/browser/), axe-clean light and dark, and the
lightbox of a keyword page stepping through that keyword's photos only."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .axe import violations
from .browser import DESKTOP, PHONE, load_everything, new_context

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
PAGES = {"keywords": "/keywords/", "keyword": "/keywords/sea/", "photo-keywords": "/water/pier-at-dusk/"}


@pytest.mark.parametrize(("screen", "scheme"), [("desktop", "light"), ("phone", "dark")])
def test_keyword_pages_look_right_and_pass_axe(chromium, example_url, screen, scheme):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = new_context(chromium, color_scheme=scheme, **(DESKTOP if screen == "desktop" else PHONE))
    page = context.new_page()
    for name, path in PAGES.items():
        response = page.goto(example_url + path)
        assert response is not None and response.status == 200
        load_everything(page)
        found = violations(page)
        assert found == [], f"{path} ({screen}, {scheme}): {[(v['id'], v['nodes']) for v in found]}"
        page.screenshot(path=str(ARTIFACTS / f"{screen}-{scheme}-{name}.png"), full_page=True)
    # The index: every keyword a link to its page, its count beside it, on one line each pill.
    page.goto(example_url + "/keywords/")
    links = page.locator(".keyword-list a")
    assert links.count() == 9
    first = links.first.bounding_box()
    assert first is not None and first["height"] < 60, "a keyword and its count wrap inside the pill"
    # A keyword page: the justified grid, every image loaded at its tile's size.
    page.goto(example_url + "/keywords/sea/")
    load_everything(page)
    assert page.locator("a.grid-link").count() == 3
    assert page.evaluate("[...document.querySelectorAll('.grid img')].every(i => i.complete && i.naturalWidth > 0)")
    context.close()


def test_the_lightbox_of_a_keyword_page_stays_within_its_photos(chromium, example_url):
    context = new_context(chromium, **DESKTOP)
    page = context.new_page()
    page.goto(example_url + "/keywords/light/")  # two photos from two galleries
    page.wait_for_selector("dialog.lightbox", state="attached")
    hrefs = page.eval_on_selector_all("a.grid-link", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/travel/canyons/antelope-canyon/", "/portraits/paper-lantern-portrait/"]  # site order
    page.locator("a.grid-link").first.click()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    expect(page.locator(".lb-count")).to_have_text("1 / 2")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".lb-count")).to_have_text("2 / 2")
    expect(page).to_have_url(example_url + hrefs[1])  # the photo's own page in the address bar
    page.keyboard.press("ArrowRight")  # the end of the keyword: not on into the canyon's gallery
    expect(page.locator(".lb-count")).to_have_text("2 / 2")
    page.keyboard.press("Escape")
    expect(page).to_have_url(example_url + "/keywords/light/")
    # The photo page links back to its keywords.
    page.goto(example_url + "/water/pier-at-dusk/")
    tags = page.eval_on_selector_all(".photo-keywords a", "links => links.map(a => a.getAttribute('href'))")
    assert tags == ["/keywords/dusk/", "/keywords/sea/"]
    context.close()
