"""Errors of the machine (disk full, permissions, read-only, I/O) stop the build; only bad files are skipped."""

from __future__ import annotations

import errno

import pytest

from sitegen.errors import is_environment_error


@pytest.mark.parametrize(
    "code", [errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO, errno.EMFILE, errno.ENFILE]
)
def test_environment_errnos_are_recognised(code):
    assert is_environment_error(OSError(code, "x"))


@pytest.mark.parametrize(
    "exc",
    [
        OSError("image file is truncated"),  # Pillow's decode errors carry no errno
        OSError(errno.ENOENT, "gone"),
        OSError(errno.EINVAL, "bad"),
        ValueError("Decompressed data too large"),
        SyntaxError("not a PNG file"),
        MemoryError(),
    ],
)
def test_problems_of_one_file_are_not_the_environment(exc):
    assert not is_environment_error(exc)


# --- the build stops, naming the path, and the previous output stays ---------------------------------

import multiprocessing  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from sitegen.cli import cli  # noqa: E402
from sitegen.errors import EnvironmentFailure, Reporter  # noqa: E402
from sitegen.images import batch, formats, jobs, probe, worker  # noqa: E402
from sitegen.pipeline.build import build  # noqa: E402

from .conftest import make_photo  # noqa: E402


def published(site: Path) -> dict[str, bytes]:
    out = site / "public"
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def good_site(site: Path, count: int = 3) -> dict[str, bytes]:
    for i in range(count):
        make_photo(site / f"content/g/p{i}.jpg", size=(120, 80), colour=(40 * i, 100, 200))
    report = build(site, overrides={"build.jobs": 1}, reporter=Reporter())
    assert report.photos == count
    return published(site)


def forked_workers(monkeypatch) -> None:
    """Workers forked from this process, so they inherit the injected fault (other tests may leave
    threads running, and a threaded process would start its workers from a clean forkserver)."""
    monkeypatch.setattr(batch, "_worker_context", lambda: multiprocessing.get_context("fork"))


def fill_the_disk(monkeypatch, marker: str = "images-v") -> None:
    """ENOSPC on every write into the image cache (a fault injected where the worker writes)."""
    forked_workers(monkeypatch)
    real = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if marker in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("jobs", [1, 2])
def test_full_disk_in_image_cache_stops_the_build_and_keeps_the_site(site_dir, monkeypatch, jobs):
    before = good_site(site_dir)
    fill_the_disk(monkeypatch)  # forked workers inherit the fault
    with pytest.raises(EnvironmentFailure) as exc:
        build(site_dir, overrides={"build.jobs": jobs, "images.jpeg_quality": 60}, reporter=Reporter())
    message = str(exc.value)
    assert "No space left on device" in message and "images-v" in message and "\n" not in message
    assert published(site_dir) == before  # nothing was published, nothing lost


def test_full_disk_is_one_line_and_exit_1(site_dir, monkeypatch):
    make_photo(site_dir / "content/g/p0.jpg")
    fill_the_disk(monkeypatch)
    result = CliRunner().invoke(cli, ["build", str(site_dir), "-j", "1", "-q"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "No space left on device" in errors[0] and "Traceback" not in result.output


@pytest.mark.parametrize("code", [errno.EACCES, errno.EIO])
def test_unreadable_source_stops_the_build_instead_of_skipping_it(site_dir, monkeypatch, code):
    """Permission denied on a photo is the environment (decided in README: a chmod fixes it, and
    skipping would publish a site that silently lacks the photo); so is an I/O error."""
    before = good_site(site_dir)
    victim = site_dir / "content/g/p1.jpg"
    victim.touch()  # new stamp: probed again
    real = probe.file_hash

    def file_hash(path: Path) -> str:
        if path == victim:
            raise OSError(code, os.strerror(code), str(path))
        return real(path)

    monkeypatch.setattr(probe, "file_hash", file_hash)
    reason = rf"{os.strerror(code)} \({errno.errorcode[code]}\)"
    with pytest.raises(EnvironmentFailure, match=rf"^{victim}: cannot read: {reason}; the build stopped"):
        build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    assert published(site_dir) == before


def test_io_error_inside_the_decoder_is_the_environment(tmp_path, monkeypatch):
    photo = make_photo(tmp_path / "p.jpg")

    def failing_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(formats.Image, "open", failing_disk)
    with pytest.raises(EnvironmentFailure, match="Input/output error"):
        probe.probe(photo)


def test_a_killed_worker_stops_the_build(site_dir, monkeypatch):
    """An image worker killed by the system (the OOM killer) is not a bad photo: before, every photo
    still queued was skipped and the site published without them."""
    before = good_site(site_dir, 4)
    real = worker.render_files

    def render_files(job: jobs.ImageJob) -> tuple:
        if job.source.endswith("p2.jpg"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job)

    forked_workers(monkeypatch)
    monkeypatch.setattr(worker, "render_files", render_files)  # forked workers inherit it
    with pytest.raises(EnvironmentFailure, match=r"an image worker was killed") as info:
        build(site_dir, overrides={"build.jobs": 2, "images.jpeg_quality": 60}, reporter=Reporter())
    # The pool fails every photo in flight alike: the line names them all, the killer among them.
    assert "p2.jpg" in str(info.value) and "\n" not in str(info.value)
    assert published(site_dir) == before
