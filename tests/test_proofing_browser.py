"""Proofing in a client gallery (issue 15 §1), in real Chromium: favourites without a server.

On a photo page and in the gallery's lightbox the client toggles a Favourite (a real button with
aria-pressed), the choice survives a reload (localStorage, per gallery), the count follows, and
"Send my selection" is a mailto: to [contact] email whose body lists the chosen files' names; the
copyable list holds the same. Public galleries load no proofing script. axe finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .axe import violations
from .browser import load_everything, new_context, serve
from .conftest import make_photo

pytestmark = pytest.mark.browser

HASH = "$2y$05$LFCLhkIiSsF2KOj5uas5YeSNaF4f26OXGJ5rejAxD4tnSaIdeWMiK"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("proofing") / "site"
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text(
        '[site]\ntitle = "T"\n[contact]\nemail = "studio@example.com"\n'
        f'[clients]\nlogins = {{ smith = {{ anna = "{HASH}" }} }}\nwarn_other_hosts = false\n',
        "utf-8",
    )
    for n, name in enumerate(["DSC_0001.jpg", "DSC_0002.jpg", "DSC_0003.jpg"]):
        make_photo(root / f"content/smith/{name}", (300, 200), (60 * n, 120, 200 - 50 * n))
        (root / f"content/smith/{name[:-4]}.md").write_text(f"---\nalt: Pattern {n}.\n---\n", "utf-8")
    (root / "content/smith/index.md").write_text("---\ntitle: Smith wedding\nclient: smith\n---\n", "utf-8")
    make_photo(root / "content/open/o1.jpg", (300, 200))
    (root / "content/open/o1.md").write_text("---\nalt: Open.\n---\n", "utf-8")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    with serve(root / "public") as url:
        yield url


def _mail(page) -> tuple[str, dict[str, list[str]]]:
    href = page.get_attribute(".proof-send", "href")
    parts = urlsplit(href)
    return f"{parts.scheme}:{unquote(parts.path)}", parse_qs(parts.query)


def test_favourite_on_the_photo_page_persists_and_is_mailed(chromium, base) -> None:
    context = new_context(chromium, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/smith/dsc-0002/")
    toggle = page.get_by_role("button", name="Favourite")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(".proof-send").is_hidden()  # nothing chosen yet
    toggle.focus()
    page.keyboard.press("Enter")  # keyboard, not only the mouse
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator(".proof-count").inner_text() == "Favourites: 1"
    page.reload()
    toggle = page.get_by_role("button", name="Favourite")
    assert toggle.get_attribute("aria-pressed") == "true"  # kept across the reload
    to, query = _mail(page)
    assert to == "mailto:studio@example.com"
    assert query["subject"] == ["My selection from Smith wedding"]
    assert query["body"][0].splitlines()[-1] == "DSC_0002.jpg"
    assert page.locator(".proof-list").input_value() == "DSC_0002.jpg"
    assert violations(page) == []
    context.close()


def test_favourite_in_the_lightbox(chromium, base) -> None:
    context = new_context(chromium, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/smith/")
    load_everything(page)
    page.locator("a.grid-link").nth(0).click()
    dialog = page.locator("dialog.lightbox")
    fav = dialog.get_by_role("button", name="Mark this photo as a favourite")
    fav.click()
    assert fav.get_attribute("aria-pressed") == "true"
    page.keyboard.press("ArrowRight")  # the next photo: not chosen
    page.wait_for_function("() => !document.querySelector('.lb-link').href.endsWith('/dsc-0001/')")
    assert fav.get_attribute("aria-pressed") == "false"
    fav.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('dialog.lightbox').open")
    assert page.locator(".proof-count").inner_text() == "Favourites: 2"
    assert page.locator(".proof-list").input_value() == "DSC_0001.jpg\nDSC_0002.jpg"
    _, query = _mail(page)
    assert query["body"][0].splitlines()[-2:] == ["DSC_0001.jpg", "DSC_0002.jpg"]
    assert violations(page) == []
    context.close()


def test_public_galleries_load_no_proofing(chromium, base) -> None:
    context = new_context(chromium)
    page = context.new_page()
    page.goto(base + "/open/o1/")
    assert page.locator("[data-proofing]").count() == 0
    assert page.evaluate("() => [...document.scripts].some((s) => s.src.includes('proofing'))") is False
    context.close()


def test_proofing_section_is_hidden_without_javascript(chromium, base) -> None:
    context = new_context(chromium, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/smith/dsc-0001/")
    assert page.locator("[data-proofing]").is_hidden()
    context.close()
