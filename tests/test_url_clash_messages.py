"""Two claimants of one URL are named as they really are, including the licensing page sitegen generates."""

from __future__ import annotations

import pytest

from sitegen.errors import ContentError, Reporter
from sitegen.pipeline.build import build


def the_error(site_dir) -> str:
    """The build stops on a URL clash (nothing published); its one error line, as printed."""
    reporter = Reporter(root=site_dir)
    with pytest.raises(ContentError):
        build(site_dir, overrides={"build.jobs": 1}, reporter=reporter)
    (error,) = reporter.errors
    return error.format(site_dir)


def test_slug_licensing_names_the_generated_page_not_a_missing_file(site_dir, write):
    """The reproduction: the message named content/licensing.md, which did not exist."""
    write("content/about.md", "---\ntitle: About\nslug: licensing\n---\nText.")
    text = the_error(site_dir)
    assert text.startswith("content/about.md: error: /licensing/ is claimed by both")
    assert "the licensing page sitegen generates ([licensing] page = true)" in text
    assert "content/licensing.md" not in text
    assert "`slug:` in content/about.md" in text


def test_with_licensing_md_both_files_are_named(site_dir, write):
    write("content/licensing.md", "---\ntitle: Terms\n---\nMy words.")
    write("content/terms.md", "---\nslug: licensing\n---\nOther words.")
    text = the_error(site_dir)
    assert text.startswith("content/terms.md: error:")
    assert "content/licensing.md" in text and "[licensing] page = true" in text


def test_with_the_page_off_a_page_may_take_the_address(site_dir, write, run_build):
    write("content/about.md", "---\ntitle: About\nslug: licensing\n---\nText.")
    _, reporter = run_build(licensing__page=False)
    assert not reporter.errors
    assert "Text." in (site_dir / "public/licensing/index.html").read_text("utf-8")
