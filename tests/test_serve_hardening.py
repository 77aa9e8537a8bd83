"""The preview server against hostile or careless clients: foreign Host names (DNS rebinding), HTTP/1.0
keep-alive, HTTP/0.9, slow headers, a client that stops reading a large file during an edit, a full
listen queue and too many connections. Real servers on 127.0.0.1, raw sockets, bounded waits."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
from pathlib import Path

import pytest

from sitegen.commands.serve import Preview, exposure_warning
from sitegen.serve.hosts import HostRule
from sitegen.serve.http import PreviewHTTPServer
from sitegen.serve.livereload import LiveReload
from sitegen.serve.view import SiteView

from .test_serve import Events, free_port, save, wait_for
from .test_session import make_site

WAIT = 20.0  # generous bound for anything the server must do "at once"


class Raw:
    """One TCP connection to the preview, speaking HTTP by hand (no client library fixing things up)."""

    def __init__(self, port: int, rcvbuf: int | None = None) -> None:
        self.sock = socket.socket()
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = bytearray()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(1 << 20)
        self.buffer += chunk  # a bytearray: appending 32 MB in small pieces stays linear
        return bool(chunk)

    def head(self) -> tuple[int, dict[str, str]]:
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), f"connection closed before the headers: {self.buffer!r}"
        end = self.buffer.index(b"\r\n\r\n")
        head = bytes(self.buffer[:end])
        del self.buffer[: end + 4]
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(lines[0].split()[1]), headers

    def body(self, length: int) -> bytes:
        while len(self.buffer) < length:
            assert self._fill(), "connection closed in the body"
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        return body

    def response(self, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        status, headers = self.head()
        length = 0 if method == "HEAD" or status == 304 else int(headers.get("content-length", "0"))
        return status, headers, self.body(length)

    def request(self, target: str, host: str | None = "127.0.0.1", version: str = "HTTP/1.1", extra: str = ""):
        host_line = f"Host: {host}\r\n" if host is not None else ""
        self.send(f"GET {target} {version}\r\n{host_line}{extra}\r\n".encode("latin-1"))
        return self.response()

    def closed_by_server(self) -> bool:
        """True once the server has closed the connection (waits at most WAIT seconds)."""
        try:
            while self._fill():
                pass
        except ConnectionResetError:
            pass
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def preview(site: Path):
    p = Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda level, msg: None)
    p.start()
    assert p.wait_built(60)
    yield p
    p.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """One preview for the tests that only send requests (and change no server setting)."""
    site = make_site(tmp_path_factory.mktemp("shared") / "site")
    p = Preview(site, port=free_port(), jobs=1, log=lambda level, msg: None)
    p.start()
    assert p.wait_built(60)
    yield p
    p.stop()


def port_of(preview: Preview) -> int:
    return preview.server.server_address[1]


# -- Host names (DNS rebinding) -------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "localhost.evil.example",
        "127.0.0.1.nip.io:{port}",
        "evil.example:{port}@127.0.0.1",
        "127.0.0.1:evil",
        "",
    ],
)
def test_foreign_host_names_are_refused_everywhere(shared, host):
    for target in ("/about/", "/__sitegen/events", "/__sitegen/livereload.js", "/media/", "/no/such/"):
        conn = Raw(port_of(shared))
        try:
            status, headers, body = conn.request(target, host=host.format(port=port_of(shared)))
            assert status in (400, 421), (host, target)
            assert b"About me." not in body and b"event:" not in body and b"EventSource" not in body
            assert headers["connection"] == "close" and "x-robots-tag" in headers
            assert conn.closed_by_server()
        finally:
            conn.close()


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:{port}", "LocalHost.:{port}", "127.0.0.1", "127.0.0.1:{port}", "[::1]:{port}"]
)
def test_names_of_this_computer_are_answered(shared, host):
    conn = Raw(port_of(shared))
    try:
        status, _, body = conn.request("/about/", host=host.format(port=port_of(shared)))
        assert status == 200 and b"About me." in body
    finally:
        conn.close()


def test_event_stream_is_served_to_localhost(shared):
    conn = Raw(port_of(shared))
    try:
        conn.send(b"GET /__sitegen/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, headers = conn.head()
        assert status == 200 and headers["content-type"].startswith("text/event-stream")
    finally:
        conn.close()


def test_an_absolute_target_names_the_host_and_duplicate_or_missing_hosts_are_bad(shared):
    port = port_of(shared)
    conn = Raw(port)
    try:
        status, _, _ = conn.request("http://evil.example/about/", host="127.0.0.1")
        assert status == 421
    finally:
        conn.close()
    conn = Raw(port)
    try:
        conn.send(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n")
        assert conn.response()[0] == 400
    finally:
        conn.close()
    conn = Raw(port)
    try:
        assert conn.request("/about/", host=None)[0] == 400  # HTTP/1.1 requires Host
    finally:
        conn.close()
    conn = Raw(port)
    try:
        status, _, body = conn.request("/about/", host=None, version="HTTP/1.0")  # no browser sends this
        assert status == 200 and b"About me." in body
    finally:
        conn.close()


def test_host_rule_for_addresses_and_names():
    loopback = HostRule.for_bind("127.0.0.1", "127.0.0.1")
    assert loopback.allows("localhost:8000") and loopback.allows("127.0.0.1") and loopback.allows("[::1]:8000")
    assert loopback.allows("127.0.0.2")  # every loopback address is this computer; literals cannot be rebound
    for foreign in ("evil.example", "192.168.1.5:8000", "[2001:db8::1]", "localhost:", "localhost:80:80", "[::1"):
        assert not loopback.allows(foreign), foreign
    named = HostRule.for_bind("mybox.lan", "192.168.1.5")
    assert named.allows("mybox.lan:8000") and named.allows("MYBOX.LAN") and named.allows("192.168.1.5:8000")
    assert not named.allows("10.0.0.7") and not named.allows("evil.example")
    everywhere = HostRule.for_bind("0.0.0.0", "0.0.0.0")
    machine = socket.gethostname().lower()
    assert everywhere.allows("192.168.1.5:8000") and everywhere.allows("[fe80::1]:8000")
    assert everywhere.allows(f"{machine}:8000") and everywhere.allows(machine.split(".")[0] + ".local")
    assert not everywhere.allows("evil.example") and not everywhere.allows(f"{machine}.evil.example")


def test_listening_beyond_this_computer_prints_a_warning():
    for host, bound in (("0.0.0.0", "0.0.0.0"), ("::", "::"), ("192.168.1.5", "192.168.1.5"), ("mybox", "10.0.0.2")):
        warning = exposure_warning(host, bound, 8000, drafts=True)
        assert warning is not None and f"--host {host}" in warning and "drafts included" in warning
        assert "network" in warning
    assert "unpublished changes" in (exposure_warning("0.0.0.0", "0.0.0.0", 8000, drafts=False) or "")
    for host, bound in (("127.0.0.1", "127.0.0.1"), ("localhost", "127.0.0.1"), ("::1", "::1")):
        assert exposure_warning(host, bound, 8000, drafts=True) is None


def test_the_default_preview_prints_no_network_warning(site):
    logs: list[tuple[str, str]] = []
    with Preview(site, port=free_port(), jobs=1, log=lambda level, msg: logs.append((level, msg))) as p:
        assert p.wait_built(60)
    assert not [msg for level, msg in logs if "network" in msg]


# -- protocol versions ----------------------------------------------------------------------


def test_http_1_0_keep_alive_is_confirmed_and_the_connection_reused(shared):
    conn = Raw(port_of(shared))
    try:
        for _ in range(3):
            status, headers, body = conn.request("/about/", version="HTTP/1.0", extra="Connection: keep-alive\r\n")
            assert status == 200 and b"About me." in body
            assert headers["connection"].lower() == "keep-alive"
    finally:
        conn.close()


def test_http_1_0_without_keep_alive_is_told_and_closed(shared):
    conn = Raw(port_of(shared))
    try:
        status, headers, body = conn.request("/about/", version="HTTP/1.0")
        assert status == 200 and b"About me." in body and headers["connection"] == "close"
        assert conn.closed_by_server() and conn.buffer == b""
    finally:
        conn.close()


def test_http_1_1_connection_close_is_honoured(shared):
    conn = Raw(port_of(shared))
    try:
        status, headers, _ = conn.request("/about/", extra="Connection: close\r\n")
        assert status == 200 and headers["connection"] == "close"
        assert conn.closed_by_server()
    finally:
        conn.close()


def test_http_0_9_is_answered_at_once_not_after_a_timeout(shared):
    conn = Raw(port_of(shared))  # recv waits at most WAIT (20 s); the idle timeout was 60 s
    try:
        conn.send(b"GET /about/\r\n")
        assert conn.closed_by_server()
        assert conn.buffer.startswith(b"HTTP/1.1 505 ")
        assert b"About me." not in conn.buffer
    finally:
        conn.close()


# -- slow and idle clients ------------------------------------------------------------------


def test_headers_dripping_in_byte_by_byte_are_cut_off(preview):
    """Every byte arrives well within the per-read timeout; only a deadline for the whole head ends it."""
    preview.server.header_timeout = 0.5
    conn = Raw(port_of(preview))
    stop = threading.Event()

    def drip() -> None:
        conn.send(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        try:
            while not stop.wait(0.05):
                conn.send(b"X")
        except OSError:
            pass

    dripper = threading.Thread(target=drip)
    dripper.start()
    try:
        assert conn.closed_by_server()
        assert b"About me." not in conn.buffer
    finally:
        stop.set()
        dripper.join(WAIT)
        conn.close()


def test_an_idle_kept_alive_connection_is_closed(preview):
    preview.server.idle_timeout = 0.3
    conn = Raw(port_of(preview))
    try:
        assert conn.request("/about/")[0] == 200
        assert conn.closed_by_server()
    finally:
        conn.close()


# -- a client that stops reading ------------------------------------------------------------

BIG = 32 << 20  # far more than loopback socket buffers hold, so the server's send blocks


@pytest.fixture
def big_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site")
    (site / "static").mkdir()
    (site / "static/big.bin").write_bytes(bytes(range(256)) * (BIG // 256))
    return site


def test_a_stalled_download_never_holds_up_an_edit(big_site):
    with Preview(big_site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda *a: None) as p:
        assert p.wait_built(60)
        port = port_of(p)
        events = Events(port)
        stalled = Raw(port, rcvbuf=4096)
        try:
            events.next("hello")
            stalled.send(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            status, headers = stalled.head()  # the server is now sending, and the client reads no more
            assert status == 200 and int(headers["content-length"]) == BIG
            # An edit, and the big file itself replaced, while that transfer is stuck.
            save(big_site / "content/about.md", "---\ntitle: About\n---\nEdited during a stalled download.\n")
            (big_site / "static/big.bin").write_bytes(b"new" * 1000)
            while "/about/" not in events.next("reload")[1]["pages"]:  # the two saves may be two rebuilds
                pass
            fresh = Raw(port)
            try:
                status, _, body = fresh.request("/about/")
                assert status == 200 and b"Edited during a stalled download." in body

                def replaced() -> bool:
                    fresh.send(b"HEAD /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    return fresh.response("HEAD")[1]["content-length"] == "3000"

                wait_for(replaced, timeout=WAIT)
                status, _, body = fresh.request("/big.bin")
                assert status == 200 and body == b"new" * 1000
            finally:
                fresh.close()
            # The stalled client still gets the file it asked for, complete and unchanged.
            old = stalled.body(BIG)
            assert hashlib.sha256(old).digest() == hashlib.sha256(bytes(range(256)) * (BIG // 256)).digest()
        finally:
            stalled.close()
            events.close()


# -- many connections -----------------------------------------------------------------------


def _view(root: Path) -> SiteView:
    return SiteView(
        root=root,
        base_path=lambda: "/",
        headers=lambda site_path: [("X-Robots-Tag", "noai")],
        reading=contextlib.nullcontext,
        live=LiveReload(),
        placeholder=lambda: None,
    )


def test_a_burst_of_connections_is_queued_not_dropped(tmp_path):
    """The kernel completes handshakes for a full listen queue even while nothing is accepted yet;
    with the standard library's backlog of 5, the seventh connection is dropped and retried for seconds."""
    server = PreviewHTTPServer(("127.0.0.1", 0), _view(tmp_path))  # listening, never accepting
    clients: list[socket.socket] = []
    try:
        for _ in range(64):
            clients.append(socket.create_connection(server.server_address, timeout=3))
    finally:
        for sock in clients:
            sock.close()
        server.server_close()
    assert len(clients) == 64


def test_connections_beyond_the_cap_get_room_or_a_503(preview):
    preview.server.max_connections = 2
    port = port_of(preview)
    first, second = Raw(port), Raw(port)
    try:
        assert first.request("/about/")[0] == 200
        assert second.request("/about/")[0] == 200
        # Both are idle kept-alive connections now (once their threads are back to waiting):
        # a newcomer gets served, the oldest idle one is closed.
        wait_for(lambda: preview.server.idle_connections == 2, timeout=WAIT)
        third = Raw(port)
        try:
            assert third.request("/about/")[0] == 200
            assert first.closed_by_server()
        finally:
            third.close()
    finally:
        first.close()
        second.close()
    wait_for(lambda: preview.server.open_connections == 0, timeout=WAIT)
    streams = [Events(port), Events(port)]  # busy connections (open pages): nothing to close
    try:
        for stream in streams:
            stream.next("hello")
        assert preview.server.open_connections == 2 and preview.server.idle_connections == 0
        late = Raw(port)
        try:
            status, headers, body = late.request("/about/")
            assert status == 503 and headers["retry-after"] == "1" and "x-robots-tag" in headers
            assert b"About me." not in body
        finally:
            late.close()
    finally:
        for stream in streams:
            stream.close()


# -- what a path means is remembered only while the folder stays the same ------------------


def test_a_path_looked_up_before_an_edit_is_looked_up_again_after_it(preview, site):
    port = port_of(preview)
    events = Events(port)
    conn = Raw(port)
    try:
        events.next("hello")
        assert conn.request("/new/")[0] == 404
        save(site / "content/new.md", "---\ntitle: New\n---\nA new page.\n")
        events.next("reload")
        status, _, body = conn.request("/new/")
        assert status == 200 and b"A new page." in body
        (site / "content/new.md").unlink()
        events.next("reload")
        assert conn.request("/new/")[0] == 404
        # A file deleted behind the preview's back (no rebuild) is a 404, not a server error.
        assert conn.request("/about/")[0] == 200
        (preview.folder.root / "about/index.html").unlink()
        assert conn.request("/about/")[0] == 404
    finally:
        conn.close()
        events.close()
