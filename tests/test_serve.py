"""``sitegen serve`` as a browser meets it: a real server on a free port, real HTTP requests,
the live-reload event stream, edits on disk, a broken template, and shutdown."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import FileClosedEvent, FileModifiedEvent, FileMovedEvent

from sitegen.commands.serve import Preview
from sitegen.protect.headers import response_headers
from sitegen.serve.livereload import SCRIPT_PATH, inject
from sitegen.serve.watch import _Handler
from sitegen.urls import Urls

from .conftest import make_photo
from .test_session import make_site, make_site_with_own_theme

PROTECTION = [name for name, _ in response_headers(Urls("http://x/"), "")]

# Every wait in these tests ends as soon as its condition holds; the bound only decides how long a
# real failure takes to report, so it is generous: a loaded 2-core machine must not fail them.
WAIT = 120.0


class Client:
    """A tiny HTTP client that sends the request path exactly as given (no normalisation)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
        finally:
            conn.close()


class Events:
    """The live-reload event stream, read like a browser's EventSource does."""

    def __init__(self, port: int, page: str | None = None) -> None:
        """``page``: the URL path of the page this stream belongs to, as the page's script says it."""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.conn.request("GET", "/__sitegen/events" + (f"?path={page}" if page else ""))
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type").startswith("text/event-stream")

    def next(self, wanted: str | None = None) -> tuple[str, dict]:
        name, data = "", ""
        while True:
            line = self.resp.fp.readline().decode("utf-8")
            assert line, "event stream closed"
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                if wanted is None or name == wanted:
                    return name, json.loads(data)
                name, data = "", ""

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def preview(site: Path):
    logs: list[tuple[str, str]] = []
    p = Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda level, msg: logs.append((level, msg)))
    p.start()
    assert p.wait_built(WAIT)
    p.logs = logs  # type: ignore[attr-defined]
    yield p
    p.stop()


@pytest.fixture
def client(preview: Preview) -> Client:
    return Client(preview.server.server_address[1])


def save(path: Path, text: str) -> None:
    """Save the way careful editors do (write elsewhere, rename into place), so no rebuild sees a half file:
    an empty template is a valid one, and a build of it would be a "good" site."""
    path.parent.mkdir(exist_ok=True)
    tmp = path.parent.parent / f".{path.name}.tmp"
    tmp.write_text(text)
    os.replace(tmp, path)


def wait_for(predicate, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# -- serving files --------------------------------------------------------------------------


def test_pages_are_served_with_protection_headers_and_never_cached(preview, client):
    status, headers, body = client.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    expected = response_headers(Urls(preview.url), "")
    for name, value in expected:
        assert headers[name.lower()] == value
    assert b"<h1>Welcome</h1>" in body
    assert int(headers["content-length"]) == len(body)
    # Links point at the preview server, not at the site's real address.
    assert f'href="{preview.url}"'.encode() in body or b'rel="canonical" href="http://127.0.0.1' in body


def test_livereload_script_is_injected_but_never_written_to_the_output(preview, client):
    _, _, body = client.get("/about/")
    assert body.count(SCRIPT_PATH.encode()) == 1
    assert body.index(SCRIPT_PATH.encode()) < body.rindex(b"</body>")
    for page in preview.folder.root.rglob("*.html"):
        assert "__sitegen" not in page.read_text("utf-8")
    status, headers, script = client.get(SCRIPT_PATH)
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script


def test_images_have_their_mime_type_and_revalidate(preview, client):
    media = sorted(k for k in preview.folder.on_disk if k.startswith("media/"))
    webp = next(k for k in media if k.endswith(".webp"))
    jpeg = next(k for k in media if k.endswith(".jpg"))
    status, headers, body = client.get("/" + webp)
    assert status == 200 and headers["content-type"] == "image/webp" and body[8:12] == b"WEBP"
    assert headers["cache-control"] == "no-cache" and headers["etag"]
    for name in PROTECTION:
        assert name.lower() in headers
    assert client.get("/" + jpeg)[1]["content-type"] == "image/jpeg"
    status, headers, body = client.get("/" + webp, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    status, headers, body = client.get("/" + webp, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_mime_types_of_host_files(preview, client, site):
    static = site / "static"
    static.mkdir()
    for name in ("b.txt", "c.svg", "d.js", "e.css"):
        (static / name).write_bytes(b"x")
    make_photo(static / "a.avif", (8, 8))  # a real image: one sitegen cannot check for metadata is not published
    preview.queue.add([static / "a.avif"])
    wait_for(lambda: (preview.folder.root / "e.css").exists())
    expected = {
        "/a.avif": "image/avif",
        "/b.txt": "text/plain; charset=utf-8",
        "/c.svg": "image/svg+xml",
        "/d.js": "text/javascript; charset=utf-8",
        "/e.css": "text/css; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/feed.xml": "application/xml; charset=utf-8",
    }
    for path, ctype in expected.items():
        status, headers, _ = client.get(path)
        assert (status, headers["content-type"]) == (200, ctype), path


def test_unknown_paths_get_the_sites_404_page(preview, client):
    status, headers, body = client.get("/no/such/page/")
    assert status == 404
    assert b"Not found" in body and SCRIPT_PATH.encode() in body
    assert headers["cache-control"] == "no-store"
    for name in PROTECTION:
        assert name.lower() in headers


def test_folders_redirect_to_their_index_and_are_never_listed(preview, client):
    status, headers, _ = client.get("/about")
    assert status == 302 and headers["location"] == "/about/"
    assert preview.folder is not None
    media = preview.folder.root / "media"
    names = [p.name.encode() for p in media.rglob("*") if p.is_file()]
    assert any(name.endswith(b".jpg") or name.endswith(b".webp") for name in names)
    for folder in ("/media/", "/media/alpha/"):  # folders without index.html
        status, _, body = client.get(folder)
        # The site's 404 page, not a listing: no file name of the folder appears (the page's own
        # random build token could contain any short prefix, so whole names are compared).
        assert status == 404 and not [name for name in names if name in body]


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/media/..%2f..%2f..%2fetc/passwd",
        "/about/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/./about/",
        "/..\\..\\etc\\passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/about/%00.html",
        "http://127.0.0.1/../../etc/passwd",
    ],
)
def test_traversal_attempts_are_refused(client, path):
    status, headers, body = client.get(path)
    assert status in (400, 403)
    assert b"root:" not in body
    for name in PROTECTION:
        assert name.lower() in headers


def test_absolute_and_odd_paths_stay_inside_the_site(client):
    for path in ("//etc/passwd", "/etc/passwd", "/proc/self/environ", "/%252e%252e/etc/passwd"):
        status, _, body = client.get(path)
        assert status == 404 and b"root:" not in body, path
    status, _, _ = client.get("etc/passwd")
    assert status == 400


def test_symlinks_pointing_out_are_refused(preview, client, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("outside page")
    root = preview.folder.root
    os.symlink(secret, root / "leak.txt")
    os.symlink(outside, root / "leakdir")
    os.symlink(root / "about" / "index.html", root / "inside.html")  # inside: fine
    assert client.get("/leak.txt")[0] == 403
    assert client.get("/leakdir/")[0] == 403
    assert client.get("/leakdir/index.html")[0] == 403
    status, _, body = client.get("/inside.html")
    assert status == 200 and b"About me." in body


def test_taken_port_moves_to_the_next_free_one(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        logs: list[str] = []
        p = Preview(site, port=port, jobs=1, log=lambda level, msg: logs.append(msg))
        try:
            p.start()
            assert p.server.server_address[1] != port
            assert any(f"Port {port} is in use" in line for line in logs)
            assert p.url == f"http://127.0.0.1:{p.server.server_address[1]}/"
        finally:
            p.stop()


def test_sub_path_sites_are_served_under_their_base_path(tmp_path):
    site = make_site(tmp_path / "site")
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + 'base_url = "https://example.com/portfolio/"\n')
    with Preview(site, port=free_port(), jobs=1, log=lambda *a: None) as p:
        assert p.wait_built(WAIT)
        client = Client(p.server.server_address[1])
        status, headers, _ = client.get("/")
        assert status == 302 and headers["location"] == "/portfolio/"
        status, _, body = client.get("/portfolio/about/")
        assert status == 200 and b'href="/portfolio/' in body
        assert p.url.endswith("/portfolio/")


# -- live reload ----------------------------------------------------------------------------


def test_markdown_edit_sends_a_reload_event_and_new_content(preview, client, site):
    events = Events(preview.server.server_address[1])
    try:
        name, hello = events.next()
        assert name == "hello" and hello["error"] is None
        about = site / "content/about.md"
        save(about, about.read_text().replace("About me.", "Freshly edited text."))
        name, data = events.next("reload")
        assert data["pages"] == ["/about/"] and data["all"] is False
        assert data["build"] != hello["build"]
        status, _, body = client.get("/about/")
        assert status == 200 and b"Freshly edited text." in body
        assert f'data-build="{data["build"]}"'.encode() in body
    finally:
        events.close()


def test_caption_edit_reloads_only_its_photo_page_which_shows_the_new_caption(preview, client, site):
    events = Events(preview.server.server_address[1])
    try:
        events.next("hello")
        sidecar = site / "content/alpha/a2.md"
        save(sidecar, sidecar.read_text().replace("A *caption*.", "A *rewritten* caption."))
        _, data = events.next("reload")
        assert data["pages"] == ["/alpha/a2/"] and data["all"] is False
        assert preview.last is not None and preview.last.text_only  # that sidecar alone was read again
        status, _, body = client.get("/alpha/a2/")
        assert status == 200 and b"A <em>rewritten</em> caption." in body
        assert b"rewritten" not in client.get("/alpha/")[2]  # the grid shows no caption: not re-rendered
    finally:
        events.close()


def test_template_change_reloads_the_open_pages_before_the_rest(site):
    (site / "templates/partials").mkdir(parents=True)  # watched from the start
    preview = Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda level, msg: None)
    preview.start()
    port = preview.server.server_address[1]
    client = Client(port)
    if not preview.wait_built(WAIT):
        preview.stop()
        raise AssertionError("the first build did not finish")
    about, other = Events(port, "/about/"), Events(port)
    try:
        about.next("hello")
        other.next("hello")
        wait_for(lambda: preview.live.open_pages == ["/about/"])
        theme_footer = Path(__file__).resolve().parents[1] / "themes/default/templates/partials/footer.html"
        save(site / "templates/partials/footer.html", theme_footer.read_text() + "<p>New footer line</p>\n")
        _, first = about.next("reload")
        assert first["pages"] == ["/about/"]  # the open page alone, ahead of the others
        status, _, body = client.get("/about/")
        assert status == 200 and b"New footer line" in body
        _, rest = about.next("reload")
        assert "/about/" not in rest["pages"] and "/contact/" in rest["pages"] and rest["build"] == first["build"]
        assert [other.next("reload")[1]["pages"] for _ in range(2)] == [first["pages"], rest["pages"]]
        assert b"New footer line" in client.get("/contact/")[2]
    finally:
        about.close()
        other.close()
        preview.stop()


def test_new_photo_appears_with_its_page(preview, client, site):
    from .conftest import make_photo

    events = Events(preview.server.server_address[1])
    try:
        events.next("hello")
        # Made beside the site and moved in: a rebuild must not catch the file half-written.
        os.replace(make_photo(site / "b9.jpg", colour=(9, 9, 9)), site / "content/beta/b9.jpg")
        _, data = events.next("reload")
        assert "/beta/b9/" in data["pages"] and "/beta/" in data["pages"]
        assert client.get("/beta/b9/")[0] == 200
        media = [k for k in preview.folder.on_disk if k.startswith("media/beta/b9-")]
        assert media and client.get("/" + media[0])[0] == 200
        (site / "content/beta/b9.jpg").unlink()
        _, data = events.next("reload")
        assert "/beta/b9/" in data["pages"]
        assert client.get("/beta/b9/")[0] == 404
        assert client.get("/" + media[0])[0] == 404
    finally:
        events.close()


def test_broken_template_shows_an_overlay_and_recovers(preview, client, site):
    events = Events(preview.server.server_address[1])
    try:
        events.next("hello")
        override = site / "templates" / "page.html"
        save(override, '{% extends "base.html" %}\n{% block content %}{{ page.title }\n{% endblock %}\n')
        _, failed = events.next("failed")
        assert "page.html" in failed["message"]
        assert any(level == "error" and "page.html" in msg for level, msg in preview.logs)
        # The last good site is still served; a page opened now shows the error at once.
        status, _, body = client.get("/about/")
        assert status == 200 and b"About me." in body
        late = Events(preview.server.server_address[1])
        try:
            assert "page.html" in late.next("hello")[1]["error"]
        finally:
            late.close()
        save(
            override,
            '{% extends "base.html" %}\n{% block content %}<p class="fixed">{{ page.title }}</p>\n{% endblock %}',
        )
        _, data = events.next("reload")
        assert data["all"] is True  # every open page drops its overlay
        status, _, body = client.get("/about/")
        assert status == 200 and b'<p class="fixed">About</p>' in body
        assert preview.live.error is None
    finally:
        events.close()


def test_css_change_swaps_stylesheets_without_reload(tmp_path):
    site = make_site_with_own_theme(tmp_path / "site")
    theme = site / "mytheme"
    with Preview(site, port=free_port(), jobs=1, quiet_period=0.02, log=lambda *a: None) as p:
        assert p.wait_built(WAIT)
        client = Client(p.server.server_address[1])
        events = Events(p.server.server_address[1])
        try:
            events.next("hello")
            save(theme / "static/style.css", (theme / "static/style.css").read_text() + "\nh1 { color: red; }\n")
            name, data = events.next()
            assert name == "css"
            ((old, new),) = data["renamed"].items()
            assert old.startswith("/theme/style.") and new.startswith("/theme/style.") and old != new
            status, headers, body = client.get(new)
            assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
            assert b"color: red" in body
            assert new.encode() in client.get("/")[2]
        finally:
            events.close()


def test_a_burst_of_saves_is_one_rebuild(site):
    # A quiet period far longer than any pause between the steps below, even on a loaded machine;
    # the burst ends when the file is closed after writing (the settle rule), not by waiting it out.
    with Preview(site, port=free_port(), jobs=1, quiet_period=5.0, log=lambda *a: None) as preview:
        assert preview.wait_built(WAIT)
        events = Events(preview.server.server_address[1])
        try:
            events.next("hello")
            before = preview.session.number
            with (site / "content/about.md").open("w") as about:  # an editor writing a file in several steps
                for i in range(5):
                    about.seek(0)
                    about.truncate()
                    about.write(f"---\ntitle: About\n---\nVersion {i}.\n")
                    about.flush()
                    time.sleep(0.002)
            events.next("reload")
            time.sleep(0.3)  # a second rebuild, if the burst were split, would have started by now
            assert preview.session.number == before + 1
            assert b"Version 4." in (preview.folder.root / "about/index.html").read_bytes()
        finally:
            events.close()


def test_requests_wait_while_a_rebuild_is_due():
    from sitegen.serve.watch import ChangeQueue

    queue = ChangeQueue(quiet=0.01)
    queue.done()  # first build finished
    served: list[float] = []

    def request() -> None:
        with queue.reading():
            served.append(time.monotonic())

    queue.add([Path("/x")])
    thread = threading.Thread(target=request)
    thread.start()
    time.sleep(0.2)  # time for the request to get through, were it not held back
    assert served == []  # waiting: a rebuild is due
    assert queue.take() == {Path("/x")}
    finished = time.monotonic()
    queue.done()
    thread.join(WAIT)
    assert served and served[0] >= finished


def test_debounce_collects_a_burst_into_one_batch():
    from sitegen.serve.watch import ChangeQueue

    # The burst's pauses (5 ms) are far below the quiet period, even when the machine is loaded and
    # the importing thread is not scheduled for a while: only the end of the burst ends the wait.
    queue = ChangeQueue(quiet=2.0, max_delay=WAIT)

    def import_photos() -> None:
        for i in range(20):
            queue.add([Path(f"/photo-{i}.jpg")])
            time.sleep(0.005)

    thread = threading.Thread(target=import_photos)
    thread.start()
    batch = queue.take()
    thread.join()
    assert batch is not None and len(batch) == 20


def test_a_save_ends_with_a_file_closed_or_renamed_into_place():
    """Those events end a burst after the short settle time instead of the longer quiet time."""
    reports: list[tuple[set[Path], bool]] = []
    handler = _Handler(lambda paths, settled: reports.append((paths, settled)))
    handler.on_any_event(FileModifiedEvent("/site/content/about.md"))
    handler.on_any_event(FileClosedEvent("/site/content/about.md"))
    handler.on_any_event(FileMovedEvent("/site/content/.about.md.tmp", "/site/content/about.md"))
    handler.on_any_event(FileMovedEvent("/site/content/.a.tmp", "/site/content/.b.tmp"))  # noise only
    about = {Path("/site/content/about.md")}
    assert reports == [(about, False), (about, True), (about, True)]


def test_inject_puts_the_script_before_the_last_body_end():
    assert inject("<p>a</p></BODY></html>", "<s>") == "<p>a</p><s></BODY></html>"
    assert inject("<p>no body</p>", "<s>") == "<p>no body</p><s>"
    assert inject("<pre></body></pre></body>", "<s>") == "<pre></body></pre><s></body>"


# -- shutdown -------------------------------------------------------------------------------


def test_stop_closes_everything_and_removes_the_preview_folder(site):
    before = {t.name for t in threading.enumerate()}
    p = Preview(site, port=free_port(), jobs=1, log=lambda *a: None)
    p.start()
    assert p.wait_built(WAIT)
    port = p.server.server_address[1]
    folder = p.folder.root
    events = Events(port)
    events.next("hello")
    p.stop()
    assert not folder.exists()
    assert not list((site / ".sitegen-cache").glob("serve-*"))
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert events.resp.fp.readline() == b""  # the event stream ended
    events.close()
    wait_for(lambda: not ({t.name for t in threading.enumerate() if t.is_alive()} - before - {"MainThread"}))


# -- the command line -----------------------------------------------------------------------


# `sitegen serve` as started from a terminal, where Ctrl-C raises KeyboardInterrupt. A process started
# with SIGINT ignored (as every command a non-interactive shell runs in the background is, `pytest &`
# or a CI runner doing so) passes that on, and Python then leaves Ctrl-C ignored: the server would
# rightly keep running, and the test would wait for nothing. faulthandler: a server that does not stop
# prints every thread's stack (see _interrupt).
_SERVE_AS_FROM_A_TERMINAL = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); from sitegen.cli import main; main()"
)


def _start_cli(site: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-c",
            _SERVE_AS_FROM_A_TERMINAL,
            "serve",
            str(site),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()  # type: ignore[arg-type]
    return proc, lines


def _interrupt(proc: subprocess.Popen[str], lines: list[str]) -> int:
    """Ctrl-C, and the exit status once the server stopped; a server that hangs fails with its stacks."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # faulthandler prints the stack of every thread
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        time.sleep(1)  # the reader thread collects the last lines
        raise AssertionError("sitegen serve did not stop on Ctrl-C:\n" + "".join(lines[-300:])) from None


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="process table read from /proc")
def test_cli_serves_on_the_next_free_port_and_stops_cleanly_on_ctrl_c(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc, lines = _start_cli(site, port)
        try:
            wait_for(lambda: any("Built the preview" in line for line in lines))
            moved = next(line for line in lines if "is in use" in line)
            new_port = int(moved.split("using ")[1].split()[0])
            status, headers, body = Client(new_port).get("/about/")
            assert status == 200 and b"About me." in body and "x-robots-tag" in headers
            assert _interrupt(proc, lines) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    assert any("Stopping" in line for line in lines)
    assert not any("Traceback" in line for line in lines)
    assert not list((site / ".sitegen-cache").glob("serve-*"))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="process table read from /proc")
def test_ctrl_c_during_a_photo_import_leaves_no_process_and_no_temporary_folder(tmp_path):
    from .conftest import make_photo

    site = make_site(tmp_path / "site")
    for i in range(40):  # big enough that processing is still running when Ctrl-C comes
        make_photo(site / f"content/import/p{i:02d}.jpg", size=(1600, 1067), colour=(i * 6, 100, 200 - i * 4))
    proc, lines = _start_cli(site, free_port())
    try:
        wait_for(lambda: bool(_children(proc.pid)) or proc.poll() is not None)
        workers = _children(proc.pid)
        assert _interrupt(proc, lines) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers))
    cache = site / ".sitegen-cache"
    assert not list(cache.glob("serve-*"))
    assert not [p for p in cache.rglob("*") if p.name.startswith(".tmp-")]
    assert not any("Traceback" in line for line in lines), "".join(lines)


def test_open_waits_for_the_first_build(monkeypatch):
    from sitegen.commands import serve as serve_module

    opened: list[str] = []
    monkeypatch.setattr(serve_module.webbrowser, "open", opened.append)
    built = threading.Event()

    class Stub:
        def wait_built(self, timeout: float) -> bool:
            return built.wait(timeout)

    thread = threading.Thread(target=serve_module._open_when_built, args=(Stub(), "http://127.0.0.1:8000/"))
    thread.start()
    time.sleep(0.1)  # time to open the browser too early, were it to
    assert opened == []
    built.set()
    thread.join(WAIT)
    assert opened == ["http://127.0.0.1:8000/"]


def test_a_failed_start_cleans_up_without_hanging(site, monkeypatch):
    from sitegen.commands import serve as serve_module

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(serve_module, "Watcher", broken)
    p = Preview(site, port=free_port(), jobs=1, log=lambda *a: None)
    with pytest.raises(OSError, match="inotify"):
        p.start()
    assert not list((site / ".sitegen-cache").glob("serve-*"))
    port = p.server.server_address[1]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
