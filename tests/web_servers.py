"""Real Apache, nginx and Caddy (Debian packages) on 127.0.0.1, each with its own config in a temp folder.

No system service and no root path is touched: every server gets a config written here, a free port,
its pid, logs and temp files in its own folder, and is stopped by its PID. A missing binary skips the
test on a developer machine and fails it under ``SITEGEN_REQUIRE_SERVERS=1`` (set by ``.ci/run``,
which installs the packages first).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

APACHE_MODULES = Path("/usr/lib/apache2/modules")
BINARIES = {"apache": "apache2", "nginx": "nginx", "caddy": "caddy"}
START_TIMEOUT = 30.0


def binary(server: str) -> str:
    name = BINARIES[server]
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    if found is None:
        message = f"{name} is missing: apt-get install {name if name != 'apache2' else 'apache2'} (.ci/run does)"
        if os.environ.get("SITEGEN_REQUIRE_SERVERS"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def readable_copy(public: Path, server_config: Path, top: Path | None = None) -> tuple[Path, Path, Path]:
    """The site and its snippets where a server's unprivileged workers can read them (pytest's tmp is 0700).

    ``top``: a folder chosen by the caller (when the build must know where server-config/ will be); made
    here, and removed again with the server.
    """
    top = top or Path(tempfile.mkdtemp(prefix="sitegen-servers-"))
    top.mkdir(parents=True, exist_ok=True)
    top.chmod(0o755)
    shutil.copytree(public, top / "public")
    shutil.copytree(server_config, top / "server-config")
    for path in [top, *top.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return top, top / "public", top / "server-config"


# Apache's "combined" access log format, for the test's own access log.
COMBINED = r'"%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""'


def apache_conf(work: Path, public: Path, port: int, extra: list[str] | None = None) -> list[str]:
    modules = ["mpm_event", "authz_core", "dir", "mime", "headers", "rewrite", "alias", "setenvif"]
    modules += ["authn_core", "authn_file", "auth_basic", "authz_user"]  # client galleries' passwords
    conf = work / "apache.conf"
    conf.write_text(
        "\n".join(
            [
                f'ServerRoot "{work}"',
                f"Listen 127.0.0.1:{port}",
                "ServerName 127.0.0.1",
                f"PidFile {work}/apache.pid",
                f"ErrorLog {work}/apache-error.log",
                "LogLevel warn",
                *(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules),
                "TypesConfig /etc/mime.types",
                f'DocumentRoot "{public}"',
                f'<Directory "{public}">',
                "    AllowOverride All",
                "    Options FollowSymLinks",
                "    Require all granted",
                "</Directory>",
                "DirectoryIndex index.html",
                f"DefaultRuntimeDir {work}",
                *(extra or []),
                "",
            ]
        ),
        "utf-8",
    )
    return [binary("apache"), "-f", str(conf), "-DFOREGROUND"]


def nginx_conf(work: Path, public: Path, snippets: Path, port: int, access_log: str = "off") -> list[str]:
    conf = work / "nginx.conf"
    temps = "\n".join(
        f"    {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {access_log};
{temps}
    include {snippets}/nginx-map.conf;
    server {{
        listen 127.0.0.1:{port};
        root {public};
        include {snippets}/nginx-site.conf;
    }}
}}
""",
        "utf-8",
    )
    return [binary("nginx"), "-p", str(work), "-c", str(conf), "-e", str(work / "nginx-error.log")]


def caddy_conf(work: Path, public: Path, snippets: Path, port: int, imports: tuple[str, ...] = ()) -> list[str]:
    conf = work / "Caddyfile"
    imported = "".join(f"    import {snippets}/{name}\n" for name in imports)
    conf.write_text(
        f"""{{
    admin off
    auto_https off
}}
http://127.0.0.1:{port} {{
    root * {public}
    import {snippets}/sitegen.caddy
{imported}    file_server
}}
""",
        "utf-8",
    )
    return [binary("caddy"), "run", "--config", str(conf), "--adapter", "caddyfile"]


def _wait_listening(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise AssertionError(f"server did not listen on {port} within {START_TIMEOUT}s")


@contextlib.contextmanager
def running(
    server: str,
    public: Path,
    server_config: Path,
    *,
    honeypot: bool = False,
    access_log: Path | None = None,
    top: Path | None = None,
) -> Iterator[str]:
    """The server serving a readable copy of ``public``; yields its base URL.

    ``honeypot``: also use the honeypot snippets of ``[protect] honeypot`` (nginx's is part of
    nginx-site.conf). ``access_log``: where nginx and Apache write every request in the combined
    format (Caddy 2.6 has one access log per site, which the honeypot snippet takes).
    """
    binary(server)
    top, site, snippets = readable_copy(public, server_config, top)
    work = top / "work"
    work.mkdir()
    work.chmod(0o755)
    port = free_port()
    if server == "apache":
        extra = [f"CustomLog {access_log} {COMBINED}"] if access_log else []
        extra += [f"Include {snippets}/apache-honeypot.conf"] if honeypot else []
        command = apache_conf(work, site, port, extra)
    elif server == "nginx":
        command = nginx_conf(work, site, snippets, port, f"{access_log} combined" if access_log else "off")
    else:
        command = caddy_conf(work, site, snippets, port, ("sitegen-honeypot.caddy",) if honeypot else ())
    log = work / "stderr.log"
    env = {**os.environ, "HOME": str(work), "XDG_DATA_HOME": str(work), "XDG_CONFIG_HOME": str(work)}
    with log.open("wb") as err:
        proc = subprocess.Popen(command, stdout=err, stderr=subprocess.STDOUT, env=env, cwd=work)
    try:
        _wait_listening(proc, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
        shutil.rmtree(top, ignore_errors=True)
