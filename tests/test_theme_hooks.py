"""The theme's hooks for a site's own CSS, script and <head> additions, without overriding a partial."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import make_photo


def _head(site_dir: Path, path: str = "") -> str:
    html = (site_dir / "public" / path / "index.html").read_text("utf-8")
    return html.split("<head>", 1)[1].split("</head>", 1)[0]


def _site(site_dir: Path, write) -> None:
    make_photo(site_dir / "content/g/p1.jpg", (96, 64))
    write("content/g/p1.md", "---\nalt: A pattern.\n---\n")


def test_custom_css_and_js_are_picked_up_when_present(site_dir, write, run_build):
    _site(site_dir, write)
    write("static/custom.css", ":root { --accent: #123456; }\n")
    write("static/custom.js", "document.documentElement.dataset.custom = 'yes';\n")
    _, reporter = run_build()
    assert not reporter.errors
    for path in ("", "g", "g/p1"):
        head = _head(site_dir, path)
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
        assert len(sheets) == 2 and sheets[1] == "/custom.css", sheets  # after the theme's: it wins
        assert '<script src="/custom.js" defer></script>' in head
    assert (site_dir / "public/custom.css").read_text() == ":root { --accent: #123456; }\n"


def test_no_custom_files_no_links(site_dir, write, run_build):
    _site(site_dir, write)
    run_build()
    head = _head(site_dir, "g/p1")
    assert "custom.css" not in head and "custom.js" not in head
    assert len(re.findall(r'rel="stylesheet"', head)) == 1


def test_head_extra_partial_ends_the_head(site_dir, write, run_build):
    _site(site_dir, write)
    write("templates/partials/head_extra.html", '<meta name="verify" content="{{ page_kind }}">\n')
    write("static/custom.css", "body { margin: 0; }\n")
    run_build()
    for path, kind in (("", "home"), ("g", "gallery"), ("g/p1", "photo")):
        head = _head(site_dir, path)
        assert head.rstrip().endswith(f'<meta name="verify" content="{kind}">'), head[-300:]
        assert head.index("custom.css") < head.index('name="verify"')
