"""What a build reads from the site's folders: symlinks out of the site, pipes, undecodable names,
link loops and deep nesting, in real builds of real folders (and the preview server)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from sitegen.config import load_project
from sitegen.errors import Reporter, summary
from sitegen.pipeline.stamp import fingerprint
from sitegen.sitefiles import MAX_DEPTH, SiteFiles

from .conftest import make_photo

REPO = Path(__file__).resolve().parent.parent
SECRET = "root:x:0:0:the secret outside the site"


def texts(reporter: Reporter) -> list[str]:
    return [p.format(reporter.root) for p in reporter.problems if p.severity.value != "info"]


def published(out: Path) -> bytes:
    """Every byte of the output, to look for a secret in any file."""
    return b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site (elsewhere on the computer): a secret file and a folder of photos."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    make_photo(folder / "library/trip/IMG_1.jpg")
    make_photo(folder / "library/trip/IMG_2.jpg")
    return folder


def linked_site(site_dir: Path, outside: Path, write) -> None:
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "content/gallery/a.jpg")
    write("content/gallery/a.md", "---\nalt: A photo\n---\n")
    (site_dir / "static").mkdir()
    os.symlink(outside / "secret.txt", site_dir / "static/passwd.txt")
    os.symlink("/etc/passwd", site_dir / "static/etc-passwd.txt")
    os.symlink(outside / "secret.txt", site_dir / "content/passwd.md")
    os.symlink(outside / "library/trip", site_dir / "content/trip")


# -- symlinks out of the site -------------------------------------------------------------------


def test_symlinks_out_of_the_site_are_refused_with_one_warning_each(site_dir, outside, write, run_build):
    linked_site(site_dir, outside, write)
    report, reporter = run_build()
    out = report.output_dir
    assert not (out / "passwd.txt").exists() and not (out / "etc-passwd.txt").exists()
    assert not (out / "passwd").exists() and not (out / "trip").exists()
    assert SECRET.encode() not in published(out)
    assert b"root:x:0:0" not in published(out)
    assert (out / "gallery/index.html").is_file()
    lines = texts(reporter)
    for link, target in [
        ("static/passwd.txt", outside / "secret.txt"),
        ("static/etc-passwd.txt", Path("/etc/passwd").resolve()),
        ("content/passwd.md", outside / "secret.txt"),
        ("content/trip", outside / "library/trip"),
    ]:
        mine = [line for line in lines if line.startswith(f"{link}:")]
        assert len(mine) == 1, (link, lines)
        assert f"symlink to {target}" in mine[0] and "follow_links" in mine[0]
    # Counted in the build's summary as what the published site lacks, not as "other warnings".
    assert "4 files or folders not read" in summary(reporter.problems)


def test_follow_links_admits_a_linked_photo_library_and_nothing_else(site_dir, outside, write, run_build):
    linked_site(site_dir, outside, write)
    # A link inside the library pointing further out is still refused.
    os.symlink(outside / "secret.txt", outside / "library/trip/notes.md")
    write("sitegen.toml", f'[build]\nfollow_links = ["{outside / "library"}"]\n')
    report, reporter = run_build()
    out = report.output_dir
    assert (out / "trip/index.html").is_file()
    assert (out / "trip/img-1/index.html").is_file() and (out / "trip/img-2/index.html").is_file()
    assert SECRET.encode() not in published(out)
    lines = texts(reporter)
    assert any(line.startswith("content/trip/notes.md:") and "outside the site folder" in line for line in lines)
    assert any(line.startswith("static/passwd.txt:") for line in lines)


def test_links_that_stay_inside_the_site_are_followed(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "shared/pics/x.jpg")
    write("shared/pics/x.md", "---\nalt: X\n---\n")
    write("shared/robots-extra.txt", "hello")
    os.symlink("../shared/pics", site_dir / "content/pics")
    (site_dir / "static").mkdir()
    os.symlink("../shared/robots-extra.txt", site_dir / "static/extra.txt")
    report, reporter = run_build()
    assert (report.output_dir / "pics/x/index.html").is_file()
    assert (report.output_dir / "extra.txt").read_text() == "hello"
    assert not texts(reporter)


def test_a_template_linked_out_of_the_site_is_refused_and_the_theme_one_used(site_dir, outside, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    write("content/about.md", "---\ntitle: About\n---\nText\n")
    (outside / "page.html").write_text(SECRET + "{{ page.title }}")
    (site_dir / "templates").mkdir()
    os.symlink(outside / "page.html", site_dir / "templates/page.html")
    report, reporter = run_build()
    html = (report.output_dir / "about/index.html").read_text()
    assert SECRET not in html and "<h1>About</h1>" in html
    lines = texts(reporter)
    assert sum(line.startswith("templates/page.html:") for line in lines) == 1, lines


def test_the_preview_server_serves_no_file_from_outside_the_site(site_dir, outside, write):
    from sitegen.commands.serve import Preview

    from .test_serve import Client, free_port

    linked_site(site_dir, outside, write)
    logs: list[tuple[str, str]] = []
    preview = Preview(site_dir, port=free_port(), jobs=1, quiet_period=0.02, log=lambda lv, m: logs.append((lv, m)))
    preview.start()
    try:
        assert preview.wait_built(60)
        client = Client(preview.server.server_address[1])
        for path in ("/passwd.txt", "/etc-passwd.txt", "/passwd/", "/trip/"):
            status, _, body = client.get(path)
            assert status == 404, path
            assert SECRET.encode() not in body and b"root:x:0:0" not in body
        assert client.get("/gallery/")[0] == 200
        assert any("static/passwd.txt" in message and "outside the site folder" in message for _, message in logs)
    finally:
        preview.stop()


# -- files that are not files ---------------------------------------------------------------------


def test_named_pipes_are_skipped_not_read(site_dir, write):
    """Run in a subprocess: before the fix the build blocked forever on the first pipe it opened."""
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "content/gallery/a.jpg")
    write("content/gallery/a.md", "---\nalt: A\n---\n")
    (site_dir / "static").mkdir()
    (site_dir / "templates").mkdir()
    for rel in (
        "content/gallery/pipe.jpg",
        "content/notes.md",
        "content/gallery/a.jpg.md.swp",
        "static/pipe.txt",
        "templates/page.html",
    ):
        os.mkfifo(site_dir / rel)
    write("content/about.md", "---\ntitle: About\n---\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(site_dir), "--jobs", "1", "-v"],  # -v: every warning
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=site_dir,
    )
    assert proc.returncode == 0, proc.stderr
    out = site_dir / "public"
    assert (out / "gallery/a/index.html").is_file() and (out / "about/index.html").is_file()
    assert not (out / "pipe.txt").exists()
    for rel in ("content/gallery/pipe.jpg", "content/notes.md", "static/pipe.txt", "templates/page.html"):
        mine = [line for line in proc.stdout.splitlines() + proc.stderr.splitlines() if line.startswith(rel + ":")]
        assert len(mine) == 1 and "a named pipe, not a regular file" in mine[0], (rel, proc.stdout, proc.stderr)


def test_file_names_that_are_not_utf8_are_skipped_with_one_line(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "content/gallery/a.jpg")
    write("content/gallery/a.md", "---\nalt: A\n---\n")
    raw_content = os.fsencode(site_dir / "content/gallery")
    make_photo(Path(os.fsdecode(raw_content + b"/caf\xe9.jpg")))
    Path(os.fsdecode(raw_content + b"/._caf\xe9.jpg")).write_bytes(b"\0\5\26\7 AppleDouble")
    (site_dir / "static").mkdir()
    Path(os.fsdecode(os.fsencode(site_dir / "static") + b"/caf\xe9.txt")).write_text("x")
    Path(os.fsdecode(os.fsencode(site_dir / "static") + b"/._caf\xe9.jpg")).write_bytes(b"\0\5\26\7")
    report, reporter = run_build()
    lines = texts(reporter)
    for rel in (r"content/gallery/caf\xe9.jpg", r"static/caf\xe9.txt"):
        mine = [line for line in lines if line.startswith(rel + ":")]
        assert len(mine) == 1 and "not valid UTF-8" in mine[0], (rel, lines)
    assert not any("._caf" in line for line in lines)  # hidden: skipped quietly
    assert (report.output_dir / "gallery/a/index.html").is_file()
    again, _ = run_build()  # the stamp of the first build is honoured, not a crash
    assert again.up_to_date


def test_symlink_loops_are_skipped_with_one_line(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "content/gallery/a.jpg")
    write("content/gallery/a.md", "---\nalt: A\n---\n")
    os.symlink("..", site_dir / "content/gallery/up")
    os.symlink("self", site_dir / "content/self")
    os.symlink("ping", site_dir / "content/pong")
    os.symlink("pong", site_dir / "content/ping")
    report, reporter = run_build()
    lines = texts(reporter)
    assert sum(line.startswith("content/gallery/up:") and "loop" in line for line in lines) == 1, lines
    for rel in ("content/self", "content/ping", "content/pong"):
        assert sum(line.startswith(rel + ":") and "loop" in line for line in lines) == 1, lines
    assert (report.output_dir / "gallery/a/index.html").is_file()
    assert not (report.output_dir / "gallery/up").exists()


def test_deep_nesting_stops_at_a_documented_limit(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    folder = site_dir / "content"
    for _ in range(500):
        folder = folder / "d"
    make_photo(folder / "deep.jpg")
    make_photo(site_dir / "content/d/top.jpg")
    write("content/d/top.md", "---\nalt: Top\n---\n")
    make_photo(site_dir / "content" / ("d/" * MAX_DEPTH) / "last.jpg")  # the deepest level still read
    write("content/" + "d/" * MAX_DEPTH + "last.md", "---\nalt: Last\n---\n")
    report, reporter = run_build()
    lines = texts(reporter)
    deep = [line for line in lines if f"more than {MAX_DEPTH} levels deep" in line]
    assert len(deep) == 1, lines
    assert deep[0].startswith("content/" + "d/" * MAX_DEPTH + "d: ")  # level 33 is the first left out
    assert (report.output_dir / "d/top/index.html").is_file()
    assert (report.output_dir / ("d/" * MAX_DEPTH) / "last/index.html").is_file()


def test_a_dangling_photo_link_is_reported_once(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    make_photo(site_dir / "content/gallery/a.jpg")
    write("content/gallery/a.md", "---\nalt: A\n---\n")
    os.symlink("/nonexistent/IMG_9.jpg", site_dir / "content/gallery/IMG_9.jpg")
    _, reporter = run_build()
    lines = [line for line in texts(reporter) if "IMG_9" in line]
    assert len(lines) == 1 and "broken symlink" in lines[0], lines


# -- the one rule, and the stamp that uses it ---------------------------------------------------------


def test_the_stamp_fingerprints_hostile_trees_and_notices_a_link_target_appearing(site_dir, write, tmp_path):
    write("content/index.md", "---\ntitle: Home\n---\n")
    os.symlink("..", site_dir / "content/up")
    os.mkfifo(site_dir / "content/pipe.md")
    Path(os.fsdecode(os.fsencode(site_dir / "content") + b"/caf\xe9.md")).write_text("x")
    os.symlink(site_dir / "content/later.md", site_dir / "content/soon.md")
    project = load_project(site_dir)
    first = fingerprint(project, tmp_path / "out", [], 2026)
    assert fingerprint(project, tmp_path / "out", [], 2026) == first
    write("content/later.md", "now here")
    assert fingerprint(project, tmp_path / "out", [], 2026) != first


def test_site_files_rule_unit(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "x.md").write_text("x")
    os.symlink(lib / "x.md", site / "content/x.md")
    os.symlink("../../lib/x.md", site / "content/rel.md")
    reporter = Reporter(root=site)
    files = SiteFiles((site.resolve(),), reporter)
    assert isinstance(files.inspect(site / "content/x.md"), str)
    assert files.file(site / "content/x.md") is None
    assert files.file(site / "content/x.md") is None
    assert len(reporter.warnings) == 1  # asked twice, told once
    opened = SiteFiles((site.resolve(), lib.resolve()))
    assert opened.file(site / "content/x.md") == site / "content/x.md"
    assert opened.file(site / "content/rel.md") == site / "content/rel.md"
    assert opened.file(site / "content/missing.md") is None


# -- images in static/ ----------------------------------------------------------------------------------


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated: the orientation must survive the cleaning
    exif[0x010F] = "Canon"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 29.0), "E", (2.0, 17.0, 40.0)
    inner = exif.get_ifd(0x8769)
    inner[0xA431] = "SERIAL-123456"
    return exif


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def test_static_images_are_published_without_private_metadata(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    static = site_dir / "static"
    make_photo(static / "me.jpg", (120, 80), exif=_gps_exif(), comment=b"shot at home")
    make_photo(static / "me-progressive.jpg", (120, 80), exif=_gps_exif(), progressive=True)
    make_photo(static / "map.png", (40, 30), exif=_gps_exif())
    text_png = PngImagePlugin.PngInfo()
    text_png.add_text("Comment", "GPS 48.85N 2.29E")
    make_photo(static / "notes.png", (40, 30), pnginfo=text_png)
    make_photo(static / "web.webp", (40, 30), exif=_gps_exif(), xmp=b"<x:xmpmeta>secret place</x:xmpmeta>")
    make_photo(static / "favicon.png", (32, 32))  # no metadata at all: published byte for byte
    make_photo(static / "logo.jpg", (64, 32))
    originals = {p.name: p.read_bytes() for p in static.iterdir()}
    report, reporter = run_build()
    out = report.output_dir
    for name in ("me.jpg", "me-progressive.jpg", "map.png", "web.webp"):
        data = (out / name).read_bytes()
        assert _pixels(data) == _pixels(originals[name]), name
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            assert not exif.get_ifd(0x8825), name
            assert exif.get(0x0112) == 6, name  # orientation kept
            assert 0x010F not in exif and not exif.get_ifd(0x8769), name
        assert b"SERIAL-123456" not in data and b"secret place" not in data and b"shot at home" not in data
    assert b"48.85N" not in (out / "notes.png").read_bytes()
    assert _pixels((out / "notes.png").read_bytes()) == _pixels(originals["notes.png"])
    assert (out / "favicon.png").read_bytes() == originals["favicon.png"]
    assert (out / "logo.jpg").read_bytes() == originals["logo.jpg"]
    cleaned = [p.format(site_dir) for p in reporter.problems if "published without its metadata" in p.message]
    assert any(line.startswith("static/me.jpg:") and "GPS position" in line for line in cleaned), cleaned
    assert not reporter.warnings


def test_a_static_tiff_with_private_metadata_is_refused(site_dir, write, run_build):
    write("content/index.md", "---\ntitle: Home\n---\n")
    static = site_dir / "static"
    make_photo(static / "scan.tif", (40, 30), tiffinfo={700: b"<x:xmpmeta>secret place</x:xmpmeta>"})
    make_photo(static / "plain.tif", (40, 30))
    report, reporter = run_build()
    assert not (report.output_dir / "scan.tif").exists()
    assert (report.output_dir / "plain.tif").read_bytes() == (static / "plain.tif").read_bytes()
    lines = texts(reporter)
    assert sum(line.startswith("static/scan.tif:") and "XMP" in line for line in lines) == 1, lines


def test_the_preview_rebuilds_when_a_linked_library_folder_changes(site_dir, outside, write):
    from sitegen.commands.serve import Preview

    from .test_serve import Client, free_port, wait_for

    linked_site(site_dir, outside, write)
    write("sitegen.toml", f'[build]\nfollow_links = ["{outside / "library"}"]\n')
    preview = Preview(site_dir, port=free_port(), jobs=1, quiet_period=0.02, log=lambda lv, m: None)
    preview.start()
    try:
        assert preview.wait_built(60)
        client = Client(preview.server.server_address[1])
        assert client.get("/trip/img-1/")[0] == 200
        assert client.get("/trip/img-3/")[0] == 404
        make_photo(outside / "library/trip/IMG_3.jpg")
        wait_for(lambda: client.get("/trip/img-3/")[0] == 200, timeout=60)
    finally:
        preview.stop()


def test_a_sitegen_toml_that_is_a_pipe_stops_the_build_with_one_line(site_dir, write):
    """Before, it was silently taken as "no config file": a build with other settings than asked."""
    from sitegen.errors import ConfigError

    write("content/index.md", "---\ntitle: Home\n---\n")
    os.mkfifo(site_dir / "sitegen.toml")
    with pytest.raises(ConfigError, match=r"sitegen\.toml: a named pipe, not a regular file"):
        load_project(site_dir)
