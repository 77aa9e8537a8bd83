"""The live-reload client in a real browser (Debian's Chromium driven by Playwright):
the page reloads when it changed and only then, the error overlay comes and goes, CSS is swapped in place."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.commands.serve import Preview

from .test_session import make_site, make_site_with_own_theme

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def page(chromium):
    page = chromium.new_page()
    yield page
    page.close()


@contextlib.contextmanager
def start(site: Path) -> Iterator[Preview]:
    with Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda *a: None) as preview:
        assert preview.wait_built(60)
        yield preview


def connected(preview: Preview, pages: int = 1) -> None:
    """Wait until the open pages' event streams are connected."""
    deadline = time.monotonic() + 10
    while preview.live.listeners < pages:
        assert time.monotonic() < deadline, "the page never connected to the event stream"
        time.sleep(0.02)


def save(path: Path, text: str) -> None:
    """Save the way careful editors do (write elsewhere, rename into place): one event, never a half file."""
    path.parent.mkdir(exist_ok=True)
    tmp = path.parent.parent / f".{path.name}.tmp"
    tmp.write_text(text)
    os.replace(tmp, path)


def test_the_page_reloads_when_it_changed_and_only_then(page, tmp_path):
    site = make_site(tmp_path / "site")
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        page.evaluate("window.untouched = true")
        contact = site / "content/contact.md"
        contact.write_text(contact.read_text().replace("Write to me.", "Write to me soon."))
        number = preview.session.number
        deadline = time.monotonic() + 10
        while preview.session.number == number and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert page.evaluate("window.untouched === true"), "an unrelated page must not reload"

        about = site / "content/about.md"
        about.write_text(about.read_text().replace("About me.", "About me, live."))
        page.wait_for_function("document.body.innerText.includes('About me, live.')", timeout=10_000)
        assert page.evaluate("window.untouched === undefined")


def test_a_build_error_shows_an_overlay_until_fixed(chromium, page, tmp_path):
    site = make_site(tmp_path / "site")
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        override = site / "templates/page.html"
        save(override, '{% extends "base.html" %}{% block content %}{{ page.title }{% endblock %}')
        page.wait_for_selector("#sitegen-error", timeout=10_000)
        assert "page.html" in page.inner_text("#sitegen-error")
        assert "About me." in page.inner_text("main")  # the last good page is still underneath
        save(override, '{% extends "base.html" %}{% block content %}<p id="ok">{{ page.title }}</p>{% endblock %}')
        page.wait_for_selector("#ok", timeout=10_000)
        assert page.query_selector("#sitegen-error") is None
        # A page opened while the site is broken shows the error at once.
        save(override, "{% extends 'base.html' %}{% block content %}{{ oops( }}{% endblock %}")
        page.wait_for_selector("#sitegen-error", timeout=10_000)
        other = chromium.new_page()
        other.goto(preview.url)
        other.wait_for_selector("#sitegen-error", timeout=10_000)
        other.close()


def test_a_stylesheet_change_is_swapped_without_reloading(page, tmp_path):
    site = make_site_with_own_theme(tmp_path / "site")
    theme = site / "mytheme"
    with start(site) as preview:
        page.goto(preview.url + "about/")
        connected(preview)
        page.evaluate("window.untouched = true")
        (theme / "static/style.css").write_text(
            (theme / "static/style.css").read_text() + "\nmain { outline: 7px solid rgb(255, 0, 0); }\n"
        )
        page.wait_for_function(
            "getComputedStyle(document.querySelector('main')).outlineWidth === '7px'", timeout=10_000
        )
        assert page.evaluate("window.untouched === true")
        assert len(page.query_selector_all('link[rel="stylesheet"]')) == 1
