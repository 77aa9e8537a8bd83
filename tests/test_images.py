"""The image pipeline: sizes, orientation, colour, modes, formats, metadata, watermark, cache, bad input."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageOps, ImageStat

from sitegen.images import process, worker
from sitegen.images.jobs import ImageJob, Settings
from sitegen.images.metadata import Description, Rights, exif_bytes, xmp_packet
from sitegen.images.watermark import WatermarkSpec, apply
from sitegen.images.worker import render_files

from .conftest import make_photo
from .imagetools import corner_colours, iptc_jpeg, matrix_profile, p3_to_srgb, quadrants

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
}
SETTINGS = Settings(widths=(32, 64), max_size=96, formats=("webp", "jpeg"), quality=(("webp", 90), ("jpeg", 95)))


def job_for(path: Path, **kw) -> ImageJob:
    with Image.open(path) as image:
        size = image.size
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    if orientation in (5, 6, 7, 8):
        size = (size[1], size[0])
    fields = dict(
        source=str(path),
        content_hash="x",
        orientation=orientation,
        source_size=size,
        settings=SETTINGS,
        output_stem="media/g/p",
    )
    return ImageJob(**(fields | kw))


def decoded(files: dict[str, bytes], name: str) -> Image.Image:
    image = Image.open(io.BytesIO(files[name]))
    image.load()
    return image


def built_images(site_dir: Path, pattern: str) -> list[Path]:
    return sorted((site_dir / "public" / "media").rglob(pattern))


# --- sizes ------------------------------------------------------------------------


def test_plan_sizes_never_upscale_and_cap_long_edge():
    sizes = process.plan_sizes(2560, 3840, [480, 800, 1200, 1600, 2048], 2048)
    assert [(s.width, s.height) for s in sizes] == [(1365, 2048), (1200, 1800), (800, 1200), (480, 720)]
    small = process.plan_sizes(512, 512, [480, 800, 1200], 2048)
    assert [s.width for s in small] == [512, 480]
    tiny = process.plan_sizes(300, 200, [480], 2048)
    assert [(s.width, s.height) for s in tiny] == [(300, 200)]


def test_draft_decodes_jpeg_at_reduced_scale(tmp_path):
    path = make_photo(tmp_path / "big.jpg", size=(2000, 1500))
    job = job_for(path, settings=Settings((100,), 400, ("jpeg",), (("jpeg", 80),)))
    image, _exif, _xmp = worker._decode(job)
    # 2000 px decoded for a 400 px derivative: the DCT scale of 1/4 gives 500 px, not 2000.
    assert image.size == (500, 375)


# --- orientation ----------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied_to_pixels(tmp_path, orientation):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    path = tmp_path / "o.png"
    quadrants((80, 40)).save(path, exif=exif)
    with Image.open(path) as source:
        expected = ImageOps.exif_transpose(source)
        expected_corners = corner_colours(expected)
        expected_size = expected.size
    files, _ = render_files(job_for(path, settings=Settings((), 96, ("jpeg",), (("jpeg", 95),))))
    out = decoded(files, f"{expected_size[0]}.jpg")
    assert out.size == expected_size
    assert corner_colours(out) == expected_corners
    assert ExifTags.Base.Orientation not in out.getexif()  # never re-declared


@pytest.mark.parametrize("bad", [0, 9, 300])
def test_invalid_orientation_is_ignored(tmp_path, bad):
    path = tmp_path / "o.jpg"
    quadrants((80, 40)).save(path, quality=95)
    files, _ = render_files(job_for(path, orientation=bad, settings=Settings((), 96, ("jpeg",), (("jpeg", 95),))))
    assert corner_colours(decoded(files, "80.jpg")) == corner_colours(quadrants((80, 40)))


# --- colour and modes ------------------------------------------------------------------


def test_wide_gamut_is_converted_to_srgb_and_tagged(tmp_path):
    colour = (180, 60, 60)
    path = tmp_path / "p3.png"
    Image.new("RGB", (40, 40), colour).save(path, icc_profile=matrix_profile())
    files, _ = render_files(job_for(path, settings=Settings((), 96, ("webp",), (("webp", 100),))))
    out = decoded(files, "40.webp")
    expected = p3_to_srgb(colour)
    assert all(abs(a - b) <= 3 for a, b in zip(out.getpixel((20, 20)), expected, strict=True)), expected
    profile = ImageCms.ImageCmsProfile(io.BytesIO(out.info["icc_profile"]))
    assert "sRGB" in ImageCms.getProfileDescription(profile)


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (40, 40), (0, 255, 255, 0)).save(path, quality=95)
    files, _ = render_files(job_for(path))
    r, g, b = decoded(files, "40.jpg").convert("RGB").getpixel((20, 20))
    assert r > 220 and g < 40 and b < 40


def test_16_bit_greyscale_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "grey16.png"
    Image.new("I;16", (40, 40), 32768).save(path)
    files, _ = render_files(job_for(path))
    value = decoded(files, "40.jpg").convert("L").getpixel((20, 20))
    assert 120 <= value <= 136  # half of 65535 is mid grey, not white


def test_alpha_is_flattened_on_white_for_jpeg_and_kept_for_webp(tmp_path):
    path = tmp_path / "alpha.png"
    Image.new("RGBA", (40, 40), (255, 0, 0, 0)).save(path)
    files, _ = render_files(job_for(path))
    assert decoded(files, "40.jpg").convert("RGB").getpixel((20, 20)) == (255, 255, 255)
    assert decoded(files, "40.webp").mode == "RGBA"


@pytest.mark.parametrize(
    ("mode", "value", "kw"),
    [("L", 100, {}), ("P", 3, {"transparency": 3}), ("LA", (100, 255), {}), ("1", 1, {})],
)
def test_other_modes_produce_derivatives(tmp_path, mode, value, kw):
    path = tmp_path / f"{mode}.png"
    Image.new(mode, (40, 30), value).save(path, **kw)
    files, meta = render_files(job_for(path))
    assert decoded(files, "40.jpg").size == (40, 30)
    assert meta.colour.startswith("#")


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", "png"), ("WEBP", "webp"), ("TIFF", "tif"), ("AVIF", "avif")])
def test_input_formats(tmp_path, fmt, suffix):
    path = tmp_path / f"in.{suffix}"
    quadrants((64, 48)).save(path, fmt)
    files, _ = render_files(job_for(path))
    assert corner_colours(decoded(files, "64.jpg")) == corner_colours(quadrants((64, 48)))


def test_heic_input(tmp_path):
    import pillow_heif  # in the test extras: a missing HEIC decoder must fail, not skip

    pillow_heif.register_heif_opener()
    path = tmp_path / "in.heic"
    quadrants((64, 48)).save(path, "HEIF", quality=95)
    files, _ = render_files(job_for(path))
    assert corner_colours(decoded(files, "64.jpg")) == corner_colours(quadrants((64, 48)))


def test_heic_without_extra_says_how_to_install(tmp_path, monkeypatch):
    from sitegen.images import formats

    monkeypatch.setattr(formats, "_heif_state", False)
    path = tmp_path / "x.HEIC"
    path.write_bytes(b"\0\0\0\x18ftypheic")
    with pytest.raises(formats.ImageReadError, match=r"pip install -e '\.\[heic\]' in the sitegen checkout"):
        formats.open_image(path)


# --- metadata -----------------------------------------------------------------------------

RIGHTS = Rights(
    creator="Jane Doe",
    notice="© 2026 Jane Doe. All rights reserved.",
    marked=True,
    credit="Jane Doe Photography",
    web_statement="https://example.com/licensing/",
    licensor_url="https://example.com/licensing/",
    data_mining="DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    other_constraints="No AI training.",
)


def xmp_fields(image: Image.Image) -> dict[str, str]:
    root = ET.fromstring(image.info["xmp"].decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    desc = root.find(".//rdf:Description", NS)
    assert desc is not None
    attr = lambda p, n: desc.get(f"{{{NS[p]}}}{n}")  # noqa: E731
    return {
        "creator": desc.findtext("dc:creator/rdf:Seq/rdf:li", namespaces=NS),
        "rights": desc.findtext("dc:rights/rdf:Alt/rdf:li", namespaces=NS),
        "marked": attr("xmpRights", "Marked"),
        "web": attr("xmpRights", "WebStatement"),
        "credit": attr("photoshop", "Credit"),
        "mining": attr("plus", "DataMining"),
        "constraints": desc.findtext("plus:OtherConstraints/rdf:Alt/rdf:li", namespaces=NS),
        "licensor": desc.findtext("plus:Licensor/rdf:Seq/rdf:li/plus:LicensorURL", namespaces=NS),
        "title": desc.findtext("dc:title/rdf:Alt/rdf:li", namespaces=NS),
    }


def exif_text(value: str) -> str:
    """EXIF text as exiftool shows it: the bytes are UTF-8 (Pillow decodes them as Latin-1)."""
    return value.encode("latin-1").decode("utf-8")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R5"
    exif[ExifTags.Base.Artist] = "Previous Owner"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.BodySerialNumber] = "SERIAL-123456"
    sub[ExifTags.Base.CameraOwnerName] = "Jane Private"
    sub[ExifTags.Base.FNumber] = 2.8
    return exif


@pytest.mark.parametrize("fmt", ["jpeg", "webp", "avif"])
def test_every_size_and_format_carries_rights_and_nothing_private(tmp_path, fmt):
    path = make_photo(tmp_path / "src.jpg", size=(120, 80), exif=gps_exif())
    settings = Settings((32, 64), 96, (fmt,), ((fmt, 80),))
    job = job_for(path, settings=settings, rights=RIGHTS, description=Description(title="Dusk"))
    files, _ = render_files(job)
    assert len(files) == 3
    for name in files:
        image = decoded(files, name)
        exif = image.getexif()
        assert exif_text(exif[ExifTags.Base.Artist]) == "Jane Doe"
        assert exif_text(exif[ExifTags.Base.Copyright]) == "© 2026 Jane Doe. All rights reserved."
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert ExifTags.Base.Make not in exif
        raw = files[name]
        for secret in (b"SERIAL-123456", b"Jane Private", b"Previous Owner"):
            assert secret not in raw
        fields = xmp_fields(image)
        assert fields == {
            "creator": "Jane Doe",
            "rights": "© 2026 Jane Doe. All rights reserved.",
            "marked": "True",
            "web": "https://example.com/licensing/",
            "credit": "Jane Doe Photography",
            "mining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
            "constraints": "No AI training.",
            "licensor": "https://example.com/licensing/",
            "title": "Dusk",
        }


def test_keep_camera_info_keeps_only_the_whitelist(tmp_path):
    path = make_photo(tmp_path / "src.jpg", size=(120, 80), exif=gps_exif())
    files, _ = render_files(job_for(path, rights=RIGHTS, keep_camera=True))
    image = decoded(files, "96.jpg")
    exif = image.getexif()
    assert exif[ExifTags.Base.Model] == "Canon EOS R5"
    assert float(exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.FNumber]) == 2.8
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"SERIAL-123456" not in files["96.jpg"] and b"Jane Private" not in files["96.jpg"]


def test_no_metadata_when_switched_off(tmp_path):
    path = make_photo(tmp_path / "src.jpg", size=(120, 80), exif=gps_exif())
    files, _ = render_files(job_for(path))
    image = decoded(files, "96.jpg")
    assert len(image.getexif()) == 0 and "xmp" not in image.info


def test_xmp_escapes_and_stays_under_the_jpeg_limit():
    packet = xmp_packet(RIGHTS, Description(title='<"&>', caption="x" * 70_000))
    assert packet is not None and len(packet) < 60_000
    assert b"&lt;&quot;&amp;&gt;" in packet or b'&lt;"&amp;&gt;' in packet
    assert exif_bytes(None, None) is None


def test_iptc_caption_and_keywords_are_read(site_dir, run_build):
    data = iptc_jpeg(
        Image.new("RGB", (64, 48), (10, 100, 200)),
        {(2, 5): b"Harbour at dawn", (2, 120): "Fishing boats, Ærø".encode(), (2, 25): [b"harbour", b"boats"]},
    )
    (site_dir / "content/g").mkdir(parents=True)
    (site_dir / "content/g/h.jpg").write_bytes(data)
    run_build()
    html = (site_dir / "public/g/h/index.html").read_text("utf-8")
    assert "Harbour at dawn" in html and "Fishing boats, Ærø" in html


# --- watermark -------------------------------------------------------------------------------

SPEC = WatermarkSpec("© 2026 Jane Doe", None, None, "bottom-right", 0.06, 0.03, 1.0, "auto")


def changed_box(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox()


@pytest.mark.parametrize(
    ("position", "region"),
    [("bottom-right", (0.5, 0.8, 1.0, 1.0)), ("top-left", (0.0, 0.0, 0.5, 0.2)), ("centre", (0.2, 0.35, 0.8, 0.65))],
)
def test_watermark_is_in_the_pixels_where_expected(position, region):
    photo = Image.new("RGB", (800, 600), (90, 120, 150))
    marked = apply(photo, WatermarkSpec(SPEC.text, None, None, position, 0.06, 0.03, 1.0, "auto"))
    box = changed_box(photo, marked)
    assert box is not None
    x0, y0, x1, y1 = region
    assert box[0] >= x0 * 800 and box[1] >= y0 * 600 and box[2] <= x1 * 800 and box[3] <= y1 * 600, box
    assert photo.getpixel((400, 300)) == (90, 120, 150)  # the input is not modified


def test_watermark_scales_with_the_image():
    small = apply(Image.new("RGB", (400, 300), (90, 90, 90)), SPEC)
    large = apply(Image.new("RGB", (1600, 1200), (90, 90, 90)), SPEC)
    small_box = changed_box(Image.new("RGB", (400, 300), (90, 90, 90)), small)
    large_box = changed_box(Image.new("RGB", (1600, 1200), (90, 90, 90)), large)
    small_h, large_h = small_box[3] - small_box[1], large_box[3] - large_box[1]
    assert 3.5 <= large_h / small_h <= 4.5


@pytest.mark.parametrize(("background", "darker"), [((250, 250, 250), True), ((10, 10, 10), False)])
def test_watermark_is_legible_on_light_and_dark(background, darker):
    photo = Image.new("RGB", (800, 600), background)
    marked = apply(photo, SPEC)
    box = changed_box(photo, marked)
    mean = ImageStat.Stat(marked.crop(box).convert("L")).mean[0]
    base = ImageStat.Stat(photo.crop(box).convert("L")).mean[0]
    assert (mean < base - 30) if darker else (mean > base + 30)


def test_tiled_watermark_covers_the_middle():
    photo = Image.new("RGB", (800, 600), (90, 120, 150))
    marked = apply(photo, WatermarkSpec(SPEC.text, None, None, "tiled", 0.05, 0.03, 1.0, "auto"))
    box = changed_box(photo, marked)
    assert box == (0, 0, 800, 600) or (box[0] < 100 and box[2] > 700 and box[1] < 100 and box[3] > 500)


def test_logo_watermark(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (40, 20), (255, 0, 0, 255)).save(logo)
    photo = Image.new("RGB", (800, 600), (0, 0, 255))
    marked = apply(photo, WatermarkSpec("", None, str(logo), "bottom-left", 0.06, 0.03, 1.0, "auto"))
    r, _g, b = marked.getpixel((int(800 * 0.03) + 5, 600 - int(600 * 0.03) - 5))
    assert r > 200 and b < 60  # the red logo is in the bottom-left corner


def test_views_are_marked_at_every_width_and_clean_copies_are_thumbnails(tmp_path):
    path = make_photo(tmp_path / "src.jpg", size=(1600, 1200), colour=(90, 90, 90))
    spec = WatermarkSpec("© Jane", None, None, "bottom-right", 0.06, 0.03, 1.0, "auto")
    settings = Settings((480, 1200), 1600, ("jpeg",), (("jpeg", 95),))
    plain, _ = render_files(job_for(path, settings=settings))
    marked, _ = render_files(job_for(path, settings=settings, watermark=spec, clean_widths=(480,)))
    assert set(marked) == {"480.jpg", "1200.jpg", "1600.jpg", "thumb-480.jpg"}
    assert plain["480.jpg"] == marked["thumb-480.jpg"]  # the thumbnail is clean
    for name in ("480.jpg", "1200.jpg", "1600.jpg"):  # every view is marked, the small one too
        box = changed_box(decoded(plain, name), decoded(marked, name))
        assert box is not None and box[0] > decoded(plain, name).width * 0.5


def test_watermark_end_to_end_with_gallery_override(site_dir, write, run_build):
    make_photo(site_dir / "content/a/one.jpg", size=(1400, 1000))
    make_photo(site_dir / "content/b/two.jpg", size=(1400, 1000))
    write("content/b/index.md", "---\nwatermark: false\n---\n")
    write("sitegen.toml", '[site]\nauthor = "Jane"\n[images]\nwidths = [480]\nformats = ["jpeg"]\n')
    run_build()
    (big_a,) = built_images(site_dir, "one-1400.*.jpg")
    (big_b,) = built_images(site_dir, "two-1400.*.jpg")
    (small_a,) = built_images(site_dir, "one-480.*.jpg")
    source = Image.open(site_dir / "content/a/one.jpg").convert("RGB")
    assert changed_box(source, Image.open(big_a)) is not None
    diff_b = ImageChops.difference(source, Image.open(big_b).convert("RGB"))
    assert max(ImageStat.Stat(diff_b).extrema[i][1] for i in range(3)) < 40  # only JPEG noise, no mark
    assert Image.open(small_a).size == (480, 343)


def test_missing_logo_is_a_config_error(site_dir, write, run_build):
    make_photo(site_dir / "content/a/one.jpg")
    write("sitegen.toml", '[watermark]\nlogo = "nope.png"\n')
    from sitegen.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[watermark\] logo: file not found"):
        run_build()


def test_bad_watermark_override_in_front_matter_is_a_warning(site_dir, write, run_build):
    make_photo(site_dir / "content/a/one.jpg")
    write("content/a/index.md", "---\nwatermark: {position: center}\n---\n")
    _, reporter = run_build()
    (warning,) = [w for w in reporter.warnings if "watermark" in w.message]
    assert "watermark.position" in warning.message and 'did you mean "centre"' in warning.message


# --- cache ---------------------------------------------------------------------------------------


def test_noop_rebuild_decodes_nothing_and_settings_redo_only_what_they_touch(site_dir, write, run_build, monkeypatch):
    make_photo(site_dir / "content/a/one.jpg", size=(1200, 800))
    make_photo(site_dir / "content/b/two.jpg", size=(1200, 800))
    run_build()

    def no_decode(job):
        raise AssertionError(f"decoded {job.source} on a no-op rebuild")

    monkeypatch.setattr(worker, "_decode", no_decode)
    report, _ = run_build()
    assert (report.images_processed, report.images_reused) == (0, 2)
    monkeypatch.undo()

    write("content/b/index.md", "---\nwatermark: {position: top-left}\n---\n")
    report, _ = run_build()
    assert (report.images_processed, report.images_reused) == (1, 1)


def test_cache_prunes_what_is_no_longer_used(site_dir, run_build):
    make_photo(site_dir / "content/a/one.jpg")
    make_photo(site_dir / "content/a/two.jpg", colour=(1, 2, 3))
    run_build()
    cache = next((site_dir / ".sitegen-cache").glob("images-v*"))
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 2
    (site_dir / "content/a/two.jpg").unlink()
    run_build()
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 1
    assert not built_images(site_dir, "two-*")


def test_same_photo_twice_is_processed_once(site_dir, run_build):
    make_photo(site_dir / "content/a/one.jpg")
    make_photo(site_dir / "content/b/one.jpg")
    report, _ = run_build()
    assert report.images_processed == 1 and report.photos == 2
    assert built_images(site_dir, "one-96.*.jpg")[0].name == built_images(site_dir, "one-96.*.jpg")[1].name


def test_progress_is_reported(site_dir):
    from sitegen.errors import Reporter
    from sitegen.pipeline.build import build

    for i in range(3):
        make_photo(site_dir / f"content/a/p{i}.jpg", colour=(i * 80, 50, 50))
    seen: list[tuple[int, int]] = []
    build(site_dir, overrides={"build.jobs": 2}, reporter=Reporter(), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (3, 3) and len(seen) == 3


# --- bad input ----------------------------------------------------------------------------------------


def test_truncated_and_bomb_and_broken_link_are_skipped(site_dir, write, run_build):
    good = make_photo(site_dir / "content/g/good.jpg", size=(400, 300))
    data = good.read_bytes()
    write("content/g/truncated.jpg", data[: len(data) // 2])
    make_photo(site_dir / "content/g/huge.png", size=(1500, 1000))
    (site_dir / "content/g/gone.jpg").symlink_to(site_dir / "nowhere.jpg")
    write("sitegen.toml", "[images]\nmax_pixels = 1_000_000\n")
    report, reporter = run_build()
    assert report.photos == 1
    lines = {p.path.name: p.message for p in reporter.warnings if "alt text" not in p.message}
    assert set(lines) == {"truncated.jpg", "huge.png", "gone.jpg"}, lines
    assert "truncated or corrupt" in lines["truncated.jpg"]
    assert "1,500,000 pixels" in lines["huge.png"] and "max_pixels" in lines["huge.png"]
    assert "broken symlink" in lines["gone.jpg"]


def test_animated_image_uses_first_frame_with_warning(site_dir, run_build):
    path = site_dir / "content/g/anim.webp"
    path.parent.mkdir(parents=True)
    frames = [Image.new("RGB", (64, 48), c) for c in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    report, reporter = run_build()
    assert report.photos == 1
    assert "only the first frame" in reporter.warnings[0].message
    (out,) = built_images(site_dir, "anim-64.*.jpg")
    r, _, b = Image.open(out).convert("RGB").getpixel((32, 24))
    assert r > 200 and b < 60
