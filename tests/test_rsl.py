"""RSL 1.0 (Really Simple Licensing): /license.xml and everything that points to it.

The structure checked here is the specification's (RSL-SPEC-1.0, https://rslstandard.org/rsl, read with the
search tool): root ``rsl`` in namespace https://rslstandard.org/rsl; one or more ``content`` with a required
``url`` (a full URL or a server path); ``license`` holding ``permits``/``prohibits`` with ``type="usage"`` and
space-separated usage tokens from the RSL vocabulary; ``copyright`` (type person|organization, contactEmail,
contactUrl); ``terms`` (a URL). robots.txt: ``License: <absolute URL>`` (guide "Adding RSL to robots.txt");
HTTP: ``Link: <url>; rel="license"; type="application/rsl+xml"`` (guide "Adding RSL to HTTP Headers").
"""

from __future__ import annotations

import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from pathlib import Path

import protego
import pytest

from sitegen.config import Config
from sitegen.protect import hostfiles
from sitegen.protect.headers import response_headers
from sitegen.rights.labels import LABELS, RSL
from sitegen.urls import Urls

from .conftest import make_photo

NS = "{https://rslstandard.org/rsl}"
ORIGIN = "https://example.com"
USAGE_TOKENS = {row.label for row in LABELS if row.vocabulary == RSL}
LINK = f'<{ORIGIN}/license.xml>; rel="license"; type="application/rsl+xml"'
RSL_LINK_TAG = re.compile(r'<link rel="license" type="application/rsl\+xml" href="([^"]+)">')


def parse(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{NS}rsl", "root must be <rsl> in the RSL namespace"
    contents = list(root)
    assert contents and all(c.tag == f"{NS}content" for c in contents), "<rsl> holds one or more <content>"
    urls = [c.get("url") for c in contents]
    assert all(urls) and len(set(urls)) == len(urls), "each <content> has a url and names a distinct asset"
    for content in contents:
        url = content.get("url") or ""
        assert url.startswith("/") or url.startswith("https://"), url
        licence = content.find(f"{NS}license")
        assert licence is not None
        for element in licence:
            assert element.tag in (f"{NS}permits", f"{NS}prohibits")
            assert element.get("type") == "usage"
            assert set((element.text or "").split()) <= USAGE_TOKENS, element.text
        terms = content.find(f"{NS}terms")
        assert terms is not None and (terms.text or "").startswith(("https://", "/"))
        copyright = content.find(f"{NS}copyright")
        if copyright is not None:
            assert copyright.get("type") in ("person", "organization") and (copyright.text or "").strip()
    return root


def usage(content: ET.Element, kind: str) -> set[str]:
    element = content.find(f"{NS}license/{NS}{kind}")
    return set((element.text or "").split()) if element is not None else set()


def test_example_site_license_xml_follows_the_spec(example_build):
    out = example_build[0]
    root = parse(out / "license.xml")
    site = root[0]
    assert site.get("url") == "/"
    assert usage(site, "permits") == {"search"}
    assert usage(site, "prohibits") == {"ai-train", "ai-input", "ai-index"}
    copyright = site.find(f"{NS}copyright")
    assert copyright is not None and copyright.get("contactUrl")
    assert site.findtext(f"{NS}terms") == f"{ORIGIN}/licensing/"


def test_example_site_points_to_it_from_robots_pages_and_image_headers(example_build):
    out = example_build[0]
    robots = (out / "robots.txt").read_text("utf-8")
    assert f"License: {ORIGIN}/license.xml" in robots.splitlines()
    # Still the same answers in both parsers with the new global line.
    p = protego.Protego.parse(robots)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(robots.splitlines())
    assert not p.can_fetch(f"{ORIGIN}/", "GPTBot") and not legacy.can_fetch("GPTBot", f"{ORIGIN}/")
    assert p.can_fetch(f"{ORIGIN}/", "Googlebot") and legacy.can_fetch("Googlebot", f"{ORIGIN}/")
    pages = list(out.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text("utf-8")
        assert RSL_LINK_TAG.findall(text) == [f"{ORIGIN}/license.xml"], page
        assert re.search(r'<link rel="license" href="[^"]+">', text) or page.name == "404.html", page
    headers = (out / "_headers").read_text("utf-8")
    media = headers[headers.index("/media/*") :]
    assert f"  Link: {LINK}" in media.splitlines()
    assert "Link:" not in headers[: headers.index("/media/*")], "pages carry the <link> tag, not a header"
    assert 'href="/license.xml"' in (out / "licensing/index.html").read_text("utf-8"), "listed with the signals"


def test_link_header_on_images_only_and_in_every_host_file():
    urls, config = Urls(ORIGIN + "/"), Config()
    assert ("Link", LINK) in response_headers(urls, "media/a.0123456789.webp", config)
    assert all(name != "Link" for name, _ in response_headers(urls, "g/a/", config))
    apache = 'Header always set Link "<https://example.com/license.xml>; rel=\\"license\\"'
    assert apache in hostfiles.htaccess(config, urls)
    assert "add_header Link " in hostfiles.nginx_site(config, urls)
    assert "Link " in hostfiles.caddy(config, urls)


@pytest.mark.parametrize(
    ("policy", "permits", "prohibits"),
    [
        ("no-ai", {"search"}, {"ai-train", "ai-input", "ai-index"}),
        ("no-ai-training", {"search", "ai-input", "ai-index"}, {"ai-train"}),
    ],
)
def test_usage_follows_the_preset(site_dir, write, run_build, policy, permits, prohibits):
    make_photo(site_dir / "content/g/a.jpg")
    write(
        "sitegen.toml",
        f'[site]\nbase_url = "{ORIGIN}/"\nauthor = "Ana Example"\n[contact]\nemail = "ana@example.com"\n'
        f'[protect]\npolicy = "{policy}"\n',
    )
    run_build()
    root = parse(site_dir / "public/license.xml")
    assert usage(root[0], "permits") == permits and usage(root[0], "prohibits") == prohibits
    copyright = root[0].find(f"{NS}copyright")
    assert copyright is not None and copyright.get("contactEmail") == "ana@example.com"
    assert copyright.get("contactUrl") == f"{ORIGIN}/licensing/#license-a-photo"


def test_galleries_and_photos_licensed_otherwise_get_their_own_entry(site_dir, write, run_build):
    for name in ("a", "b", "c"):
        make_photo(site_dir / f"content/g/{name}.jpg")
    make_photo(site_dir / "content/h/d.jpg")
    write("sitegen.toml", f'[site]\nbase_url = "{ORIGIN}/sub/"\n')
    write("content/g/index.md", "---\nlicence: CC-BY-4.0\n---\n")
    write("content/g/b.md", "---\nlicence: CC0-1.0\n---\n")
    write("content/g/c.md", "---\nlicence: CC-BY-4.0\n---\n")  # same as its gallery: no entry of its own
    run_build()
    root = parse(site_dir / "public/license.xml")
    entries = {c.get("url"): c for c in root}
    assert list(entries) == ["/sub/", "/sub/g/", "/sub/g/b/"]
    assert entries["/sub/g/"].findtext(f"{NS}terms") == "https://creativecommons.org/licenses/by/4.0/"
    assert usage(entries["/sub/g/"], "prohibits") == {"ai-train", "ai-input", "ai-index"}
    cc0 = entries["/sub/g/b/"]
    assert usage(cc0, "permits") == {"all"} and not usage(cc0, "prohibits")
    assert cc0.find(f"{NS}copyright") is None, "no copyright is claimed on a CC0 photo"
    assert entries["/sub/"].findtext(f"{NS}terms") == f"{ORIGIN}/sub/licensing/"


def test_no_license_line_without_an_absolute_base_url(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[site]\nbase_url = "/"\n')
    run_build()
    out = site_dir / "public"
    assert "License:" not in (out / "robots.txt").read_text("utf-8")
    parse(out / "license.xml")  # still written: its paths do not need a host
    assert RSL_LINK_TAG.findall((out / "g/a/index.html").read_text("utf-8")) == ["/license.xml"]


@pytest.mark.parametrize("toml", ['[protect]\npolicy = "off"\n', "[licensing]\nrsl = false\n"])
def test_off_or_switched_off_writes_and_points_to_nothing(site_dir, write, run_build, toml):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", f'[site]\nbase_url = "{ORIGIN}/"\n' + toml)
    run_build()
    out = site_dir / "public"
    assert not (out / "license.xml").exists()
    assert "License:" not in (out / "robots.txt").read_text("utf-8")
    assert "application/rsl+xml" not in (out / "g/a/index.html").read_text("utf-8")
    assert "Link:" not in (out / "_headers").read_text("utf-8")
