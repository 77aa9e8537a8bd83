"""Client galleries behind a password in real Apache, nginx and Caddy (issue 15 §1).

A site with one public gallery and one client gallery (bcrypt hash in [clients] logins, its
server-config/ path known to the build) is served by each real server on 127.0.0.1, started by
the test and stopped by PID: the client gallery's page, photo pages and image files are refused
(401) without the password and with a wrong one, served with it; the public pages and images
stay open; the client gallery's responses carry X-Robots-Tag noindex beside the opt-out header.
"""

from __future__ import annotations

import base64
import http.client
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .conftest import make_photo
from .web_servers import running

USER, PASSWORD = "anna", "demo"
HASH = "$2y$05$LFCLhkIiSsF2KOj5uas5YeSNaF4f26OXGJ5rejAxD4tnSaIdeWMiK"  # htpasswd -nbB anna demo


def get(base: str, path: str, auth: tuple[str, str] | None = None) -> tuple[int, list[tuple[str, str]]]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    try:
        conn.request("GET", "/" + path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, [(n.lower(), v) for n, v in response.getheaders()]
    finally:
        conn.close()


def robots(headers: list[tuple[str, str]]) -> list[str]:
    return [v for n, v in headers if n == "x-robots-tag"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """Built with server_config_path where the servers will find server-config/ (a readable temp folder)."""
    root = tmp_path_factory.mktemp("clients") / "site"
    top = Path(tempfile.mkdtemp(prefix="sitegen-clients-"))
    top.chmod(0o755)
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text(
        f'[site]\ntitle = "T"\n[clients]\nlogins = {{ smith = {{ {USER} = "{HASH}" }} }}\n'
        f'server_config_path = "{top}/server-config"\n',
        "utf-8",
    )
    make_photo(root / "content/open/o1.jpg", colour=(20, 90, 200))
    make_photo(root / "content/smith/s1.jpg")
    make_photo(root / "content/smith/s2.jpg", colour=(90, 20, 120))
    (root / "content/smith/index.md").write_text("---\ntitle: Smith\nclient: smith\n---\n", "utf-8")
    build(root, overrides={"build.jobs": 1}, reporter=Reporter(root=root))
    public = root / "public"
    paths = {
        "client page": "smith/",
        "client photo": "smith/s1/",
        "client image": min((public / "media/smith").rglob("*.webp")).relative_to(public).as_posix(),
        "client htaccess": "smith/.htaccess",
        "public page": "open/",
        "public image": min((public / "media/open").rglob("*.webp")).relative_to(public).as_posix(),
        "home": "",
    }
    yield public, top, paths
    shutil.rmtree(top, ignore_errors=True)


def test_user_files_are_beside_the_output_never_in_it(site) -> None:
    public, _, _ = site
    htpasswd = public.parent / "server-config/sitegen-smith.htpasswd"
    assert htpasswd.read_text("utf-8").splitlines()[1] == f"{USER}:{HASH}"
    assert not [p for p in public.rglob("*") if HASH in (p.read_text("utf-8", "replace") if p.is_file() else "")]
    assert not list(public.rglob("*.htpasswd"))


@pytest.mark.parametrize("server", ["apache", "nginx", "caddy"])
def test_real_server_asks_for_the_password(server: str, site) -> None:
    public, top, paths = site
    with running(server, public, public.parent / "server-config", top=top) as base:
        for name in ("client page", "client photo", "client image", "client htaccess"):
            status, _ = get(base, paths[name])
            assert status == 401, (server, name, status)
            status, _ = get(base, paths[name], (USER, "wrong"))
            assert status == 401, (server, name, "wrong password", status)
            status, _ = get(base, paths[name], ("mallory", PASSWORD))
            assert status == 401, (server, name, "unknown user", status)
        for name in ("client page", "client photo", "client image"):
            status, headers = get(base, paths[name], (USER, PASSWORD))
            assert status == 200, (server, name, status)
            assert "noai, noimageai" in robots(headers) and "noindex" in robots(headers), (server, name, headers)
        for name in ("public page", "public image", "home"):
            status, headers = get(base, paths[name])
            assert status == 200, (server, name, status)
            assert robots(headers) == ["noai, noimageai"], (server, name, headers)
