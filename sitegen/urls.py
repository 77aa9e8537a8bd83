"""Site paths to links: the one place that knows about ``base_url``.

Internally every page and file has a *site path* (``"travel/iceland/"``,
``"media/x.webp"``). Links in pages are root-relative with the base path in
front (``/portfolio/travel/iceland/``), so the same HTML works from any depth
and from the 404 page; sitemap, feed, canonical and social-card URLs must be
absolute and exist only when ``base_url`` names a host.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def base_path(base_url: str) -> str:
    """The path part of ``base_url``, always starting and ending with "/"."""
    path = urlsplit(base_url).path if "://" in base_url else base_url
    path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
    return path


def site_origin(base_url: str) -> str | None:
    """``scheme://host`` when ``base_url`` is absolute, else None."""
    if "://" not in base_url:
        return None
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


class Urls:
    def __init__(self, base_url: str) -> None:
        self.base_path = base_path(base_url)
        self.origin = site_origin(base_url)

    @property
    def absolute(self) -> bool:
        return self.origin is not None

    def url(self, site_path: str) -> str:
        """Root-relative link for a site path; non-ASCII characters are percent-encoded."""
        return self.base_path + quote(site_path.lstrip("/"), safe="/#?=&%~+")

    def abs_url(self, site_path: str) -> str | None:
        """Absolute URL, or None when no host is configured."""
        if self.origin is None:
            return None
        return self.origin + self.url(site_path)
