"""`sitegen audit` and unlisted galleries (issue 15 §1): their noindex is on purpose, their protections
are still checked, and a noindex page that a listed page links to is still reported.

Real builds of a small site with an unlisted gallery, audited as a folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.audit import Status
from sitegen.commands.audit import audit
from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .conftest import make_photo


def _site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text('[site]\nbase_url = "https://example.com/"\n', "utf-8")
    make_photo(root / "content/open/o1.jpg", colour=(30, 60, 200))
    make_photo(root / "content/smith/s1.jpg")
    (root / "content/smith/index.md").write_text("---\nunlisted: true\n---\n", "utf-8")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    return root


def test_unlisted_noindex_is_not_reported(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    report = audit(str(root))
    visible = report.get("search-visible")
    assert visible.status is Status.PASS, visible.detail
    assert "2 unlisted pages" in visible.detail and "on purpose" in visible.detail
    assert report.get("meta-tags").status is Status.PASS  # noai, tdm-* checked on them too


def test_unlisted_pages_still_need_their_protections(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    page = root / "public/smith/s1/index.html"
    text = page.read_text("utf-8")
    page.write_text(re.sub(r'<meta name="tdm-reservation" content="1">', "", text), "utf-8")
    report = audit(str(root))
    meta = report.get("meta-tags")
    assert meta.status is Status.FAIL and "/smith/s1/ lacks tdm-reservation=1" in meta.detail


def test_a_linked_noindex_page_is_still_reported(tmp_path: Path) -> None:
    """An unlisted page that a listed page links to is no longer unlisted: its noindex hides it by accident."""
    root = _site(tmp_path / "site")
    home = root / "public/index.html"
    home.write_text(home.read_text("utf-8").replace("</main>", '<a href="/smith/">Smith</a></main>'), "utf-8")
    visible = audit(str(root)).get("search-visible")
    assert visible.status is Status.WARN and "/smith/ (noindex)" in visible.detail
    assert "/smith/s1/" not in visible.detail  # still linked from noindex pages only
