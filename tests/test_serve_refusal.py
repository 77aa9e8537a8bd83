"""``sitegen serve`` refuses the AI agents the host files refuse, the same way (raw HTTP requests)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sitegen.commands.serve import Preview

from .refusal_agents import BINGBOT, CCBOT, CHROME, CLAUDEBOT, GOOGLEBOT, GPTBOT
from .test_serve import WAIT, free_port
from .test_session import make_site


def raw_get(port: int, path: str, agent: str | None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request written by hand, so nothing but the User-Agent differs between agents."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if agent is not None:
        lines.append(f"User-Agent: {agent}")
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("refusal") / "site")


def _started(site: Path, **options: object) -> Preview:
    preview = Preview(site, port=free_port(), jobs=1, log=lambda *a: None, **options)  # type: ignore[arg-type]
    preview.start()
    assert preview.wait_built(WAIT)
    return preview


def _image(preview: Preview) -> str:
    assert preview.folder is not None
    image = min(preview.folder.root.joinpath("media").rglob("*.webp"))
    return "/" + image.relative_to(preview.folder.root).as_posix()


def test_the_preview_refuses_ai_agents_and_serves_the_terms(site: Path) -> None:
    preview = _started(site)
    try:
        port = preview.server.server_address[1]  # type: ignore[union-attr]
        image = _image(preview)
        for agent in (GPTBOT, CLAUDEBOT, CCBOT, "gptbot"):
            for path in ("/", "/alpha/", image, "/licensing/%2E%2E/alpha/"):
                status, headers, body = raw_get(port, path, agent)
                assert status == 403, (agent, path)
                assert body.startswith(b"This site does not serve AI crawlers") and b"/licensing/" in body
                assert headers["content-type"] == "text/plain; charset=utf-8"
                assert headers["x-robots-tag"] == "noai, noimageai"  # the same headers as every response
            for path in ("/robots.txt", "/ai.txt", "/.well-known/tdmrep.json", "/tdm-policy.json", "/licensing/"):
                status, _, _ = raw_get(port, path, agent)
                assert status == 200, (agent, path)
            status, headers, body = raw_get(port, "/license.xml", agent)
            assert status == 200 and b"https://rslstandard.org/rsl" in body, agent
            assert headers["content-type"] == "application/rsl+xml", headers  # as every host file types it
        for agent in (GOOGLEBOT, BINGBOT, CHROME, None):
            for path in ("/", image, "/robots.txt"):
                status, headers, _ = raw_get(port, path, agent)
                assert status == 200, (agent, path)
                assert headers["x-robots-tag"] == "noai, noimageai"
    finally:
        preview.stop()


def test_no_refuse_serves_ai_agents_for_testing(site: Path) -> None:
    preview = _started(site, refuse=False)
    try:
        port = preview.server.server_address[1]  # type: ignore[union-attr]
        assert raw_get(port, "/", GPTBOT)[0] == 200
        assert raw_get(port, _image(preview), CCBOT)[0] == 200
    finally:
        preview.stop()


def test_the_config_switch_turns_it_off_in_the_preview_too(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + "[protect]\nrefuse_agents = false\n")
    preview = _started(site)
    try:
        assert raw_get(preview.server.server_address[1], "/", GPTBOT)[0] == 200  # type: ignore[union-attr]
    finally:
        preview.stop()
