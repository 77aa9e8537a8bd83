"""``sitegen audit`` stays bounded and honest: slow hosts, redirect loops, huge link lists, unreadable images.

The hosts here are real HTTP servers on 127.0.0.1 scripted per path. Slow ones drip bytes for far longer
than the audit may wait (seconds against a fraction of a second), and record whether the audit hung up
before they finished: what is asserted is the verdict and who gave up, never a duration.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from sitegen.audit import HttpSource, Status, run_audit
from sitegen.audit.imagemeta import read_facts
from sitegen.cli import cli
from sitegen.commands.audit import AuditOptions, audit
from sitegen.errors import SitegenError

from .rights_images import rights_exif, write_rights_image

PROTECTED_HEAD = (
    '<meta name="robots" content="noai, noimageai"><meta name="tdm-reservation" content="1">'
    '<meta name="tdm-policy" content="/tdm-policy.json">'
)
ROBOTS = b"User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
PILLOW_DEFAULT_PIXELS = 1024 * 1024 * 1024 // 4 // 3  # Image.MAX_IMAGE_PIXELS as Pillow ships it
DRIP_EVERY = 0.05  # seconds between two bytes of a slow answer
DRIP_BYTES = 200  # a slow answer takes DRIP_EVERY * DRIP_BYTES = 10 s when nobody hangs up

# path -> (status, headers, body, drip): drip is None, "headers" (the status line and headers trickle in,
# never ending) or "body" (headers at once, then the body trickles).
Answer = tuple[int, list[tuple[str, str]], bytes, str | None]


class _Scripted(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    answer: Callable[[str], Answer]
    dripped: list[bool]  # one entry per slow answer: True when it was sent to the end

    def do_GET(self) -> None:
        status, headers, body, drip = self.answer(self.path)
        if drip == "headers":
            self._drip(b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * DRIP_BYTES)
            return
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if drip == "body":
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(DRIP_BYTES))
            self.end_headers()
            self.wfile.flush()
            self._drip(b"x" * DRIP_BYTES)
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the audit may hang up (its --max-time)
            self.wfile.write(body)

    def _drip(self, data: bytes) -> None:
        try:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(DRIP_EVERY)
        except OSError:  # the audit hung up
            self.dripped.append(False)
            return
        self.dripped.append(True)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def scripted(answer: Callable[[str], Answer]) -> Iterator[tuple[str, list[bool]]]:
    dripped: list[bool] = []
    handler = type("H", (_Scripted,), {"answer": staticmethod(answer), "dripped": dripped})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", dripped
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def html(body: str = "") -> bytes:
    return f"<html><head>{PROTECTED_HEAD}</head><body>{body}</body></html>".encode()


def site_files(path: str) -> Answer | None:
    """The files every scripted site serves normally."""
    files = {
        "/robots.txt": ROBOTS,
        "/ai.txt": b"User-Agent: *\nDisallow: /\n",
        "/.well-known/tdmrep.json": b'[{"location": "/*", "tdm-reservation": 1, "tdm-policy": "/tdm-policy.json"}]',
        "/tdm-policy.json": b'{"profile": "http://www.w3.org/ns/tdmrep"}',
    }
    if path in files:
        return 200, [("Content-Type", "text/plain")], files[path], None
    return None


def sitemap(paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{p}</loc></url>" for p in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def statuses(report) -> dict[str, Status]:
    return {c.id: c.status for c in report.checks}


PAGE_CHECKS = ("meta-tags", "search-visible", "licence-data", "headers-page")


# --- slow hosts: the timeout bounds a request as a whole --------------------------------------------


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_a_dripping_home_page_is_given_up_within_the_timeout(drip):
    def answer(path: str) -> Answer:
        return site_files(path) or (200, [], b"", drip)

    with scripted(answer) as (url, dripped):
        with pytest.raises(SitegenError, match=r"cannot reach .*no complete response within 0\.5 s"):
            audit(url, AuditOptions(timeout=0.5))
        # The audit hung up long before the host had trickled its answer out (it would take 10 s).
        assert _wait_for(lambda: len(dripped) == 1) and dripped == [False]


def _wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Wait on a condition with a generous bound (the server thread notices the hang-up on its next write)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def test_a_dripping_page_is_not_checked_and_the_rest_is():
    def answer(path: str) -> Answer:
        if path == "/sitemap.xml":
            return 200, [], sitemap(["/", "/slow/", "/fine/"]), None
        if path == "/slow/":
            return 200, [], b"", "body"
        return site_files(path) or (200, [("Content-Type", "text/html")], html(), None)

    with scripted(answer) as (url, dripped):
        report = audit(url, AuditOptions(timeout=0.5))
        assert _wait_for(lambda: len(dripped) == 1) and dripped == [False]
    meta = report.get("meta-tags")
    assert meta.status is Status.UNCHECKED, meta
    assert "on 2 pages" in meta.detail and "/slow/ (no complete response within 0.5 s)" in meta.detail
    assert statuses(report)["coverage"] is Status.UNCHECKED and not report.ok


def test_max_time_bounds_the_whole_audit():
    """Every page answers within --timeout, but all of them together take far longer than --max-time."""
    pages = [f"/p{i}/" for i in range(40)]

    def answer(path: str) -> Answer:
        if path == "/sitemap.xml":
            return 200, [], sitemap(["/", *pages]), None
        if path in pages:
            time.sleep(0.2)
        return site_files(path) or (200, [("Content-Type", "text/html")], html(), None)

    with scripted(answer) as (url, _):
        report = audit(url, AuditOptions(timeout=5, max_time=1))
    assert report.stats["requests"] < 40  # 40 pages at 0.2 s cannot fit in 1 s
    coverage = report.get("coverage")
    assert coverage.status is Status.UNCHECKED and "--max-time of 1 s reached" in coverage.detail
    assert statuses(report)["meta-tags"] is Status.UNCHECKED
    assert report.stats["pages_not_checked"] > 0


# --- redirect loops: no coverage is no pass ---------------------------------------------------------


def _looping(loop: Callable[[str], bool]) -> Callable[[str], Answer]:
    def answer(path: str) -> Answer:
        if loop(path):
            return 302, [("Location", "/b/" if path == "/a/" else "/a/")], b"", None
        if path == "/sitemap.xml":
            return 200, [], sitemap(["/", "/a/", "/b/"]), None
        return site_files(path) or (200, [("Content-Type", "text/html")], html('<img src="/m/x.jpg">'), None)

    return answer


def test_a_redirect_loop_on_the_home_page_is_reported():
    with (
        scripted(_looping(lambda path: path in ("/", "/a/", "/b/"))) as (url, _),
        pytest.raises(SitegenError, match=r"cannot reach .*redirect loop: / -> /a/ -> /b/ -> /a/"),
    ):
        audit(url)


def test_no_page_fetched_means_no_page_check_passes():
    with scripted(_looping(lambda path: not path.endswith((".txt", ".json")))) as (url, _):
        report = run_audit(HttpSource(url, timeout=5))
    for cid in (*PAGE_CHECKS, "coverage", "image-privacy", "image-size", "originals"):
        assert report.get(cid).status is Status.UNCHECKED, report.get(cid)
    assert "redirect loop" in report.get("meta-tags").detail
    # What was reached is still judged (this robots.txt names GPTBot only).
    assert statuses(report)["robots-ai"] is Status.FAIL and statuses(report)["ai-txt"] is Status.PASS
    assert not report.ok


def test_pages_in_a_redirect_loop_are_not_checked():
    with scripted(_looping(lambda path: path in ("/a/", "/b/"))) as (url, _):
        report = audit(url)
    meta = report.get("meta-tags")
    assert meta.status is Status.UNCHECKED and "on 1 pages" in meta.detail and "redirect loop" in meta.detail
    assert "checked 1 of 3 pages" in report.get("coverage").detail


# --- many links: bounded work, and what was not checked is said ----------------------------------


def test_a_page_with_a_huge_number_of_links_costs_bounded_work(monkeypatch):
    links = "".join(f'<a href="/p{i}/">{i}</a>' for i in range(20_000))
    body = html(links)

    def answer(path: str) -> Answer:
        if path == "/sitemap.xml":
            return 404, [], b"", None
        return site_files(path) or (200, [("Content-Type", "text/html")], body, None)

    resolved = 0
    original = HttpSource.url_path

    def counting(self, link, page_path="/", any_host=False):
        nonlocal resolved
        resolved += 1
        return original(self, link, page_path, any_host)

    monkeypatch.setattr(HttpSource, "url_path", counting)
    with scripted(answer) as (url, _):
        report = audit(url, AuditOptions(max_requests=40))
    pages = report.stats["pages"]
    assert pages >= 10
    # Links are resolved only while pages can still be queued: not 20,000 per page fetched.
    assert resolved < 200, resolved
    coverage = report.get("coverage")
    assert coverage.status is Status.UNCHECKED
    assert f"checked {pages} of " in coverage.detail and "more links not followed" in coverage.detail
    assert statuses(report)["meta-tags"] is Status.UNCHECKED


# --- images that cannot be decoded --------------------------------------------------------------------


def huge_gps_jpeg(path: Path, width: int = 15000, height: int = 12000) -> Path:
    """A real small GPS-tagged JPEG whose frame header (SOF) declares ``width`` x ``height``.

    That is what a photo above Pillow's decompression-bomb limit looks like to any reader of its header:
    the size and the EXIF are there; only decoding the pixels would fail (or take gigabytes).
    """
    write_rights_image(path, exif=rights_exif(gps=True))
    data = bytearray(path.read_bytes())
    i = 2
    while data[i] == 0xFF and data[i + 1] not in (0xC0, 0xC1, 0xC2):
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    struct.pack_into(">HH", data, i + 5, height, width)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def pillow_default_limit(monkeypatch):
    """Pillow's own pixel limit, as in a fresh ``sitegen audit`` process (a build in this session changed it)."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", PILLOW_DEFAULT_PIXELS)


def test_an_image_above_the_bomb_limit_is_still_read(tmp_path, pillow_default_limit):
    path = huge_gps_jpeg(tmp_path / "big.jpg")
    with pytest.raises(Image.DecompressionBombError):
        Image.open(path)  # what made the audit count it as clean and 0 px
    facts = read_facts(path.read_bytes())
    assert facts.error is None and (facts.width, facts.height) == (15000, 12000)
    assert "GPS position" in facts.private


def test_a_huge_gps_tagged_jpeg_fails_privacy_and_size(output_copy, example_copy, pillow_default_limit):
    huge_gps_jpeg(output_copy / "media/huge.jpg")
    report = audit(str(output_copy), AuditOptions(site=example_copy))
    privacy, size = report.get("image-privacy"), report.get("image-size")
    assert privacy.status is Status.FAIL and "/media/huge.jpg (GPS position)" in privacy.detail
    assert size.status is Status.FAIL and "/media/huge.jpg (15000x12000)" in size.detail


def test_an_unreadable_image_is_not_checked_never_passed(output_copy, example_copy):
    (output_copy / "media/broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not a JPEG after all")
    report = audit(str(output_copy), AuditOptions(site=example_copy))
    for cid in ("image-privacy", "image-rights", "image-size", "originals", "coverage"):
        check = report.get(cid)
        assert check.status is Status.UNCHECKED, check
        assert "/media/broken.jpg (not a readable image" in check.detail
    assert statuses(report)["headers-image"] is Status.PASS  # its headers were read all the same
    assert not report.ok


def test_cli_shows_unchecked_and_exits_non_zero(output_copy, example_copy):
    (output_copy / "media/broken.jpg").write_bytes(b"not an image")
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", str(output_copy), "--site", str(example_copy)])
    assert result.exit_code == 1
    row = next(line for line in result.output.splitlines() if "No private data in images" in line)
    assert row.startswith("UNCHECKED")
    assert "could not be checked (UNCHECKED is not a pass)" in result.output
    as_json = runner.invoke(cli, ["audit", str(output_copy), "--json", "--site", str(example_copy)])
    data = json.loads(as_json.output)
    assert as_json.exit_code == 1 and data["ok"] is False and data["unchecked"] >= 1
    (privacy,) = [c for c in data["checks"] if c["id"] == "image-privacy"]
    assert privacy["status"] == "unchecked"


def test_originals_not_probed_within_the_budget_are_not_a_pass(tmp_path):
    original = tmp_path / "content" / "g" / "a.jpg"
    original.parent.mkdir(parents=True)
    write_rights_image(original)

    def answer(path: str) -> Answer:
        if path == "/sitemap.xml":
            return 404, [], b"", None
        return site_files(path) or (200, [("Content-Type", "text/html")], html(), None)

    with scripted(answer) as (url, _):
        source = HttpSource(url, timeout=5, max_requests=6)
        source.get(source.base_path)  # as `audit` does first
        report = run_audit(source, originals=[original])
    check = report.get("originals")
    assert check.status is Status.UNCHECKED, check
    assert "not tried: 3 of 3 places an original could be (--max-requests 6 used up)" in check.detail
