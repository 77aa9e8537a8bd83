"""A build with unchanged inputs is skipped, and only then."""

import dataclasses
import json
import os

import pytest
from PIL import Image

from sitegen.errors import PHOTO_SKIPPED, Problem, Reporter, Severity
from sitegen.output.folder import MARKER_TEXT
from sitegen.pipeline.build import build
from sitegen.pipeline.report import BuildReport
from sitegen.pipeline.stamp import Stamp

from .conftest import make_photo


def run(site_dir, **kw):
    reporter = Reporter(root=site_dir)
    overrides = {"build.jobs": 1} | kw.pop("overrides", {})
    return build(site_dir, overrides=overrides, reporter=reporter, **kw), reporter


def test_unchanged_inputs_skip_the_build_and_replay_warnings(site_dir, write):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: A test pattern\n---\n")
    write("content/g/bad.jpg", b"")
    first, first_reporter = run(site_dir)
    assert not first.up_to_date and len(first_reporter.warnings) == 1
    index = site_dir / "public/index.html"
    before = index.stat().st_mtime_ns
    second, reporter = run(site_dir)
    assert second.up_to_date and second.photos == 1 and second.pages == first.pages
    assert [p.message for p in reporter.warnings] == [p.message for p in first_reporter.warnings]
    assert index.stat().st_mtime_ns == before  # nothing was rewritten


def test_any_input_change_rebuilds(site_dir, write):
    make_photo(site_dir / "content/g/a.jpg")
    run(site_dir)
    page = write("content/about.md", "hello")
    assert not run(site_dir)[0].up_to_date
    assert run(site_dir)[0].up_to_date
    os.utime(page, ns=(1, 1))
    assert not run(site_dir)[0].up_to_date
    write("templates/partials/footer.html", "<footer>x</footer>")
    assert not run(site_dir)[0].up_to_date
    assert not run(site_dir, overrides={"site.base_url": "https://x.example/"})[0].up_to_date
    assert not run(site_dir, force=True)[0].up_to_date


def test_output_removed_or_replaced_rebuilds(site_dir, tmp_path):
    make_photo(site_dir / "content/g/a.jpg")
    run(site_dir)
    (site_dir / "public/.sitegen-output").write_text(MARKER_TEXT + "build 0123456789abcdef\n")  # another build
    assert not run(site_dir)[0].up_to_date
    import shutil

    shutil.rmtree(site_dir / "public")
    report, _ = run(site_dir)
    assert not report.up_to_date and (site_dir / "public/g/a/index.html").is_file()


def test_a_photo_copied_over_with_its_size_and_mtime_kept_rebuilds(site_dir, tmp_path):
    """`cp -p` (or `rsync -t`) of another photo of the same byte size: size and mtime say nothing changed."""
    photo = make_photo(site_dir / "content/g/a.tif", size=(64, 48), colour=(255, 0, 0))  # uncompressed
    other = make_photo(tmp_path / "b.tif", size=(64, 48), colour=(0, 0, 255))
    assert other.stat().st_size == photo.stat().st_size
    run(site_dir)
    st = photo.stat()
    photo.write_bytes(other.read_bytes())
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    report, _ = run(site_dir)
    assert not report.up_to_date and report.images_processed == 1


def stamp_file(site_dir):
    (found,) = (site_dir / ".sitegen-cache/build-stamps").glob("*.json")
    return found


def test_a_stamp_of_an_older_format_is_not_reused(site_dir):
    """The stamp before format 2 had the same fields without a format number: it must cost a rebuild."""
    make_photo(site_dir / "content/g/a.jpg")
    run(site_dir)
    file = stamp_file(site_dir)
    data = json.loads(file.read_text())
    data.pop("format", None)
    file.write_text(json.dumps(data))
    report, _ = run(site_dir)
    assert not report.up_to_date
    assert run(site_dir)[0].up_to_date  # and the stamp written then is reused


@pytest.mark.parametrize(
    "damage",
    [  # each would be read into a wrong Problem or BuildReport, or make the build crash
        lambda d: d["problems"][0].update(severity="catastrophic"),
        lambda d: d["problems"][0].update(line="seven"),
        lambda d: d["report"].pop("photos"),
        lambda d: d["report"].update(pages="many"),
        lambda d: d.update(problems={}),
    ],
)
def test_a_damaged_stamp_costs_a_rebuild_not_a_crash(site_dir, write, damage):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/bad.jpg", b"")
    first = run(site_dir)[1].warnings
    file = stamp_file(site_dir)
    data = json.loads(file.read_text())
    damage(data)
    file.write_text(json.dumps(data))
    report, reporter = run(site_dir)
    assert not report.up_to_date and reporter.warnings == first


def test_stamp_round_trip_keeps_typed_problems_and_report(tmp_path):
    problems = (
        Problem(Severity.WARNING, "skipped: truncated", tmp_path / "content/g/bad.jpg", None, PHOTO_SKIPPED),
        Problem(Severity.INFO, "a note", None, None, None),
        Problem(Severity.ERROR, "bad value", tmp_path / "content/g/a.md", 3, None),
    )
    report = BuildReport(tmp_path / "public", 4, 2, 9, 3, 6, 40, 1.5, 1, False, ["a note"])
    stamp = Stamp("f" * 32, "0123456789abcdef", problems, report)
    again = Stamp.from_json(json.loads(json.dumps(stamp.to_json())))
    assert again.problems == problems and again.fingerprint == stamp.fingerprint and again.token == stamp.token
    assert again.report.replayed(0.25, ["n"]) == dataclasses.replace(
        report, images_processed=0, images_reused=9, seconds=0.25, up_to_date=True, notes=["n"]
    )


def test_a_replayed_build_reports_what_the_first_one_did(site_dir, write):
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg")
    first, _ = run(site_dir)
    second, _ = run(site_dir)
    assert second.up_to_date and second.output_dir == first.output_dir == (site_dir / "public").resolve()
    same = ("pages", "galleries", "photos", "files_written", "warnings")
    assert [getattr(second, k) for k in same] == [getattr(first, k) for k in same]
    assert (second.images_processed, second.images_reused) == (0, 2)


def test_a_watermark_logo_named_in_front_matter_is_an_input_of_the_stamp(site_dir, write):
    """A gallery's own logo lives beside sitegen.toml, outside content/: replacing it in place
    left the stamp saying "up to date" and the old logo published."""
    make_photo(site_dir / "content/g/a.jpg", size=(400, 300), colour=(128, 128, 128))
    write("content/g/index.md", '---\nwatermark:\n  logo: gallery-logo.png\n  text: ""\n---\n')
    Image.new("RGBA", (60, 60), (255, 0, 0, 255)).save(site_dir / "gallery-logo.png")
    first, _ = run(site_dir)
    assert not first.up_to_date and first.images_processed == 1
    assert run(site_dir)[0].up_to_date
    Image.new("RGBA", (60, 60), (0, 0, 255, 255)).save(site_dir / "gallery-logo.png")
    report, _ = run(site_dir)
    assert not report.up_to_date and report.images_processed == 1
    assert run(site_dir)[0].up_to_date
