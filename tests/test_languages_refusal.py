"""The 403 a refused AI agent reads is in the site's language, as UTF-8 text, from every server.

Real Apache, nginx and Caddy (127.0.0.1, stopped by PID) serve example-site switched to Japanese
(its one language line); ``sitegen serve`` serves a French site. Each answers a refused agent with
the table's sentence, byte for byte as UTF-8 and labelled so: Apache used to label its quoted
ErrorDocument ``text/html; charset=iso-8859-1``, which garbles every letter beyond ASCII.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from sitegen.commands.serve import Preview
from sitegen.strings import Strings

from .example_languages import example_in
from .refusal_agents import CHROME, GPTBOT
from .test_serve import WAIT, free_port
from .test_serve_refusal import raw_get
from .test_session import make_site
from .web_servers import running


def get(base: str, path: str, agent: str) -> tuple[int, str, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request("GET", path, headers={"User-Agent": agent})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("server", ["apache", "nginx", "caddy"])
def test_real_servers_refuse_in_japanese_as_utf8_text(server: str, example_build, tmp_path_factory) -> None:
    public, _ = example_in("ja", example_build, tmp_path_factory)
    sentence = Strings.for_site("ja")("refusal.message", url="https://example.com/licensing/")
    with running(server, public, public.parent / "server-config") as base:
        for path in ("/", "/water/"):
            status, content_type, body = get(base, path, GPTBOT)
            assert status == 403, (server, path)
            assert body.decode("utf-8").strip() == sentence, (server, body[:200])
            assert content_type.replace(" ", "").lower() == "text/plain;charset=utf-8", (server, content_type)
        status, _, body = get(base, "/", CHROME)
        assert status == 200 and '<html lang="ja">' in body.decode("utf-8")


def test_the_preview_refuses_in_french(tmp_path_factory) -> None:
    site = make_site(tmp_path_factory.mktemp("refusal-fr") / "site")
    config = site / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace("[site]\n", '[site]\nlanguage = "fr"\n'), "utf-8")
    preview = Preview(site, port=free_port(), jobs=1, log=lambda *a: None)
    preview.start()
    try:
        assert preview.wait_built(WAIT)
        port = preview.server.server_address[1]  # type: ignore[union-attr]
        status, headers, body = raw_get(port, "/alpha/", GPTBOT)
        assert status == 403 and headers["content-type"] == "text/plain; charset=utf-8"
        text = body.decode("utf-8")
        assert text.startswith("Ce site ne sert pas les robots et les agents d’IA\u202f;"), text
        assert text.rstrip().endswith("/licensing/")
    finally:
        preview.stop()
