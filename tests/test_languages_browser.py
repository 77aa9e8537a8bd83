"""The German and Japanese sites in real Chromium: the viewer speaks the site's language, axe finds
nothing, and the pages fit a 360 px phone.

The screenshots (test-artifacts/languages/) are for a person to look at: line breaks in Japanese,
long German words in buttons and headings on a small phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from sitegen.strings import Strings

from .axe import violations
from .browser import DESKTOP, TIMEOUT_MS, Traffic, load_everything, new_context, serve
from .conftest import REPO
from .example_languages import example_in

expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "languages"
SMALL_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PAGES = ["/", "/water/", "/water/jetty-and-sea/", "/licensing/", "/404.html"]


@pytest.fixture(scope="module")
def sites(example_build, tmp_path_factory) -> Iterator[dict[str, str]]:
    """Base URLs of example-site in German and in Japanese, each switched by its one language line."""
    with (
        serve(example_in("de", example_build, tmp_path_factory)[0]) as de,
        serve(example_in("ja", example_build, tmp_path_factory)[0]) as ja,
    ):
        yield {"de": de, "ja": ja}


def test_the_lightbox_speaks_german(chromium: Any, sites: dict[str, str]) -> None:
    de = Strings.for_site("de")
    context = new_context(chromium, **DESKTOP)
    page = context.new_page()
    traffic = Traffic(sites["de"])
    traffic.attach(page)
    page.goto(sites["de"] + "/water/")
    page.wait_for_selector("dialog.lightbox", state="attached")
    page.locator("a.grid-link").nth(1).click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    assert dialog.get_attribute("aria-label") == "Fotobetrachter"
    labels = {
        ".lb-close": "Schließen",
        ".lb-prev": "Vorheriges Foto",
        ".lb-next": "Nächstes Foto",
        ".lb-help": "Tastenkürzel",
        ".lb-info": "Fotodetails",
        ".lb-share": "Teilen",
        ".lb-play": "Diashow starten",
        ".lb-full": "Vollbild",
    }
    for selector, label in labels.items():
        assert page.locator(selector).get_attribute("aria-label") == label, selector
    assert page.locator(".lb-play").get_attribute("title") == "Diashow starten (s)"
    expect(page.locator(".lb-link")).to_have_text("Details")
    page.keyboard.press("s")  # a toggle relabels itself in German too
    expect(page.locator(".lb-play")).to_have_attribute("aria-label", "Diashow anhalten")
    page.keyboard.press("s")
    page.keyboard.press("?")
    help_dialog = page.locator("dialog.lb-keys")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.locator("h2")).to_have_text("Tastenkürzel")
    text = help_dialog.inner_text()
    for key in ("keys_arrows", "keys_ends", "keys_zoom", "keys_slideshow", "keys_info", "keys_help"):
        assert de(f"viewer.{key}") in text, key
    assert "Pos1" in text and "Ende" in text
    expect(help_dialog.locator(".lb-keys-close")).to_have_text("Schließen")
    for english in ("Previous", "Keyboard", "Close", "slideshow", "This list"):
        assert english not in text, english
    page.keyboard.press("Escape")
    page.keyboard.press("i")
    panel = page.locator("aside.lb-panel")
    expect(panel).to_be_visible()
    assert panel.get_attribute("aria-label") == "Über dieses Foto"
    expect(panel).to_contain_text("Aufgenommen")  # the photo page's German facts, copied in
    assert traffic.problems() == []
    context.close()


@pytest.mark.parametrize("language", ["de", "ja"])
def test_no_axe_violations_in_german_and_japanese(chromium: Any, sites: dict[str, str], language: str) -> None:
    for options in (SMALL_PHONE, DESKTOP):
        context = new_context(chromium, **options)
        page = context.new_page()
        for path in PAGES:
            page.goto(sites[language] + path)
            load_everything(page)
            found = violations(page)
            assert found == [], f"{language} {path}: {[(v['id'], v['help']) for v in found]}"
        page.goto(sites[language] + "/water/")
        page.wait_for_selector("dialog.lightbox", state="attached")
        page.locator("a.grid-link").first.click()
        page.keyboard.press("?")
        expect(page.locator("dialog.lb-keys")).to_be_visible()
        found = violations(page)
        assert found == [], f"{language} viewer help: {[(v['id'], v['help']) for v in found]}"
        context.close()


@pytest.mark.parametrize("language", ["de", "ja"])
def test_pages_fit_a_small_phone_and_are_saved_for_a_look(chromium: Any, sites: dict[str, str], language: str) -> None:
    """Nothing wider than a 360 px screen (a long German word in a heading or button would be),
    and screenshots of the photo page, the licensing page and the open viewer help."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = new_context(chromium, **SMALL_PHONE)
    page = context.new_page()
    for path, name in (("/water/jetty-and-sea/", "photo"), ("/licensing/", "licensing")):
        page.goto(sites[language] + path)
        load_everything(page)
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1 && e.getClientRects().length && "
            "!e.closest('.visually-hidden, [hidden]')).map((e) => e.tagName + '.' + e.className + ': ' + "
            "e.textContent.trim().slice(0, 40))"
        )
        assert overflow == [], f"{language} {path} is wider than the phone: {overflow[:5]}"
        wrapped = page.evaluate(
            "() => [...document.querySelectorAll('button, .pager a, .breadcrumbs a')].filter((e) => "
            "e.getClientRects().length && e.scrollHeight > e.clientHeight + 1).map((e) => e.textContent.trim())"
        )
        assert wrapped == [], f"{language} {path}: a label does not fit its button: {wrapped}"
        page.screenshot(path=str(ARTIFACTS / f"{language}-{name}-360.png"), full_page=True)
    page.goto(sites[language] + "/water/")
    page.wait_for_selector("dialog.lightbox", state="attached")
    page.locator("a.grid-link").first.click()
    page.keyboard.press("?")
    expect(page.locator("dialog.lb-keys")).to_be_visible()
    box = page.locator("dialog.lb-keys").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.screenshot(path=str(ARTIFACTS / f"{language}-viewer-help-360.png"))
    context.close()
