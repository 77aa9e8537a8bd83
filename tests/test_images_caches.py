"""Caches of the image package are keyed on what decides their result (content), and a logo is bounded."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from sitegen.errors import ConfigError, Reporter
from sitegen.images import watermark
from sitegen.images.formats import set_pixel_limit
from sitegen.images.jobs import PIPELINE_VERSION
from sitegen.images.watermark import WatermarkSpec
from sitegen.pipeline.build import build

from .conftest import make_photo

FONTS = Path("/usr/share/fonts/truetype/dejavu")
WIDE, NARROW = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSansCondensed.ttf"


def logo_site(site: Path, colour: tuple[int, int, int]) -> None:
    make_photo(site / "content/g/one.jpg", size=(400, 300), colour=(128, 128, 128))
    Image.new("RGBA", (60, 60), (*colour, 255)).save(site / "logo.png")
    (site / "sitegen.toml").write_text(
        '[watermark]\nenabled = true\ntext = ""\nlogo = "logo.png"\nposition = "centre"\n'
        'size = 0.3\nopacity = 1.0\nmin_width = 1\n[images]\nformats = ["jpeg"]\n'
    )


def centre_of_largest(site: Path) -> tuple[int, int, int]:
    files = sorted((site / "public/media/g").glob("one-400.*.jpg"))
    assert len(files) == 1, files
    with Image.open(files[0]) as image:
        return image.convert("RGB").getpixel((200, 150))  # type: ignore[return-value]


def test_replacing_the_logo_in_place_changes_the_mark_in_the_same_process(site_dir):
    """Same path, new contents, same process (sitegen serve, one worker): the new logo's pixels."""
    logo_site(site_dir, (255, 0, 0))
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    r, g, b = centre_of_largest(site_dir)
    assert r > 200 and g < 60 and b < 60
    Image.new("RGBA", (60, 60), (0, 0, 255, 255)).save(site_dir / "logo.png")
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    r, g, b = centre_of_largest(site_dir)
    assert b > 200 and r < 60, (r, g, b)
    # And the cache entry written under the new logo's key holds the new pixels for a fresh build.
    shutil.rmtree(site_dir / "public")
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    assert centre_of_largest(site_dir)[2] > 200


def test_font_cache_follows_the_file_contents(tmp_path):
    font = tmp_path / "mark.ttf"
    shutil.copy(WIDE, font)
    wide = watermark._font(str(font), 40).getlength("Watermark")
    shutil.copy(NARROW, font)
    narrow = watermark._font(str(font), 40).getlength("Watermark")
    assert narrow < wide * 0.95
    assert narrow == ImageFont.truetype(str(NARROW), 40).getlength("Watermark")


def test_a_logo_replaced_by_a_broken_file_is_checked_again(site_dir):
    logo_site(site_dir, (255, 0, 0))
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    (site_dir / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    with pytest.raises(ConfigError, match=r"\[watermark\] logo: .*logo\.png: damaged PNG file"):
        build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())


def test_logo_above_max_pixels_is_a_config_error(site_dir):
    logo_site(site_dir, (255, 0, 0))
    Image.new("RGBA", (1500, 1000), (255, 0, 0, 255)).save(site_dir / "logo.png")
    with pytest.raises(ConfigError, match=r"logo: .*logo\.png: image is 1500x1000 = 1,500,000 pixels.*max_pixels"):
        build(site_dir, overrides={"build.jobs": 1, "images.max_pixels": 1_000_000}, reporter=Reporter())


def test_large_logo_is_reduced_once_when_loaded(tmp_path):
    set_pixel_limit(200_000_000)  # as a worker does (a global other tests lower)
    logo = tmp_path / "big.png"
    Image.new("RGBA", (6000, 3000), (0, 200, 0, 255)).save(logo)
    loaded = watermark._logo(str(logo))
    assert loaded.size == (watermark.LOGO_MAX_SIDE, watermark.LOGO_MAX_SIDE // 2)
    assert watermark._logo(str(logo)) is loaded  # the same reduced image for every photo
    photo = Image.new("RGB", (800, 600), (128, 128, 128))
    spec = WatermarkSpec("", None, str(logo), "centre", 0.2, 0.03, 1.0, "auto")
    assert watermark.apply(photo, spec).getpixel((400, 300))[1] > 180  # type: ignore[index]


def test_content_cache_is_bounded_and_keyed_by_digest():
    cache: watermark.ByContent[int] = watermark.ByContent(2)
    calls: list[str] = []
    for key in ("a", "b", "a", "c", "b"):
        cache.get((key,), lambda key=key: calls.append(key) or len(calls))
    assert calls == ["a", "b", "c", "b"] and len(cache.items) == 2


def test_probe_cache_sees_a_same_size_file_with_its_mtime_kept(tmp_path):
    """``cp -p`` of another photo of the same byte size over a source: size and mtime are unchanged."""
    from sitegen.images.probe import ProbeCache

    photo = make_photo(tmp_path / "content/p.tif", size=(64, 48), colour=(255, 0, 0))  # uncompressed
    other = make_photo(tmp_path / "other.tif", size=(64, 48), colour=(0, 0, 255))
    data = other.read_bytes()
    assert len(data) == photo.stat().st_size  # the same size, by construction of make_photo
    probes = ProbeCache(tmp_path / "cache")
    first = probes.get(photo).content_hash
    probes.save()
    st = photo.stat()
    photo.write_bytes(data)
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (photo.stat().st_size, photo.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    again = ProbeCache(tmp_path / "cache").get(photo).content_hash
    assert again != first and again == ProbeCache(None).get(other).content_hash


def test_cache_files_are_written_under_a_temporary_name_of_their_own(tmp_path):
    """`sitegen serve` and `sitegen build` share the cache: a fixed ``index.tmp`` let one rename the
    other's half-written file into place (and the other's rename then failed)."""
    from sitegen.images.batch import ImageCache
    from sitegen.images.probe import PROBE_VERSION, ProbeCache

    cache = tmp_path / "cache"
    images = ImageCache(cache)
    images.root.mkdir(parents=True)
    others = [images.index_file.with_suffix(".tmp"), cache / f"probe-v{PROBE_VERSION}.tmp"]
    for other in others:  # another process, half-way through writing its copy
        other.write_text('{"half', "utf-8")
    images.save(keep=[])
    probes = ProbeCache(cache)
    probes.get(make_photo(tmp_path / "content/p.jpg"))
    probes.save()
    for other in others:
        assert other.read_text("utf-8") == '{"half'  # left alone for its writer to finish
    assert images.index_file.read_text("utf-8") == "{}"
    assert [p.name for p in images.root.iterdir() if p.name.endswith(".tmp")] == ["index.tmp"]


def test_a_logo_that_is_a_named_pipe_is_a_config_error_not_a_hang(site_dir):
    logo_site(site_dir, (255, 0, 0))
    (site_dir / "logo.png").unlink()
    os.mkfifo(site_dir / "logo.png")  # opening it would wait forever for a writer
    with pytest.raises(ConfigError, match=r"logo: .*logo\.png: a named pipe, not a regular file"):
        build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())


def test_a_site_moved_to_another_folder_keeps_its_image_cache(tmp_path):
    """The watermark logo's path was part of every job key: a moved site (or one built in a
    temporary folder) re-encoded every marked photo, and its published names changed."""
    first = tmp_path / "a" / "site"
    first.mkdir(parents=True)
    logo_site(first, (255, 0, 0))
    build(first, overrides={"build.jobs": 1}, reporter=Reporter())
    moved = tmp_path / "b" / "elsewhere"
    moved.parent.mkdir()
    shutil.move(first, moved)
    shutil.rmtree(moved / "public")
    report = build(moved, overrides={"build.jobs": 1}, reporter=Reporter())
    assert report.images_processed == 0 and report.images_reused == 1


def test_a_logo_replaced_after_planning_is_not_cached_under_the_old_logos_key(tmp_path):
    """The job is keyed on the logo it was planned with; the worker reads the file again later.
    Drawing the new logo then cached its pixels under the old logo's key for every later build."""
    from sitegen.images import probe
    from sitegen.images.jobs import ImageJob, Settings
    from sitegen.images.worker import run_job

    photo = make_photo(tmp_path / "p.jpg", size=(400, 300), colour=(128, 128, 128))
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (60, 60), (255, 0, 0, 255)).save(logo)
    planned, _ = watermark.content(logo)
    info = probe.probe(photo)
    job = ImageJob(
        str(photo),
        info.content_hash,
        info.orientation,
        (info.width, info.height),
        Settings(widths=(400,), max_size=400, formats=("jpeg",), quality=(("jpeg", 80),)),
        "media/g/p",
        watermark=WatermarkSpec("", None, str(logo), "centre", 0.3, 0.0, 1.0, "auto"),
        file_hashes=(planned,),
    )
    Image.new("RGBA", (60, 60), (0, 0, 255, 255)).save(logo)  # replaced between planning and processing
    outcome = run_job(job, str(tmp_path / "cache"), 200_000_000)
    assert not (tmp_path / "cache" / job.key).exists()
    assert "logo.png changed while this build ran" in getattr(outcome, "reason", "")
    Image.new("RGBA", (60, 60), (255, 0, 0, 255)).save(logo)  # the planned contents again: processed
    assert not hasattr(run_job(job, str(tmp_path / "cache"), 200_000_000), "reason")


def test_a_damaged_index_entry_is_not_published(site_dir):
    """index.json is a shortcut to each entry's set.json; a damaged value must not reach the pages."""
    import json

    make_photo(site_dir / "content/g/one.jpg", size=(400, 300), colour=(200, 30, 30))
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    page = (site_dir / "public/g/index.html").read_text()
    (index_file,) = (site_dir / ".sitegen-cache").glob("images-v*/index.json")
    index = json.loads(index_file.read_text())
    for meta in index.values():
        meta["colour"] = '"><script>alert(1)</script>'
    index_file.write_text(json.dumps(index))
    shutil.rmtree(site_dir / "public")
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    assert (site_dir / "public/g/index.html").read_text() == page


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry["info"].update(width="wide"),  # crashed the layout with a TypeError
        lambda entry: entry["info"].update(taken="yesterday"),
        lambda entry: entry["info"].update(keywords="one, two"),
        lambda entry: entry["info"].pop("content_hash"),
        lambda entry: entry.update(info=None),
    ],
)
def test_a_damaged_probe_cache_entry_is_probed_again(site_dir, damage):
    import json

    make_photo(site_dir / "content/g/one.jpg", size=(400, 300), colour=(200, 30, 30))
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter())
    page = (site_dir / "public/g/one/index.html").read_text()
    (probes,) = (site_dir / ".sitegen-cache").glob("probe-v*.json")
    entries = json.loads(probes.read_text())
    for entry in entries.values():
        damage(entry)
    probes.write_text(json.dumps(entries))
    report = build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter(), force=True)
    assert report.images_processed == 0 and (site_dir / "public/g/one/index.html").read_text() == page


def test_probe_cache_on_whole_second_times_does_not_trust_a_photo_written_in_the_probes_tick(tmp_path, monkeypatch):
    """FAT and exFAT (memory cards, external drives) keep whole-second times and no change time
    or inode: a same-size rewrite within the second the photo was probed kept its stamp, and the
    old photo's hash went on keying the new photo's derivatives."""
    from sitegen.images.probe import ProbeCache

    def whole_seconds(st: os.stat_result) -> list[int]:
        return [st.st_size, st.st_mtime_ns // 1_000_000_000]

    monkeypatch.setattr(ProbeCache, "_stamp", staticmethod(whole_seconds))
    monkeypatch.setattr(ProbeCache, "_changed", staticmethod(lambda st: st.st_mtime_ns))  # no change time
    photo = make_photo(tmp_path / "content/p.tif", size=(64, 48), colour=(255, 0, 0))  # uncompressed
    other = make_photo(tmp_path / "other.tif", size=(64, 48), colour=(0, 0, 255))
    tick = time.time_ns() // 1_000_000_000 * 1_000_000_000  # this second, as the file system keeps it
    os.utime(photo, ns=(tick, tick))
    probes = ProbeCache(tmp_path / "cache")
    first = probes.get(photo).content_hash
    probes.save()
    photo.write_bytes(other.read_bytes())  # saved again by an editor, within the same second
    os.utime(photo, ns=(tick, tick))
    again = ProbeCache(tmp_path / "cache").get(photo).content_hash
    assert again != first and again == ProbeCache(None).get(other).content_hash
    # Once the photo is older than the coarsest tick, its probe is trusted: no hashing on every build.
    old = tick - 10_000_000_000
    os.utime(photo, ns=(old, old))
    settled = ProbeCache(tmp_path / "cache")
    settled.get(photo)
    settled.save()
    monkeypatch.setattr("sitegen.images.probe.probe", lambda path: pytest.fail("probed a settled photo again"))
    assert ProbeCache(tmp_path / "cache").get(photo).content_hash == again


def test_an_upgrade_retires_the_derivatives_of_earlier_pipeline_versions(site_dir):
    """A new pipeline version remakes every entry; the old version's copy of the archive must not stay behind."""
    make_photo(site_dir / "content" / "g" / "a.jpg")
    cache = site_dir / ".sitegen-cache"
    old = cache / f"images-v{PIPELINE_VERSION - 1}" / "0123abcd"
    old.mkdir(parents=True)
    (old / "480.jpg").write_bytes(b"old derivative")
    unrelated = cache / "images-vnext"  # not a version this sitegen knows: left alone
    unrelated.mkdir()
    build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter(root=site_dir))
    assert not old.parent.exists()
    assert unrelated.is_dir() and (cache / f"images-v{PIPELINE_VERSION}" / "index.json").is_file()
