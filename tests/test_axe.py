"""axe-core finds no accessibility violation on the example site's pages, light and dark (issue 13).

The pages are checked as a visitor sees them after loading (lazy images scrolled in; on a desktop
the portrait's page has its text beside the photo); axe-core is the real engine (tests/axe.py
fetches it from npm into a cache outside the repository).
"""

from __future__ import annotations

from typing import Any

import pytest

from .axe import violations
from .browser import DESKTOP, PHONE, load_everything, new_context

pytestmark = pytest.mark.browser

PAGES = ["/", "/water/", "/water/jetty-and-sea/", "/portraits/paper-lantern-portrait/", "/licensing/"]


def _report(found: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_no_axe_violations(chromium, example_url, scheme, screen):
    options = PHONE if screen == "phone" else DESKTOP
    context = new_context(chromium, color_scheme=scheme, **options)
    page = context.new_page()
    for path in PAGES:
        page.goto(example_url + path)
        load_everything(page)
        found = violations(page)
        assert found == [], f"{path} ({screen}, {scheme}):\n{_report(found)}"
    context.close()


def test_axe_sees_a_violation(chromium, example_url):
    """The helper really runs axe: an image without alt text is reported."""
    context = new_context(chromium, **DESKTOP)
    page = context.new_page()
    page.goto(example_url + "/licensing/")
    page.evaluate("document.querySelector('img, main').insertAdjacentHTML('afterend', '<img src=\"/x.png\">')")
    assert "image-alt" in [v["id"] for v in violations(page)]
    context.close()
