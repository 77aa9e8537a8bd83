"""Camera facts in plain words, camera file names that are no titles, captions that repeat the title
(issue 15 §5): the pure wording on real-world EXIF, then what a built photo page shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from sitegen.content.camera import (
    aperture,
    camera_name,
    exposure,
    facts,
    focal_length,
    is_camera_file_name,
    iso,
    lens_name,
)
from sitegen.content.model import same_words
from sitegen.images.probe import PROBE_VERSION, ProbeCache, probe

from .conftest import make_photo

# (EXIF Make, Model) as cameras write them -> the name people know. The first rows are read from
# Pillow's Tests/images (broken_exif_dpi.jpg, flower.jpg, xmp_test.jpg, ultrahdr.jpg, empty_gps_ifd.jpg,
# iptc.jpg, ifd_tag_type.tiff, sugarshack_bad_mpo_header.jpg); the others are the makers' usual strings.
CAMERAS = [
    ("NIKON CORPORATION", "NIKON D800", "Nikon D800"),
    ("Canon", "Canon PowerShot S40", "Canon PowerShot S40"),
    ("Canon", "Canon EOS Rebel T6", "Canon EOS Rebel T6"),
    ("Google", "Pixel 6", "Google Pixel 6"),
    ("Xiaomi", "Redmi Note 9S", "Xiaomi Redmi Note 9S"),
    ("Nokia", "N70-1", "Nokia N70-1"),
    ("FLIR", "Duo Pro R", "FLIR Duo Pro R"),
    ("Nintendo", "Nintendo 3DS", "Nintendo 3DS"),
    ("NIKON CORPORATION", "NIKON D4", "Nikon D4"),
    ("NIKON CORPORATION", "NIKON Z 6_2", "Nikon Z 6 II"),
    ("Canon", "Canon Canon EOS R5", "Canon EOS R5"),
    ("SONY", "ILCE-7M3", "Sony ILCE-7M3"),
    ("FUJIFILM", "X-T3", "Fujifilm X-T3"),
    ("OLYMPUS IMAGING CORP.", "E-M5", "Olympus E-M5"),
    ("OLYMPUS CORPORATION", "E-M1MarkII", "Olympus E-M1MarkII"),
    ("OM Digital Solutions", "OM-1", "OM System OM-1"),
    ("RICOH IMAGING COMPANY, LTD.", "PENTAX K-1", "Pentax K-1"),
    ("PENTAX Corporation", "PENTAX K10D", "Pentax K10D"),
    ("Panasonic", "DMC-GH4", "Panasonic DMC-GH4"),
    ("LEICA CAMERA AG", "LEICA Q2", "Leica Q2"),
    ("Apple", "iPhone 12 Pro", "Apple iPhone 12 Pro"),
    ("samsung", "SM-G991B", "Samsung SM-G991B"),
    ("DJI", "FC3170", "DJI FC3170"),
    ("GoPro", "HERO10 Black", "GoPro HERO10 Black"),
    ("EASTMAN KODAK COMPANY", "KODAK EASYSHARE Z981", "Kodak EASYSHARE Z981"),
    ("HUAWEI", "ELE-L29", "Huawei ELE-L29"),
    (None, "Some Camera", "Some Camera"),
    ("NIKON", None, "Nikon"),
]


@pytest.mark.parametrize(("make", "model", "shown"), CAMERAS)
def test_camera_names_read_as_people_say_them(make, model, shown):
    assert camera_name(make, model) == shown


LENSES = [
    ("70.0-200.0 mm f/2.8", "NIKON CORPORATION", "70–200 mm f/2.8"),
    ("18.0-55.0 mm f/3.5-5.6", "NIKON CORPORATION", "18–55 mm f/3.5–5.6"),
    ("EF-S18-55mm f/3.5-5.6 III", "Canon", "EF-S18–55 mm f/3.5–5.6 III"),  # Pillow's xmp_test.jpg
    ("Pixel 6 back camera 6.81mm f/1.85", "Google", "Pixel 6 back camera 6.81 mm f/1.85"),  # ultrahdr.jpg
    ("EF70-200mm f/2.8L IS II USM", "Canon", "EF70–200 mm f/2.8L IS II USM"),
    ("FE 24-70mm F2.8 GM", "SONY", "FE 24–70 mm F2.8 GM"),
    ("OLYMPUS M.12-40mm F2.8", "OLYMPUS CORPORATION", "Olympus M.12–40 mm F2.8"),
    ("35.0 mm f/1.4", "NIKON CORPORATION", "35 mm f/1.4"),
    ("0.0 mm f/0.0", "NIKON CORPORATION", ""),  # a manual lens the camera could not name
    ("----", "Canon", ""),
]


@pytest.mark.parametrize(("lens", "make", "shown"), LENSES)
def test_lens_names_lose_the_zeros_and_get_an_en_dash(lens, make, shown):
    assert lens_name(lens, make) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1/250", "1/250 s"),
        ("10/2500", "1/250 s"),
        ("1849/250000", "1/135 s"),  # Pillow's iptc.jpg (a Nokia N70)
        ("1/2", "1/2 s"),
        ("5/10", "1/2 s"),
        ("3/10", "1/3 s"),
        ("4/10", "1/2.5 s"),
        ("8/10", "0.8 s"),
        ("2", "2 s"),
        ("13/10", "1.3 s"),
        ("30", "30 s"),
        ("4294967295", ""),  # Pillow's exif_gps.jpg: a -1 written unsigned, no exposure at all
        ("0", ""),
        ("nonsense", ""),
    ],
)
def test_exposure_reads_as_on_the_camera(raw, shown):
    assert exposure(raw) == shown


def test_numbers_read_as_on_the_camera():
    assert [aperture(v) for v in ("28/10", "2.80", "8", "49/10", "179/100", "0")] == [
        "f/2.8",
        "f/2.8",
        "f/8",
        "f/4.9",
        "f/1.8",
        "",
    ]
    assert [focal_length(v) for v in ("35", "35.0", "200", "341/16", "237/50", "-1")] == [
        "35 mm",
        "35 mm",
        "200 mm",
        "21 mm",
        "4.7 mm",
        "",
    ]
    assert [iso(v) for v in ("400", "25600", "0", "x")] == ["ISO 400", "ISO 25600", "", ""]


def test_facts_are_bounded_clean_untrusted_text():
    raw = {
        "make": "NIKON\x00 CORPORATION\x9b",
        "model": "NIKON D4",
        "lens": "L" * 500,  # a note, not a lens: left out rather than shown cut
        "exposure": "1/250",
    }
    shown = facts(raw)
    assert shown == {"camera": "Nikon D4", "exposure": "1/250 s"}
    assert all(type(v).__name__ == "Untrusted" for v in shown.values())
    assert str(shown["camera"].__html__()) == "Nikon D4"
    assert facts({"model": "<script>x</script>"})["camera"].__html__() == "&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.parametrize(
    "name",
    [
        "DSC_0001",
        "DSC 0001",
        "_DSC1234",
        "DSC01234",
        "DSCN0001 copy",
        "IMG_1234",
        "IMG_1234-2",
        "IMG_E1234",
        "_MG_1234",
        "DSCF1234",
        "P1010001",
        "GOPR0001",
        "PXL_20240101_123456789",
        "PXL_20240101_123456789.MP",
        "IMG_20240101_123456",
        "20240101_123456",
    ],
)
def test_camera_file_names_are_recognised(name):
    assert is_camera_file_name(name)


@pytest.mark.parametrize("name", ["Pier at dusk", "P1000 review", "Img 2024 Iceland", "Iceland 2024", "1234", "R2D2"])
def test_titles_are_not_mistaken_for_file_names(name):
    assert not is_camera_file_name(name)


def test_same_words_ignores_case_spacing_and_punctuation():
    assert same_words("Sunset by the pier.", "sunset  by the PIER")
    assert same_words("Pier — at dusk!", "pier at dusk")
    assert not same_words("Sunset by the pier", "Sunset by the old pier")


def nikon_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "NIKON CORPORATION"
    exif[0x0110] = "NIKON D4"
    sub = exif.get_ifd(0x8769)
    sub[0xA434] = "70.0-200.0 mm f/2.8"  # LensModel
    sub[0x920A] = 200.0  # FocalLength
    sub[0x829D] = 2.8  # FNumber
    sub[0x829A] = 0.004  # ExposureTime
    sub[0x8827] = 400  # ISO
    return exif


def test_the_probe_keeps_raw_values_and_a_stale_cache_is_not_trusted(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", exif=nikon_exif())
    info = probe(photo)
    assert info.camera["make"] == "NIKON CORPORATION" and info.camera["model"] == "NIKON D4"
    assert info.camera["exposure"] == "1/250" and info.camera["aperture"] == "14/5"
    # The cache of the previous version held worded facts ("NIKON D4", "f/2.8"); its file is another name.
    assert PROBE_VERSION == 4  # 3: raw camera facts; 4: keyword paths
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "probe-v3.json").write_text(json.dumps({"stale": True}))
    cache = ProbeCache(cache_dir)
    assert cache.file is not None and cache.file.name == "probe-v4.json"
    assert cache.get(photo).camera == info.camera


def page(site_dir: Path, path: str) -> str:
    return (site_dir / "public" / path / "index.html").read_text("utf-8")


def test_photo_pages_word_camera_facts_and_a_gallery_can_hide_them(site_dir, write, run_build):
    make_photo(site_dir / "content/shown/pier.jpg", exif=nikon_exif())
    make_photo(site_dir / "content/hidden/sub/jetty.jpg", exif=nikon_exif())
    write("content/hidden/index.md", "---\ncamera: false\n---\n")  # and so for its sub-gallery
    run_build(theme_options__show_camera_info=True)
    html = page(site_dir, "shown/pier")
    assert "<dt>Camera</dt><dd>Nikon D4</dd>" in html
    assert "<dt>Lens</dt><dd>70–200 mm f/2.8</dd>" in html
    assert "<dd>200 mm · f/2.8 · 1/250 s · ISO 400</dd>" in html
    assert "NIKON" not in html and "70.0" not in html
    hidden = page(site_dir, "hidden/sub/jetty")
    assert "<dt>Camera</dt>" not in hidden and "Nikon" not in hidden and "1/250 s" not in hidden
    run_build(theme_options__show_camera_info=False)
    assert "<dt>Camera</dt>" not in page(site_dir, "shown/pier")  # the site-wide switch still rules


def test_camera_file_names_are_no_titles_and_alt_stays_meaningful(site_dir, write, run_build):
    make_photo(site_dir / "content/harbour/DSC_0001.jpg")
    make_photo(site_dir / "content/harbour/IMG_1234.jpg")
    make_photo(site_dir / "content/harbour/boats-at-dawn.jpg")
    write("content/harbour/index.md", "---\ntitle: Harbour\n---\n")
    write("content/harbour/IMG_1234.md", "---\nalt: Two fishing boats moored side by side.\n---\n")
    run_build()
    first = page(site_dir, "harbour/boats-at-dawn")
    assert "<h1>Boats at dawn</h1>" in first  # a real file name still makes a title
    untitled = page(site_dir, "harbour/dsc-0001")
    assert "<h1>Harbour, photo 2</h1>" in untitled and "DSC" not in untitled
    assert 'alt="Harbour, photo 2"' in untitled  # no alt text: the stand-in title, never "DSC 0001"
    assert "<title>Harbour, photo 2 · Harbour" in untitled
    third = page(site_dir, "harbour/img-1234")
    assert "<h1>Harbour, photo 3</h1>" in third and 'alt="Two fishing boats moored side by side."' in third
    grid = page(site_dir, "harbour")
    assert 'data-title="Harbour, photo 2"' in grid and "DSC 0001" not in grid and "IMG 1234" not in grid


def test_an_explicit_title_is_kept_even_when_it_looks_like_a_file_name(site_dir, write, run_build):
    make_photo(site_dir / "content/g/DSC_0001.jpg")
    write("content/g/DSC_0001.md", "---\ntitle: DSC_0001\n---\n")  # the photographer's own choice
    run_build()
    assert "<h1>DSC_0001</h1>" in page(site_dir, "g/dsc-0001")


def test_a_caption_that_repeats_the_title_is_printed_once(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg")
    write("content/g/a.md", "---\ntitle: Sunset by the pier\n---\nSunset by the pier.\n")
    write("content/g/b.md", "---\ntitle: Sunset by the pier\n---\nSunset by the old pier.\n")
    run_build()
    once = page(site_dir, "g/a")
    assert '<div class="caption' not in once
    assert re.search(r'<div class="caption prose"><p>Sunset by the old pier\.</p>', page(site_dir, "g/b"))


def test_a_stand_in_title_is_never_embedded_in_the_published_files(site_dir, write, run_build):
    # "Harbour, photo 2" is for the page: in the file it would be a made-up title that changes (and
    # makes every derivative be written again) whenever a photo is added before it.
    make_photo(site_dir / "content/harbour/DSC_0001.jpg", (400, 300))
    make_photo(site_dir / "content/harbour/boats-at-dawn.jpg", (400, 300))
    write("content/harbour/index.md", "---\ntitle: Harbour\n---\n")
    write("sitegen.toml", "[metadata]\nembed_captions = true\n")
    run_build()
    titles = {}
    for file in (site_dir / "public").rglob("*.jpg"):
        with Image.open(file) as image:
            xmp = image.info.get("xmp", b"")
        xmp = xmp.decode() if isinstance(xmp, bytes) else xmp
        titles[file.name] = re.findall(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
    assert any(t == ["Boats at dawn"] for t in titles.values())
    assert all(t in ([], ["Boats at dawn"]) for t in titles.values()), titles
    assert sum(t == [] for t in titles.values()) >= 1
