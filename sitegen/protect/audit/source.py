"""Where the audit gets a site from: a built folder, or a deployed site over HTTP.

Both give the checks the same view (responses with status, headers and body,
for URL paths), so every check is written once. The HTTP side is deliberately
narrow: it talks only to the origin it was given (no proxies from the
environment, no redirect to another host), sends a bounded number of
requests, each with a timeout and a size limit, one at a time.
"""

from __future__ import annotations

import abc
import contextlib
import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from ... import __version__
from ..hostfiles import parse_headers_file

USER_AGENT = f"sitegen-audit/{__version__} (checks a site's AI opt-out signals at its owner's request)"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".heic", ".heif")
MB = 1024 * 1024


class AuditError(Exception):
    """The target cannot be audited at all (unreachable, not a site)."""


@dataclass
class Response:
    url_path: str  # path on the site, e.g. "/water/" (no origin)
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False  # body longer than the size limit
    error: str | None = None  # transport failure

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status < 300


class Source(abc.ABC):
    """A site seen as URL paths. ``base_path`` is where the site lives ("/" or "/portfolio/")."""

    mode = ""
    base_path = "/"
    headers_note = ""

    @abc.abstractmethod
    def describe(self) -> str: ...

    @abc.abstractmethod
    def get(self, url_path: str, limit: int = 5 * MB) -> Response: ...

    @abc.abstractmethod
    def page_paths(self) -> list[str]:
        """Every HTML page this source can name without crawling (folder: all; URL: the sitemap)."""

    @property
    def requests_made(self) -> int:
        return 0

    @property
    def budget_left(self) -> int:
        return 1_000_000


# --- a built folder --------------------------------------------------------------------------------


class FolderSource(Source):
    """A build output folder. Headers are what its ``_headers`` file makes Netlify/Cloudflare send."""

    mode = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        headers_file = self.folder / "_headers"
        self.header_rules = parse_headers_file(headers_file.read_text("utf-8")) if headers_file.is_file() else None
        self.htaccess = (
            (self.folder / ".htaccess").read_text("utf-8") if (self.folder / ".htaccess").is_file() else None
        )
        self.headers_note = (
            "as the folder's _headers file makes Netlify and Cloudflare Pages send them"
            if self.header_rules
            else "no _headers file in the folder"
        )

    def describe(self) -> str:
        return str(self.folder)

    def file_for(self, url_path: str) -> Path | None:
        rel = unquote(url_path).lstrip("/")
        parts = PurePosixPath(rel).parts
        if ".." in parts:
            return None
        target = self.folder.joinpath(*parts) if parts else self.folder
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def get(self, url_path: str, limit: int = 5 * MB) -> Response:
        target = self.file_for(url_path)
        headers = self.header_rules.headers_for(url_path) if self.header_rules else []
        if target is None:
            return Response(url_path, 404, headers)
        with target.open("rb") as fh:
            body = fh.read(limit + 1)
        return Response(url_path, 200, headers, body[:limit], truncated=len(body) > limit)

    def all_files(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*") if p.is_file())

    def url_path_of(self, path: Path) -> str:
        rel = path.relative_to(self.folder).as_posix()
        if rel == "index.html":
            return "/"
        if rel.endswith("/index.html"):
            return "/" + rel.removesuffix("index.html")
        return "/" + rel

    def page_paths(self) -> list[str]:
        return [self.url_path_of(p) for p in self.all_files() if p.suffix == ".html"]

    def image_paths(self) -> list[str]:
        return [self.url_path_of(p) for p in self.all_files() if p.suffix.lower() in IMAGE_SUFFIXES]


# --- a deployed site ------------------------------------------------------------------------------


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        target = urljoin(req.full_url, newurl)
        parts = urlsplit(target)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            raise urllib.error.HTTPError(
                req.full_url, code, f"redirect to another origin refused: {target}", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpSource(Source):
    """A live site. Only ``origin`` is ever contacted; at most ``max_requests`` requests are sent."""

    mode = "url"

    def __init__(self, url: str, *, timeout: float = 10.0, max_requests: int = 300) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AuditError(f"{url}: not an http(s) URL")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        path = parts.path or "/"
        last = path.rsplit("/", 1)[1]
        if not path.endswith("/"):  # "https://example.com/portfolio" means the folder; ".../index.html" its parent
            path = path + "/" if "." not in last else path.rsplit("/", 1)[0] + "/"
        self.base_path = path
        self.timeout = timeout
        self.max_requests = max_requests
        self._made = 0
        self._cache: dict[str, Response] = {}
        self.headers_note = "as the server sent them"
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # never route through a proxy from the environment
            _SameOriginRedirects(self.origin),
        )

    def describe(self) -> str:
        return self.origin + self.base_path

    @property
    def requests_made(self) -> int:
        return self._made

    @property
    def budget_left(self) -> int:
        return self.max_requests - self._made

    def url_path(self, link: str, page_path: str = "/", any_host: bool = False) -> str | None:
        """The site path of a link, or None when it points to another origin or is not http(s).

        ``any_host`` keeps the path of a link to another host: a sitemap built for the production address
        still lists the pages of a staging copy (they are fetched from this origin, never from that host).
        """
        absolute = urljoin(self.origin + page_path, link)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return None
        if f"{parts.scheme}://{parts.netloc}" != self.origin and not any_host:
            return None
        return parts.path or "/"

    def get(self, url_path: str, limit: int = 5 * MB) -> Response:
        cached = self._cache.get(url_path)
        if cached is not None and (not cached.truncated or limit <= len(cached.body)):
            return cached
        if self._made >= self.max_requests:
            return Response(url_path, 0, error=f"request budget of {self.max_requests} used up")
        self._made += 1
        url = urlunsplit(urlsplit(self.origin)._replace(path=url_path))
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as reply:
                response = Response(url_path, reply.status, list(reply.headers.items()))
                response.body, response.truncated = self._read(reply, limit, started)
        except urllib.error.HTTPError as exc:
            response = Response(url_path, exc.code, list(exc.headers.items()) if exc.headers else [])
            if "another origin" in str(exc.reason):
                response.error = str(exc.reason)
            else:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    response.body, response.truncated = self._read(exc, limit, started)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            response = Response(url_path, 0, error=f"{reason}")
        self._cache[url_path] = response
        return response

    def _read(self, reply, limit: int, started: float) -> tuple[bytes, bool]:  # type: ignore[no-untyped-def]
        """Read at most ``limit`` bytes, and give up on a server that trickles for too long."""
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            if time.monotonic() - started > self.timeout * 3:
                raise TimeoutError(f"response took longer than {self.timeout * 3:.0f} s")
            chunk = reply.read(min(64 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        body = b"".join(chunks)
        return body[:limit], size > limit

    def page_paths(self) -> list[str]:
        """Pages named in the sitemap (same origin only), home first."""
        from .html import sitemap_locations

        paths = [self.base_path]
        sitemap = self.get(self.base_path + "sitemap.xml")
        if sitemap.ok:
            for loc in sitemap_locations(sitemap.body):
                path = self.url_path(loc, any_host=True)
                if (
                    path
                    and path.startswith(self.base_path)
                    and path not in paths
                    and not path.lower().endswith(IMAGE_SUFFIXES)
                ):
                    paths.append(path)
        return paths
