"""axe-core in a Playwright page: ``violations(page)`` returns what axe finds on the page as it is now.

axe-core is the accessibility engine browsers' own tools use; the tests check pages with it
rather than with hand-written rules. It is never vendored: the pinned version is fetched once
with ``npm pack`` (the package registry) into a cache folder outside the repository
(``$SITEGEN_TEST_CACHE`` or ``~/.cache/sitegen-tests``) and injected into each page as an inline
script, so the built site itself never loads it. Without npm (or the network to the registry) the
tests that use it fail when ``CI`` or ``SITEGEN_REQUIRE_BROWSER`` is set, like the other
real-component tests, and are skipped elsewhere.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

AXE_VERSION = "4.10.3"
CACHE = Path(os.environ.get("SITEGEN_TEST_CACHE", Path.home() / ".cache" / "sitegen-tests"))

# Run every rule axe enables by default (WCAG 2.x A/AA and best practices); the JSON that comes back
# is trimmed to what a failure message needs.
_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


def _required() -> bool:
    return bool(os.environ.get("SITEGEN_REQUIRE_BROWSER")) or os.environ.get("CI", "").lower() in ("1", "true")


def _unavailable(message: str) -> None:
    if _required():
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def source() -> str:
    """The text of axe.min.js of :data:`AXE_VERSION`, fetched into the cache on first use."""
    cached = CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if not cached.is_file():
        _fetch(cached)
    return cached.read_text("utf-8")


def _fetch(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is missing: axe-core is fetched with `npm pack axe-core` (apt-get install npm)")
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    # Unpack beside the cache and rename into place: two test runs fetching at once never see half a file.
    with tempfile.TemporaryDirectory(dir=target.parent.parent) as work:
        done = subprocess.run(
            [str(npm), "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", work, "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=work,
        )
        if done.returncode != 0:
            _unavailable(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip().splitlines()[-1:]}")
        tarball = next(Path(work).glob("axe-core-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None, f"{tarball.name} has no package/axe.min.js"
            staged = Path(work) / "axe.min.js"
            staged.write_bytes(member.read())
        folder = Path(work) / "folder"
        folder.mkdir()
        staged.rename(folder / "axe.min.js")
        try:
            folder.rename(target.parent)
        except OSError:
            if not target.is_file():  # another run won the race: its copy is as good as this one
                raise


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` now: ``[{id, impact, help, nodes: [{target, summary}]}]``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source())
    result: list[dict[str, Any]] = page.evaluate(_RUN)
    return result
