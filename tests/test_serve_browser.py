"""The live-reload client in a real browser (Debian's Chromium driven by Playwright):
the page reloads when it changed and only then, the error overlay comes and goes, CSS is swapped in place."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.commands.serve import Preview

from .browser import TIMEOUT_MS, new_context
from .test_session import make_site, make_site_with_own_theme

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def page(chromium):
    context = new_context(chromium)
    yield context.new_page()
    context.close()


@contextlib.contextmanager
def start(site: Path) -> Iterator[Preview]:
    with Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda *a: None) as preview:
        assert preview.wait_built(TIMEOUT_MS / 1000)
        yield preview


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; generous bound, so a loaded machine is not a failure."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def connected(preview: Preview, pages: int = 1) -> None:
    """Wait until the open pages' event streams are connected."""
    wait_until(lambda: preview.live.listeners >= pages, "the page never connected to the event stream")


def save(path: Path, text: str) -> None:
    """Save the way careful editors do (write elsewhere, rename into place): one event, never a half file."""
    path.parent.mkdir(exist_ok=True)
    tmp = path.parent.parent / f".{path.name}.tmp"
    tmp.write_text(text)
    os.replace(tmp, path)


def test_the_page_reloads_when_it_changed_and_only_then(page, tmp_path):
    site = make_site_with_own_theme(tmp_path / "site")
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        page.evaluate("window.untouched = true")
        number = preview.session.number
        contact = site / "content/contact.md"
        save(contact, contact.read_text().replace("Write to me.", "Write to me soon."))
        wait_until(lambda: preview.session.number > number, "the contact page was never rebuilt")
        # The page handles the events of its stream in order: once it swapped the stylesheet of the
        # next rebuild, it has handled (and ignored) the reload event of the contact page.
        style = site / "mytheme/static/style.css"
        save(style, style.read_text() + "\nmain { outline: 7px solid rgb(255, 0, 0); }\n")
        page.wait_for_function("getComputedStyle(document.querySelector('main')).outlineWidth === '7px'")
        assert page.evaluate("window.untouched === true"), "an unrelated page must not reload"

        about = site / "content/about.md"
        save(about, about.read_text().replace("About me.", "About me, live."))
        page.wait_for_function("document.body.innerText.includes('About me, live.')")
        assert page.evaluate("window.untouched === undefined")


def test_a_build_error_shows_an_overlay_until_fixed(chromium, page, tmp_path):
    site = make_site(tmp_path / "site")
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        override = site / "templates/page.html"
        save(override, '{% extends "base.html" %}{% block content %}{{ page.title }{% endblock %}')
        page.wait_for_selector("#sitegen-error")
        assert "page.html" in page.inner_text("#sitegen-error")
        assert "About me." in page.inner_text("main")  # the last good page is still underneath
        save(override, '{% extends "base.html" %}{% block content %}<p id="ok">{{ page.title }}</p>{% endblock %}')
        page.wait_for_selector("#ok")
        assert page.query_selector("#sitegen-error") is None
        # A page opened while the site is broken shows the error at once.
        save(override, "{% extends 'base.html' %}{% block content %}{{ oops( }}{% endblock %}")
        page.wait_for_selector("#sitegen-error")
        other = new_context(chromium)
        other_page = other.new_page()
        other_page.goto(preview.url)
        other_page.wait_for_selector("#sitegen-error")
        other.close()


def test_a_stylesheet_change_is_swapped_without_reloading(page, tmp_path):
    site = make_site_with_own_theme(tmp_path / "site")
    theme = site / "mytheme"
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        page.evaluate("window.untouched = true")
        style = theme / "static/style.css"
        save(style, style.read_text() + "\nmain { outline: 7px solid rgb(255, 0, 0); }\n")
        page.wait_for_function("getComputedStyle(document.querySelector('main')).outlineWidth === '7px'")
        assert page.evaluate("window.untouched === true")
        # The old stylesheet goes once the new one has loaded (its load event comes after it applies).
        page.wait_for_function("document.querySelectorAll('link[rel=\"stylesheet\"]').length === 1")
