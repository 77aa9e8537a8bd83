"""Home cards fill their rows for 1 to 8 galleries on wide screens (issue 13), in real Chromium.

No card sits alone in a last row: with an odd count a card spans two columns (one gallery is a
full-width hero), and the covers of a row are one height. Portrait covers keep the top of the
picture (heads) instead of the centre.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .browser import load_everything, new_context, serve
from .conftest import REPO, make_photo

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "browser"
WIDTHS = [1024, 1280, 1440, 1680, 1920]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """Eight sites, with 1 to 8 galleries; every third cover is a portrait."""
    folder = tmp_path_factory.mktemp("cards")
    with ExitStack() as servers:
        urls = {}
        for count in range(1, 9):
            root = folder / f"s{count}"
            for n in range(count):
                size = (400, 600) if n % 3 == 2 else (600, 400)
                make_photo(root / f"content/g{n}/p.jpg", size, (30 * n % 255, 90, 140))
                (root / f"content/g{n}/p.md").write_text(f"---\nalt: Pattern {n}.\n---\n")
            build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
            urls[count] = servers.enter_context(serve(root / "public")) + "/"
        yield urls


CARDS = """() => { const list = document.querySelector('.cards').getBoundingClientRect();
    return {left: list.left, right: list.right, cards: [...document.querySelectorAll('.card')].map((c) => {
        const r = c.getBoundingClientRect(), cover = c.querySelector('.card-cover').getBoundingClientRect();
        const img = c.querySelector('.card-cover img');
        return {top: Math.round(r.top), left: r.left, right: r.right, cover: cover.height,
                position: getComputedStyle(img).objectPosition, portrait:
                parseInt(img.getAttribute('height')) > parseInt(img.getAttribute('width'))}; })}; }"""


@pytest.mark.parametrize("width", WIDTHS)
def test_cards_fill_their_rows(chromium, sites, width):
    context = new_context(chromium, viewport={"width": width, "height": 900})
    page = context.new_page()
    for count, url in sites.items():
        page.goto(url)
        load_everything(page)
        if width == 1440 and count in (1, 3, 5):
            page.screenshot(path=str(ARTIFACTS / f"cards-{count}-{width}.png"), full_page=True)
        layout = page.evaluate(CARDS)
        if count == 1:
            hero = layout["cards"][0]
            width_of_list = layout["right"] - layout["left"]
            assert hero["right"] - hero["left"] >= width_of_list - 1, f"one gallery at {width}px is not full width"
            assert hero["cover"] < (hero["right"] - hero["left"]) / 1.9, "the hero's cover is a wide band, not 3:2"
        rows: dict[int, list[dict[str, Any]]] = {}
        for card in layout["cards"]:
            rows.setdefault(card["top"], []).append(card)
        for top, row in rows.items():
            where = f"{count} galleries at {width}px, row at {top}"
            assert abs(row[0]["left"] - layout["left"]) < 1 and abs(row[-1]["right"] - layout["right"]) < 1, (
                f"{where}: the row does not fill the width"
            )
            covers = [c["cover"] for c in row]
            assert max(covers) - min(covers) < 1.5, f"{where}: covers of one row differ in height {covers}"
        for card in layout["cards"]:
            if card["portrait"]:
                assert card["position"] != "50% 50%", "a portrait cover is cropped around its centre"
    context.close()
