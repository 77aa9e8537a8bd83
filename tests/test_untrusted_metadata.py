"""Text inside a photo file is untrusted: a hostile caption, title, alt text or keyword never becomes markup.

A stored-XSS reproduction: a JPEG whose XMP dc:description (or IPTC 2:120)
said ``<img src=x onerror=alert(document.cookie)>`` put a working script in the
photo page. Here real JPEGs carry hostile XMP, IPTC and EXIF text in every
field sitegen reads; the built pages, JSON-LD, feed, sitemap and published
image files are checked, and the pages are opened in Chromium to see that
nothing ran.
"""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
import pytest
from markupsafe import Markup
from PIL import ExifTags, Image

from sitegen.content.markup import Markup as Converter
from sitegen.content.memo import ParseMemo
from sitegen.images.probe import SourceInfo, probe
from sitegen.untrusted import Untrusted, plain_html

from .browser import DESKTOP, Traffic, serve
from .imagetools import iptc_jpeg
from .sitecheck import html_files

# Each payload leaves a trace if it ever runs: an alert (Playwright sees the dialog) or a global.
PAYLOAD = (
    "<img src=x onerror=alert(document.cookie)><script>window.__pwned='script'</script>"
    "\"'><svg onload=\"window.__pwned='svg'\"> [click](javascript:alert(1)) *not emphasis* \x1b[31m"
)
EXPECTED_TEXT = PAYLOAD.replace("\x1b", "")  # control characters are dropped, everything else is kept as text
FIELDS = ("title", "caption", "alt", "keyword", "creator")


def hostile(field: str, control: bool = False) -> str:
    """The payload for one field; the ESC character only where the format allows it (IPTC: XML forbids it)."""
    return f"{field}: {PAYLOAD if control else EXPECTED_TEXT}"


def xmp_packet() -> bytes:
    def alt(tag: str, text: str) -> str:
        return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{tag}>'

    body = (
        alt("dc:title", hostile("title"))
        + alt("dc:description", hostile("caption"))
        + alt("Iptc4xmpCore:AltTextAccessibility", hostile("alt"))
        + f"<dc:subject><rdf:Bag><rdf:li>{escape(hostile('keyword'))}</rdf:li></rdf:Bag></dc:subject>"
        + f"<dc:creator><rdf:Seq><rdf:li>{escape(hostile('creator'))}</rdf:li></rdf:Seq></dc:creator>"
    )
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "<b>Evil</b>"
    exif[ExifTags.Base.Model] = PAYLOAD.replace("\x1b", "")
    return exif


def hostile_site(site_dir: Path, write: Any) -> None:
    """Two photos with no sidecar: one says everything in XMP, the other in IPTC-IIM."""
    picture = Image.new("RGB", (320, 240), (30, 90, 160))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, xmp=xmp_packet(), exif=camera_exif())
    write("content/g/xmp.jpg", buffer.getvalue())
    records = {
        (2, 5): hostile("title", True).encode(),
        (2, 120): hostile("caption", True).encode(),
        (2, 25): [hostile("keyword", True).encode()],
        (2, 80): hostile("creator", True).encode(),
    }
    write("content/g/iptc.jpg", iptc_jpeg(Image.new("RGB", (240, 320), (160, 90, 30)), records))
    write("content/g/index.md", "---\ntitle: Gallery\n---\nThe photographer's *own* text, <b>HTML allowed</b>.\n")
    write(
        "sitegen.toml",
        '[site]\ntitle = "T"\nbase_url = "https://example.com/"\n'
        "[metadata]\nembed_captions = true\nkeep_camera_info = true\n"
        "[theme_options]\nshow_camera_info = true\n",
    )


class Elements(HTMLParser):
    """What a browser would build: every element, attribute and the text of <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "script":
            self._script = values
            self.scripts.append((values, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def assert_inert(html: str, where: str) -> None:
    """No element or attribute the payload could have made; its text may be shown, escaped."""
    elements = Elements(html)
    for tag, attrs in elements.tags:
        assert tag != "svg", where
        assert not any(name.startswith("on") for name in attrs), f"{where}: <{tag} {attrs}>"
        for name in ("href", "src"):
            assert not attrs.get(name, "").lower().startswith(("javascript:", "data:text")), where
        assert attrs.get("src") != "x", where
    for attrs, text in elements.scripts:
        if attrs.get("type") == "application/ld+json":
            json.loads(text)  # the payload stayed inside its JSON strings
            assert "</script" not in text.lower() and "<" not in text, where
        else:
            assert attrs.get("src") or "__pwned" not in text, f"{where}: inline script {text[:80]!r}"


@pytest.fixture
def built(site_dir: Path, write: Any, run_build: Any) -> Path:
    hostile_site(site_dir, write)
    _, reporter = run_build()
    assert not reporter.errors
    return site_dir / "public"


def test_every_page_is_inert_and_shows_the_text(built: Path):
    pages = html_files(built)
    assert len(pages) >= 5
    for path in pages:
        assert_inert(path.read_text("utf-8"), str(path.relative_to(built)))
    for name in ("xmp", "iptc"):
        html = (built / f"g/{name}/index.html").read_text("utf-8")
        # The visitor reads the caption as the words it is, not as Markdown.
        assert "&lt;img src=x onerror=alert(document.cookie)&gt;" in html
        assert "*not emphasis*" in html and "<em>not emphasis</em>" not in html
        assert "\x1b" not in html
    # The photographer's own Markdown file is still Markdown with HTML.
    assert "<em>own</em> text, <b>HTML allowed</b>" in (built / "g/index.html").read_text("utf-8")


def test_json_ld_carries_the_text_as_data(built: Path):
    html = (built / "g/xmp/index.html").read_text("utf-8")
    (data,) = [json.loads(text) for attrs, text in Elements(html).scripts if attrs.get("type") == "application/ld+json"]
    assert data["name"] == hostile("title")
    assert data["description"] == hostile("caption")


def test_feed_and_sitemap_are_well_formed_and_inert(built: Path):
    feed = ET.parse(built / "feed.xml").getroot()
    ET.parse(built / "sitemap.xml")
    for content in feed.iter("{http://www.w3.org/2005/Atom}content"):
        assert_inert(content.text or "", "feed.xml content")


def test_embedded_metadata_of_published_files_is_well_formed(built: Path):
    files = sorted((built / "media").rglob("*.jpg"))
    assert files
    for path in files:
        with Image.open(path) as image:
            packet = image.info.get("xmp")
        assert packet, path
        root = ET.fromstring(packet)  # escaping kept the packet well-formed XML
        texts = {el.text for el in root.iter() if el.text and el.text.strip()}
        assert hostile("caption") in texts


def test_probe_and_cache_give_untrusted_text(built: Path, site_dir: Path):
    info = probe(site_dir / "content/g/xmp.jpg")
    for value in (info.title, info.caption, info.alt, info.creator, *info.keywords, *info.camera.values()):
        assert isinstance(value, Untrusted), value
    again = SourceInfo(**json.loads(json.dumps(dataclasses.asdict(info))))  # as read back from probe-v1.json
    assert isinstance(again.caption, Untrusted) and again == info


def test_templates_cannot_mark_untrusted_text_safe():
    env = jinja2.Environment(autoescape=True)
    text = Untrusted(PAYLOAD)
    for source in ("{{ t }}", "{{ t | safe }}", "{{ t | e }}", "{{ t | safe | safe }}"):
        out = env.from_string(source).render(t=text)
        assert "<img" not in out and "<script" not in out, source
    assert "<img" not in Markup(text) and "<img" not in Markup("<p>{}</p>").format(text)
    assert "<img" not in plain_html(text) and str(plain_html("a\n\nb\nc")) == "<p>a</p>\n<p>b<br>\nc</p>"


def test_markdown_converter_refuses_untrusted_text():
    with pytest.raises(TypeError):
        Converter().convert(Untrusted("*x*"))
    memo = ParseMemo()
    memo.convert(Converter(), "<b>x</b>")
    with pytest.raises(TypeError):  # not even through a memo holding the same text as trusted Markdown
        memo.convert(Converter(), Untrusted("<b>x</b>"))


@pytest.mark.browser
def test_nothing_runs_in_chromium(built: Path, chromium: Any):
    dialogs: list[str] = []
    with serve(built) as base:
        context = chromium.new_context(**DESKTOP)
        try:
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            traffic = Traffic(base)
            traffic.attach(page)
            for path in ("/g/xmp/", "/g/iptc/", "/g/", "/"):
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                assert page.evaluate("window.__pwned") is None, path
                handlers = (
                    "[...document.querySelectorAll('*')]"
                    ".filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length"
                )
                assert page.evaluate(handlers) == 0, path
            # The lightbox shows titles from the grid's data-title: as text.
            page.goto(base + "/g/")
            page.wait_for_selector("dialog.lightbox", state="attached")
            page.locator("a.grid-link").first.click()
            page.wait_for_function("() => document.querySelector('.lb-title')?.textContent.length > 0")
            shown = page.evaluate("document.querySelector('.lb-title').textContent")
            assert "<img src=x onerror=alert(document.cookie)>" in shown
            assert page.evaluate("window.__pwned") is None
            assert dialogs == []
        finally:
            context.close()
