"""The honeypot link in real Chromium: not drawn, never focused by Tab, absent from the accessibility tree.

Also with a stylesheet that shows every ``[hidden]`` element (a theme may do that by accident): the
link is then drawn, but still outside the tab order (tabindex=-1) and the accessibility tree
(aria-hidden on its container).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from sitegen.errors import Reporter
from sitegen.pipeline.build import build
from sitegen.protect import honeypot
from sitegen.urls import Urls

from .browser import DESKTOP, TIMEOUT_MS, new_context, serve
from .conftest import make_photo

expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser

BASE_URL = "https://example.com/"
PAGES = ["/", "/g/", "/g/a/", "/about/", "/licensing/", "/404.html"]
SHOW_HIDDEN = "[hidden] { display: block !important; }"


@pytest.fixture(scope="module")
def trapped_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    site = tmp_path_factory.mktemp("honeypot-browser") / "site"
    make_photo(site / "content/g/a.jpg", (640, 480))
    make_photo(site / "content/g/b.jpg", (480, 640))
    (site / "content/about.md").write_text("---\ntitle: About\n---\nHello, [a link](/g/).\n", "utf-8")
    (site / "sitegen.toml").write_text(f'[site]\nbase_url = "{BASE_URL}"\n[protect]\nhoneypot = true\n', "utf-8")
    build(site, overrides={"build.jobs": 1}, reporter=Reporter())
    trap = Urls(BASE_URL).url(honeypot.site_path(Urls(BASE_URL)))
    with serve(site / "public") as base:
        yield base, trap


def ax_nodes(page: Any) -> list[dict[str, Any]]:
    """Chromium's full accessibility tree (what screen readers are given), ignored nodes left out."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [n for n in nodes if not n.get("ignored")]


def mentions(node: dict[str, Any], trap: str) -> bool:
    name = str(node.get("name", {}).get("value", ""))
    urls = [str(p.get("value", {}).get("value", "")) for p in node.get("properties", []) if p.get("name") == "url"]
    return "Archive notes" in name or any(trap in u for u in urls)


def tab_stops(page: Any, limit: int) -> list[str]:
    """What Tab focuses, from the top of the page, until it wraps or ``limit`` presses."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ''"))
    return stops


@pytest.mark.parametrize("show_hidden", [False, True], ids=["theme", "hidden-shown-by-css"])
def test_honeypot_link_is_unseen_unreachable_and_unannounced(chromium, trapped_site, show_hidden: bool) -> None:
    base, trap = trapped_site
    context = new_context(chromium, **DESKTOP)
    try:
        for path in PAGES:
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            if show_hidden:
                page.add_style_tag(content=SHOW_HIDDEN)
            link = page.locator(f'a[href="{trap}"]')
            expect(link).to_have_count(1)
            if not show_hidden:
                expect(link).to_be_hidden()
                assert link.bounding_box() is None, path
                assert "Archive notes" not in page.inner_text("body"), path
            else:
                expect(link).to_be_visible()  # the CSS did show it: the other two guards must hold alone
            focusable = page.evaluate(
                "document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length"
            )
            stops = tab_stops(page, focusable + 2)
            assert any("<a" in s for s in stops), (path, stops)  # Tab does move through the page's links
            assert not [s for s in stops if trap in s], (path, stops)
            assert not [n for n in ax_nodes(page) if mentions(n, trap)], path
            assert "Archive notes" not in page.locator("body").aria_snapshot(), path
            page.close()
    finally:
        context.close()
