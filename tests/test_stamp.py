"""A build with unchanged inputs is skipped, and only then."""

import os

from sitegen.errors import Reporter
from sitegen.output.folder import MARKER_TEXT
from sitegen.pipeline.build import build

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
