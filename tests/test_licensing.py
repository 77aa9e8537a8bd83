"""Licences by identifier, per gallery and photo; the licensing page; head tags and JSON-LD on every page."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from sitegen.config import parse_config
from sitegen.errors import ConfigError
from sitegen.rights import licences

from .conftest import make_photo
from .sitecheck import html_files, parse

ORIGIN = "https://example.com"


# --- identifiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("cc by-nc-sa 4.0", "CC-BY-NC-SA-4.0"),
        ("CC_BY_ND_4.0", "CC-BY-ND-4.0"),
        ("CC-BY-4", "CC-BY-4.0"),
        ("cc0", "CC0-1.0"),
        ("CC0-1.0", "CC0-1.0"),
        ("public-domain", "PDM-1.0"),
        ("Public Domain", "PDM-1.0"),
        ("all rights reserved", "all-rights-reserved"),
        ("custom", "custom"),
    ],
)
def test_identifiers(text, expected):
    assert licences.licence_id(text) == expected


def test_names_and_urls_are_the_official_ones():
    by = licences.get("CC-BY-NC-ND-4.0")
    assert by.name == "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International"
    assert by.short == "CC BY-NC-ND 4.0" and by.url == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert licences.get("CC-BY-SA-4.0").url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert licences.get("CC0-1.0").url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert licences.get("CC0-1.0").name == "CC0 1.0 Universal"
    assert licences.get("public-domain").url == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert licences.get("public-domain").name == "Public Domain Mark 1.0"
    arr = licences.get("all-rights-reserved")
    assert arr.url is None and arr.reserved and "AI" in arr.summary
    assert len([lic for lic in licences.LICENCES.values() if lic.is_creative_commons]) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CC-BY-3.0", 'only the 4.0 versions of the Creative Commons licences are supported: write "CC-BY-4.0"'),
        ("cc by nc", 'needs its version: write "CC-BY-NC-4.0"'),
        ("CC-BY-SA-NC-4.0", 'in the order BY, NC, SA/ND: write "CC-BY-NC-SA-4.0"'),
        ("GPL", "not a known licence"),
    ],
)
def test_unknown_identifiers_say_what_to_write(text, message):
    with pytest.raises(ValueError) as exc:
        licences.licence_id(text)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_config_licence_is_checked():
    with pytest.raises(ConfigError, match=r"\[licensing\] licence: is not a known licence"):
        parse_config('[licensing]\nlicence = "copyleft"')
    assert parse_config('[licensing]\nlicence = "cc-by-4.0"').licensing.licence == "cc-by-4.0"


# --- per gallery and per photo --------------------------------------------------------------------


def licence_line(page_html: str) -> str:
    start = page_html.index('<p class="licence">')
    return page_html[start : page_html.index("</p>", start)]


def test_licence_inherits_site_gallery_photo_and_warns_on_unknown(site_dir, write, run_build):
    write("sitegen.toml", '[site]\nbase_url = "https://example.com/"\n[licensing]\nlicence = "CC-BY-NC-4.0"\n')
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        make_photo(site_dir / "content/g" / name)
    make_photo(site_dir / "content/g/sub/d.jpg")
    make_photo(site_dir / "content/other/e.jpg")
    write("content/g/index.md", "---\nlicence: CC BY-SA 4.0\n---\n")
    write("content/g/b.md", "---\nlicence: cc0\n---\n")
    write("content/g/c.md", "---\ntitle: C\nlicence: CC-BY-40\n---\n")
    _, reporter = run_build()
    out = site_dir / "public"
    page = lambda rel: (out / rel / "index.html").read_text("utf-8")  # noqa: E731
    assert "CC BY-SA 4.0" in licence_line(page("g/a"))  # the gallery's
    assert "CC0 1.0" in licence_line(page("g/b"))  # the photo's own
    assert "CC BY-SA 4.0" in licence_line(page("g/sub/d"))  # inherited from the parent gallery
    assert "CC BY-NC 4.0" in licence_line(page("other/e"))  # the site's
    assert "CC BY-SA 4.0" in licence_line(page("g/c"))  # unknown value ignored: gallery's licence applies
    (warning,) = [p for p in reporter.warnings if "licence" in p.message]
    line = warning.format(site_dir)
    assert line.startswith("content/g/c.md:3: warning: front matter 'licence': not a known licence")
    assert 'did you mean "CC-BY-4.0"?' in line and "\n" not in line
    for rel in ("g/a", "g/b", "other/e"):
        assert 'href="/licensing/#license-a-photo">License this photo</a>' in licence_line(page(rel))
    assert '<link rel="license" href="https://creativecommons.org/publicdomain/zero/1.0/">' in page("g/b")


def test_custom_licence(site_dir, write, run_build):
    write(
        "sitegen.toml",
        '[licensing]\nlicence = "custom"\ncustom_name = "Editorial use only"\n'
        'custom_text = "News and commentary only, credited, for one year."\n',
    )
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    out = site_dir / "public"
    assert "Editorial use only" in licence_line((out / "g/a/index.html").read_text("utf-8"))
    licensing = (out / "licensing/index.html").read_text("utf-8")
    assert "<strong>Editorial use only</strong>" in licensing
    assert "News and commentary only, credited, for one year." in licensing


def test_custom_licence_without_text_warns(site_dir, write, run_build):
    write("sitegen.toml", '[licensing]\nlicence = "custom"\n')
    make_photo(site_dir / "content/g/a.jpg")
    _, reporter = run_build()
    assert any("custom_text is empty" in p.message for p in reporter.warnings)


# --- the licensing page ----------------------------------------------------------------------------


def test_licensing_page_of_the_example(example_build):
    output, _, _ = example_build
    html = (output / "licensing/index.html").read_text("utf-8")
    assert html.count("<h1>") == 1 and "<h1>Licensing</h1>" in html
    assert "Photographs by other authors" in html  # example-site/content/licensing.md, included
    assert "Article 4(3) of Directive (EU) 2019/790" in html and "train, fine-tune" in html
    assert 'id="license-a-photo"' in html and 'href="mailto:licensing@example.com"' in html
    assert 'href="https://example.com/about/"' in html
    assert "CC0 1.0 Universal" in html and "Public Domain Mark 1.0" in html and "(2 photos)" in html
    for signal in ("/robots.txt", "/ai.txt", "/.well-known/tdmrep.json", "X-Robots-Tag: noai, noimageai"):
        assert signal in html, signal
    assert "AI search engines and assistants that retrieve" in html  # the no-ai preset's wording
    # licensing.md is no longer a page of its own: one page at /licensing/, in the menu once.
    assert not (output / "licensing" / "licensing").exists()
    home = (output / "index.html").read_text("utf-8")
    assert home.count('href="/licensing/"') >= 1
    assert [line for line in home.splitlines() if "<li><a" in line and "/licensing/" in line] != []


def test_licensing_page_without_licensing_md_and_with_page_off(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[contact]\nemail = "me@example.org"\n[protect]\npolicy = "no-ai-training"\n')
    run_build()
    html = (site_dir / "public/licensing/index.html").read_text("utf-8")
    assert "All rights reserved" in html and 'href="mailto:me@example.org"' in html
    assert "AI search engines and assistants may read the site" in html

    write("content/licensing.md", "---\ntitle: Terms\n---\nMy own words.")
    write("sitegen.toml", "[licensing]\npage = false\n")
    run_build()
    html = (site_dir / "public/licensing/index.html").read_text("utf-8")
    assert "My own words." in html and "Article 4(3)" not in html  # an ordinary page again


def test_licensing_md_slug_cannot_move_the_page(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/licensing.md", "---\ntitle: Rights\nslug: rights\n---\nText.")
    _, reporter = run_build()
    assert (site_dir / "public/licensing/index.html").is_file() and not (site_dir / "public/rights").exists()
    (warning,) = [p for p in reporter.warnings if "slug" in p.message]
    assert warning.format(site_dir).startswith("content/licensing.md:3: warning: `slug:` ignored")


def test_gallery_named_licensing_is_an_error_naming_both(site_dir, run_build):
    from sitegen.errors import ContentError

    make_photo(site_dir / "content/Licensing/a.jpg")
    with pytest.raises(ContentError):
        run_build()


# --- head tags and structured data on every page ---------------------------------------------------


class _JsonLd(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[object] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data):
        if self._in:
            self.blocks.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in = False


def json_ld(path) -> list:
    parser = _JsonLd()
    parser.feed(path.read_text("utf-8"))
    return parser.blocks


def test_every_page_has_the_meta_tags_and_never_noindex(example_build):
    output, _, _ = example_build
    pages = html_files(output)
    # The unlisted client gallery (issue 15): its page and two photo pages, in no sitemap, say noindex.
    unlisted = [p for p in pages if p.relative_to(output).parts[0] == "anamaqnw6r3rn4ta"]
    assert len(unlisted) == 3
    assert len(pages) == (output / "sitemap.xml").read_text("utf-8").count("<loc>") + 1 + 3  # and 404.html
    for page in pages:
        text = page.read_text("utf-8")
        meta = parse(page).meta
        if page in unlisted:
            assert meta["robots"] == "noindex, noai, noimageai", page
        else:
            assert meta["robots"] == "noai, noimageai", page
            assert "noindex" not in text and "noimageindex" not in text, page
        assert meta["tdm-reservation"] == "1" and meta["tdm-policy"] == f"{ORIGIN}/tdm-policy.json"
        assert meta["bingbot"] == "noarchive"


def photo_count(output) -> int:
    """Photos of the build: one image:loc per photo in the sitemap."""
    return (output / "sitemap.xml").read_text("utf-8").count("<image:loc>")


def test_photo_pages_have_image_object_with_licence_fields(example_copy, example_build):
    output, _, _ = example_build
    photo_pages = [p for p in html_files(output) if 'class="photo"' in p.read_text("utf-8")]
    sources = [p for p in (example_copy / "content").rglob("*") if p.suffix.lower() in (".jpg", ".png")]
    assert len(photo_pages) == len(sources) == photo_count(output) + 2 >= 10  # + the two unlisted ones
    for page in photo_pages:
        (data,) = json_ld(page)
        assert data["@type"] == "ImageObject" and data["@context"] == "https://schema.org"
        for key in ("contentUrl", "license", "acquireLicensePage", "creditText", "creator", "copyrightNotice"):
            assert data[key], (page, key)
        content = output / data["contentUrl"].removeprefix(ORIGIN + "/")
        assert content.is_file() and "/media/" in data["contentUrl"]
        # The photo's own shop page where its sidecar (or gallery) names one (example-site: dusk-layers).
        shop = "https://shop.example.com/licences/dusk-layers" if "dusk-layers" in str(page) else None
        assert data["acquireLicensePage"] == (shop or f"{ORIGIN}/licensing/#license-a-photo")
        assert data["license"] in (
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "https://creativecommons.org/publicdomain/mark/1.0/",
            f"{ORIGIN}/licensing/",  # all rights reserved: the licensing page states the terms
        )
        assert data["creator"]["@type"] == "Person" and data["creator"]["name"] == data["creditText"]
        assert "License this photo" in page.read_text("utf-8")
    eileen = output / "portraits/astronaut-eileen-collins/index.html"
    (data,) = json_ld(eileen)
    assert data["creditText"] == "NASA" and data["copyrightNotice"] == "NASA, Public Domain Mark 1.0"


def test_home_page_has_website_and_person(example_build):
    output, _, _ = example_build
    (data,) = json_ld(output / "index.html")
    website, person = data["@graph"]
    assert website["@type"] == "WebSite" and website["url"] == f"{ORIGIN}/"
    assert website["name"] == "Light, water and stone" and website["license"] == f"{ORIGIN}/licensing/"
    assert person["@type"] == "Person" and person["name"] == "The sitegen project"
    assert website["author"] == {"@id": person["@id"]}
    assert json_ld(output / "about/index.html") == []


def test_json_ld_cannot_be_broken_out_of(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\ntitle: </script><script>alert(1)</script>\n---\n")
    run_build()
    text = (site_dir / "public/g/a/index.html").read_text("utf-8")
    assert "<script>alert(1)" not in text
    (data,) = json_ld(site_dir / "public/g/a/index.html")
    assert data["name"] == "</script><script>alert(1)</script>"


def test_switching_json_ld_and_noai_off(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", "[protect]\nnoai = false\nbing_noarchive = false\n[licensing]\njson_ld = false\n")
    run_build()
    text = (site_dir / "public/g/a/index.html").read_text("utf-8")
    assert "application/ld+json" not in text and "noai" not in text and "bingbot" not in text
    assert 'name="tdm-reservation" content="1"' in text
