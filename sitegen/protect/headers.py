"""The HTTP response headers every page and image of the site should carry.

One function decides them; the host files (``_headers``, ``.htaccess``, nginx,
Caddy) and the preview server all print what it returns, so what a
photographer previews is what a host sends.
"""

from __future__ import annotations

from ..urls import Urls

LICENSING_PATH = "licensing/"


def response_headers(urls: Urls, site_path: str = "") -> list[tuple[str, str]]:
    """Headers for the response serving ``site_path``, in the order they must be sent.

    ``X-Robots-Tag: noai, noimageai`` comes first and alone on its line: some
    readers only look at the first X-Robots-Tag header and drop a line whose
    other directives they do not understand.
    """
    policy = urls.abs_url(LICENSING_PATH) or urls.url(LICENSING_PATH)
    return [
        ("X-Robots-Tag", "noai, noimageai"),
        ("tdm-reservation", "1"),
        ("tdm-policy", policy),
        ("Content-Usage", "train-ai=n, search=y"),
    ]
