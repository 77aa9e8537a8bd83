"""The default theme's HTML, its [theme_options], its assets and colours (no browser needed)."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from sitegen.config import parse_config
from sitegen.errors import ConfigError, SitegenError

from .conftest import REPO, make_photo

THEME = REPO / "themes" / "default"

XMP_ALT = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">'
    b'<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Embedded alt text</rdf:li>'
    b"</rdf:Alt></Iptc4xmpCore:AltTextAccessibility></rdf:Description></rdf:RDF></x:xmpmeta>"
)


class Tags(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        def matches(a: dict[str, str]) -> bool:
            return all(
                (value in a.get(key.rstrip("_"), "").split()) if key.endswith("_") else a.get(key) == value
                for key, value in attrs.items()
            )

        return [a for t, a in self.tags if t == tag and matches(a)]


def page(site_dir: Path, path: str) -> str:
    return (site_dir / "public" / path / "index.html").read_text("utf-8")


def gallery_site(site_dir: Path, write, count: int = 3, alt: bool = True) -> None:
    shapes = [(96, 64), (64, 96), (120, 60), (80, 80)]
    for n in range(count):
        make_photo(site_dir / f"content/g/p{n:02}.jpg", shapes[n % len(shapes)])
        if alt:
            write(f"content/g/p{n:02}.md", f"---\nalt: Pattern number {n}.\n---\n")


# --- alt text ---------------------------------------------------------------------


def test_one_warning_per_photo_without_alt_text(site_dir, write, run_build):
    make_photo(site_dir / "content/g/described.jpg")
    write("content/g/described.md", "---\nalt: A described photo.\n---\n")
    make_photo(site_dir / "content/g/embedded.jpg", xmp=XMP_ALT)  # alt text from Lightroom & co. counts
    make_photo(site_dir / "content/g/bare.jpg")
    make_photo(site_dir / "content/g/titled.jpg")
    write("content/g/titled.md", "---\ntitle: Only a title\n---\n")
    _, reporter = run_build()
    lines = sorted(p.format(site_dir) for p in reporter.warnings)
    assert len(lines) == 2, lines
    assert lines[0].startswith("content/g/bare.jpg: warning: no alt text")
    assert 'add "alt:" to bare.md' in lines[0]
    assert lines[1].startswith("content/g/titled.jpg: warning: no alt text") and "titled.md" in lines[1]
    # The page still gets an alt attribute (the title), never an empty one.
    assert 'alt="Only a title"' in page(site_dir, "g/titled")
    assert 'alt="Embedded alt text"' in page(site_dir, "g/embedded")


def test_strict_build_fails_on_a_missing_alt_text(site_dir, run_build):
    make_photo(site_dir / "content/g/bare.jpg")
    with pytest.raises(SitegenError, match="strict mode: 1 warning"):
        run_build(build__strict=True)


# --- pages ------------------------------------------------------------------------


def test_gallery_grid_images_are_sized_and_prioritised(site_dir, write, run_build):
    gallery_site(site_dir, write, count=10)
    _, reporter = run_build()
    assert reporter.warnings == []
    tags = Tags(page(site_dir, "g"))
    imgs = [a for t, a in tags.tags if t == "img" and "background-color" in a.get("style", "")]
    assert len(imgs) == 10
    for img in imgs:
        assert int(img["width"]) > 0 and int(img["height"]) > 0 and img["alt"].startswith("Pattern number")
        assert img["sizes"].startswith("(max-width: 599px) calc((100vw - ") and "100vw," not in img["sizes"]
    assert [i.get("fetchpriority") for i in imgs[:3]] == ["high", "high", None]
    assert [i["loading"] for i in imgs] == ["eager"] * 8 + ["lazy"] * 2
    items = tags.find("li", class_="grid-item")
    assert len(items) == 10 and all(re.fullmatch(r"(--f\d:[0-9.]+;--n\d:\d+;?){4}", i["style"]) for i in items)
    links = tags.find("a", class_="grid-link")
    assert [a["href"] for a in links] == [f"/g/p{n:02}/" for n in range(10)]  # each photo's own page
    assert tags.find("ul", class_="grid")[0].get("data-lightbox") == ""
    assert theme_scripts(tags) == ["gallery", "zoom"]
    assert_zoom_files(tags, imgs)


def theme_scripts(tags: Tags) -> list[str]:
    return [re.sub(r"^/theme/(\w+)\.[0-9a-f]{10}\.js$", r"\1", a["src"]) for a in tags.find("script", defer="")]


def assert_zoom_files(tags: Tags, imgs: list[dict[str, str]]) -> None:
    """Each zoomable photo names its largest published file per format (zoom.js fetches it only on zoom)."""
    for img in imgs:
        views = img.get("data-view-srcset", img["srcset"])  # a grid tile's full-view files, never clean thumbnails
        largest = views.split(", ")[-1].split(" ")  # widest last: "url 2048w"
        assert img["data-zoom"] == largest[0] and largest[1] == img["data-zoom-width"] + "w"
        assert (img["data-zoom-width"], img["data-zoom-height"]) == (img["width"], img["height"])
    sources = tags.find("source", type="image/webp")
    for source in sources or [{}]:
        assert source["data-zoom"] == source.get("data-view-srcset", source["srcset"]).split(", ")[-1].split(" ")[0]


def test_row_height_changes_the_layout(site_dir, write, run_build):
    gallery_site(site_dir, write, count=8)
    run_build(theme_options__row_height=150)
    low = re.findall(r'class="grid-item" style="([^"]+)"', page(site_dir, "g"))
    run_build(theme_options__row_height=600)
    high = re.findall(r'class="grid-item" style="([^"]+)"', page(site_dir, "g"))
    assert low != high


def test_photo_page_structure(site_dir, write, run_build):
    gallery_site(site_dir, write, count=3)
    write("content/g/p01.md", "---\nalt: Middle.\ntitle: The middle one\nlicence: CC-BY-4.0\n---\nA *caption*.")
    run_build()
    html = page(site_dir, "g/p01")
    tags = Tags(html)
    assert tags.find("link", rel="prev")[0]["href"] == "/g/p00/"
    assert tags.find("link", rel="next")[0]["href"] == "/g/p02/"
    assert tags.find("a", rel="prev")[0]["href"] == "/g/p00/" and tags.find("a", rel="next")[0]["href"] == "/g/p02/"
    (img,) = [a for t, a in tags.tags if t == "img" and a.get("fetchpriority") == "high"]
    assert img["loading"] == "eager" and "background-image: url(data:image/" in img["style"]
    # At most the screen's width, its height (times the aspect ratio) and the largest file: never upscaled.
    assert img["sizes"].count("min(") == 4 and img["sizes"].count(f", {img['width']}px)") == 4
    assert "<h1>The middle one</h1>" in html and "<em>caption</em>" in html
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in html and "2 / 3" in html
    assert theme_scripts(tags) == ["gallery", "zoom"]  # arrow keys, zoom
    assert_zoom_files(tags, [img])


def test_camera_info_only_when_switched_on(site_dir, write, run_build):
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 6D"
    sub = exif.get_ifd(0x8769)
    sub[0x829D] = 1.8  # FNumber
    sub[0x920A] = 85.0  # FocalLength
    sub[0x8827] = 100  # ISO
    make_photo(site_dir / "content/g/a.jpg", exif=exif)
    write("content/g/a.md", "---\nalt: A photo with EXIF.\n---\n")
    run_build()
    assert "Canon EOS 6D" not in page(site_dir, "g/a")
    run_build(theme_options__show_camera_info=True)
    html = page(site_dir, "g/a")
    assert "<dt>Camera</dt><dd>Canon EOS 6D</dd>" in html
    assert "85 mm · f/1.8 · ISO 100" in html


def test_lightbox_off_means_no_script_on_gallery_pages(site_dir, write, run_build):
    gallery_site(site_dir, write, count=2)
    run_build(theme_options__lightbox=False)
    gallery = page(site_dir, "g")
    assert "<script" not in gallery and "data-lightbox" not in gallery and "data-zoom" not in gallery
    assert re.search(r'<script src="/theme/gallery\.[0-9a-f]{10}\.js" defer>', page(site_dir, "g/p00"))  # arrow keys


def test_slideshow_interval_reaches_the_viewer(site_dir, write, run_build):
    gallery_site(site_dir, write, count=2)
    run_build()
    assert Tags(page(site_dir, "g")).find("ul", class_="grid")[0]["data-slideshow-interval"] == "5"
    run_build(theme_options__slideshow_interval=12)
    assert Tags(page(site_dir, "g")).find("ul", class_="grid")[0]["data-slideshow-interval"] == "12"


def test_menu_from_config_in_order_under_a_sub_path(site_dir, write, run_build):
    gallery_site(site_dir, write, count=1)
    write("content/about.md", "---\ntitle: About\n---\nHi")
    write(
        "sitegen.toml",
        '[site]\nbase_url = "https://example.com/portfolio/"\n[theme_options]\nmenu = [\n'
        '  { title = "About me", url = "/about/" },\n  { title = "Work", url = "/g/" },\n'
        '  { title = "Shop", url = "https://shop.example.com/" },\n]\n',
    )
    run_build()
    nav = Tags(page(site_dir, "about").split('<nav class="site-nav"')[1].split("</nav>")[0])
    links = nav.find("a")
    assert [a["href"] for a in links] == ["/portfolio/about/", "/portfolio/g/", "https://shop.example.com/"]
    assert links[0].get("aria-current") == "page" and "aria-current" not in links[1]
    photo_nav = page(site_dir, "g/p00").split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert 'class="is-section">Work' in photo_nav  # the section of the current photo


def test_default_menu_lists_galleries_then_pages(site_dir, write, run_build):
    gallery_site(site_dir, write, count=1)
    write("content/about.md", "---\ntitle: About\n---\nHi")
    write("content/hidden.md", "---\ntitle: Hidden\nmenu: false\n---\nHi")
    run_build()
    nav = page(site_dir, "g").split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert re.findall(r">([^<]+)</a>", nav) == ["G", "About", "Licensing"]  # the generated licensing page
    assert 'aria-current="page">G<' in nav


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('accent = "red"', "must be a hex colour"),
        ('accent_dark = "#12345"', "must be a hex colour"),
        ('logo = "../logo.svg"', "inside the site's static/ folder"),
        ('logo = "logo.bmp"', "must be an image file"),
        ("row_height = 50", "between 120 and 800"),
        ("slideshow_interval = 1", "between 2 and 60"),
        ('slideshow_interval = "5s"', "expected"),
        ('menu = [{ title = "About" }]', "entry 1 needs a url"),
        ('menu = [{ title = "", url = "/x/" }]', "entry 1 needs a title"),
        ('menu = [{ title = "About", url = "about" }]', "must be a site path"),
        ('menu = [{ title = "A", url = "/a/", colour = "x" }]', "unknown key"),
        ('menu = "About"', "expected a list of tables"),
    ],
)
def test_bad_theme_options_are_refused(text, fragment):
    with pytest.raises(ConfigError) as info:
        parse_config("[theme_options]\n" + text, "sitegen.toml")
    assert fragment in str(info.value) and str(info.value).startswith("sitegen.toml:2: ")


def test_accent_colours_apply_to_their_own_colour_scheme(site_dir, write, run_build):
    gallery_site(site_dir, write, count=1)
    run_build()
    assert "<style>" not in page(site_dir, "g")  # nothing inline unless asked for
    write("sitegen.toml", '[theme_options]\naccent = "#0B6E69"\naccent_dark = "#5fd0c5"\n')
    run_build()
    html = page(site_dir, "g")
    assert "@media (prefers-color-scheme: light) { :root { --accent: #0B6E69; } }" in html
    assert "@media (prefers-color-scheme: dark) { :root { --accent: #5fd0c5; } }" in html


def test_logo_with_its_size(site_dir, write, run_build):
    gallery_site(site_dir, write, count=1)
    write("static/mark.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 180 40"><rect/></svg>')
    write("sitegen.toml", '[site]\ntitle = "Jane Doe"\n[theme_options]\nlogo = "mark.svg"\n')
    run_build()
    (logo,) = Tags(page(site_dir, "g")).find("img", class_="logo")
    assert logo == {"class": "logo", "src": "/mark.svg", "width": "180", "height": "40", "alt": "Jane Doe"}
    assert (site_dir / "public/mark.svg").is_file()
    Image.new("RGB", (300, 90), "white").save(site_dir / "static/mark.png")
    write("sitegen.toml", '[theme_options]\nlogo = "mark.png"\n')
    run_build()
    (logo,) = Tags(page(site_dir, "g")).find("img", class_="logo")
    assert (logo["width"], logo["height"]) == ("300", "90")


def test_missing_logo_is_a_warning_and_the_title_is_shown(site_dir, write, run_build):
    gallery_site(site_dir, write, count=1)
    write("sitegen.toml", '[site]\ntitle = "Jane Doe"\n[theme_options]\nlogo = "nope.svg"\n')
    _, reporter = run_build()
    (warning,) = reporter.warnings
    assert warning.format(site_dir).startswith("sitegen.toml: warning: [theme_options] logo:")
    assert 'class="site-title"' in page(site_dir, "g") and ">Jane Doe</a>" in page(site_dir, "g")


def test_every_page_has_landmarks_and_a_skip_link(site_dir, write, run_build):
    gallery_site(site_dir, write, count=2)
    write("content/about.md", "---\ntitle: About\n---\nHi")
    run_build()
    for path in ("", "g", "g/p00", "about"):
        html = page(site_dir, path)
        assert html.index('<a class="skip-link" href="#main">') < html.index("<header")
        for landmark in ('<main id="main"', "<header", "<footer", '<nav class="site-nav" aria-label="Main"'):
            assert landmark in html, (path, landmark)
        assert html.count("<h1") == 1


# --- assets -----------------------------------------------------------------------


def test_assets_are_small_hashed_and_self_contained(site_dir, write, run_build):
    gallery_site(site_dir, write, count=2)
    run_build()
    html = page(site_dir, "g")
    css = re.search(r'href="/theme/(style\.[0-9a-f]{10}\.css)"', html)
    js = re.search(r'src="/theme/(gallery\.[0-9a-f]{10}\.js)"', html)
    assert css and js, "theme assets are published under content-hashed names"
    published = site_dir / "public/theme"
    # The one stylesheet blocks the first paint: what counts is what crosses the wire, gzipped
    # (readable source with comments in the repository, like the scripts).
    css_zipped = len(gzip.compress((published / css.group(1)).read_bytes(), 9))
    assert css_zipped < 9_000, f"{css.group(1)} is {css_zipped} bytes gzipped"
    # The viewer ships readable, unminified source; what a visitor downloads is its gzipped size,
    # which must stay well under PhotoSwipe 5.4.4's minified core + lightbox gzipped (20,875 bytes,
    # benchmarks/viewer_size.py measures both side by side).
    # Every script a page loads, once: the hashed names (the theme's files are also published
    # under their plain names, which no page loads and no visitor downloads).
    scripts = sorted(p for p in published.glob("*.js") if re.fullmatch(r"\w+\.[0-9a-f]{10}\.js", p.name))
    assert {js.group(1), *re.findall(r'src="/theme/([^"]+\.js)"', page(site_dir, "g/p00"))} == {p.name for p in scripts}
    zipped = sum(len(gzip.compress(p.read_bytes(), 9)) for p in scripts)
    assert zipped < 16_000, f"theme JavaScript is {zipped} bytes gzipped"
    for path in [published / css.group(1), *scripts]:
        data = path.read_text("utf-8")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import", data), f"{path.name} loads from elsewhere"
    for template in (THEME / "templates").rglob("*.html"):
        text = template.read_text("utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), f"{template.name} links to another host"


# --- colours ----------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two hex colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--(bg|fg|muted|surface|accent):\s*(#[0-9a-fA-F]{3,6})", block))


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_colours_have_sufficient_contrast(scheme):
    css = (THEME / "static/style.css").read_text("utf-8")
    light = _tokens(css.split("@media")[0])
    dark = light | _tokens(css.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0])
    tokens = light if scheme == "light" else dark
    assert set(tokens) == {"bg", "fg", "muted", "surface", "accent"}
    for text in ("fg", "muted", "accent"):
        for background in ("bg", "surface"):
            ratio = contrast(tokens[text], tokens[background])
            assert ratio >= 4.5, f"{scheme}: {text} on {background} is {ratio:.2f}:1"


def test_lightbox_text_contrast():
    css = (THEME / "static/style.css").read_text("utf-8")
    count = re.search(r"\.lb-count \{ color: (#[0-9a-f]{6})", css).group(1)
    assert contrast(count, "#000000") >= 4.5
    assert re.search(r"\.lightbox \{[^}]*background: #000;[^}]*color: #f0f0f0;", css)
    # The info panel and the keyboard help: their muted text on their own dark backgrounds.
    panel = re.search(r"\.lb-panel \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    keys = re.search(r"\.lb-keys \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    muted = re.search(r"\.lb-panel dt \{ color: (#[0-9a-f]{6})", css).group(1)
    assert contrast(muted, panel) >= 4.5 and contrast("#f0f0f0", keys) >= 4.5


def test_example_site_accents_have_sufficient_contrast():
    config = parse_config((REPO / "example-site/sitegen.toml").read_text("utf-8"))
    assert contrast(config.theme_options.accent, "#ffffff") >= 4.5
    assert contrast(config.theme_options.accent_dark, "#111111") >= 4.5


def test_a_client_gallery_loads_the_viewer_and_proofing_within_their_budget(site_dir, write, run_build):
    """Proofing (favourites for a client) loads only on unlisted galleries' pages, on top of the viewer:
    what such a page downloads stays well under PhotoSwipe 5.4.4 alone (20,875 bytes gzipped), which
    has no proofing at all."""
    gallery_site(site_dir, write, count=2)
    write("content/g/index.md", "---\ntitle: Proofs\nunlisted: true\n---\n")
    _, reporter = run_build()
    assert not reporter.errors
    published = site_dir / "public/theme"
    for path in ("g", "g/p00"):
        names = re.findall(r'src="/theme/([^"]+\.js)"', page(site_dir, path))
        assert any(name.startswith("proofing.") for name in names), names
        zipped = sum(len(gzip.compress((published / name).read_bytes(), 9)) for name in names)
        assert zipped < 17_000, f"a client gallery's page loads {zipped} bytes of JavaScript gzipped"
