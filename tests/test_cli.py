"""The command line as a user meets it: help, version, one-line errors, exit codes."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen import __version__
from sitegen.cli import cli

from .conftest import make_photo


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", ["build", "new", "serve"])
def test_every_command_has_complete_help(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    for param in cli.commands[command].params:
        for opt in param.opts:
            if opt.startswith("-"):
                assert opt in result.output
        if param.param_type_name == "option":
            assert param.help, f"{command} {param.opts} has no help text"


def test_build_options_are_listed(runner):
    output = runner.invoke(cli, ["build", "--help"]).output
    for option in ("--output", "--base-url", "--drafts", "--jobs", "--quiet", "--verbose", "--strict"):
        assert option in output


def test_config_error_is_one_line_and_exit_1(runner, tmp_path):
    site = tmp_path / "s"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('[site]\ntitel = "x"\n')
    result = runner.invoke(cli, ["build", str(site)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and 'did you mean "title"' in lines[0]
    assert "Traceback" not in result.output


def test_bad_photo_is_a_warning_and_build_succeeds(runner, tmp_path):
    site = tmp_path / "s"
    make_photo(site / "content/g/good.jpg")
    (site / "content/g/bad.jpg").write_bytes(b"")
    result = runner.invoke(cli, ["build", str(site), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "bad.jpg: warning: skipped: file is empty" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["build", str(site), "-j", "1", "--strict"])
    assert result.exit_code == 1 and "strict mode" in result.output


def test_quiet_prints_nothing_on_success(runner, tmp_path):
    site = tmp_path / "s"
    make_photo(site / "content/g/a.jpg")
    (site / "content/g/a.md").write_text("---\nalt: An orange test pattern.\n---\n")  # no warning to print
    result = runner.invoke(cli, ["build", str(site), "-q", "-j", "1"])
    assert result.exit_code == 0 and result.output == ""


def test_output_and_base_url_options(runner, tmp_path):
    site = tmp_path / "s"
    make_photo(site / "content/g/a.jpg")
    out = tmp_path / "elsewhere"
    result = runner.invoke(cli, ["build", str(site), "-o", str(out), "--base-url", "https://x.example/p/", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert 'href="/p/g/"' in (out / "index.html").read_text()
    assert (out / "sitemap.xml").is_file()
    bad = runner.invoke(cli, ["build", str(site), "--base-url", "x.example"])
    assert bad.exit_code == 1 and "[site] base_url" in bad.output


def test_new_scaffolds_a_site_that_builds(runner, tmp_path):
    target = tmp_path / "my-site"
    result = runner.invoke(cli, ["new", str(target), "--title", "Jane's Photos", "--author", "Jane Doe"])
    assert result.exit_code == 0, result.output
    config = (target / "sitegen.toml").read_text()
    assert 'title = "Jane\'s Photos"' in config and 'author = "Jane Doe"' in config
    assert "# max_size = 2048" in config  # defaults are listed, commented
    make_photo(target / "content/gallery/first.jpg")
    built = runner.invoke(cli, ["build", str(target), "-j", "1"])
    assert built.exit_code == 0, built.output
    assert (target / "public/gallery/first/index.html").is_file()
    again = runner.invoke(cli, ["new", str(target)])
    assert again.exit_code == 1 and "not empty" in again.output


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sitegen", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "build" in result.stdout and "new" in result.stdout


def test_serve_options_are_listed(runner):
    output = runner.invoke(cli, ["serve", "--help"]).output
    for option in ("--host", "--port", "--drafts", "--open", "127.0.0.1", "8000"):
        assert option in output


def test_serve_refuses_a_missing_site_folder(runner, tmp_path):
    result = runner.invoke(cli, ["serve", str(tmp_path / "nowhere"), "--port", "0"])
    assert result.exit_code == 1
    assert "error:" in result.output and "does not exist" in result.output


def _site_without_alt_texts(root, photos: int):
    """A gallery of distinct tiny photos, none with alt text, and one file sitegen skips."""
    for i in range(photos):
        make_photo(root / f"content/g/p{i:04}.jpg", (16, 12), (i % 256, (i * 7) % 256, 90))
    (root / "content/g/notes.xyz").write_text("not a photo")
    return root


def test_repeated_warnings_are_grouped_by_kind_and_summarised(runner, tmp_path):
    site = _site_without_alt_texts(tmp_path / "s", 40)
    result = runner.invoke(cli, ["build", str(site), "-j", "1"])
    assert result.exit_code == 0, result.output
    alt_lines = [line for line in result.stderr.splitlines() if "warning: no alt text" in line]
    assert len(alt_lines) == 3 and "p0000.jpg" in alt_lines[0] and "p0002.jpg" in alt_lines[2]
    assert "warning: ... 37 more like these: 40 photos without alt text in all (-v lists every one)" in result.stderr
    assert "notes.xyz: warning: skipped: .xyz is not a supported photo format" in result.stderr
    assert len(result.stderr.splitlines()) < 10
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "Summary: 1 unsupported file skipped, 40 photos without alt text."
    assert any(line.startswith(f"Preview: sitegen serve {site} --open") for line in lines)

    verbose = runner.invoke(cli, ["build", str(site), "-j", "1", "--force", "-v"])
    assert verbose.exit_code == 0, verbose.output
    assert sum("warning: no alt text" in line for line in verbose.stderr.splitlines()) == 40
    assert "more like these" not in verbose.stderr

    # A no-op build replays the warnings of the last build, grouped the same way.
    again = runner.invoke(cli, ["build", str(site), "-j", "1"])
    assert again.exit_code == 0 and "Up to date" in again.stdout
    assert again.stderr == result.stderr
    assert again.stdout.strip().splitlines()[-1] == lines[-1]


def test_a_clean_build_says_nothing_was_dropped_and_how_to_preview(runner, tmp_path, monkeypatch):
    site = tmp_path / "s"
    make_photo(site / "content/g/a.jpg")
    (site / "content/g/a.md").write_text("---\nalt: An orange test pattern.\n---\n")
    monkeypatch.chdir(site)
    result = runner.invoke(cli, ["build", "-j", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-2:] == [
        "Preview: sitegen serve --open  (opening public/index.html as a file breaks its links)",
        "Nothing was skipped or dropped.",
    ]


def test_strict_failure_prints_the_grouped_warnings_before_the_error(runner, tmp_path):
    site = _site_without_alt_texts(tmp_path / "s", 6)
    result = runner.invoke(cli, ["build", str(site), "-j", "1", "--strict"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert "3 more like these: 6 photos without alt text" in lines[-2]
    assert lines[-1].startswith("error: strict mode: 7 warning(s) above")
    assert not (site / "public").exists()


def test_new_site_publishes_no_instructions_and_is_titled_by_the_site(runner, tmp_path):
    target = tmp_path / "my-site"
    created = runner.invoke(cli, ["new", str(target), "--title", "Jane Doe Photography"])
    assert created.exit_code == 0, created.output
    assert f"sitegen serve {target} --open" in created.output
    make_photo(target / "content/gallery/first.jpg")
    built = runner.invoke(cli, ["build", str(target), "-j", "1", "--drafts"])  # the draft about page too
    assert built.exit_code == 0, built.output
    pages = list((target / "public").rglob("*.html"))
    assert (target / "public/about/index.html") in pages
    instructions = [
        line.split("#", 1)[1].strip()
        for source in (target / "content").rglob("*.md")
        for line in source.read_text().splitlines()
        if "#" in line
    ]
    assert len(instructions) > 5
    for page in pages:
        html = page.read_text()
        for text in [*instructions, "Replace this", "Drop photos", "sitegen build"]:
            assert text not in html, (page, text)
    home = (target / "public/index.html").read_text()
    assert re.search(r"<h1[^>]*>\s*Jane Doe Photography\s*</h1>", home), home
    ignored = (target / ".gitignore").read_text().splitlines()
    assert {"/public/", "/server-config/", "/.sitegen-cache/"} <= set(ignored)
    # Everything `sitegen build` writes beside the site's sources is ignored.
    written = {p.name for p in target.iterdir()} - {"sitegen.toml", "content", "static", "templates", ".gitignore"}
    assert written <= {line.strip("/").split("/")[0] for line in ignored if line.startswith("/")}, written
    files = {p.relative_to(target).as_posix() for top in ("functions", "netlify") for p in (target / top).rglob("*.js")}
    assert files <= {line.lstrip("/") for line in ignored}, files


def test_serve_groups_warnings_as_build_does(tmp_path):
    from sitegen.commands.serve import Preview

    site = _site_without_alt_texts(tmp_path / "s", 10)
    logs: list[tuple[str, str]] = []
    with Preview(site, port=0, jobs=1, log=lambda level, line: logs.append((level, line))) as preview:
        assert preview.wait_built(120)
    warnings = [line for level, line in logs if level == "warning"]
    assert sum("warning: no alt text" in line for line in warnings) == 3
    assert "warning: ... 7 more like these: 10 photos without alt text in all (-v lists every one)" in warnings
    assert any("notes.xyz: warning: skipped" in line for line in warnings)


def test_nothing_suggests_installing_the_unrelated_pypi_project():
    """`sitegen` on PyPI is another author's project: every install hint points at the checkout."""
    repo = Path(__file__).resolve().parent.parent
    from_pypi = re.compile(r"""pip3? install\s+(?:-\S+\s+)*['"]?sitegen\b""")
    files = [repo / "README.md", *(repo / "sitegen").rglob("*.py"), *(repo / "themes").rglob("*.*")]
    for path in files:
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            assert not from_pypi.search(text), f"{path}: {from_pypi.search(text)}"
