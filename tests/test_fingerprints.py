"""Fingerprints: the ISCC image code to the standard, in the published files and pages, a private index
beside the output, and ``sitegen find-copies`` naming the photo a copy was taken from."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from sitegen.cli import cli
from sitegen.images import fingerprint as fp
from sitegen.pipeline.fingerprints import INDEX_NAME, from_json

from .conftest import EXAMPLE
from .copysets import FOUND_PROBABLY, FOUND_SAME, unrelated
from .headers_server import running

VECTORS = json.loads((Path(__file__).parent / "data/iscc_image_vectors.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(VECTORS["vectors"]))
def test_image_code_matches_the_iscc_conformance_vectors(name):
    vector = VECTORS["vectors"][name]
    assert fp.iscc_code(fp.soft_hash(vector["pixels"], vector["bits"]), vector["bits"]) == vector["iscc"]


def test_the_reduced_computation_stays_within_two_bits_of_the_reference():
    """The worker reduces large pictures before hashing (ten times cheaper); the code barely moves."""
    image = Image.open(EXAMPLE / "content/water/pier-at-dusk.jpg").convert("RGB")
    image.thumbnail((2048, 2048))
    reference = fp.soft_hash(list(image.convert("L").resize((32, 32), Image.Resampling.BICUBIC).tobytes()))
    assert fp.hamming(reference, fp.fingerprint(image).whole) <= 2


def test_an_iscc_code_round_trips_and_rejects_other_codes():
    body = 0x8F3A_0000_1234_FFFF
    code = fp.iscc_code(body)
    assert code.startswith("ISCC:EEA") and fp.parse_iscc(code) == body
    for bad in ("ISCC:AAAZXZ6OU74YAZIM", "ISCC:EEA", "not a code", "ISCC:EEBYAAAAAAAAAAAAAAAAAAAAAAAAA"):
        with pytest.raises(ValueError):
            fp.parse_iscc(bad)


def test_a_flat_picture_has_no_made_up_bits():
    """Only the DC coefficient is above the median; float noise in the others must not become bits."""
    assert fp.soft_hash([255] * 1024, 128) == 1 << 127 and fp.soft_hash([7] * 1024) == 1 << 63


# --- in the build ----------------------------------------------------------------------------------


def _photo_pages(public: Path) -> dict[str, str]:
    out = {}
    for page in public.rglob("index.html"):
        found = re.search(r'"identifier":"(ISCC:[A-Z2-7]+)"', page.read_text("utf-8"))
        if found:
            out[page.parent.relative_to(public).as_posix()] = found.group(1)
    return out


def test_every_photo_carries_its_iscc_in_xmp_and_json_ld_and_the_index_lies_beside_the_output(example_build):
    public = example_build[0]
    index = from_json((public.parent / INDEX_NAME).read_text("utf-8"))
    assert len(index) == example_build[1].photos == 14  # with the unlisted client gallery's two (issue 15)
    assert not list(public.rglob(INDEX_NAME)), "the index is private: never inside the output"
    pages = _photo_pages(public)
    assert len(pages) == 14
    for entry in index:
        slug = entry.page.split("://", 1)[-1].split("/", 1)[1].strip("/")
        assert pages[slug] == entry.fingerprint.iscc
        assert entry.source.startswith("content/") and (public.parent / entry.source).is_file()
        assert len(entry.fingerprint.windows) == 8
        # every published file of the photo names the same code in its XMP (dc:identifier)
        stem = entry.file.rsplit("-", 1)[0]
        files = [p for p in public.glob(stem + "-*") if p.suffix in (".jpg", ".webp", ".avif")]
        assert files
        for file in files:
            assert f"<dc:identifier>{entry.fingerprint.iscc}</dc:identifier>".encode() in file.read_bytes(), file
    for text in (p.read_text("utf-8", "replace") for p in public.rglob("*") if p.suffix in (".html", ".json", ".xml")):
        assert "content/water/pier-at-dusk.jpg" not in text, "source paths stay in the private index"


def test_switched_off_no_identifier_and_no_index(site_dir, write, run_build):
    write("sitegen.toml", '[site]\ntitle = "T"\n[protect]\nfingerprints = false\n')
    (site_dir / "content/g").mkdir()
    shutil.copy(EXAMPLE / "content/portraits/astronaut-eileen-collins.png", site_dir / "content/g/a.png")
    run_build()
    assert not (site_dir / INDEX_NAME).exists()
    published = [p for p in (site_dir / "public").rglob("*") if p.suffix in (".jpg", ".webp", ".html")]
    assert any(p.suffix == ".webp" for p in published) and not any(b"ISCC:" in p.read_bytes() for p in published)
    # Switched off, the workers do not fingerprint at all (about 10 ms of CPU a photo saved).
    (entry,) = (site_dir / ".sitegen-cache").glob("images-v*/*/set.json")
    assert set(json.loads(entry.read_text("utf-8"))) == {"colour", "lqip"}


def test_a_foreign_file_of_the_index_name_is_left_alone(site_dir, write, run_build):
    write("sitegen.toml", '[site]\ntitle = "T"\n')
    shutil.copy(EXAMPLE / "content/portraits/astronaut-eileen-collins.png", site_dir / "content/a.png")
    mine = write(INDEX_NAME, '{"my": "notes"}')
    _report, reporter = run_build()
    assert mine.read_text() == '{"my": "notes"}'
    assert any(INDEX_NAME in p.message and "not written" in p.message for p in reporter.warnings)


# --- find-copies ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def copies(example_build, tmp_path_factory):
    """Copies of three published photos made every way FOUND_SAME/FOUND_PROBABLY lists, plus unrelated pictures."""
    public = example_build[0]
    index = from_json((public.parent / INDEX_NAME).read_text("utf-8"))
    folder = tmp_path_factory.mktemp("copies")
    expected = {}
    for n, entry in enumerate(index[:3]):
        image = Image.open(public / entry.file)
        image.load()
        for kind, make in {**FOUND_SAME, **FOUND_PROBABLY}.items():
            name = f"{n}-{re.sub(r'[^a-z0-9]+', '-', kind.lower())}.png"
            make(image).save(folder / name)
            expected[name] = (entry.page, kind in FOUND_SAME)
    for n, image in enumerate(unrelated(12)):
        image.save(folder / f"unrelated-{n}.jpg")
    return folder, expected


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["find-copies", *args])
    return result.exit_code, result.stdout, result.stderr


def test_find_copies_names_the_photo_of_every_copy_and_no_unrelated_picture(example_build, copies):
    folder, expected = copies
    code, out, err = _run("--site", str(example_build[0].parent), str(folder))
    assert code == 0, err
    lines = {Path(line.split(": ", 1)[0]).name: line for line in out.splitlines()}
    for name, (page, same) in expected.items():
        assert name in lines, f"{name} not found"
        assert page in lines[name], lines[name]
        assert ("same photo" in lines[name]) if same else re.search(r": (same photo|probably) ", lines[name])
    assert not [name for name in lines if name.startswith("unrelated")]


def test_find_copies_fetches_the_largest_image_a_page_names(example_build, tmp_path):
    public = example_build[0]
    entry = from_json((public.parent / INDEX_NAME).read_text("utf-8"))[5]
    Image.open(public / entry.file).convert("RGB").resize((300, 200)).save(tmp_path / "tiny.jpg")
    shutil.copy(public / entry.file, tmp_path / "big.jpg")
    (tmp_path / "index.html").write_text(
        '<img src="tiny.jpg" srcset="tiny.jpg 300w, big.jpg 1600w" alt=""><img src="missing.jpg" alt="">',
        "utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base:
        code, out, err = _run("--site", str(public.parent), base)
    assert f"{base}big.jpg: same photo (0 bits) {entry.page}" in out
    assert "tiny.jpg" not in out
    assert code == 1 and f"{base}missing.jpg: not checked: could not fetch" in err


def test_find_copies_without_an_index_says_to_build_first(site_dir, write):
    write("sitegen.toml", '[site]\ntitle = "T"\n')
    code, _out, err = _run("--site", str(site_dir), str(site_dir))
    assert code == 1 and "no fingerprint index; run `sitegen build` first" in err
