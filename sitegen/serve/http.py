"""The preview's HTTP server: the standard library's threaded server, serving one folder and nothing else.

Not ``SimpleHTTPRequestHandler``: it lists directories, guesses MIME types
from the platform (no AVIF on many systems) and follows symlinks anywhere.
Here every request path is decoded once, refused if any segment is ``..`` or
``.`` (so ``%2e%2e`` is refused too), mapped under the preview folder and
resolved with symlinks; a file whose real path is outside the folder is
refused. Folders are served only through their ``index.html``. Every response,
errors included, carries the site's protection headers, and HTML is never
cached, so a reload always shows the latest build.

Only requests naming this server in ``Host`` are answered (see
:class:`HostRule`), and one slow or hostile client costs at most its own
thread: answers are prepared under the rebuild lock but sent after it, headers
have a deadline, and the number of connections is capped.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import io
import ipaddress
import mimetypes
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
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
        split = urlsplit(request_target)
        raw, query = split.path or "/", split.query
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
    # Changes whenever files in ``root`` change (read while ``reading``): what a request path means is
    # then looked up once per version of the folder, not resolved with a dozen lstat calls every time.
    generation: Callable[[], int] | None = None


# -- which Host names the preview answers -----------------------------------------------------

LOOPBACK_NAMES = frozenset({"localhost"})


def _wildcard(address: str) -> bool:
    return address in ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class HostRule:
    """The names a request's ``Host`` may carry: only names that lead to this server.

    A page on another site can make a browser send requests here under its own
    name (DNS rebinding: ``evil.example`` re-resolved to 127.0.0.1), and then
    read the answers as same-origin. A name the preview does not know is
    therefore refused. IP literals cannot be rebound (the page's origin is the
    address itself), so loopback addresses are always fine, and every address
    when the server listens on all of them.
    """

    names: frozenset[str]
    any_address: bool = False

    @classmethod
    def for_bind(cls, host: str, bound: str) -> HostRule:
        """``host`` as given with ``--host``, ``bound`` the address the socket got."""
        names = set(LOOPBACK_NAMES)
        for name in (host, bound):
            if name and not _wildcard(name):
                names.add(name.strip("[]").lower().rstrip("."))
        if _wildcard(host) or _wildcard(bound):
            machine = socket.gethostname().lower().rstrip(".")
            if machine:
                names.update({machine, machine.split(".")[0], machine.split(".")[0] + ".local"})
            return cls(frozenset(names), any_address=True)
        return cls(frozenset(names))

    def allows(self, authority: str) -> bool:
        """``authority``: a Host header value, ``name`` or ``name:port`` (IPv6 in brackets)."""
        value = authority.strip().lower()
        if value.startswith("["):
            name, bracket, port = value[1:].partition("]")
            if not bracket or (port and not re.fullmatch(r":\d{1,5}", port)):
                return False
        else:
            name, colon, port = value.partition(":")
            if colon and not re.fullmatch(r"\d{1,5}", port):
                return False
        if name.endswith("."):  # "localhost." is "localhost"
            name = name[:-1]
        if not name:
            return False
        if name in self.names:
            return True
        try:
            address = ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            return False
        return self.any_address or address.is_loopback


def is_loopback(address: str) -> bool:
    """Whether a bound address is reachable from this computer only."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


# -- reading requests with deadlines ---------------------------------------------------------


class _DeadlineReader(io.RawIOBase):
    """The connection's reading side, with two clocks instead of one per-``recv`` timeout.

    Waiting for the next request on a kept-alive connection may take
    ``idle`` seconds; once its first byte is in, the request line and headers
    must be complete within ``header`` seconds in total. A per-``recv`` timeout
    alone lets a client that sends one byte every minute hold a thread for
    ever (slowloris).
    """

    def __init__(self, sock: socket.socket, idle: float, header: float, send: float) -> None:
        self.sock = sock
        self.idle, self.header, self.send = idle, header, send
        self.deadline: float | None = None
        self.waiting = True  # between requests: the connection may be closed to make room

    def readable(self) -> bool:
        return True

    def await_request(self) -> None:
        self.deadline, self.waiting = None, True

    def request_started(self) -> None:
        self.waiting = False
        if self.deadline is None:
            self.deadline = time.monotonic() + self.header

    def readinto(self, buffer: Any) -> int:
        if self.deadline is None:
            timeout = self.idle
        else:
            timeout = self.deadline - time.monotonic()
            if timeout <= 0:
                raise TimeoutError("request headers took too long")
        self.sock.settimeout(timeout)
        try:
            count = self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.send)  # what the response's writes may wait
        if count and self.deadline is None:
            self.request_started()
        return count


# -- the handler ------------------------------------------------------------------------------

SMALL_FILE = 256 * 1024  # files up to this size are read into memory; larger ones are streamed from an open file


@dataclass
class Reply:
    """A response prepared while the folder is stable, sent after letting rebuilds go on.

    ``file`` is an open file: on POSIX it keeps the bytes it was opened with
    even when a rebuild replaces or deletes the file meanwhile.
    """

    status: int
    ctype: str = ""
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    file: BinaryIO | None = None
    length: int = 0  # of ``file``
    site_path: str = ""

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _text(status: int, text: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", text.encode("utf-8"))


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-preview"
    sys_version = ""
    disable_nagle_algorithm = True  # a response's last segment is never held back waiting for an ACK

    _site_path = ""
    _connection_sent = False
    # Set by the base class (http.server), which declares neither: named here for the type checker.
    raw_requestline: bytes
    _headers_buffer: list[bytes]

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing --------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.send_timeout)  # per connection (the base reads a class default)
        self.rfile.close()
        self._reader = self.server.reader_for(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self._site_path = ""  # a kept-alive connection's handler serves many requests
        self._connection_sent = False
        self._reader.await_request()
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The base class's parsing, with a deadline on the headers, HTTP/0.9 refused and the Host checked."""
        self._reader.request_started()
        words = self.raw_requestline.decode("iso-8859-1").split()
        if len(words) == 2:
            # HTTP/0.9: no headers follow, but the base class would wait for them until the timeout.
            self.command, self.path, self.request_version = words[0], words[1], "HTTP/1.0"
            self.requestline = " ".join(words)
            self.close_connection = True
            self._send(505, b"HTTP/0.9 is not supported\n", "text/plain; charset=utf-8")
            return False
        if not super().parse_request():
            return False
        refusal = self._check_host()
        if refusal is not None:
            self.close_connection = True
            self._send(refusal[0], refusal[1].encode("utf-8"), "text/plain; charset=utf-8")
            return False
        return True

    def _check_host(self) -> tuple[int, str] | None:
        """(status, text) when the request names a host this server is not."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            return 400, "Bad request: more than one Host header\n"
        if self.path.lower().startswith(("http://", "https://")):
            hosts = [urlsplit(self.path).netloc]  # an absolute target's authority replaces Host
        if not hosts:
            if self.request_version == "HTTP/1.0":
                return None  # no browser sends this, so no page can use it to read the preview
            return 400, "Bad request: no Host header\n"
        if self.server.hosts.allows(hosts[0]):
            return None
        return 421, (
            "Misdirected request: this preview answers only to localhost, loopback addresses and the name\n"
            "or address it was started with (--host); to reach it under another name, start it with --host NAME.\n"
        )

    def log_message(self, format: str, *args: object) -> None:
        log = self.server.view.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")

    def send_header(self, keyword: str, value: str) -> None:
        """The base class's, without its per-header checks on the hot path (a dozen headers a response)."""
        if len(keyword) == 10 and keyword.lower() == "connection":
            self._connection_sent = True
            super().send_header(keyword, value)  # also decides whether the connection stays open
            return
        self._headers_buffer.append(f"{keyword}: {value}\r\n".encode("latin-1", "strict"))

    def end_headers(self) -> None:
        self._finish_headers()

    def _finish_headers(self, body: bytes = b"") -> None:
        """Every response, errors included, carries the protection headers a host would send, and says
        whether the connection stays open (an HTTP/1.0 client waits for the close unless told "keep-alive")."""
        for name, value in self.server.view.headers(self._site_path):
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        if not self._connection_sent:
            if self.close_connection:
                self.send_header("Connection", "close")
            elif self.request_version == "HTTP/1.0":
                self.send_header("Connection", "keep-alive")
        self._headers_buffer.append(b"\r\n")
        if body:
            self._headers_buffer.append(body)  # one write: headers and a small body in one segment
        self.flush_headers()

    def _send(self, status: int, body: bytes, ctype: str, extra: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self._finish_headers(b"" if self.command == "HEAD" else body)

    # -- methods ---------------------------------------------------------------------

    def do_GET(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._get()

    def do_HEAD(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._get()

    def _get(self) -> None:
        view = self.server.view
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            self._events()
            return
        if path == SCRIPT_PATH:
            self._send(200, view.live.script, "text/javascript; charset=utf-8", [("Cache-Control", "no-cache")])
            return
        # Only preparing the answer waits for (and holds off) rebuilds; sending it does not, so a
        # client that stops reading stalls its own connection, never the preview.
        with view.reading():
            reply = self._prepare(view)
        try:
            self._deliver(reply)
        finally:
            reply.close()

    def _prepare(self, view: SiteView) -> Reply:
        placeholder = view.placeholder()
        if placeholder is not None:
            return self._html(503, placeholder, "")
        base = view.base_path()
        target = self.server.target(base, self.path)
        if target.kind == "bad":
            reply = _text(400, "Bad request\n")
        elif target.kind == "forbidden":
            reply = _text(403, "Forbidden\n")
        elif target.kind == "redirect":
            reply = Reply(302, "text/plain; charset=utf-8", headers=[("Location", target.location)])
        elif target.kind == "missing":
            reply = self._not_found(view)
        else:
            assert target.file is not None
            reply = self._file(target.file, base + target.site_path)
        reply.site_path = target.site_path
        return reply

    def _html(self, status: int, html: str, served_path: str) -> Reply:
        live = self.server.view.live
        body = inject(html, live.script_tag(served_path)).encode("utf-8")
        return Reply(status, "text/html; charset=utf-8", body, [("Cache-Control", "no-store")])

    def _not_found(self, view: SiteView) -> Reply:
        page = view.root / "404.html"
        if page.is_file():
            return self._html(404, page.read_text("utf-8", errors="replace"), view.base_path() + "404.html")
        return _text(404, "Not found\n")

    def _file(self, file: Path, url_path: str) -> Reply:
        ctype = content_type(file)
        try:
            if ctype.startswith("text/html"):
                return self._html(200, file.read_text("utf-8", errors="replace"), url_path)
            fh = file.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # removed behind the preview's back
            return self._not_found(self.server.view)
        try:
            st = os.fstat(fh.fileno())
            etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
            validators = [
                ("ETag", etag),
                ("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True)),
                ("Cache-Control", "no-cache"),
            ]
            if self.headers.get("If-None-Match") == etag:
                fh.close()
                return Reply(304, headers=validators)
            if self.command == "HEAD":
                fh.close()
                return Reply(200, ctype, headers=validators, length=st.st_size)
            if st.st_size <= SMALL_FILE:
                body = fh.read(st.st_size)
                fh.close()
                return Reply(200, ctype, body, validators)
            return Reply(200, ctype, headers=validators, file=fh, length=st.st_size)
        except BaseException:
            fh.close()
            raise

    def _deliver(self, reply: Reply) -> None:
        self._site_path = reply.site_path
        if reply.status == 304:
            self.send_response(304)
            for name, value in reply.headers:
                self.send_header(name, value)
            self._finish_headers()
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body) if reply.body else reply.length))
        for name, value in reply.headers:
            self.send_header(name, value)
        self._finish_headers(b"" if self.command == "HEAD" else reply.body)
        if reply.file is not None:
            sent = self.connection.sendfile(reply.file, 0, reply.length)
            if sent != reply.length:  # the file shrank in place: the response is short, so it ends the connection
                self.close_connection = True

    def _events(self) -> None:
        """Server-Sent Events: one long response per open page, until the page or the server goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self._finish_headers()
        if self.command == "HEAD":
            return
        for chunk in self.server.view.live.stream():
            self.wfile.write(chunk)
            self.wfile.flush()


class PreviewHTTPServer(ThreadingHTTPServer):
    """One thread per connection, with bounds: a deep listen queue, a connection cap, and deadlines.

    The standard library's defaults are a listen backlog of 5 (fifty
    simultaneous connections wait a second for SYN retries) and no cap on
    threads. Here at most ``max_connections`` are served at once; when a new
    one arrives at the cap, the longest-idle kept-alive connection is closed to
    make room (clients reopen those without an error), and if none is idle the
    newcomer gets a 503.
    """

    daemon_threads = True  # a browser tab holding a connection never keeps the process alive
    request_queue_size = 1024  # the listen backlog (the kernel caps it at net.core.somaxconn)
    max_connections = 256
    idle_timeout = 20.0  # a kept-alive connection with no new request for this long is closed
    header_timeout = 10.0  # from a request's first byte to the end of its headers
    send_timeout = 60.0  # a client that takes nothing of a response for this long is dropped

    def __init__(self, address: tuple[str, int], view: SiteView) -> None:
        self.view = view
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._conns: dict[socket.socket, _DeadlineReader] = {}  # oldest first
        self._conns_lock = threading.Lock()
        self._targets: dict[tuple[str, str, str], Target] = {}
        self._targets_generation: int | None = None
        self._targets_lock = threading.Lock()
        super().__init__(address, PreviewHandler)
        self.hosts = HostRule.for_bind(host, str(self.server_address[0]))

    def target(self, base: str, request_target: str) -> Target:
        """:func:`resolve`, remembered while the folder's generation stays the same (at most 4096 paths)."""
        view = self.view
        if view.generation is None:
            return resolve(view.root, base, request_target)
        generation = view.generation()
        key = (str(view.root), base, request_target)
        with self._targets_lock:
            if generation != self._targets_generation:
                self._targets.clear()
                self._targets_generation = generation
            known = self._targets.get(key)
        if known is not None:
            return known
        found = resolve(view.root, base, request_target)
        with self._targets_lock:
            if generation == self._targets_generation and len(self._targets) < 4096:
                self._targets[key] = found
        return found

    @property
    def open_connections(self) -> int:
        with self._conns_lock:
            return len(self._conns)

    @property
    def idle_connections(self) -> int:
        """Connections waiting for their next request (those :meth:`process_request` may close)."""
        with self._conns_lock:
            return sum(1 for reader in self._conns.values() if reader.waiting and reader.deadline is None)

    def reader_for(self, sock: socket.socket) -> _DeadlineReader:
        with self._conns_lock:
            reader = self._conns.get(sock)
        if reader is None:  # a connection handed over by other means than process_request
            reader = _DeadlineReader(sock, self.idle_timeout, self.header_timeout, self.send_timeout)
        return reader

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            if len(self._conns) >= self.max_connections and not self._evict_idle():
                full = True
            else:
                full = False
                self._conns[request] = _DeadlineReader(
                    request, self.idle_timeout, self.header_timeout, self.send_timeout
                )
        if full:
            self._refuse_busy(request)
            return
        super().process_request(request, client_address)

    def _evict_idle(self) -> bool:
        """Close one connection that is waiting for its next request (caller holds the lock)."""
        for sock, reader in self._conns.items():
            if reader.waiting and reader.deadline is None:
                reader.waiting = False
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                return True
        return False

    def _refuse_busy(self, request: socket.socket) -> None:
        lines = [
            "HTTP/1.1 503 Service Unavailable",
            "Content-Type: text/plain; charset=utf-8",
            "Retry-After: 1",
            "Connection: close",
            *(f"{name}: {value}" for name, value in self.view.headers("")),
            "X-Content-Type-Options: nosniff",
        ]
        body = b"The preview is serving as many connections as it can; try again.\n"
        head = "\r\n".join([*lines, f"Content-Length: {len(body)}", "", ""]).encode("latin-1")
        with contextlib.suppress(OSError):
            request.settimeout(1.0)
            request.sendall(head + body)
        self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.pop(request, None)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Also end kept-alive connections, so their threads finish now rather than at their timeout."""
        with self._conns_lock:
            for sock in self._conns:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
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
