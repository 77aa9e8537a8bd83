"""The words a site shows, per language: one table per language, overridable one string at a time.

Every text the theme and the generated pages show a visitor (menus, buttons and
their ARIA labels, the licensing page, the 404 page, the 403 sentence a refused
crawler reads) is looked up here by key, so a site in German says "Galerien"
everywhere without copying a template. The tables are TOML files in
``sitegen/data/strings/``: ``en.toml`` is complete by definition and is the
fallback for a key another table lacks, so a partial translation still renders.
A site changes single strings with a ``[site.strings]`` table in ``sitegen.toml``.

A string may hold ``{name}`` fields, filled from the call's keyword arguments.
A plural is a table of CLDR categories (``one``, ``other``…) picked by
``count``; the few rules here cover the shipped languages and their neighbours
(a language not listed uses "one for 1, other otherwise").

This module sits at the bottom of the layers (it knows no config or model): the
config checks a ``[site.strings]`` table against it, ``protect/`` takes the 403
sentence from it and ``render/`` installs :func:`Strings.get` as ``t()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLES = Path(__file__).parent / "data" / "strings"
FALLBACK = "en"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

Entry = str | dict[str, str]  # a plain string, or plural forms by category


def _one_for_one(n: float) -> str:
    return "one" if n == 1 else "other"


def _one_for_zero_and_one(n: float) -> str:
    return "one" if n in (0, 1) else "other"


def _other(n: float) -> str:
    return "other"


# CLDR's cardinal rules for integers, for the languages whose tables ship and their close kin.
_PLURAL_RULES = {
    "fr": _one_for_zero_and_one,
    "pt": _one_for_zero_and_one,
    "ja": _other,
    "zh": _other,
    "ko": _other,
}


def plural_category(language: str, n: float) -> str:
    return _PLURAL_RULES.get(primary(language), _one_for_one)(n)


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased: "pt-BR" -> "pt"."""
    return language.split("-", 1)[0].lower()


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Entry]:
    """TOML tables to dotted keys; a table of plural categories stays one entry."""
    out: dict[str, Entry] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            if value and set(value) <= PLURAL_CATEGORIES and "other" in value:
                out[key] = {k: str(v) for k, v in value.items()}
            else:
                out.update(flatten(value, key + "."))
        else:
            out[key] = value
    return out


@functools.cache
def table(language: str) -> dict[str, Entry]:
    """A shipped table by file name ("en", "pt-br"); empty when none ships."""
    path = TABLES / f"{language.lower()}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        return flatten(tomllib.load(f))


def has_table(language: str) -> bool:
    """Whether a table ships for the tag or its primary language ("de-AT" -> de.toml)."""
    tag = language.lower()
    return primary(tag) == FALLBACK or bool(table(primary(tag)) or table(tag))


def shipped_languages() -> list[str]:
    return sorted(p.stem for p in TABLES.glob("*.toml"))


def missing(language: str) -> list[str]:
    """The keys of en.toml a shipped table lacks (the English text shows there): what a translator
    adds after new strings land in en.toml. ``scripts/missing_strings.py`` prints them per language."""
    own = table(language)
    return [key for key in table(FALLBACK) if key not in own]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_overrides(overrides: Mapping[str, Any]) -> str | None:
    """A ``[site.strings]`` table's problem in one phrase, or None: unknown keys, wrong types, unknown fields."""
    english = table(FALLBACK)
    for key, value in flatten(overrides).items():
        if key not in english:
            return f'has no string "{key}" (the keys are those of sitegen/data/strings/en.toml)'
        expected = english[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                return f'"{key}" is a plural: give a table such as {{ one = "…", other = "…" }}'
            texts = list(value.values())
        elif not isinstance(value, str):
            return f'"{key}" must be a string'
        else:
            texts = [value]
        if key == "date.months" and isinstance(value, str) and len(value.split()) != 12:
            return '"date.months" must name the twelve months, separated by spaces'
        allowed = fields(expected["other"] if isinstance(expected, dict) else expected)
        for text in texts:
            extra = fields(text) - allowed
            if extra:
                return f'"{key}" uses {{{sorted(extra)[0]}}}, which it is not given (it has: {sorted(allowed)})'
    return None


@dataclass(frozen=True)
class Strings:
    """One site's strings: its overrides, then its language's table, then English."""

    language: str
    entries: Mapping[str, Entry]

    @classmethod
    def for_site(cls, language: str, overrides: Mapping[str, Any] | None = None) -> Strings:
        return _strings(language, _freeze(flatten(overrides or {})))

    def get(self, key: str, /, **values: Any) -> str:
        """The text for ``key`` with its fields filled in; ``count`` picks a plural form."""
        entry = self.text(key, values.get("count", 0))
        return entry.format_map(values) if values else entry

    def text(self, key: str, count: float = 0) -> str:
        """The text for ``key`` before its fields are filled in (the plural form for ``count``)."""
        entry = self.entries[key]  # an unknown key is a theme bug: KeyError names it
        if isinstance(entry, dict):
            entry = entry.get(plural_category(self.language, count)) or entry["other"]
        return entry

    def has(self, key: str) -> bool:
        return key in self.entries

    def group(self, prefix: str) -> dict[str, str]:
        """The plain strings under ``prefix`` ("viewer.") by their short names: what a script reads."""
        return {k[len(prefix) :]: v for k, v in self.entries.items() if k.startswith(prefix) and isinstance(v, str)}

    def months(self) -> list[str]:
        return self.get("date.months").split()

    def long_date(self, d: dt.date) -> str:
        """ "4 December 2026", "4. Dezember 2026", "2026年12月4日": the table's pattern, month names and day."""
        day = self.get("date.day", count=d.day)
        return self.get("date.long", day=day, month=self.months()[d.month - 1], year=d.year)

    def __call__(self, key: str, /, **values: Any) -> str:
        return self.get(key, **values)


def _freeze(entries: dict[str, Entry]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(sorted(v.items())) if isinstance(v, dict) else v) for k, v in entries.items()))


@functools.cache
def _strings(language: str, overrides: tuple[tuple[str, Any], ...]) -> Strings:
    merged: dict[str, Entry] = dict(table(FALLBACK))
    tag = language.lower()
    for name in (primary(tag), tag):  # "pt" then "pt-br": the more specific wins
        if name != FALLBACK:
            merged.update(table(name))
    for key, value in overrides:
        merged[key] = dict(value) if isinstance(value, tuple) else value
    return Strings(language, merged)


__all__ = [
    "FALLBACK",
    "Strings",
    "check_overrides",
    "flatten",
    "has_table",
    "missing",
    "plural_category",
    "shipped_languages",
    "table",
]
