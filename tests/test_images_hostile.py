"""Hostile image files: every per-file failure is one line naming the photo, and the rest of the site builds.

The corpus is partly generated here (the cases of issue 10) and partly Pillow's own
regression files in tests/data/hostile/ (see its CREDITS: Pillow's HPND licence).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from sitegen.errors import ConfigError
from sitegen.images import formats, jobs, probe, worker
from sitegen.images.formats import ImageReadError
from sitegen.images.jobs import ImageJob, Settings

from .conftest import make_photo

HOSTILE = Path(__file__).parent / "data" / "hostile"
SETTINGS = Settings(widths=(32,), max_size=64, formats=("jpeg",), quality=(("jpeg", 80),))


def png_text_bomb(path: Path) -> Path:
    """A valid PNG with a zTXt chunk that inflates past PngImagePlugin.MAX_TEXT_CHUNK (a ValueError in Pillow)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(buffer, "PNG")
    data = buffer.getvalue()
    payload = b"Comment\0\0" + zlib.compress(b"a" * (PngImagePlugin.MAX_TEXT_CHUNK + 4096), 9)
    chunk = struct.pack(">I", len(payload)) + b"zTXt" + payload + struct.pack(">I", zlib.crc32(b"zTXt" + payload))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:33] + chunk + data[33:])  # after the signature and IHDR
    return path


def jpeg_with_broken_exif(path: Path) -> Path:
    """A fine JPEG whose EXIF block is cut short: Pillow warns (UserWarning) and reads the pixels."""
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "x" * 300
    exif[ExifTags.Base.Make] = "Canon" * 20
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (96, 64), (200, 120, 40)).save(path, "JPEG", exif=exif.tobytes()[:-250])
    return path


def damaged_heic(path: Path) -> Path:
    """The first bytes of a real HEIC file (its ftyp box), then garbage."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heicmiaf" + bytes(range(256)) * 4)
    return path


def job(path: Path, info: probe.SourceInfo) -> ImageJob:
    return ImageJob(str(path), info.content_hash, info.orientation, (info.width, info.height), SETTINGS, "media/g/p")


def verdict(path: Path, cache: Path) -> str:
    """ "ok", or the one-line reason the photo is skipped; anything else escaping fails the test."""
    try:
        info = probe.probe(path)
    except ImageReadError as exc:
        return f"skipped: {exc}"
    outcome = worker.run_job(job(path, info), str(cache), 200_000_000)
    return f"skipped: {outcome.reason}" if isinstance(outcome, jobs.JobFailed) else "ok"


# --- one mechanism for every exception class ---------------------------------------------------------

RAISED = [
    ValueError("Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK"),
    SyntaxError("broken PNG file"),
    struct.error("unpack requires a buffer of 4 bytes"),
    EOFError("no more images"),
    IndexError("tuple index out of range"),
    TypeError("Missing dimensions"),
    KeyError("Orientation"),
    MemoryError(),
    Image.DecompressionBombError("Image size (1 pixels) exceeds limit"),
    OSError("image file is truncated (3 bytes not processed)"),
    RecursionError("maximum recursion depth exceeded"),
]


@pytest.mark.parametrize("exc", RAISED, ids=lambda e: type(e).__name__)
def test_every_decoder_exception_is_one_files_problem_at_every_stage(tmp_path, monkeypatch, exc):
    """Probe, worker and watermark-logo check share formats.reading: none of them lets one escape."""
    photo = make_photo(tmp_path / "p.png")
    info = probe.probe(photo)

    def explode(*args: object, **kwargs: object) -> Image.Image:
        raise exc

    monkeypatch.setattr(formats.Image, "open", explode)
    with pytest.raises(ImageReadError) as probed:
        probe.probe(photo)
    with pytest.raises(ImageReadError) as decoded:
        worker.render_files(job(photo, info))
    assert "\n" not in str(probed.value) and str(probed.value) == str(decoded.value)
    assert isinstance(worker.run_job(job(photo, info), str(tmp_path / "cache"), 200_000_000), jobs.JobFailed)
    from sitegen.pipeline import imagejobs as plan

    with pytest.raises(ConfigError, match=r"\[watermark\] logo: .*p\.png: "):
        plan._check_logo(photo, "digest-" + type(exc).__name__, photo.read_bytes(), 200_000_000)


# --- the generated cases of issue 10 ------------------------------------------------------------------


def test_png_text_bomb_is_skipped_not_fatal(tmp_path):
    bomb = png_text_bomb(tmp_path / "bomb.png")
    with pytest.raises(ValueError):  # what Pillow does with it, and what used to kill the build
        Image.open(bomb)
    assert verdict(bomb, tmp_path / "cache") == (
        "skipped: cannot decode image (ValueError: Decompressed data too large for "
        "PngImagePlugin.MAX_TEXT_CHUNK); the file may be truncated or corrupt"
    )


def test_build_with_hostile_files_publishes_the_rest(site_dir, write, run_build):
    make_photo(site_dir / "content/g/good.jpg", size=(120, 80))
    png_text_bomb(site_dir / "content/g/bomb.png")
    damaged_heic(site_dir / "content/g/damaged.heic")
    make_photo(site_dir / "content/g/misnamed.jpg", fmt="PNG")
    for name in ("crash-2020-10-test.tif", "crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif", "broken.png"):
        write(f"content/g/{name}", (HOSTILE / name).read_bytes())
    report, reporter = run_build()
    lines = {p.path.name: p.message for p in reporter.warnings if "alt text" not in p.message}
    assert report.photos == 2, lines  # good.jpg and misnamed.jpg (PNG content under .jpg is read as PNG)
    assert set(lines) == {
        "bomb.png",
        "damaged.heic",
        "crash-2020-10-test.tif",
        "crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif",
        "broken.png",
    }, lines
    assert "MAX_TEXT_CHUNK" in lines["bomb.png"]
    assert "damaged HEIC file" in lines["damaged.heic"] and "does not match" not in lines["damaged.heic"]
    assert "Missing dimensions" in lines["crash-2020-10-test.tif"]
    assert lines["broken.png"].startswith("skipped: damaged PNG file")
    assert all("\n" not in line for line in lines.values())


def test_unreadable_file_says_whether_it_is_damaged_or_misnamed(tmp_path):
    """A file that starts like its extension's format is damaged; one that starts like another is misnamed."""
    cases = {
        "damaged.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "misnamed.jpg": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "notes.jpg": b"not a photo at all\n",
    }
    reasons = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ImageReadError) as exc:
            formats.open_image(tmp_path / name)
        reasons[name] = str(exc.value)
    assert reasons["damaged.png"].startswith("damaged PNG file")
    assert reasons["misnamed.jpg"] == (
        "the .jpg name does not match the contents (it starts like a PNG file) and it cannot be read"
    )
    assert reasons["notes.jpg"] == "not a readable image (the .jpg file is damaged or not an image)"


def test_library_warnings_become_one_line_naming_the_photo(site_dir, run_build, recwarn):
    jpeg_with_broken_exif(site_dir / "content/g/broken-exif.jpg")
    report, reporter = run_build()
    assert report.photos == 1
    notes = [p for p in reporter.warnings if "damaged data" in p.message]
    assert len(notes) == 1 and notes[0].path.name == "broken-exif.jpg"
    assert "Tag data larger than file" in notes[0].message
    assert not [w for w in recwarn if "PIL" in w.filename or "Tag data" in str(w.message)]  # nothing printed raw
    # The probe cache remembers the note, so a rebuild with a cold image cache still says it.
    report, reporter = run_build(build__jobs=1, images__jpeg_quality=70)
    assert [p.path.name for p in reporter.warnings if "damaged data" in p.message] == ["broken-exif.jpg"]


# --- Pillow's own hostile files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir() if p.name != "CREDITS"))
def test_pillow_regression_files_never_escape(tmp_path, name, recwarn):
    result = verdict(HOSTILE / name, tmp_path / "cache")
    assert result == "ok" or (result.startswith("skipped: ") and "\n" not in result)
    assert not [w for w in recwarn if w.category is not ResourceWarning]


def test_pillow_fuzz_files_that_crashed_the_probe_are_skipped(tmp_path):
    """These raised TypeError out of the probe at 7d8e2d5: a traceback, nothing built."""
    for name in ("crash-2020-10-test.tif", "crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif"):
        assert verdict(HOSTILE / name, tmp_path / "cache").startswith("skipped: cannot decode image (TypeError")
