"""Where the audit gets a site from: a built folder, or a deployed site over HTTP.

Both give the checks the same view (responses with status, headers and body,
for URL paths), so every check is written once. The HTTP side is deliberately
narrow: it talks only to the origin it was given (no proxies from the
environment, no redirect to another host), sends a bounded number of
requests one at a time, each with a deadline for the whole request and a
size limit, and stops at an overall deadline.
"""

from __future__ import annotations

import abc
import http.client
import io
import socket
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from .. import __version__
from .hostrules import Headers, HostFiles
from .html import sitemap_locations

USER_AGENT = f"sitegen-audit/{__version__} (checks a site's AI opt-out signals at its owner's request)"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".heic", ".heif")
MB = 1024 * 1024
_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close"}
_PATH_SAFE = "/%:@!$&'()*+,;=~?"


class AuditError(Exception):
    """The target cannot be audited at all (unreachable, not a site)."""


@dataclass
class Response:
    url_path: str  # path on the site, e.g. "/water/" (no origin)
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False  # body longer than the size limit
    error: str | None = None  # transport failure, timeout, redirect loop, or not fetched (see ``limited``)
    limited: bool = False  # not requested at all: the request budget or --max-time ran out
    # From a folder: what each host reading its host files would send ("Netlify" -> headers); ``headers`` is the first.
    by_host: dict[str, Headers] = field(default_factory=dict)

    def views(self) -> list[tuple[str, Response]]:
        """The response as each host would send it ('' for the one real answer of a live site)."""
        if not self.by_host:
            return [("", self)]
        return [(host, replace(self, headers=headers, by_host={})) for host, headers in self.by_host.items()]

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
        headers_file, htaccess = self.folder / "_headers", self.folder / ".htaccess"
        self.htaccess_text = htaccess.read_text("utf-8", "replace") if htaccess.is_file() else None
        self.host_files = HostFiles(
            headers_file.read_text("utf-8", "replace") if headers_file.is_file() else None, self.htaccess_text
        )
        files = [name for name, path in (("_headers", headers_file), (".htaccess", htaccess)) if path.is_file()]
        hosts = self.host_files.hosts
        self.headers_note = "no _headers or .htaccess file in the folder"
        if hosts:
            them = hosts[0] if len(hosts) == 1 else f"{', '.join(hosts[:-1])} and {hosts[-1]}"
            make = "file makes" if len(files) == 1 else "files make"
            self.headers_note = f"as the folder's {' and '.join(files)} {make} {them} send them"

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
        by_host = self.host_files.views(url_path)
        headers = next(iter(by_host.values()), [])
        if target is None:
            return Response(url_path, 404, headers, by_host=by_host)
        with target.open("rb") as fh:
            body = fh.read(limit + 1)
        return Response(url_path, 200, headers, body[:limit], truncated=len(body) > limit, by_host=by_host)

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


REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class _DeadlineReader(io.RawIOBase):
    """The socket as http.client reads it, with the request's deadline checked before every read.

    A socket timeout bounds one read, and a host that drips a byte at a time never trips it: each
    read here may only wait for what is left of the request's time, and none starts after it.
    """

    def __init__(self, owner: _DeadlineSocket, deadline: float, allowed: float) -> None:
        super().__init__()
        self.owner, self.sock, self.deadline, self.allowed = owner, owner._sock, deadline, allowed

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            super().close()
            self.owner._reader_closed()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no complete response within {self.allowed:g} s")
        self.sock.settimeout(left)
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            raise TimeoutError(f"no complete response within {self.allowed:g} s") from None


class _DeadlineSocket:
    """Hands http.client a reader bound to the deadline; everything else goes to the real socket.

    Like ``socket.makefile``, an open reader keeps the socket open after ``close`` (http.client
    closes the connection before the body of a ``Connection: close`` response is read).
    """

    def __init__(self, sock: socket.socket, deadline: float, allowed: float) -> None:
        self._sock, self._deadline, self._allowed = sock, deadline, allowed
        self._readers = 0
        self._closing = False

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self, self._deadline, self._allowed))

    def _reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and not self._readers:
            self._sock.close()

    def close(self) -> None:
        self._closing = True
        if not self._readers:
            self._sock.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._sock, name)


def _connection(scheme: str, host: str, port: int | None, allowed: float) -> http.client.HTTPConnection:
    """A connection whose every read, from the status line to the last body byte, shares one deadline."""
    deadline = time.monotonic() + allowed
    connection = (http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection)(
        host, port, timeout=allowed
    )
    connect = connection.connect

    def connect_within_deadline() -> None:
        connect()  # bounded by the socket timeout (``allowed``); TLS set up by HTTPSConnection
        connection.sock = _DeadlineSocket(connection.sock, deadline, allowed)

    connection.connect = connect_within_deadline  # type: ignore[method-assign]
    return connection


class HttpSource(Source):
    """A live site. Only ``origin`` is ever contacted; at most ``max_requests`` requests are sent.

    ``timeout`` bounds each request as a whole (connect, headers and body), not each socket read: a
    server that drips one byte at a time never trips a read timeout. ``max_time`` bounds the whole
    audit; once it has passed no request is sent, and what was not fetched is reported as unchecked.
    """

    mode = "url"

    def __init__(self, url: str, *, timeout: float = 10.0, max_requests: int = 300, max_time: float = 180.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AuditError(f"{url}: not an http(s) URL")
        try:
            self.port = parts.port
        except ValueError:
            raise AuditError(f"{url}: bad port") from None
        self.scheme, self.host = parts.scheme, parts.hostname or ""
        self.origin = f"{parts.scheme}://{parts.netloc}"
        path = parts.path or "/"
        last = path.rsplit("/", 1)[1]
        if not path.endswith("/"):  # "https://example.com/portfolio" means the folder; ".../index.html" its parent
            path = path + "/" if "." not in last else path.rsplit("/", 1)[0] + "/"
        self.base_path = path
        self.timeout = timeout
        self.max_requests = max_requests
        self.max_time = max_time
        self.stop_at = time.monotonic() + max_time
        self._made = 0
        self._cache: dict[str, Response] = {}
        self.headers_note = "as the server sent them"

    def describe(self) -> str:
        return self.origin + self.base_path

    @property
    def requests_made(self) -> int:
        return self._made

    @property
    def budget_left(self) -> int:
        return self.max_requests - self._made if not self.out_of_time else 0

    @property
    def out_of_time(self) -> bool:
        return time.monotonic() >= self.stop_at

    def limit_reached(self) -> str | None:
        """Why no further request may be sent, or None."""
        if self.out_of_time:
            return f"--max-time of {self.max_time:g} s reached"
        if self._made >= self.max_requests:
            return f"--max-requests {self.max_requests} used up"
        return None

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

    def has(self, url_path: str) -> bool:
        """Already fetched (a repeated ``get`` costs no request)."""
        return url_path in self._cache

    def get(self, url_path: str, limit: int = 5 * MB) -> Response:
        cached = self._cache.get(url_path)
        if cached is not None and (not cached.truncated or limit <= len(cached.body)):
            return cached
        response = self._follow(url_path, limit, USER_AGENT)
        if not response.limited:  # a later call (with budget left) may still fetch it
            self._cache[url_path] = response
        return response

    def get_as(self, url_path: str, user_agent: str, limit: int = 64 * 1024) -> Response:
        """``url_path`` as a client naming itself ``user_agent`` would get it: never cached, within the same bounds.

        The refusal check asks the same path as a browser and as AI agents; a cached answer to one
        would hide what the server tells the other.
        """
        return self._follow(url_path, limit, user_agent)

    def _follow(self, url_path: str, limit: int, user_agent: str) -> Response:
        """One request and its same-origin redirects, each counted against the budget."""
        path, chain = url_path, [url_path]
        while True:
            stop = self.limit_reached()
            if stop is not None:
                return Response(url_path, 0, error=stop, limited=True)
            self._made += 1
            response = self._fetch(path, limit, user_agent)
            response.url_path = url_path
            location = response.header("Location") if response.status in REDIRECTS else None
            if response.error or location is None:
                return response
            target = urljoin(self.origin + path, location)
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                response.error = f"redirect to another origin refused: {target}"
                return response
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            if path in chain:
                response.error = f"redirect loop: {' -> '.join([*chain, path])}"
                return response
            chain.append(path)
            if len(chain) > MAX_REDIRECTS + 1:
                response.error = f"more than {MAX_REDIRECTS} redirects: {' -> '.join(chain)}"
                return response

    def _fetch(self, path: str, limit: int, user_agent: str = USER_AGENT) -> Response:
        """One request, given up as a whole after ``timeout`` seconds (or when ``max_time`` passes)."""
        allowed = max(0.01, min(self.timeout, self.stop_at - time.monotonic()))
        conn = _connection(self.scheme, self.host, self.port, allowed)
        response = Response(path, 0)
        reply: http.client.HTTPResponse | None = None
        try:
            conn.request("GET", quote(path, safe=_PATH_SAFE), headers={**_HEADERS, "User-Agent": user_agent})
            reply = conn.getresponse()
            response.status, response.headers = reply.status, reply.getheaders()
            if reply.status not in REDIRECTS:
                response.body, response.truncated = _read(reply, limit)
        except TimeoutError:
            cut_by = f"--max-time of {self.max_time:g} s reached" if allowed < self.timeout else ""
            response = Response(path, 0, error=cut_by or f"no complete response within {allowed:g} s")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            response.status, response.body = 0, b""
            response.error = str(exc) or type(exc).__name__
        finally:
            if reply is not None:
                reply.close()
            conn.close()
        return response

    def page_paths(self) -> list[str]:
        """Pages named in the sitemap (same origin only), home first."""
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


def _read(reply: http.client.HTTPResponse, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes, in whatever pieces arrive (``read1``: a full 64 KB read would wait for 64 KB)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = reply.read1(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    return body[:limit], size > limit
