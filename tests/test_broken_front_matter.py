"""Broken front matter stops the build: a page that existed never vanishes from the site with exit 0.

Before, the file was skipped with a warning: the page and its menu entry
disappeared from the published site, a sidecar's ``draft: true`` went unread
(the draft was published), and in ``sitegen serve`` the open page became
"Not found" with no overlay. Now it is an error: ``sitegen build`` exits 1 and
leaves the published site as it was; the preview keeps the last good site and
shows the error (file:line) over the open page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import cli
from sitegen.errors import Reporter, SitegenError
from sitegen.pipeline.build import build

from .conftest import make_photo
from .test_serve import Client, Events, save
from .test_session import make_site

BROKEN = "---\ntitle: About\nmenu: [unclosed\n---\nAbout me.\n"


def failed_build(site_dir: Path) -> list[str]:
    reporter = Reporter(root=site_dir)
    with pytest.raises(SitegenError):
        build(site_dir, overrides={"build.jobs": 1}, reporter=reporter)
    return [p.format(site_dir) for p in reporter.errors]


def test_a_page_with_broken_front_matter_stops_the_build_and_the_site_stays(site_dir, write, run_build):
    write("content/about.md", "---\ntitle: About\n---\nAbout me.\n")
    run_build()
    before = (site_dir / "public/about/index.html").read_text("utf-8")
    home_before = (site_dir / "public/index.html").read_text("utf-8")
    assert 'href="/about/"' in home_before  # in the menu

    write("content/about.md", BROKEN)
    (error,) = failed_build(site_dir)
    assert error.startswith("content/about.md:3: error: front matter is not valid YAML")
    assert "nothing is published until it is fixed" in error
    assert (site_dir / "public/about/index.html").read_text("utf-8") == before
    assert (site_dir / "public/index.html").read_text("utf-8") == home_before


def test_cli_exits_1_with_one_line_naming_the_file(site_dir, write):
    write("content/about.md", BROKEN)
    result = CliRunner().invoke(cli, ["build", str(site_dir), "-j", "1"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "content/about.md" in line]
    assert len(lines) == 1 and "error" in lines[0]


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("content/g/a.md", "---\ndraft: true\nalt: [x\n---\n"),  # a draft photo must not be published
        ("content/g/index.md", "---\ndraft: true\ntitle: 'open\n---\n"),  # nor a draft gallery
        ("content/index.md", "---\nfeatured: [g\n---\n"),
        ("content/notes.md", "---\ntitle: x\n"),  # never closed
        ("content/latin1.md", b"---\ntitle: caf\xe9\n---\n"),  # not UTF-8
        ("content/g/index.md", "---\nsort: &a [*a]\n---\n"),  # refused by the front matter bounds
    ],
)
def test_every_kind_of_markdown_file_is_covered(site_dir, write, rel, text):
    make_photo(site_dir / "content/g/a.jpg")
    write(rel, text)
    errors = failed_build(site_dir)
    assert len(errors) == 1 and errors[0].startswith(rel + ":"), errors
    assert not (site_dir / "public").exists()


def test_wrong_values_are_still_warnings(site_dir, write, run_build):
    """Valid YAML with a wrong value only costs that key: the page is published."""
    write("content/about.md", "---\ntitle: About\nmenu: perhaps\n---\nAbout me.\n")
    _, reporter = run_build()
    assert not reporter.errors and len(reporter.warnings) == 1
    assert (site_dir / "public/about/index.html").is_file()


# --- sitegen serve ----------------------------------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path):
    from sitegen.commands.serve import Preview

    from .test_serve import free_port

    site = make_site(tmp_path / "site")
    logs: list[tuple[str, str]] = []
    p = Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda level, msg: logs.append((level, msg)))
    p.start()
    assert p.wait_built(60)
    yield p, site
    p.stop()


def test_preview_keeps_the_page_and_shows_the_error_in_the_overlay(preview):
    p, site = preview
    port = p.server.server_address[1]
    client = Client(port)
    events = Events(port)
    try:
        events.next("hello")
        save(site / "content/about.md", BROKEN)
        name, failed = events.next()  # the very next event: before, a "reload" to a site without the page
        assert name == "failed", (name, failed)
        assert "content/about.md:3: error: front matter is not valid YAML" in failed["message"]
        assert "the preview shows the last good site" in failed["message"]
        status, _, body = client.get("/about/")
        assert status == 200 and b"About me." in body  # not "Not found"
        status, _, body = client.get("/")
        assert b'href="/about/"' in body  # still in the menu
        late = Events(port)
        try:
            assert "content/about.md:3" in late.next("hello")[1]["error"]  # a page opened now shows it too
        finally:
            late.close()
        save(site / "content/about.md", "---\ntitle: About\n---\nAbout me, fixed.\n")
        events.next("reload")
        status, _, body = client.get("/about/")
        assert status == 200 and b"About me, fixed." in body
        assert p.live.error is None
    finally:
        events.close()
