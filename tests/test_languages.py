"""A site in German, French, Spanish or Japanese: every word of the theme and the generated pages in it.

The shipped tables are complete (a missing key fails here, named, as `scripts/missing_strings.py`
lists it), their plurals have their language's categories, dates read as a native writes them,
and example-site switched to another language by its one `language` line shows no English word
of the theme: every text node and label of every page is compared with the English tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.strings import (
    FALLBACK,
    Strings,
    check_overrides,
    fields,
    missing,
    plural_category,
    shipped_languages,
    table,
)

from .example_languages import example_in

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = [lang for lang in shipped_languages() if lang != FALLBACK]
THEME_STATIC = REPO / "themes" / "default" / "static"


def test_every_language_ships() -> None:
    assert LANGUAGES == ["de", "es", "fr", "ja"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_table_has_every_english_key(language: str) -> None:
    gaps = missing(language)
    assert not gaps, f"{language}.toml lacks {gaps} (python scripts/missing_strings.py lists them)"


def test_a_missing_key_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The completeness check itself: a table without one key reports that key."""
    monkeypatch.setattr("sitegen.strings.TABLES", tmp_path)
    (tmp_path / "en.toml").write_text('[nav]\nlabel = "Main"\nmenu = "Menu"\n', "utf-8")
    (tmp_path / "xx.toml").write_text('[nav]\nlabel = "Haupt"\n', "utf-8")
    table.cache_clear()
    try:
        assert missing("xx") == ["nav.menu"]
    finally:
        table.cache_clear()


def _categories(language: str) -> set[str]:
    return {plural_category(language, n) for n in range(0, 1000)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_translation_keeps_the_english_fields_and_its_languages_plural_forms(language: str) -> None:
    english = table(FALLBACK)
    for key, entry in table(language).items():
        want = english[key]
        want_fields = fields(want["other"] if isinstance(want, dict) else want)
        if isinstance(entry, dict):
            assert set(entry) == _categories(language), f"{language}.toml: {key} has forms {sorted(entry)}"
            used = set().union(*(fields(text) for text in entry.values()))
            assert used <= want_fields, f"{language}.toml: {key} uses {used - want_fields}"
        else:
            assert isinstance(want, str), f"{language}.toml: {key} is a plural in en.toml"
            assert fields(entry) == want_fields, f"{language}.toml: {key} has fields {fields(entry)}, not {want_fields}"


@pytest.mark.parametrize("language", shipped_languages())
def test_every_table_names_twelve_months(language: str) -> None:
    assert len(Strings.for_site(language).months()) == 12


def test_an_override_of_the_months_must_name_twelve() -> None:
    assert "twelve months" in (check_overrides({"date.months": "Jan Feb"}) or "")
    assert check_overrides({"date.months": " ".join(f"M{i}" for i in range(1, 13))}) is None


@pytest.mark.parametrize(
    ("language", "day", "text"),
    [
        ("en", dt.date(2026, 12, 4), "4 December 2026"),
        ("de", dt.date(2026, 12, 4), "4. Dezember 2026"),
        ("fr", dt.date(2026, 12, 4), "4 décembre 2026"),
        ("es", dt.date(2026, 12, 4), "4 de diciembre de 2026"),
        ("ja", dt.date(2026, 12, 4), "2026年12月4日"),
        ("fr", dt.date(2026, 3, 1), "1er mars 2026"),
        ("de", dt.date(2026, 3, 1), "1. März 2026"),
        ("de-AT", dt.date(2026, 1, 31), "31. Januar 2026"),
        ("pt-BR", dt.date(2026, 5, 9), "9 May 2026"),  # no table: English
    ],
)
def test_long_dates(language: str, day: dt.date, text: str) -> None:
    assert Strings.for_site(language).long_date(day) == text


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("en", 1, "1 photo"),
        ("en", 0, "0 photos"),
        ("de", 1, "1 Foto"),
        ("de", 2, "2 Fotos"),
        ("fr", 0, "0 photo"),
        ("fr", 1, "1 photo"),
        ("fr", 2, "2 photos"),
        ("es", 1, "1 foto"),
        ("es", 12, "12 fotos"),
        ("ja", 1, "写真1枚"),
        ("ja", 12, "写真12枚"),
    ],
)
def test_photo_counts_use_the_languages_plural(language: str, count: int, text: str) -> None:
    assert Strings.for_site(language)("gallery.photos", count=count) == text


def test_french_typography_keeps_its_spaces_and_german_its_words() -> None:
    fr = Strings.for_site("fr")
    assert fr("licensing.other_licences").endswith("\u00a0:")
    assert "\u202f;" in fr("refusal.message", url="x")
    assert Strings.for_site("ja")("licensing.signal", name="a", says="b") == "a：b"  # full-width colon


def test_the_viewer_script_holds_no_words() -> None:
    """gallery.js and zoom.js read every word from the page: no English text of en.toml is in them."""
    scripts = "".join((THEME_STATIC / name).read_text("utf-8") for name in ("gallery.js", "zoom.js"))
    for key, text in table(FALLBACK).items():
        if key.startswith("viewer.") and not key.startswith("viewer.key_") and isinstance(text, str):
            assert f'"{text}"' not in scripts and f"'{text}'" not in scripts, (key, text)


# --- the built site ------------------------------------------------------------------------------


class _Visible(HTMLParser):
    """What a visitor sees or hears of a page: text nodes and the labels screen readers read,
    plus the viewer's words (the JSON block gallery.js reads)."""

    LABELS = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in self.LABELS:
            if a.get(name):
                self.texts.append(a[name] or "")
        if tag == "meta" and (a.get("name") == "description" or (a.get("property") or "").startswith("og:")):
            self.texts.append(a.get("content") or "")
        if tag in ("script", "style"):
            self._script = a.get("id") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script == "sitegen-viewer-strings":
            self.texts += json.loads(data).values()
        elif self._script is None:
            self.texts.append(data)


def visible(page: Path) -> list[str]:
    parser = _Visible()
    parser.feed(page.read_text("utf-8"))
    return [t for t in (" ".join(t.split()) for t in parser.texts) if t]


def _strings_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings_of(v)] if isinstance(value, list) else []


def _english_patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each English text the language translates differently, as a pattern a page's text matches
    whole (its fields matching anything): "{count} photos" catches "12 photos" but not a caption."""
    english, own = table(FALLBACK), Strings.for_site(language).entries
    patterns = []
    for key, entry in english.items():
        texts = list(entry.values()) if isinstance(entry, dict) else [entry]
        theirs = own[key]
        translated = list(theirs.values()) if isinstance(theirs, dict) else [theirs]
        for text in texts:
            literal = re.sub(r"\{[^}]*\}", "", text)
            if text in translated or len(re.findall(r"[A-Za-z]", literal)) < 4:
                continue
            parts = [re.escape(p) for p in re.split(r"\{[^}]*\}", text)]
            patterns.append((key, re.compile(".+?".join(parts))))
    return patterns


def _sentences(language: str) -> list[tuple[str, str]]:
    """Runs of three or more English words of the tables (between fields): found inside any text."""
    english, own = table(FALLBACK), Strings.for_site(language).entries
    runs = []
    for key, entry in english.items():
        if entry == own[key]:
            continue
        for text in entry.values() if isinstance(entry, dict) else [entry]:
            for part in re.split(r"\{[^}]*\}", text):
                part = part.strip(" .,:;()")
                if len(part.split()) >= 3:
                    runs.append((key, part))
    return runs


@pytest.mark.parametrize("language", LANGUAGES)
def test_example_site_in_another_language_shows_no_english_word_of_the_theme(
    language: str, example_build, tmp_path_factory
) -> None:
    public, reporter = example_in(language, example_build, tmp_path_factory)
    assert not reporter.errors
    english_public = example_build[0]
    # The photographer's own words (titles, captions, the menu of sitegen.toml, the sentence of the
    # site's footer override) stay as written.
    site = public.parent
    sources = [site / "sitegen.toml", *(site / "content").rglob("*.md"), *(site / "templates").rglob("*.html")]
    own = "\n".join(" ".join(p.read_text("utf-8").split()) for p in sources)
    # Whole values: a quoted string of sitegen.toml ("Licensing" in its menu), a front matter value.
    own_values = set(_strings_of(tomllib.loads((site / "sitegen.toml").read_text("utf-8"))))
    for md in (site / "content").rglob("*.md"):
        own_values |= {v.strip().strip("\"'") for v in re.findall(r"^\w+:[ \t]*(.+)$", md.read_text("utf-8"), re.M)}
    patterns, runs = _english_patterns(language), _sentences(language)
    entries = Strings.for_site(language).entries.values()
    translations = {t for e in entries for t in (e.values() if isinstance(e, dict) else [e])}
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        rel = page.relative_to(public)
        english_texts = set(visible(english_public / rel))
        for text in visible(page):
            checked += 1
            if text in translations:  # "Home" is a key cap in the Japanese viewer too
                continue
            for key, pattern in patterns:
                if pattern.fullmatch(text):
                    assert text in own_values, f"{rel}: {text!r} is en.toml's {key}"
            if text in english_texts:  # the same in both builds: content, or a theme word nobody translated
                for key, run in runs:
                    assert run not in text or run in own, f"{rel}: {text!r} holds en.toml's {key}"
    assert checked > 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_the_feed_and_the_403_text_are_in_the_language(
    language: str, example_build, tmp_path_factory
) -> None:
    public, _ = example_in(language, example_build, tmp_path_factory)
    strings = Strings.for_site(language)
    for page in public.rglob("*.html"):
        assert f'<html lang="{language}">' in page.read_text("utf-8"), page
    assert 'xml:lang="' + language + '"' in (public / "feed.xml").read_text("utf-8")
    licensing = (public / "licensing/index.html").read_text("utf-8")
    assert "2019/790" in licensing and strings("licensing.tdm_heading") in licensing
    not_found = (public / "404.html").read_text("utf-8")
    assert (
        f"<h1>{strings('not_found.title')}</h1>" in not_found and f"<title>{strings('not_found.title')} ·" in not_found
    )
    refused = (public / "refused.txt").read_text("utf-8")
    assert refused == strings("refusal.message", url="https://example.com/licensing/") + "\n"


def test_german_photo_pages_read_as_german(example_build, tmp_path_factory) -> None:
    public, _ = example_in("de", example_build, tmp_path_factory)
    page = (public / "water/jetty-and-sea/index.html").read_text("utf-8")
    assert '<dt>Aufgenommen</dt><dd><time datetime="2014-05-17">17. Mai 2014</time>' in page
    assert ">Dieses Foto lizenzieren</a>" in page
    gallery = (public / "water/index.html").read_text("utf-8")
    viewer = json.loads(re.search(r'id="sitegen-viewer-strings">(.*?)</script>', gallery, re.S).group(1))
    assert viewer["close"] == "Schließen" and viewer["help"] == "Tastenkürzel"


def test_japanese_dates(example_build, tmp_path_factory) -> None:
    public, _ = example_in("ja", example_build, tmp_path_factory)
    page = (public / "water/jetty-and-sea/index.html").read_text("utf-8")
    assert '<dt>撮影日</dt><dd><time datetime="2014-05-17">2014年5月17日</time>' in page


def test_a_language_without_a_table_warns_once_and_shows_english(site_dir, write, run_build) -> None:
    write("sitegen.toml", '[site]\nlanguage = "it"\n')
    _, reporter = run_build()
    warnings = [w for w in reporter.warnings if 'language = "it"' in w.message]
    assert len(warnings) == 1 and warnings[0].path == site_dir / "sitegen.toml"
    assert "\n" not in warnings[0].message
    page = (site_dir / "public/404.html").read_text("utf-8")
    assert '<html lang="it">' in page and "<h1>Not found</h1>" in page


def test_a_regional_tag_uses_its_primary_languages_table(site_dir, write, run_build) -> None:
    write("sitegen.toml", '[site]\nlanguage = "de-AT"\n')
    _, reporter = run_build()
    assert not [w for w in reporter.warnings if "language" in w.message]
    page = (site_dir / "public/404.html").read_text("utf-8")
    assert '<html lang="de-AT">' in page and "<h1>Seite nicht gefunden</h1>" in page
    licensing = (site_dir / "public/licensing/index.html").read_text("utf-8")  # no licensing.md: the default title
    assert '<html lang="de-AT">' in licensing and "<h1>Lizenzen</h1>" in licensing


def test_a_site_override_wins_over_the_language(site_dir, write, run_build) -> None:
    write("sitegen.toml", '[site]\nlanguage = "fr"\n[site.strings]\n"not_found.home" = "Retour aux photos"\n')
    run_build()
    page = (site_dir / "public/404.html").read_text("utf-8")
    assert ">Retour aux photos</a>" in page and "<h1>Page introuvable</h1>" in page
