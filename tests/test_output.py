"""The output folder is replaced only when it is safe and only when the build succeeded."""

import pytest

from sitegen.commands.build import build
from sitegen.errors import ConfigError, SitegenError
from sitegen.output import MARKER, Output, check_target

from .conftest import make_photo


def test_refuses_site_folder_and_its_parents(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(SitegenError, match="is the site folder or contains it"):
        check_target(site, site, [])
    with pytest.raises(SitegenError, match="contains it"):
        check_target(tmp_path, site, [])


def test_refuses_output_inside_content(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    with pytest.raises(SitegenError, match="inside"):
        check_target(site / "content" / "public", site, [site / "content"])


def test_refuses_foreign_non_empty_folder(tmp_path):
    site = tmp_path / "site"
    out = tmp_path / "photos-backup"
    out.mkdir(parents=True)
    (out / "IMG_0001.CR3").write_bytes(b"raw")
    site.mkdir()
    with pytest.raises(SitegenError, match="not empty and was not created by sitegen"):
        check_target(out, site, [])
    (out / "IMG_0001.CR3").unlink()
    (out / "content").mkdir()
    with pytest.raises(SitegenError, match="contains a content/ folder"):
        check_target(out, site, [])


def test_commit_swaps_and_marks(tmp_path):
    target = tmp_path / "public"
    with Output(target) as out:
        out.write_text("index.html", "new", "test")
        out.commit()
    assert (target / "index.html").read_text() == "new"
    assert (target / MARKER).is_file()
    check_target(target, tmp_path / "elsewhere", [])  # our own output may be replaced
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no temporary folders left


def test_failure_leaves_previous_output(tmp_path):
    target = tmp_path / "public"
    with Output(target) as out:
        out.write_text("index.html", "old", "test")
        out.commit()
    with pytest.raises(RuntimeError), Output(target) as out:
        out.write_text("index.html", "half", "test")
        raise RuntimeError("boom")
    assert (target / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_paths_cannot_escape_or_collide(tmp_path):
    with Output(tmp_path / "public") as out:
        with pytest.raises(SitegenError, match="outside"):
            out.write_text("../evil.html", "x", "test")
        out.write_text("a/index.html", "x", "first")
        with pytest.raises(SitegenError, match="written twice"):
            out.write_text("a/index.html", "y", "second")


def test_stale_temporary_folders_are_cleaned(tmp_path):
    stale = tmp_path / ".public.sitegen-tmp-deadbeef"
    stale.mkdir()
    (stale / "x").write_text("x")
    unrelated = tmp_path / ".public-notes"
    unrelated.mkdir()
    with Output(tmp_path / "public") as out:
        out.commit()
    assert not stale.exists() and unrelated.exists()


def test_failed_build_keeps_published_site(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    published = (site_dir / "public/index.html").read_text()
    write("content/about.md", "---\ntemplate: missing.html\n---\n")
    with pytest.raises(SitegenError, match=r"unknown template 'missing\.html'"):
        run_build()
    assert (site_dir / "public/index.html").read_text() == published
    assert not (site_dir / "public/about").exists()
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".public")) == []


def test_strict_fails_on_warnings_without_publishing(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: An orange test pattern.\n---\n")  # the broken file is the one warning
    write("content/g/broken.jpg", b"\xff\xd8\xff not really")
    report, reporter = run_build()
    assert report.photos == 1 and len(reporter.warnings) == 1
    before = sorted(p.name for p in (site_dir / "public").rglob("*"))
    make_photo(site_dir / "content/g/b.jpg")
    write("content/g/b.md", "---\nalt: Another test pattern.\n---\n")
    with pytest.raises(SitegenError, match="strict mode: 1 warning"):
        run_build(build__strict=True)
    assert sorted(p.name for p in (site_dir / "public").rglob("*")) == before


def test_build_refuses_to_overwrite_foreign_output(site_dir, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    (site_dir / "public").mkdir()
    (site_dir / "public" / "mine.txt").write_text("precious")
    with pytest.raises(SitegenError, match="not created by sitegen"):
        run_build()
    assert (site_dir / "public" / "mine.txt").read_text() == "precious"


def test_cache_in_static_is_refused_before_anything_is_written(site_dir, write, run_build):
    """Issue 9 item 7: the cache in static/ published probe data and build stamps."""
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[build]\ncache_dir = "static"\n')
    with pytest.raises(ConfigError, match=r'sitegen\.toml:2: \[build\] cache_dir: "static" is static/'):
        run_build()
    assert not (site_dir / "static").exists() and not (site_dir / "public").exists()


def test_output_into_the_cache_is_refused(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    write("sitegen.toml", '[site]\noutput = ".sitegen-cache"\n')
    with pytest.raises(ConfigError, match=r"\[site\] output: \"\.sitegen-cache\" is the cache folder"):
        run_build()
    write("sitegen.toml", "")
    with pytest.raises(ConfigError, match=r"--output: the output folder .* is inside the cache folder"):
        build(site_dir, overrides={"build.jobs": 1}, output_dir=site_dir / ".sitegen-cache" / "www")
    assert not (site_dir / ".sitegen-cache" / "www").exists()
    assert (site_dir / ".sitegen-cache" / "build-stamps").is_dir()  # the cache itself is untouched
