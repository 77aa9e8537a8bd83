"""Print and licence links (issue 15 §4): buy:, print:, licence_price: and licence_note: per photo and
per gallery, checked like every front matter value, shown on photo pages and written into JSON-LD."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sitegen.content.matter import GalleryMatter, PhotoMatter, Price, as_price, as_web_url, read_matter
from sitegen.errors import Reporter

from .conftest import make_photo
from .test_deps import Harness, model, photo

SHOP = "https://shop.example.com"


@pytest.mark.parametrize(
    ("written", "price"),
    [
        ("EUR 250", Price("250", "EUR")),
        ("250 EUR", Price("250", "EUR")),
        ("USD 1200.50", Price("1200.50", "USD")),
        ({"amount": 250, "currency": "CHF"}, Price("250", "CHF")),
        ({"amount": 99.5, "currency": "GBP"}, Price("99.5", "GBP")),
        ("", Price("", "")),  # none here, over a gallery's
    ],
)
def test_prices_are_an_iso_code_and_an_exact_amount(written, price):
    assert as_price(written) == price


@pytest.mark.parametrize("written", ["250", "€250", "EUR 1,250", "eur 250", "EUR 250 net", 250, {"amount": 1}, True])
def test_prices_that_say_no_currency_or_no_amount_are_refused(written):
    with pytest.raises(ValueError, match="ISO 4217"):
        as_price(written)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "mailto:me@example.com",
        "/local/path",
        "//shop.example.com/x",
        "https://",
        "https://shop.example.com/a b",
        "https://shop.example.com/\x07",
        "https://" + "a" * 2000 + ".com",
        42,
    ],
)
def test_only_absolute_web_addresses_are_links(url):
    with pytest.raises(ValueError, match="http"):
        as_web_url(url)


def test_web_addresses_pass_and_empty_means_none():
    assert as_web_url(" https://shop.example.com/p?id=3#x ") == "https://shop.example.com/p?id=3#x"
    assert as_web_url("HTTP://lab.example.com/") == "HTTP://lab.example.com/"
    assert as_web_url("") == ""


def test_a_bad_value_is_one_line_naming_the_file_and_the_key(tmp_path):
    sidecar = tmp_path / "pier.md"
    sidecar.write_text("---\nbuy: javascript:alert(1)\nprint: https://lab.example.com/pier\n---\n")
    reporter = Reporter(root=tmp_path)
    matter = read_matter(
        PhotoMatter,
        {"buy": "javascript:alert(1)", "print": "https://lab.example.com/pier", "licence_price": "lots"},
        sidecar,
        reporter,
    )
    assert matter.buy is None and matter.print == "https://lab.example.com/pier" and matter.licence_price is None
    lines = [p.format(tmp_path) for p in reporter.problems]
    assert len(lines) == 2 and all(line.count("\n") == 0 for line in lines)
    assert lines[0].startswith("pier.md:2: warning: front matter 'buy': expected an absolute http(s) address")
    assert "front matter 'licence_price'" in lines[1]


def page(site_dir: Path, path: str) -> str:
    return (site_dir / "public" / path / "index.html").read_text("utf-8")


def json_ld(html: str) -> dict[str, Any]:
    (text,) = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    data: dict[str, Any] = json.loads(text)
    return data


def offers_site(site_dir: Path, write) -> None:
    """prints/ sells prints and licences of everything inside; its photos and sub-gallery say otherwise."""
    for name in ("prints/a.jpg", "prints/b.jpg", "prints/c.jpg", "prints/sub/d.jpg", "plain/e.jpg"):
        make_photo(site_dir / "content" / name)
    write(
        "content/prints/index.md",
        f"---\nprint: {SHOP}/prints/\nbuy: {SHOP}/licences/\nlicence_price: EUR 250\n"
        "licence_note: Editorial use only.\n---\n",
    )
    write("content/prints/a.md", f"---\nalt: A.\nbuy: {SHOP}/licences/a\nlicence_price: USD 1200.50\n---\n")
    write("content/prints/b.md", '---\nalt: B.\nbuy: ""\nprint: ""\nlicence_price: ""\nlicence_note: ""\n---\n')
    write("content/prints/c.md", "---\nalt: C.\nbuy: javascript:alert(document.domain)\n---\n")
    write("content/prints/sub/index.md", "---\nlicence_note: Contact me for licensing.\n---\n")
    write(
        "sitegen.toml", '[site]\ntitle = "T"\nbase_url = "https://example.com/"\n[contact]\nemail = "me@example.com"\n'
    )


def test_offers_are_inherited_overridden_and_shown(site_dir, write, run_build):
    offers_site(site_dir, write)
    _, reporter = run_build()
    warnings = [p.format(site_dir) for p in reporter.problems if "front matter" in p.message]
    assert warnings == [
        "content/prints/c.md:3: warning: front matter 'buy': expected an absolute http(s) address such as"
        " \"https://shop.example.com/prints/pier\", got 'javascript:alert(document.domain)'; ignored"
    ]

    own = page(site_dir, "prints/a")
    assert f'<a class="offer-buy" href="{SHOP}/licences/a" rel="external">Buy a licence, USD 1200.50</a>' in own
    assert f'<a class="offer-print" href="{SHOP}/prints/" rel="external">Order a print</a>' in own
    assert '<li class="offer-note">Editorial use only.</li>' in own
    assert 'class="license-this-photo"' in own  # the site's licensing page stays linked

    assert 'class="offers"' not in page(site_dir, "prints/b")  # "" switched every inherited one off

    bad = page(site_dir, "prints/c")  # the bad link is left out: the gallery's applies
    assert "javascript:" not in bad
    assert f'<a class="offer-buy" href="{SHOP}/licences/" rel="external">Buy a licence, EUR 250</a>' in bad

    deep = page(site_dir, "prints/sub/d")  # the sub-gallery's note, the parent's links
    assert '<li class="offer-note">Contact me for licensing.</li>' in deep
    assert f'href="{SHOP}/prints/"' in deep and f'href="{SHOP}/licences/"' in deep

    assert 'class="offers"' not in page(site_dir, "plain/e")


def test_a_price_without_a_shop_is_text_beside_the_licensing_link(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: A.\nlicence_price: {amount: 90, currency: EUR}\n---\n")
    run_build()
    html = page(site_dir, "g/a")
    assert '<li class="offer-price">Licence: EUR 90</li>' in html and "offer-buy" not in html


def test_json_ld_names_the_shop_and_the_offers(site_dir, write, run_build):
    offers_site(site_dir, write)
    run_build()
    data = json_ld(page(site_dir, "prints/a"))
    assert data["@type"] == "ImageObject"
    assert data["acquireLicensePage"] == f"{SHOP}/licences/a"
    licence, prints = data["offers"]
    assert licence == {"@type": "Offer", "url": f"{SHOP}/licences/a", "price": "1200.50", "priceCurrency": "USD"}
    assert prints["@type"] == "Offer" and prints["url"] == f"{SHOP}/prints/"
    assert prints["itemOffered"]["@type"] == "Product" and prints["itemOffered"]["name"] == data["name"]
    # Only what schema.org defines: Offer's url, price, priceCurrency, itemOffered; Product's name, category.
    assert set(licence) <= {"@type", "url", "price", "priceCurrency"}
    assert set(prints["itemOffered"]) <= {"@type", "name", "category"}
    assert re.fullmatch(r"[A-Z]{3}", licence["priceCurrency"]) and re.fullmatch(r"\d+(\.\d+)?", licence["price"])

    none = json_ld(page(site_dir, "prints/b"))
    assert none["acquireLicensePage"] == "https://example.com/licensing/#license-a-photo"
    assert "offers" not in none
    plain = json_ld(page(site_dir, "plain/e"))
    assert plain["acquireLicensePage"] == "https://example.com/licensing/#license-a-photo" and "offers" not in plain
    noted = json_ld(page(site_dir, "prints/sub/d"))  # a gallery's shop, no own price: the gallery's
    assert noted["offers"][0] == {
        "@type": "Offer",
        "url": f"{SHOP}/licences/",
        "price": "250",
        "priceCurrency": "EUR",
    }


def test_matter_declares_the_keys_for_galleries_and_photos():
    for cls in (GalleryMatter, PhotoMatter):
        keys = {f for f in cls.__dataclass_fields__}
        assert {"buy", "print", "licence_price", "licence_note"} <= keys
    assert "camera" in GalleryMatter.__dataclass_fields__


def test_sitegen_serve_renders_a_photo_page_again_when_its_gallery_changes_a_link():
    # The page reads photo.offers; the value comes from the gallery's index.md. The incremental
    # renderer must see the new answer although the photo's own sidecar did not change.
    h = Harness({"page.html": "{% if photo.offers %}{{ photo.offers.print }}{% endif %}|{{ photo.camera }}"})
    site = model()
    assert h.render(site, photo=photo(site, "a")) == "|{}"
    changed = model()
    (gallery,) = changed.galleries
    gallery.matter = GalleryMatter(title="Gallery", print=f"{SHOP}/p", camera=False)
    assert h.render(changed, photo=photo(changed, "a")) == f"{SHOP}/p|{{}}"
    assert h.rendered == ["page.html"]
    again = model()
    (gallery,) = again.galleries
    gallery.matter = GalleryMatter(title="Gallery", print=f"{SHOP}/p", camera=False)
    h.render(again, photo=photo(again, "a"))
    assert h.rendered == []
