"""Request paths to files, without a server: what is served, redirected or refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.serve.lookup import content_type, resolve


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "preview"
    (root / "about").mkdir(parents=True)
    (root / "about" / "index.html").write_text("about")
    (root / "media").mkdir()
    (root / "media" / "x.webp").write_bytes(b"RIFF")
    (root / "café").mkdir()
    (root / "café" / "index.html").write_text("café")
    (tmp_path / "outside.txt").write_text("secret")
    return root


def test_files_and_folder_indexes(root):
    assert resolve(root, "/", "/about/").file == root / "about" / "index.html"
    assert resolve(root, "/", "/about/").site_path == "about/"
    assert resolve(root, "/", "/media/x.webp?v=1").file == root / "media" / "x.webp"
    assert resolve(root, "/", "/caf%C3%A9/").file == root / "café" / "index.html"


def test_folders_without_slash_redirect_keeping_the_query(root):
    target = resolve(root, "/", "/about?x=1")
    assert target.kind == "redirect" and target.location == "/about/?x=1"


def test_no_listing_and_no_index_is_missing(root):
    assert resolve(root, "/", "/media/").kind == "missing"
    assert resolve(root, "/", "/nothing-here").kind == "missing"


def test_base_path(root):
    assert resolve(root, "/portfolio/", "/").kind == "redirect"
    assert resolve(root, "/portfolio/", "/portfolio").location == "/portfolio/"
    assert resolve(root, "/portfolio/", "/portfolio/about/").file == root / "about" / "index.html"
    assert resolve(root, "/portfolio/", "/about/").kind == "missing"


@pytest.mark.parametrize(
    "target",
    ["/../outside.txt", "/%2e%2e/outside.txt", "/about/%2E%2E/%2e%2e/outside.txt", "/./about/", "/a\\b", "/a%00b"],
)
def test_traversal_is_forbidden(root, target):
    assert resolve(root, "/", target).kind == "forbidden"


def test_symlinks_out_are_forbidden_and_in_are_fine(root):
    os.symlink(root.parent / "outside.txt", root / "leak.txt")
    (root / "ext").mkdir()
    os.symlink(root.parent / "outside.txt", root / "ext" / "index.html")
    os.symlink(root / "media" / "x.webp", root / "alias.webp")
    assert resolve(root, "/", "/leak.txt").kind == "forbidden"
    assert resolve(root, "/", "/ext/").kind == "forbidden"
    assert resolve(root, "/", "/alias.webp").kind == "file"


def test_malformed_targets_are_bad_requests(root):
    assert resolve(root, "/", "about/").kind == "bad"
    assert resolve(root, "/", "*").kind == "bad"
    assert resolve(root, "/", "/%ff%fe").kind == "bad"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.avif", "image/avif"),
        ("a.webp", "image/webp"),
        ("a.JPG", "image/jpeg"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("ai.txt", "text/plain; charset=utf-8"),
        ("index.html", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
        ("CNAME", "text/plain; charset=utf-8"),
        ("tdmrep.json", "application/json"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(name, expected):
    assert content_type(Path(name)) == expected
