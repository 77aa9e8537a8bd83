"""The preview's HTTP server: the standard library's threaded server, serving one folder and nothing else.

Not ``SimpleHTTPRequestHandler``: it lists directories, guesses MIME types
from the platform (no AVIF on many systems) and follows symlinks anywhere.
Here a request path means only what :mod:`.lookup` says, and every response,
errors included, carries the site's protection headers, and HTML is never
cached, so a reload always shows the latest build.

Only requests naming this server in ``Host`` are answered (see
:mod:`.hosts`), and one slow or hostile client costs at most its own thread:
answers are prepared under the rebuild lock but sent after it
(:mod:`.responses`), headers have a deadline, and the number of connections
is capped (:mod:`.connections`). This module is what ties those to
:mod:`http.server`: the handler's plumbing and the server's hooks.
"""

from __future__ import annotations

import contextlib
import errno
import io
import socket
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .connections import Connections, DeadlineReader
from .hosts import HostRule
from .livereload import EVENTS_PATH, SCRIPT_PATH
from .lookup import Target, TargetMemo
from .responses import Reply, html_reply, reply_for
from .view import SiteView


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
        if view.refused is not None:
            # Before anything else, as a host refuses before looking for a file (the agent learns nothing more).
            message = view.refused(unquote(urlsplit(path).path), self.headers.get("User-Agent", ""))
            if message is not None:
                self._send(403, message.encode("utf-8"), "text/plain; charset=utf-8")
                return
        if path == EVENTS_PATH:
            self._events()
            return
        if path == SCRIPT_PATH:
            self._send(200, view.live.script, "text/javascript; charset=utf-8", [("Cache-Control", "no-cache")])
            return
        # Only preparing the answer waits for (and holds off) rebuilds; sending it does not, so a
        # client that stops reading stalls its own connection, never the preview.
        with view.reading(unquote(path)):
            reply = self._prepare(view)
        try:
            self._deliver(reply)
        finally:
            reply.close()

    def _prepare(self, view: SiteView) -> Reply:
        placeholder = view.placeholder()
        if placeholder is not None:
            return html_reply(view, 503, placeholder, "")
        base = view.base_path()
        target = self.server.target(base, self.path)
        return reply_for(view, target, base, self.headers.get("If-None-Match"), self.command == "HEAD")

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
        query = parse_qs(urlsplit(self.path).query)
        for chunk in self.server.view.live.stream(query.get("path", [None])[0]):
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
        self._conns = Connections()
        self._targets = TargetMemo()
        super().__init__(address, PreviewHandler)
        self.hosts = HostRule.for_bind(host, str(self.server_address[0]))

    def target(self, base: str, request_target: str) -> Target:
        """What ``request_target`` means now (see :class:`.lookup.TargetMemo`)."""
        view = self.view
        return self._targets.target(view.root, view.generation, base, request_target)

    @property
    def open_connections(self) -> int:
        return self._conns.open

    @property
    def idle_connections(self) -> int:
        """Connections waiting for their next request (those :meth:`process_request` may close)."""
        return self._conns.idle

    def _new_reader(self, sock: socket.socket) -> DeadlineReader:
        return DeadlineReader(sock, self.idle_timeout, self.header_timeout, self.send_timeout)

    def reader_for(self, sock: socket.socket) -> DeadlineReader:
        return self._conns.reader_for(sock, self._new_reader)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._conns.admit(request, self.max_connections, self._new_reader):
            self._refuse_busy(request)
            return
        super().process_request(request, client_address)

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
        self._conns.forget(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Also end kept-alive connections, so their threads finish now rather than at their timeout."""
        self._conns.shut_all()
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
