"""The previous output is deleted after the build has reported, never on the way to the new one.

Whatever moment a process dies at (after the swap, in the middle of deleting), the next build
finds the new output published, never restores the half-deleted previous one, and deletes what
is left of it; sitegen still deletes only folders its marker proves it created.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sitegen.errors import Reporter
from sitegen.output.folder import MARKER, _removing, read_marker, remove_retired
from sitegen.pipeline.build import build

from .conftest import REPO, make_photo


def leftovers(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.iterdir() if p.name.startswith(".public.sitegen-"))


def site(site_dir: Path) -> None:
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg", colour=(10, 200, 30))


def run(site_dir: Path, **kw):
    return build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter(root=site_dir), **kw)


def test_a_forced_build_returns_with_the_previous_output_set_aside_not_deleted(site_dir):
    site(site_dir)
    run(site_dir)
    before = (site_dir / "public" / MARKER).read_text("utf-8")
    report = run(site_dir, force=True, defer_removal=True)
    assert report.leftover is not None and report.leftover.parent == site_dir
    assert report.leftover.name.startswith(".public.sitegen-tmp-")  # never taken for one to restore
    assert (report.leftover / MARKER).read_text("utf-8") == before
    assert read_marker(site_dir / "public") == "complete"
    assert (site_dir / "public" / MARKER).read_text("utf-8") != before
    remove_retired(report.leftover)
    assert leftovers(site_dir) == []


def test_without_deferring_the_previous_output_is_gone_when_build_returns(site_dir):
    site(site_dir)
    run(site_dir)
    assert run(site_dir, force=True).leftover is None
    assert leftovers(site_dir) == []


def _in_child(site_dir: Path, code: str) -> None:
    """Run ``code`` in a process of its own that kills itself (SIGKILL: no cleanup of any kind)."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, str(site_dir)], env=env, capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()[-2000:]


BUILD_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from sitegen.pipeline.build import build
report = build(Path(sys.argv[1]), overrides={"build.jobs": 1}, force=True, defer_removal=True)
assert report.leftover is not None
os.kill(os.getpid(), signal.SIGKILL)
"""

DIE_WHILE_DELETING = """
import os, shutil, signal, sys
from pathlib import Path
from sitegen.output import folder
calls = []
def rmtree(path, *args, **kwargs):
    calls.append(path)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    real(path, *args, **kwargs)
real, shutil.rmtree = shutil.rmtree, rmtree
[leftover] = [p for p in Path(sys.argv[1]).iterdir() if p.name.startswith(".public.sitegen-tmp-")]
folder.remove_retired(leftover)
"""


def test_killed_between_the_swap_and_the_removal(site_dir):
    site(site_dir)
    run(site_dir)
    _in_child(site_dir, BUILD_THEN_DIE)
    published = (site_dir / "public" / MARKER).read_text("utf-8")
    assert len(leftovers(site_dir)) == 1
    report = run(site_dir)
    assert report.up_to_date  # the stamp of the killed build holds: its output is what is published
    assert (site_dir / "public" / MARKER).read_text("utf-8") == published
    run(site_dir, force=True)  # a build that writes cleans up what the killed one left
    assert leftovers(site_dir) == []


def test_killed_in_the_middle_of_deleting(site_dir):
    site(site_dir)
    run(site_dir)
    leftover = run(site_dir, force=True, defer_removal=True).leftover
    assert leftover is not None
    entries = len(list(leftover.iterdir()))
    published = (site_dir / "public" / MARKER).read_text("utf-8")
    _in_child(site_dir, DIE_WHILE_DELETING)
    [half] = leftovers(site_dir)
    assert read_marker(half) == "complete" and 1 < len(list(half.iterdir())) < entries  # half-deleted, marked
    os.rename(site_dir / "public", site_dir / "elsewhere")  # even with no output in place ...
    report = run(site_dir)
    assert not report.up_to_date and read_marker(site_dir / "public") == "complete"  # ... never restored
    assert (site_dir / "public/g/b/index.html").is_file()
    assert (site_dir / "public" / MARKER).read_text("utf-8") != published
    assert leftovers(site_dir) == []


def test_a_build_leaves_a_folder_being_deleted_to_its_remover(site_dir):
    site(site_dir)
    run(site_dir)
    leftover = run(site_dir, force=True, defer_removal=True).leftover
    assert leftover is not None
    with _removing(leftover) as claimed:
        assert claimed
        run(site_dir, force=True)
        assert leftover.is_dir()  # not deleted twice over, on this build's time
    assert [p for p in leftovers(site_dir) if p != leftover] == []
    remove_retired(leftover)
    assert leftovers(site_dir) == []


def test_the_command_deletes_the_previous_output_in_the_background(site_dir):
    site(site_dir)
    run(site_dir)
    env = os.environ | {"PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "sitegen", "build", str(site_dir), "-j", "1", "--force"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Built " in done.stdout
    deadline = time.monotonic() + 120
    while leftovers(site_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(site_dir) == []
    assert read_marker(site_dir / "public") == "complete"
