"""A gallery's ``cover_focus``: the point of its cover that the cards' crop keeps in view (issue 13).

Covers are cropped by the browser (``object-fit: cover`` in a fixed-shape card; no cropped file is
published), so the key becomes the card's CSS ``--focus``, read by ``object-position``. Checked
from the front matter to the pixels Chromium shows.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from sitegen.content.matter import Focus, GalleryMatter, as_focus, read_matter
from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .browser import load_everything, new_context, serve


@pytest.mark.parametrize(
    ("written", "focus"),
    [
        ("30% 20%", Focus(30, 20)),
        ("30%, 20%", Focus(30, 20)),
        (" 12.5%   100% ", Focus(12.5, 100)),
        (["0%", "75%"], Focus(0, 75)),
    ],
)
def test_focus_is_two_percentages_across_then_down(written, focus):
    assert as_focus(written) == focus


def test_focus_is_written_as_css_writes_it():
    assert str(Focus(30, 20)) == "30% 20%"
    assert str(Focus(12.5, 0)) == "12.5% 0%"


@pytest.mark.parametrize("written", ["50 20", "50%", "1% 2% 3%", "x% 20%", "left top", 5, True, "", ["50%"], [50, 20]])
def test_anything_else_is_refused(written):
    with pytest.raises(ValueError, match=r"expected two percentages, across then down, such as `50% 20%`"):
        as_focus(written)


@pytest.mark.parametrize("written", ["101% 20%", "20% -5%", "nan% 2%"])
def test_a_point_outside_the_picture_is_refused(written):
    with pytest.raises(ValueError, match=r"expected percentages from 0% to 100%"):
        as_focus(written)


def test_a_bad_focus_is_one_warning_naming_the_file_and_line(tmp_path: Path):
    path = tmp_path / "index.md"
    path.write_text("---\ntitle: Harbour\ncover_focus: 150% 20%\n---\n")
    reporter = Reporter(root=tmp_path)
    matter = read_matter(GalleryMatter, {"title": "Harbour", "cover_focus": "150% 20%"}, path, reporter)
    assert matter.cover_focus is None and matter.title == "Harbour"
    assert [p.format(tmp_path) for p in reporter.warnings] == [
        "index.md:3: warning: front matter 'cover_focus': expected percentages from 0% to 100%, got '150% 20%'; ignored"
    ]


# --- the built card and what Chromium shows ------------------------------------------


def _card_site(root: Path) -> None:
    """Two galleries whose cover is a tall picture, red in its top half, blue below; one focused low."""
    for name, matter in (("plain", ""), ("focused", "cover_focus: 50% 100%\n")):
        path = root / f"content/{name}/tall.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (600, 1800), (20, 40, 220))
        image.paste((220, 30, 30), (0, 0, 600, 900))
        image.save(path)
        (root / f"content/{name}/tall.md").write_text("---\nalt: Red above, blue below.\n---\n")
        (root / f"content/{name}/index.md").write_text(f"---\ntitle: {name.title()}\n{matter}---\n")


@pytest.fixture(scope="module")
def card_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("focus") / "site"
    _card_site(root)
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1}, reporter=reporter)
    assert not reporter.warnings
    return root / "public"


def test_the_built_card_carries_the_focus(card_site: Path):
    html = (card_site / "index.html").read_text("utf-8")
    covers = re.findall(r'<a class="card-link" href="[^"]*?/(\w+)/">\s*<span class="card-cover"([^>]*)>', html)
    assert dict(covers) == {"focused": ' style="--focus: 50% 100%"', "plain": ""}


@pytest.mark.browser
def test_the_visible_crop_follows_the_focus(chromium, card_site: Path):
    """A portrait cover shows its upper part (red) by default; focused at its bottom it shows blue.

    The 3:2 crop of a 1:3 picture shows under a third of it: around the centre it would be half red,
    half blue, so "red" also proves the default still keeps a portrait's top."""
    context = new_context(chromium, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    with serve(card_site) as base:
        page.goto(base + "/")
        load_everything(page)
        seen = {}
        for name in ("plain", "focused"):
            cover = page.locator(f'a.card-link[href$="/{name}/"] .card-cover img')
            shot = cover.screenshot(animations="disabled")
            seen[name] = _mostly(shot)
    context.close()
    assert seen == {"plain": "red", "focused": "blue"}


def _mostly(png: bytes) -> str:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    data = image.tobytes()
    red = blue = 0
    for i in range(0, len(data), 3):
        red += data[i] > 150 and data[i + 2] < 100
        blue += data[i + 2] > 150 and data[i] < 100
    most = 0.9 * image.width * image.height
    return "red" if red > most else "blue" if blue > most else "mixed"
