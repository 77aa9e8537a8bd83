"""The command line as a user meets it: help, version, one-line errors, exit codes."""

import subprocess
import sys

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
