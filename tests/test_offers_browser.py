"""Print and licence links and camera facts in real Chromium (issue 15 §4, §5): the photo page and the
lightbox's info panel of example-site, axe-clean, with screenshots on a laptop and a 360 px phone.

example-site's "Dusk layers" (illustrations/) has its own licence shop and price and its gallery's print
shop; "Dragon over Earth" (details/) shows the worded camera facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from . import axe
from .browser import DESKTOP, PHONE, TIMEOUT_MS, Traffic, new_context
from .conftest import REPO

expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "browser"
BUY = "https://shop.example.com/licences/dusk-layers"
PRINT = "https://shop.example.com/prints/illustrations/"
NARROW = PHONE | {"viewport": {"width": 360, "height": 780}}


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _new(**options: Any) -> Any:
        made = new_context(chromium, **options)
        contexts.append(made)
        return made

    yield _new
    for made in contexts:
        made.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_photo_page_shows_shop_links_price_and_camera_facts(context, example_url, viewport):
    page = context(**(DESKTOP if viewport == "desktop" else NARROW)).new_page()
    traffic = Traffic(example_url)
    traffic.attach(page)
    page.goto(example_url + "/illustrations/dusk-layers/")
    buy = page.locator("a.offer-buy")
    expect(buy).to_have_text("Buy a licence, EUR 250")
    expect(buy).to_have_attribute("href", BUY)
    expect(page.locator("a.offer-print")).to_have_attribute("href", PRINT)
    expect(page.locator("a.license-this-photo")).to_be_visible()
    expect(buy).to_be_visible()
    page.locator(".offers").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"offers-{viewport}-photo-page.png"), full_page=True)
    assert axe.violations(page) == []

    page.goto(example_url + "/details/spacex-dragon-over-earth/")
    meta = page.locator(".photo-meta")
    expect(meta).to_contain_text("Nikon D4")
    expect(meta).to_contain_text("70–200 mm f/2.8")
    expect(meta).to_contain_text("70 mm · f/11 · 1/1000 s · ISO 320")
    assert "NIKON" not in meta.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"camera-{viewport}-photo-page.png"), full_page=True)
    assert axe.violations(page) == []

    page.goto(example_url + "/travel/cities/spice-market/")  # travel/index.md: camera: false
    expect(page.locator("h1")).to_be_visible()
    assert page.locator(".photo-meta dt", has_text="Camera").count() == 0
    assert traffic.problems() == []


def open_info(page: Any, example_url: str, gallery: str, n: int) -> Any:
    page.goto(example_url + gallery)
    page.wait_for_selector("dialog.lightbox", state="attached")
    page.locator("a.grid-link").nth(n).click()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    page.locator("button.lb-info").click()
    return page.locator(".lb-panel")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_info_panel_carries_the_buy_and_print_links(context, example_url, viewport):
    page = context(**(DESKTOP if viewport == "desktop" else NARROW)).new_page()
    traffic = Traffic(example_url)
    traffic.attach(page)
    panel = open_info(page, example_url, "/illustrations/", 1)  # cold-morning, then dusk-layers (by name)
    expect(page).to_have_url(example_url + "/illustrations/dusk-layers/")
    buy = panel.locator("a.offer-buy")
    expect(buy).to_have_text("Buy a licence, EUR 250")
    expect(buy).to_have_attribute("href", BUY)
    expect(panel.locator("a.offer-print")).to_have_attribute("href", PRINT)
    page.wait_for_function("document.querySelector('.lb-slide.is-current img').complete")
    page.screenshot(path=str(ARTIFACTS / f"offers-{viewport}-lightbox-info.png"))
    assert axe.violations(page) == []
    page.keyboard.press("ArrowLeft")  # cold-morning: the gallery's print shop only
    expect(page).to_have_url(example_url + "/illustrations/cold-morning/")
    expect(panel.locator("a.offer-print")).to_have_attribute("href", PRINT)
    expect(panel.locator("h2")).to_have_text("Cold morning")
    assert panel.locator("a.offer-buy").count() == 0
    assert traffic.problems() == []


HOSTILE_PAGE = """<!doctype html><title>x</title><figure class="photo"><figcaption class="photo-info">
<p class="licence"><a href="/licensing/">All rights reserved</a></p>
<ul class="offers" onclick="window.pwned = 1">
<li><a class="offer-buy evil" href="javascript:window.pwned = 2">Buy</a></li>
<li><a class="offer-print" href=" JaVaScRiPt:window.pwned = 3">Print</a></li>
<li><a class="offer-print" href="data:text/html,<script>parent.pwned = 4</script>">Data</a></li>
<li><a class="offer-print" href="https://lab.example.com/p">Lab</a></li></ul>
</figcaption></figure>"""


def test_info_panel_never_makes_a_script_address_a_link(context, example_url):
    # The panel copies the photo page's offers: whatever a page holds, only http(s) addresses become links.
    page = context(**DESKTOP).new_page()
    traffic = Traffic(example_url)
    traffic.attach(page)
    page.route(
        example_url + "/illustrations/cold-morning/",
        lambda route: route.fulfill(body=HOSTILE_PAGE, content_type="text/html"),
    )
    panel = open_info(page, example_url, "/illustrations/", 0)
    expect(panel.locator("a", has_text="Lab")).to_have_attribute("href", "https://lab.example.com/p")
    for text in ("Buy", "Print", "Data"):
        assert panel.locator("a", has_text=text).first.get_attribute("href") is None
    assert panel.locator("[onclick]").count() == 0
    assert panel.locator("a.offer-buy").get_attribute("class") == "offer-buy"  # known classes only
    assert page.evaluate("window.pwned") is None
    assert traffic.page_errors == [] and traffic.console_errors == []
