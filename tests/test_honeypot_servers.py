"""The honeypot snippets in real nginx, Apache and Caddy, and the fail2ban filter on the logs they wrote.

A client that ignores robots.txt requests the honeypot path (with and without its "/", with a query);
a browser reads ordinary pages. The honeypot log must hold exactly the honeypot requests, and
``fail2ban-regex`` (Debian's fail2ban, installed by ``.ci/run``) must match each of them there and
nothing in the ordinary access log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build
from sitegen.protect import honeypot
from sitegen.urls import Urls

from .conftest import make_photo
from .refusal_agents import CHROME
from .test_refusal_servers import get
from .web_servers import running

BASE_URL = "https://example.com/"
SCRAPER = "Mozilla/5.0 (compatible; RudeScraper/2.0)"
ORDINARY = ["", "g/", "about/", "robots.txt", "licensing/"]
LOG_WAIT = 30.0


@pytest.fixture(scope="module")
def trapped(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """A small site built with the honeypot on, its logs in a folder every server may write to."""
    site = tmp_path_factory.mktemp("honeypot") / "site"
    make_photo(site / "content/g/a.jpg")
    (site / "content/about.md").write_text("---\ntitle: About\n---\nHello.\n", "utf-8")
    logs = Path(tempfile.mkdtemp(prefix="sitegen_honeypot_logs_"))
    logs.chmod(0o777)
    request.addfinalizer(lambda: shutil.rmtree(logs, ignore_errors=True))
    (site / "sitegen.toml").write_text(
        f'[site]\nbase_url = "{BASE_URL}"\n[protect]\nhoneypot = true\nhoneypot_log_dir = "{logs}"\n', "utf-8"
    )
    build(site, overrides={"build.jobs": 1}, reporter=Reporter())
    trap = Urls(BASE_URL).url(honeypot.site_path(Urls(BASE_URL)))
    return site / "public", site / "server-config", logs, trap


def lines_of(path: Path, count: int) -> list[str]:
    """The log's lines once it has ``count`` of them: servers write a request's line after answering it."""
    deadline = time.monotonic() + LOG_WAIT
    while time.monotonic() < deadline:
        lines = path.read_text("utf-8").splitlines() if path.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.05)
    raise AssertionError(f"{path} did not get {count} lines within {LOG_WAIT}s: {lines}")


def fail2ban_regex(log: Path, filter_file: Path) -> tuple[int, int, str]:
    """(matched, missed) lines of ``log`` under ``filter_file``, as fail2ban itself reads them."""
    found = shutil.which("fail2ban-regex")
    assert found, "fail2ban-regex is missing: apt-get install fail2ban (.ci/run does)"
    result = subprocess.run(
        [found, "--print-all-matched", str(log), str(filter_file)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed", result.stdout)
    assert summary, result.stdout
    return int(summary.group(3)), int(summary.group(4)), result.stdout


REQUEST_LINE = re.compile(r'"GET (\S+) HTTP/|"uri":"([^"]+)"')  # combined log format, or Caddy's JSON


@pytest.mark.parametrize("server", ["nginx", "apache", "caddy"])
def test_real_server_logs_honeypot_requests_to_their_own_log(server: str, trapped, tmp_path: Path) -> None:
    public, server_config, logs, trap = trapped
    log = logs / honeypot.LOG_FILE
    log.unlink(missing_ok=True)
    access = tmp_path / "access.log" if server != "caddy" else None
    if access:
        tmp_path.chmod(0o755)
    trap_requests = [trap, trap.rstrip("/"), trap + "?page=2"]
    with running(server, public, server_config, honeypot=True, access_log=access) as base:
        for path in ORDINARY:
            status, _, _ = get(base, path, CHROME)
            assert status == 200, (server, path, status)
        for path in trap_requests:
            status, headers, body = get(base, path.lstrip("/"), SCRAPER)
            assert status == 404, (server, path, status, body[:200])  # nothing there: harmless
            assert headers.get("x-robots-tag") == "noai, noimageai", (server, path, headers)
        lines = lines_of(log, len(trap_requests))
        if access:
            lines_of(access, len(ORDINARY) + (0 if server == "nginx" else len(trap_requests)))
    assert len(lines) == len(trap_requests), lines
    for line in lines:
        assert "127.0.0.1" in line and "RudeScraper" in line, (server, line)
    # A server logs a request after answering it, from whichever worker answered: the client may
    # have sent the next request before the line is written, so the log's order is not the requests'.
    found = [REQUEST_LINE.search(line) for line in lines]
    logged = sorted((m.group(1) or m.group(2)).split("?")[0] for m in found if m)
    assert logged == sorted(path.split("?")[0] for path in trap_requests), (server, lines)
    filter_file = server_config / honeypot.FAIL2BAN_FILTER
    matched, missed, output = fail2ban_regex(log, filter_file)
    assert (matched, missed) == (len(trap_requests), 0), (server, output)
    assert "127.0.0.1" in output
    if access:
        ordinary = access.read_text("utf-8")
        assert "Chrome" in ordinary
        matched, missed, output = fail2ban_regex(access, filter_file)
        # nginx logs the honeypot only to its own log; Apache to both, and only those lines match.
        assert matched == (0 if server == "nginx" else len(trap_requests)), (server, output)
        assert missed == len(ORDINARY), (server, output)


def test_fail2ban_reads_the_jail_and_filter(trapped, tmp_path: Path) -> None:
    """fail2ban's own configuration test, on Debian's configuration with only sitegen's jail in jail.d."""
    _, server_config, logs, _ = trapped
    found = shutil.which("fail2ban-client")
    assert found and Path("/etc/fail2ban/jail.conf").exists(), "fail2ban is missing: apt-get install fail2ban"
    confdir = tmp_path / "fail2ban"
    shutil.copytree("/etc/fail2ban", confdir, ignore=shutil.ignore_patterns("jail.local", "*.local", "jail.d"))
    (confdir / "jail.d").mkdir()
    shutil.copy(server_config / honeypot.FAIL2BAN_FILTER, confdir / "filter.d")
    shutil.copy(server_config / honeypot.FAIL2BAN_JAIL, confdir / "jail.d")
    (logs / honeypot.LOG_FILE).touch()  # the servers create it when they start
    test = subprocess.run([found, "-c", str(confdir), "-t"], capture_output=True, text=True, timeout=120)
    assert test.returncode == 0 and "configuration test is successful" in test.stdout + test.stderr, test
    dump = subprocess.run([found, "-c", str(confdir), "-d"], capture_output=True, text=True, timeout=120).stdout
    assert f"['set', 'sitegen-honeypot', 'addlogpath', '{logs}/{honeypot.LOG_FILE}', 'head']" in dump, dump
    assert "['set', 'sitegen-honeypot', 'maxretry', 1]" in dump and "'addfailregex'" in dump, dump
    assert "--dports http,https" in dump, dump
