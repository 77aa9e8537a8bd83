"""``sitegen audit`` on the built folder, on the served URL, and on deliberately broken copies."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from sitegen.audit import FolderSource, Response, Status, header_problems, run_audit
from sitegen.audit.imagemeta import parse_xmp, read_facts
from sitegen.cli import cli
from sitegen.commands.audit import AuditOptions, audit
from sitegen.errors import SitegenError

from .headers_server import serve
from .rights_images import rights_exif, rights_xmp, write_rights_image

# The example site does not sign its images (a showcase cannot ship a private key), so its Content
# Credentials check is INFO, not PASS; tests/test_credentials.py audits a signed site.
PENDING_IMAGE_PIPELINE: set[str] = {"image-credentials"}


def statuses(report) -> dict[str, Status]:
    return {c.id: c.status for c in report.checks}


def assert_all_pass(report, except_: set[str] = frozenset()) -> None:
    bad = {
        c.id: f"{c.status}: {c.detail}" for c in report.checks if c.status is not Status.PASS and c.id not in except_
    }
    assert bad == {}, bad


# --- image metadata, read back ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jpg", ".webp", ".avif", ".png"])
def test_complete_rights_metadata_is_read_back_in_every_format(tmp_path, suffix):
    facts = read_facts(write_rights_image(tmp_path / f"a{suffix}").read_bytes())
    assert facts.error is None and facts.private == []
    assert facts.missing_rights() == []
    assert facts.data_mining() == "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"
    assert facts.first("plus", "LicensorURL") == "https://example.com/licensing/#license-a-photo"
    assert facts.first("dc", "creator") == "Jane Doe" and facts.artist == "Jane Doe"


def test_missing_fields_and_private_data_are_named(tmp_path):
    path = write_rights_image(
        tmp_path / "a.jpg",
        xmp=rights_xmp(drop=("credit", "licensor"), gps=True),
        exif=rights_exif(gps=True, serial=True),
    )
    facts = read_facts(path.read_bytes())
    assert facts.missing_rights() == ["XMP plus:Licensor/LicensorURL", "XMP photoshop:Credit"]
    assert facts.private == ["GPS position", "camera serial number", "GPS position in XMP"]
    no_exif = read_facts(write_rights_image(tmp_path / "b.webp", exif=rights_exif(artist=False)).read_bytes())
    assert no_exif.missing_rights() == ["EXIF Artist", "EXIF Copyright"]


def test_xmp_with_entities_is_refused():
    with pytest.raises(ValueError):
        parse_xmp(b'<!DOCTYPE x [<!ENTITY a "b">]><x:xmpmeta xmlns:x="adobe:ns:meta/"/>')


def test_not_an_image():
    assert read_facts(b"<html>").error.startswith("not a readable image")


# --- headers of one response -----------------------------------------------------------------------


GOOD = [
    ("X-Robots-Tag", "noai, noimageai"),
    ("tdm-reservation", "1"),
    ("tdm-policy", "https://example.com/tdm-policy.json"),
    ("Content-Usage", "train-ai=n, search=y"),
]


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        (GOOD, None),
        ([("X-Robots-Tag", "noarchive"), *GOOD], "first X-Robots-Tag is 'noarchive'"),  # datadiligence sees only it
        ([("X-Robots-Tag", "noai, noimageai, max-image-preview:large"), *GOOD[1:]], "carries other directives"),
        ([("X-Robots-Tag", "googlebot: noai, noimageai"), *GOOD[1:]], "aimed at one crawler"),
        ([("X-Robots-Tag", "NoAI, NoImageAI"), *GOOD[1:]], "not 'noai, noimageai'"),  # case-sensitive readers
        (GOOD[1:], "no X-Robots-Tag"),
        ([GOOD[0], ("tdm-reservation", "0"), *GOOD[2:]], "tdm-reservation is '0'"),
        ([*GOOD[:3]], "no Content-Usage"),
    ],
)
def test_header_problems(headers, problem):
    problems = header_problems(Response("/x.webp", 200, headers))
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


# --- the built folder ------------------------------------------------------------------------------


def test_example_folder_passes(example_copy, example_build):
    report = audit(str(example_copy))  # a site folder: its own config and originals are used
    assert report.mode == "folder" and report.target.endswith("public")
    assert_all_pass(report, except_=PENDING_IMAGE_PIPELINE)
    assert report.get("image-credentials").status is Status.INFO
    output, _, _ = example_build
    assert report.stats["pages"] == len(list(output.rglob("*.html"))) and report.stats["images"] > 50
    originals = [p for p in (example_copy / "content").rglob("*") if p.suffix in (".jpg", ".png")]
    assert f"compared byte for byte with {len(originals)} originals" in report.get("originals").detail


def with_rights_images(output: Path, statement: str) -> None:
    """Replace every published image by a small one carrying complete rights metadata (what the pipeline adds)."""
    for path in list((output / "media").rglob("*.*")):
        if path.name == ".htaccess":  # a client gallery's lock (issue 15), not an image
            continue
        path.unlink()
        write_rights_image(path, xmp=rights_xmp(statement=statement))


def test_rights_pass_when_images_carry_the_fields(output_copy, example_copy):
    with_rights_images(output_copy, "https://example.com/licensing/")
    report = audit(str(output_copy), AuditOptions(site=example_copy))
    assert_all_pass(report, except_=PENDING_IMAGE_PIPELINE)
    # The WebStatement must point at this site's licensing page.
    with_rights_images(output_copy, "https://elsewhere.example/terms/")
    report = audit(str(output_copy), AuditOptions(site=example_copy))
    assert statuses(report)["image-rights"] is Status.FAIL
    assert "not https://example.com/licensing/" in report.get("image-rights").detail


def _blank_line_in_ai_group(out: Path) -> None:
    text = (out / "robots.txt").read_text("utf-8").replace("User-agent: GPTBot\n", "User-agent: GPTBot\n\n", 1)
    (out / "robots.txt").write_text(text, "utf-8")


def _drop_meta(out: Path) -> None:
    page = out / "water/walruses/index.html"
    page.write_text(page.read_text("utf-8").replace('<meta name="robots" content="noai, noimageai">', ""), "utf-8")


def _noindex(out: Path) -> None:
    page = out / "about/index.html"
    text = page.read_text("utf-8").replace('content="noai, noimageai"', 'content="noai, noimageai, noindex"')
    page.write_text(text, "utf-8")


def _headers_without_robots_tag(out: Path) -> None:
    text = (out / "_headers").read_text("utf-8").replace("  X-Robots-Tag: noai, noimageai\n", "")
    (out / "_headers").write_text(text, "utf-8")


def _original_published(out: Path, content: Path) -> None:
    shutil.copyfile(content / "water/walruses.jpg", out / "walruses.jpg")


def _gps_image(out: Path) -> None:
    write_rights_image(out / "extra/photo.jpg", exif=rights_exif(gps=True))


def _oversized(out: Path) -> None:
    # Named like a published derivative (content hash), so every host file caches it: only its size is wrong.
    Image.new("RGB", (3000, 2000), "white").save(out / "media/big-3000.0123456789.jpg", quality=30)


def _tdm_string(out: Path) -> None:
    (out / ".well-known/tdmrep.json").write_text('[{"location": "/", "tdm-reservation": "1"}]', "utf-8")


def _drop_json_ld(out: Path) -> None:
    page = out / "water/walruses/index.html"
    text = page.read_text("utf-8")
    start = text.index('<script type="application/ld+json">')
    end = text.index("</script>", start) + len("</script>")
    page.write_text(text[:start] + text[end:], "utf-8")


BREAKAGES = {
    "robots-ai": _blank_line_in_ai_group,
    "robots-search": lambda out: (out / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8"),
    "ai-txt": lambda out: (out / "ai.txt").unlink(),
    "tdmrep": _tdm_string,
    "meta-tags": _drop_meta,
    "search-visible": _noindex,
    "headers-image": _headers_without_robots_tag,
    "originals": _original_published,
    "image-privacy": _gps_image,
    "image-size": _oversized,
    "licence-data": _drop_json_ld,
}


@pytest.mark.parametrize("broken", list(BREAKAGES))
def test_broken_copy_fails_exactly_where_it_is_broken(output_copy, example_copy, broken):
    before = statuses(audit(str(output_copy), AuditOptions(site=example_copy)))
    breakage = BREAKAGES[broken]
    breakage(output_copy, example_copy / "content") if broken == "originals" else breakage(output_copy)
    report = audit(str(output_copy), AuditOptions(site=example_copy))
    after = statuses(report)
    expected = Status.WARN if broken == "search-visible" else Status.FAIL
    assert before[broken] is Status.PASS and after[broken] is expected, report.get(broken)
    changed = {cid for cid in after if after[cid] is not before[cid]} - {broken}
    allowed = {
        "robots-ai": {"robots-search"},  # the same broken robots.txt
        "robots-search": {"robots-ai", "robots-usage", "licence-file"},  # its License: line went with it
        "headers-image": {"headers-page"},  # _headers applies to pages and images alike
        "tdmrep": {"tdm-policy"},
        "originals": {"image-size", "image-rights", "image-cache"},  # a big camera file outside media/
        "image-privacy": {"image-cache"},  # outside media/, so not cached for long either
        "image-size": {"image-rights"},
    }.get(broken, set())
    assert changed <= allowed, {c: after[c] for c in changed}


def test_the_blank_line_trap_is_caught_by_the_legacy_parser(output_copy, example_copy):
    _blank_line_in_ai_group(output_copy)
    detail = audit(str(output_copy), AuditOptions(site=example_copy)).get("robots-ai").detail
    # urllib drops every agent listed before the blank line; protego still reads them (so only urllib is named).
    assert "(urllib.robotparser)" in detail and "protego" not in detail


def test_folder_without_site_config_still_audits(output_copy):
    report = audit(str(output_copy))
    assert_all_pass(report, except_=PENDING_IMAGE_PIPELINE)
    assert "give --site DIR" in report.get("originals").detail


def test_switched_off_parts_are_skipped_not_failed(site_dir, write, run_build):
    from .conftest import make_photo

    make_photo(site_dir / "content/g/a.jpg")
    write(
        "sitegen.toml", '[site]\nbase_url = "https://example.com/"\n[protect]\nai_txt = false\nheader_files = false\n'
    )
    run_build()
    report = audit(str(site_dir))
    assert statuses(report)["ai-txt"] is Status.SKIP and statuses(report)["headers-image"] is Status.SKIP
    assert "switched off" in report.get("ai-txt").detail
    assert statuses(report)["robots-ai"] is Status.PASS and statuses(report)["meta-tags"] is Status.PASS


# --- the deployed site over HTTP -------------------------------------------------------------------


def test_example_url_passes(live_example, example_copy, monkeypatch):
    url, output = live_example
    # Proxies from the environment are ignored: the audit talks to the given URL only.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    report = audit(url)
    assert report.mode == "url"
    assert_all_pass(report, except_=PENDING_IMAGE_PIPELINE)
    # Every page of the sitemap; the largest file of every <picture> source, plus social-card images.
    # All but 404.html and the unlisted client gallery's pages (issue 15: in no sitemap, never linked).
    listed = [p for p in output.rglob("*.html") if 'name="robots" content="noindex' not in p.read_text("utf-8")]
    assert report.stats["pages"] == len(listed) - 1
    assert report.stats["images"] >= 20
    assert report.get("tdm-policy").detail.startswith(url + "tdm-policy.json")
    # With the site folder, the published images are also compared with the originals (and none is one).
    with_site = audit(url, AuditOptions(site=example_copy))
    assert with_site.get("originals").status is Status.PASS and "byte for byte" in with_site.get("originals").detail


def test_url_audit_fails_when_the_host_drops_image_headers(live_example):
    _, output = live_example
    with serve(output, drop_for=lambda path: path.startswith("/media/")) as url:
        report = audit(url)
    assert statuses(report)["headers-page"] is Status.PASS
    assert statuses(report)["headers-image"] is Status.FAIL
    assert "no X-Robots-Tag" in report.get("headers-image").detail


def test_url_audit_finds_a_published_original(live_example, example_copy, tmp_path):
    _, output = live_example
    copy = tmp_path / "public"
    shutil.copytree(output, copy)
    (copy / "water").mkdir(exist_ok=True)
    shutil.copyfile(example_copy / "content/water/walruses.jpg", copy / "water/walruses.jpg")
    with serve(copy) as url:
        report = audit(url, AuditOptions(site=example_copy))
    assert statuses(report)["originals"] is Status.FAIL
    assert "/water/walruses.jpg serves an original" in report.get("originals").detail


class _Counting(http.server.BaseHTTPRequestHandler):
    """Records every request and redirects it to ``target``."""

    hits: list[str]  # set per server
    target = "/"

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", self.target)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _server(handler) -> tuple[http.server.HTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_url_audit_never_contacts_another_host(tmp_path):
    other_hits: list[str] = []
    other, other_url = _server(type("Other", (_Counting,), {"hits": other_hits}))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<html><head><meta property="og:image" content="{other_url}og.jpg"></head><body>'
        f'<img src="{other_url}img.jpg" srcset="{other_url}a.jpg 800w"><a href="{other_url}page/">x</a></body></html>',
        "utf-8",
    )
    (site / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/</loc></url></urlset>', "utf-8"
    )

    try:
        with serve(site) as url:
            report = audit(url)
            assert report.stats["requests"] > 0
            # A redirect to another origin is not followed.
            redirect_site, redirect_url = _server(type("R", (_Counting,), {"hits": [], "target": other_url + "x"}))
            try:
                with pytest.raises(SitegenError, match="redirect to another origin refused"):
                    audit(redirect_url, AuditOptions(max_requests=3))
            finally:
                redirect_site.shutdown()
                redirect_site.server_close()
    finally:
        other.shutdown()
        other.server_close()
    assert other_hits == []


def test_url_audit_respects_the_request_budget(live_example):
    url, _ = live_example
    report = audit(url, AuditOptions(max_requests=12))
    assert report.stats["requests"] <= 12
    # What the budget left out is said, and no check that missed part of the site passes.
    coverage = report.get("coverage")
    assert coverage.status is Status.UNCHECKED and "--max-requests" in coverage.detail
    assert statuses(report)["meta-tags"] is Status.UNCHECKED and not report.ok


def test_url_audit_times_out_on_a_silent_server():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections into the backlog, never answers
    try:
        with pytest.raises(SitegenError, match="cannot reach"):
            audit(f"http://127.0.0.1:{silent.getsockname()[1]}/", AuditOptions(timeout=0.3))
    finally:
        silent.close()


def test_url_must_be_http():
    with pytest.raises(SitegenError, match="not an http"):
        audit("https://")


# --- the command line ------------------------------------------------------------------------------


def test_cli_table_json_and_exit_status(output_copy, example_copy):
    runner = CliRunner()
    with_rights_images(output_copy, "https://example.com/licensing/")
    ok = runner.invoke(cli, ["audit", str(output_copy), "--site", str(example_copy)])
    assert ok.exit_code == 0, ok.output
    assert "Every protection checked passed." in ok.output
    assert any(line.split()[:2] == ["PASS", "robots.txt"] for line in ok.output.splitlines())

    _drop_meta(output_copy)
    failed = runner.invoke(cli, ["audit", str(output_copy), "--site", str(example_copy)])
    assert failed.exit_code == 1
    row = next(line for line in failed.output.splitlines() if line.startswith("FAIL"))
    assert "Meta tags on every page" in row and "/water/walruses/ lacks noai, noimageai" in row
    fix = failed.output.splitlines()[failed.output.splitlines().index(row) + 1]
    assert fix.strip().startswith("fix: Keep {{ protection_head }}")

    as_json = runner.invoke(cli, ["audit", str(output_copy), "--json", "--site", str(example_copy)])
    data = json.loads(as_json.output)
    assert as_json.exit_code == 1 and data["ok"] is False and data["mode"] == "folder"
    (meta,) = [c for c in data["checks"] if c["id"] == "meta-tags"]
    assert meta["status"] == "fail" and meta["fix"]
    assert {c["status"] for c in data["checks"]} <= {"pass", "fail", "warn", "skip", "info", "unchecked"}


def test_cli_reports_unusable_targets(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "error: " in result.output and "no such folder" in result.output
    (tmp_path / "site" / "content").mkdir(parents=True)
    result = runner.invoke(cli, ["audit", str(tmp_path / "site")])
    assert result.exit_code == 1 and "has not been built yet" in result.output


def test_folder_source_refuses_paths_outside(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "out" / "index.html").write_text("<html></html>")
    source = FolderSource(tmp_path / "out")
    assert source.get("/../secret.txt").status == 404
    assert run_audit(source).get("meta-tags").status is Status.FAIL


def test_noindex_in_a_header_is_reported(output_copy):
    text = (output_copy / "_headers").read_text("utf-8") + "/media/*\n  X-Robots-Tag: googlebot: noimageindex\n"
    (output_copy / "_headers").write_text(text, "utf-8")
    report = audit(str(output_copy))
    assert statuses(report)["search-visible"] is Status.WARN
    assert "X-Robots-Tag" in report.get("search-visible").detail


def test_public_domain_images_need_no_reservation(tmp_path):
    """xmpRights:Marked False (CC0, public domain): nothing is reserved, so no licensor or prohibition is due."""
    xmp = rights_xmp(mining="DMI-UNSPECIFIED", drop=("licensor", "constraints")).replace(
        b'xmpRights:Marked="True"', b'xmpRights:Marked="False"'
    )
    facts = read_facts(write_rights_image(tmp_path / "pd.jpg", xmp=xmp).read_bytes())
    assert not facts.rights_managed and facts.missing_rights() == []
    managed = read_facts(write_rights_image(tmp_path / "arr.jpg", xmp=rights_xmp(drop=("licensor",))).read_bytes())
    assert managed.rights_managed and managed.missing_rights() == ["XMP plus:Licensor/LicensorURL"]


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://example.com", "/"),
        ("https://example.com/portfolio", "/portfolio/"),
        ("https://example.com/portfolio/", "/portfolio/"),
        ("https://example.com/portfolio/index.html", "/portfolio/"),
    ],
)
def test_url_base_path(url, base):
    from sitegen.audit import HttpSource

    assert HttpSource(url).base_path == base
