"""The strings table: a site's words by language, overridable one key at a time."""

from __future__ import annotations

import pytest

from sitegen.strings import FALLBACK, Strings, check_overrides, fields, plural_category, shipped_languages, table

from .test_config import error_of


def test_english_fills_what_a_language_lacks_and_overrides_win():
    s = Strings.for_site("xx-YY", {"nav": {"label": "Menu"}, "not_found.title": "Gone"})
    assert s("nav.label") == "Menu"
    assert s("not_found.title") == "Gone"
    assert s("page.skip_to_content") == table(FALLBACK)["page.skip_to_content"]


def test_every_shipped_table_has_only_english_keys_with_the_same_fields():
    english = table(FALLBACK)
    for language in shipped_languages():
        for key, entry in table(language).items():
            assert key in english, f"{language}.toml: {key} is not in en.toml"
            want = english[key]
            want_fields = fields(want["other"] if isinstance(want, dict) else want)
            for text in entry.values() if isinstance(entry, dict) else [entry]:
                assert fields(text) <= want_fields, f"{language}.toml: {key} uses fields en.toml does not give"


@pytest.mark.parametrize(
    ("language", "n", "category"),
    [
        ("en", 1, "one"),
        ("en", 0, "other"),
        ("de", 2, "other"),
        ("fr", 0, "one"),
        ("fr", 1, "one"),
        ("fr", 2, "other"),
        ("ja", 1, "other"),
        ("pt-BR", 0, "one"),
    ],
)
def test_plural_categories(language, n, category):
    assert plural_category(language, n) == category


def test_overrides_are_checked_against_english():
    assert check_overrides({"nav.label": "Menu"}) is None
    assert "no string" in (check_overrides({"nav.lable": "Menu"}) or "")
    assert "must be a string" in (check_overrides({"nav.label": 3}) or "")
    assert "{count}" in (check_overrides({"nav.label": "{count} things"}) or "")


def test_config_refuses_an_unknown_string_key():
    message = error_of('[site.strings]\n"nav.lable" = "Menu"\n')
    assert "nav.lable" in message and "sitegen.toml" in message


def test_a_site_override_reaches_the_page(site_dir, write, run_build):
    write("sitegen.toml", '[site.strings]\n"not_found.title" = "Nichts hier"\n')
    _, reporter = run_build()
    assert not reporter.errors
    html = (site_dir / "public/404.html").read_text("utf-8")
    assert "<h1>Nichts hier</h1>" in html and "<title>Nichts hier ·" in html
