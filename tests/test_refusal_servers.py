"""The generated Apache, nginx and Caddy configurations, run in the real servers, refuse and admit as promised.

As GPTBot, ClaudeBot and CCBot a page and an image get 403 with the one-sentence reason, and the
terms (robots.txt, ai.txt, TDMRep, the licensing page, license.xml) stay readable; as Googlebot, Bingbot and a
current Chrome everything is served with the AI opt-out headers. license.xml goes out as application/rsl+xml
(and only it: sitemap.xml keeps its XML type).
"""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .refusal_agents import BINGBOT, CCBOT, CHROME, CLAUDEBOT, GOOGLEBOT, GPTBOT
from .web_servers import running

REFUSED = {"GPTBot": GPTBOT, "ClaudeBot": CLAUDEBOT, "CCBot": CCBOT}
ADMITTED = {"Googlebot": GOOGLEBOT, "Bingbot": BINGBOT, "Chrome": CHROME}
OPEN = ["robots.txt", "ai.txt", ".well-known/tdmrep.json", "tdm-policy.json", "licensing/"]


def get(base: str, path: str, agent: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request("GET", "/" + path, headers={"User-Agent": agent})
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


def media_type(headers: dict[str, str]) -> str:
    """The type without parameters: Apache adds "; charset=utf-8" to every .xml file (AddCharset)."""
    return headers.get("content-type", "").split(";")[0].strip()


@pytest.fixture(scope="module")
def built(example_build) -> tuple[Path, Path, str]:
    public = example_build[0]
    # Not an image of the example's client gallery: that folder asks for a password first (issue 15).
    image = min(p for p in (public / "media").rglob("*.webp") if not (p.parent / ".htaccess").exists())
    return public, public.parent / "server-config", image.relative_to(public).as_posix()


@pytest.mark.parametrize("server", ["apache", "nginx", "caddy"])
def test_real_server_refuses_ai_agents_and_admits_search_and_browsers(server: str, built) -> None:
    public, server_config, image = built
    with running(server, public, server_config) as base:
        for name, agent in REFUSED.items():
            for path in ("", "gallery-does-not-matter/", image):
                status, headers, body = get(base, path, agent)
                assert status == 403, (server, name, path, status)
                if path != "gallery-does-not-matter/":
                    assert b"does not serve AI crawlers" in body and b"/licensing/" in body, (server, body[:300])
                    assert headers.get("content-type", "").startswith(("text/plain", "text/html")), (server, headers)
            for path in OPEN:
                status, _, _ = get(base, path, agent)
                assert status == 200, (server, name, path, status)
            status, headers, body = get(base, "license.xml", agent)
            assert status == 200 and b"https://rslstandard.org/rsl" in body, (server, name, status)
            assert media_type(headers) == "application/rsl+xml", (server, name, headers)
        for name, agent in ADMITTED.items():
            for path in ("", image, "robots.txt", "licensing/"):
                status, headers, _ = get(base, path, agent)
                assert status == 200, (server, name, path, status)
                assert headers.get("x-robots-tag") == "noai, noimageai", (server, name, path, headers)
                assert headers.get("content-usage"), (server, name, path)
            status, headers, _ = get(base, "license.xml", agent)
            assert status == 200 and media_type(headers) == "application/rsl+xml", (server, name, headers)
            assert headers.get("x-robots-tag") == "noai, noimageai", (server, name, headers)  # not lost to its block
        status, headers, _ = get(base, "sitemap.xml", CHROME)
        assert status == 200 and media_type(headers) in ("application/xml", "text/xml"), (server, headers)
