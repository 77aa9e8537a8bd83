"""``[clients]`` and ``client:`` (issue 15 §1): bcrypt hashes only, checked without echoing a password,
and the host files that follow from them, through real builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import parse_config
from sitegen.errors import ConfigError, Reporter, SitegenError
from sitegen.pipeline.build import build

from .conftest import make_photo

HASH = "$2y$05$LFCLhkIiSsF2KOj5uas5YeSNaF4f26OXGJ5rejAxD4tnSaIdeWMiK"


@pytest.mark.parametrize(
    "value",
    [
        "hunter2",  # a plain password
        "$apr1$abcdefgh$0123456789abcdefghijkl",  # Apache MD5: not bcrypt
        "{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=",
        HASH[:-1],  # cut short
        HASH + "x",
        "$2y$99$" + HASH[7:],  # no such cost
    ],
)
def test_only_bcrypt_hashes_are_accepted_and_never_echoed(value: str) -> None:
    with pytest.raises(ConfigError) as failed:
        parse_config(f'[clients]\nlogins = {{ smith = {{ anna = "{value}" }} }}\n', "/s/sitegen.toml")
    message = str(failed.value)
    assert message.startswith("/s/sitegen.toml:2: [clients] logins: smith.anna must be a bcrypt hash")
    assert "htpasswd -nbB" in message and "\n" not in message
    assert value not in message


def test_bcrypt_variants_are_accepted() -> None:
    for prefix in ("$2a$", "$2b$", "$2y$"):
        config = parse_config(f'[clients]\nlogins = {{ smith = {{ anna = "{prefix}{HASH[4:]}" }} }}\n')
        assert config.clients.logins["smith"]["anna"].startswith(prefix)


def _client_site(root: Path, client: str = "smith", extra: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text(f'[clients]\nlogins = {{ smith = {{ anna = "{HASH}" }} }}\n{extra}', "utf-8")
    make_photo(root / "content/smith/s1.jpg")
    (root / "content/smith/index.md").write_text(f"---\nclient: {client}\n---\n", "utf-8")
    return root


def test_an_unknown_client_stops_the_build(tmp_path: Path) -> None:
    root = _client_site(tmp_path / "site", client="smyth")
    reporter = Reporter(root=root)
    with pytest.raises(SitegenError):
        build(root, overrides={"build.jobs": 1}, reporter=reporter)
    assert any("`client: smyth` is not in [clients.logins]" in p.message for p in reporter.errors)
    assert not (root / "public").exists()


def test_hosts_without_passwords_are_named_once_per_gallery(tmp_path: Path) -> None:
    root = _client_site(tmp_path / "site")
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1}, reporter=reporter)
    (warning,) = [p for p in reporter.warnings if "client gallery" in p.message]
    assert "GitHub Pages" in warning.message and "Netlify" in warning.message
    assert warning.path == root / "content/smith/index.md"
    quiet = _client_site(tmp_path / "quiet", extra="warn_other_hosts = false\n")
    reporter = Reporter(root=quiet)
    build(quiet, overrides={"build.jobs": 1}, reporter=reporter)
    assert not [p for p in reporter.warnings if "client gallery" in p.message]


def test_a_deleted_client_snippet_is_made_again_from_the_content(tmp_path: Path) -> None:
    """nginx-clients.conf depends on the galleries: a no-op build cannot make it from the config alone."""
    root = _client_site(tmp_path / "site", extra="warn_other_hosts = false\n")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    snippet = root / "server-config/nginx-clients.conf"
    text = snippet.read_text("utf-8")
    assert "location ^~ /smith/ {" in text and "auth_basic_user_file" in text
    snippet.unlink()
    report = build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    assert not report.up_to_date
    assert snippet.read_text("utf-8") == text
    assert build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root)).up_to_date


def test_without_host_files_the_build_says_no_password_is_asked(tmp_path: Path) -> None:
    root = _client_site(tmp_path / "site", extra="warn_other_hosts = false\n[protect]\nheader_files = false\n")
    reporter = Reporter(root=root)
    build(root, overrides={"build.jobs": 1}, reporter=reporter)
    assert [p.message for p in reporter.warnings if "header_files is off" in p.message]
    assert not (root / "public/smith/.htaccess").exists()


def test_the_realm_holds_no_server_syntax(tmp_path: Path) -> None:
    """A site title with $ (an nginx variable), braces (a Caddy placeholder) or quotes stays plain text."""
    root = _client_site(tmp_path / "site", extra='warn_other_hosts = false\n[site]\ntitle = "A \\"$1 {x}\\" shop"\n')
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    nginx = (root / "server-config/nginx-clients.conf").read_text("utf-8")
    caddy = (root / "server-config/sitegen-clients.caddy").read_text("utf-8")
    apache = (root / "public/smith/.htaccess").read_text("utf-8")
    assert 'auth_basic "A 1 x shop";' in nginx
    assert 'bcrypt "A 1 x shop" {' in caddy and 'AuthName "A 1 x shop"' in apache
