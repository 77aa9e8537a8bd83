"""The preview's HTTP server: the standard library's threaded server, serving one folder and nothing else.

Not ``SimpleHTTPRequestHandler``: it lists directories, guesses MIME types
from the platform (no AVIF on many systems) and follows symlinks anywhere.
Here every request path is decoded once, refused if any segment is ``..`` or
``.`` (so ``%2e%2e`` is refused too), mapped under the preview folder and
resolved with symlinks; a file whose real path is outside the folder is
refused. Folders are served only through their ``index.html``. Every response,
errors included, carries the site's protection headers, and HTML is never
cached, so a reload always shows the latest build.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import mimetypes
import os
import shutil
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from .livereload import EVENTS_PATH, SCRIPT_PATH, LiveReload, inject

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}

# Host files without an extension that are text (the preview serves them as a host serves any file).
TEXT_NAMES = {"CNAME", "_headers", "_redirects", "LICENSE"}


def content_type(path: Path) -> str:
    """MIME type by extension from a fixed table (the platform's may lack AVIF or WebP), then the platform's."""
    known = MIME_TYPES.get(path.suffix.lower())
    if known:
        return known
    if path.name in TEXT_NAMES:
        return "text/plain; charset=utf-8"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Target:
    """What a request path means: a file to serve, a redirect, or a refusal."""

    kind: str  # "file", "redirect", "missing", "forbidden", "bad"
    site_path: str = ""  # relative to the site's base path: "about/", "media/x.webp"
    file: Path | None = None
    location: str = ""


def resolve(root: Path, base_path: str, request_target: str) -> Target:
    """Map a request target onto a file inside ``root``; anything that could leave it is "forbidden"."""
    if request_target.startswith("/"):
        raw, _, query = request_target.partition("#")[0].partition("?")
    elif request_target.startswith(("http://", "https://")):
        parts = urlsplit(request_target)
        raw, query = parts.path or "/", parts.query
    else:
        return Target("bad")
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return Target("bad")
    if "\x00" in path or "\\" in path:
        return Target("forbidden")
    segments = path.split("/")
    if any(s in (".", "..") for s in segments):
        return Target("forbidden")
    suffix = f"?{query}" if query else ""
    if not path.startswith(base_path):
        if path in ("/", base_path.rstrip("/")):
            return Target("redirect", location=base_path)
        return Target("missing", site_path=path.lstrip("/"))
    parts = [s for s in path[len(base_path) :].split("/") if s]
    site_path = "/".join(parts) + ("/" if parts and path.endswith("/") else "")
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, *parts))
    if not _inside(candidate, real_root):
        return Target("forbidden", site_path=site_path)
    if os.path.isdir(candidate):
        if not path.endswith("/"):
            return Target("redirect", site_path=site_path, location=quote(path + "/") + suffix)
        index = os.path.realpath(os.path.join(candidate, "index.html"))
        if not _inside(index, real_root):
            return Target("forbidden", site_path=site_path)
        if os.path.isfile(index):
            return Target("file", site_path=site_path, file=Path(index))
        return Target("missing", site_path=site_path)
    if os.path.isfile(candidate):
        return Target("file", site_path=site_path, file=Path(candidate))
    return Target("missing", site_path=site_path)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class SiteView:
    """What the handler needs from the running preview; the server itself knows nothing about builds."""

    root: Path
    base_path: Callable[[], str]
    headers: Callable[[str], list[tuple[str, str]]]  # protection headers for a site path
    reading: Callable[[], AbstractContextManager[None]]  # waits while a rebuild runs
    live: LiveReload
    placeholder: Callable[[], str | None]  # HTML to show when there is no good build yet
    log: Callable[[str], None] | None = None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-preview"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed, so no thread waits forever

    _site_path = ""

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing --------------------------------------------------------------------

    def log_message(self, format: str, *args: object) -> None:
        log = self.server.view.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")

    def end_headers(self) -> None:
        """Every response, errors included, carries the protection headers a host would send."""
        for name, value in self.server.view.headers(self._site_path):
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _send(self, status: int, body: bytes, ctype: str, extra: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, status: int, html: str, served_path: str) -> None:
        live = self.server.view.live
        body = inject(html, live.script_tag(served_path)).encode("utf-8")
        self._send(status, body, "text/html; charset=utf-8", [("Cache-Control", "no-store")])

    # -- methods ---------------------------------------------------------------------

    def do_GET(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._get()

    def do_HEAD(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._get()

    def _get(self) -> None:
        view = self.server.view
        self._site_path = ""  # a kept-alive connection's handler serves many requests
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            self._events()
            return
        if path == SCRIPT_PATH:
            self._send(200, view.live.script, "text/javascript; charset=utf-8", [("Cache-Control", "no-cache")])
            return
        with view.reading():
            self._serve(view)

    def _serve(self, view: SiteView) -> None:
        placeholder = view.placeholder()
        if placeholder is not None:
            self._html(503, placeholder, "")
            return
        base = view.base_path()
        target = resolve(view.root, base, self.path)
        self._site_path = target.site_path
        if target.kind == "bad":
            self._send(400, b"Bad request\n", "text/plain; charset=utf-8")
        elif target.kind == "forbidden":
            self._send(403, b"Forbidden\n", "text/plain; charset=utf-8")
        elif target.kind == "redirect":
            self._send(302, b"", "text/plain; charset=utf-8", [("Location", target.location)])
        elif target.kind == "missing":
            self._not_found(view)
        else:
            assert target.file is not None
            self._file(target.file, base + target.site_path)

    def _not_found(self, view: SiteView) -> None:
        page = view.root / "404.html"
        if page.is_file():
            self._html(404, page.read_text("utf-8", errors="replace"), view.base_path() + "404.html")
        else:
            self._send(404, b"Not found\n", "text/plain; charset=utf-8")

    def _file(self, file: Path, url_path: str) -> None:
        ctype = content_type(file)
        if ctype.startswith("text/html"):
            self._html(200, file.read_text("utf-8", errors="replace"), url_path)
            return
        st = file.stat()
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        validators = [
            ("ETag", etag),
            ("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True)),
            ("Cache-Control", "no-cache"),
        ]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            for name, value in validators:
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(st.st_size))
        for name, value in validators:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            with file.open("rb") as fh:
                shutil.copyfileobj(fh, self.wfile)

    def _events(self) -> None:
        """Server-Sent Events: one long response per open page, until the page or the server goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        for chunk in self.server.view.live.stream():
            self.wfile.write(chunk)
            self.wfile.flush()


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a browser tab holding a connection never keeps the process alive

    def __init__(self, address: tuple[str, int], view: SiteView) -> None:
        self.view = view
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Dropped connections are normal for a preview (a reload cancels requests); other errors are shown."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def bind(host: str, port: int, view: SiteView, tries: int = 20) -> PreviewHTTPServer:
    """The server on ``port``, or on the next free one when it is taken (up to ``tries`` ports further)."""
    last: OSError | None = None
    for candidate in range(port, port + tries) if port else [0]:
        try:
            return PreviewHTTPServer((host, candidate), view)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):  # taken, or a privileged port
                raise
            last = exc
    raise OSError(f"no free port between {port} and {port + tries - 1} ({last})")


def serve_in_thread(server: PreviewHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="sitegen-http")
    thread.daemon = True
    thread.start()
    return thread
