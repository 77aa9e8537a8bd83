"""Image workers: bounded memory per worker and per batch, and no worker outlives its build."""

from __future__ import annotations

import io
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from sitegen.images import batch, process
from sitegen.images.batch import ImageCache
from sitegen.images.jobs import ImageJob, Settings

from .conftest import REPO, make_photo

SETTINGS = Settings(widths=(32,), max_size=64, formats=("jpeg",), quality=(("jpeg", 80),))


def transparent(size: tuple[int, int], mode: str = "RGBA") -> Image.Image:
    image = Image.effect_noise(size, 60).convert("RGB")
    alpha = Image.linear_gradient("L").resize(size)
    image = image.convert("RGBA")
    image.putalpha(alpha)
    return image.convert(mode)


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
@pytest.mark.parametrize("target", [(480, 320), (1000, 667), (64, 43)])
def test_shrink_in_strips_gives_pillows_own_pixels(mode, target):
    """Reducing a transparent source in strips (no full-size premultiplied copy) changes no pixel."""
    image = transparent((3001, 2003), mode)
    size = process.Size(*target)
    expected = process.resize(image, size)
    got = process.shrink(image, size, strip_pixels=50_000)  # many strips, a partial one at the end
    assert got.mode == expected.mode and got.size == expected.size
    assert ImageChops.difference(got, expected).getbbox() is None


def job_for(path: Path, size: tuple[int, int]) -> ImageJob:
    return ImageJob(str(path), path.name, 1, size, Settings((480,), 2048, ("jpeg",), (("jpeg", 80),)), "media/g/p")


def test_job_memory_follows_the_decoded_size():
    png = batch.job_memory(job_for(Path("scan.png"), (14000, 14000)))
    jpeg = batch.job_memory(job_for(Path("scan.jpg"), (14000, 14000)))
    assert png >= 14000 * 14000 * 4  # at least the decoded pixels
    assert jpeg < png / 8  # libjpeg decodes at 1/4 scale here (16x fewer pixels), still covering 2048 px


def small_jobs(folder: Path, count: int) -> list[ImageJob]:
    jobs = []
    for i in range(count):
        path = make_photo(folder / f"p{i}.png", size=(96, 64), colour=(30 * i, 90, 200))
        jobs.append(ImageJob(str(path), f"h{i}", 1, (96, 64), SETTINGS, f"media/g/p{i}"))
    return jobs


def test_memory_budget_limits_photos_at_once(tmp_path):
    jobs = small_jobs(tmp_path / "src", 4)
    roomy = batch.run_batch(jobs, ImageCache(tmp_path / "a"), 2, 10**8, budget=1 << 40)
    tight = batch.run_batch(jobs, ImageCache(tmp_path / "b"), 2, 10**8, budget=1)
    assert roomy.processed == tight.processed == 4 and not roomy.errors and not tight.errors
    assert roomy.most_at_once == 2
    assert tight.most_at_once == 1  # each job alone exceeds the budget: they run one at a time, all of them


def test_probe_of_a_png_reads_late_exif_without_decoding_pixels(tmp_path, monkeypatch):
    """Pillow's getexif() decodes a whole PNG to find an eXIf chunk after the pixels (784 MB for a
    196 MP scan, in the build's main process); the probe skips chunks instead."""
    from PIL import ExifTags, PngImagePlugin

    from sitegen.images import probe

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20)).save(buffer, "PNG", exif=exif)
    data = buffer.getvalue()
    start = data.index(b"eXIf") - 4
    end = start + 12 + struct.unpack(">I", data[start : start + 4])[0]
    chunk, rest = data[start:end], data[:start] + data[end:]
    iend = rest.index(b"IEND") - 4
    path = tmp_path / "late-exif.png"
    path.write_bytes(rest[:iend] + chunk + rest[iend:])

    def no_decoding(self: object) -> None:
        raise AssertionError("the probe decoded the pixels")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", no_decoding)
    info = probe.probe(path)
    assert (info.orientation, info.width, info.height) == (6, 20, 40)


# --- no orphans -------------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def _descendants(root: int) -> set[int]:
    table = _processes()
    tree = {root}
    while True:
        more = {pid for pid, (ppid, _) in table.items() if ppid in tree} - tree
        if not more:
            return tree - {root}
        tree |= more


def _running(pids: set[int]) -> set[int]:
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] not in ("Z", "X")}


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def test_workers_exit_when_the_build_is_killed(site_dir):
    """SIGKILL of `sitegen build` mid-way: its image workers go too (they used to live on, reparented)."""
    for i in range(12):  # a few seconds of work for two workers
        make_photo(site_dir / f"content/g/p{i}.jpg", size=(2400, 1600), colour=(20 * i, 90, 200))
    env = os.environ | {"PYTHONPATH": str(REPO)}
    build = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", str(site_dir), "-j", "2", "-q"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        workers = wait_for(lambda: _running(_descendants(build.pid)), 120, "image workers to start")
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        wait_for(lambda: not _running(workers) or None, 30, f"workers {sorted(workers)} to exit")
    finally:
        for pid in _running(_descendants(build.pid) | workers) | ({build.pid} if build.poll() is None else set()):
            os.kill(pid, signal.SIGKILL)  # only what this test started, by pid
