"""The generated ``_headers`` file, applied by a host, as a real HTTP client receives it."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from sitegen.protect.headers import IMMUTABLE


def fetch(base: str, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        # Not a refused agent (img2dataset itself now gets a 403 at the host): these are the headers
        # a dataset tool would read if it came under another name.
        conn.request("GET", path, headers={"User-Agent": "curl/8.5.0 (header check)"})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def test_page_and_image_responses_carry_the_protection_headers(live_example):
    url, output = live_example
    image = next((output / "media").rglob("*.webp")).relative_to(output).as_posix()
    for path, is_image in (("/", False), ("/water/walruses/", False), (f"/{image}", True), ("/robots.txt", False)):
        status, headers, body = fetch(url, path)
        assert status == 200 and body, path
        # What img2dataset and datadiligence read: the first X-Robots-Tag line, exactly "noai, noimageai".
        assert values(headers, "X-Robots-Tag") == ["noai, noimageai"], path
        assert values(headers, "tdm-reservation") == ["1"]
        assert values(headers, "tdm-policy") == [url + "tdm-policy.json"]
        assert values(headers, "Content-Usage") == ["train-ai=n, ai-use=n, search=y"]
        assert values(headers, "Cache-Control") == ([IMMUTABLE] if is_image else []), path
    status, headers, _ = fetch(url, "/.well-known/tdmrep.json")
    assert status == 200 and values(headers, "Content-Type") == ["application/json"]


def test_policy_url_in_headers_is_served(live_example):
    url, _ = live_example
    status, _, body = fetch(url, "/tdm-policy.json")
    assert status == 200 and b'"tdm:mine"' in body
