"""Value checks for ``sitegen.toml`` keys: each returns what is wrong, or None."""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import urlsplit

from ..configschema import Check


def _check_base_url(value: str) -> str | None:
    if value == "" or value.startswith("/"):
        return None
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not parts.query and not parts.fragment:
        return None
    return 'must be an absolute http(s) URL like "https://example.com/portfolio/" or a path starting with "/"'


def _check_language(value: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return None
    return 'must be a BCP 47 language tag such as "en", "de" or "pt-BR"'


def _placeholders(allowed: set[str]) -> Check:
    def check(value: str) -> str | None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            return f"is not a valid template ({exc}); write literal braces as {{{{ and }}}}"
        unknown = names - allowed
        if unknown:
            listed = ", ".join("{" + a + "}" for a in sorted(allowed))
            return f"may only use the placeholders {listed}, not {{{sorted(unknown)[0]}}}"
        return None

    return check


def _check_relative_dir(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    return None


def _check_follow_links(value: list[str]) -> str | None:
    if any(not v.strip() for v in value):
        return "must not contain an empty folder name"
    return None


def _check_email(value: str) -> str | None:
    if value == "" or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return None
    return "must be an e-mail address like name@example.com"


def _check_url(value: str) -> str | None:
    if value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme in ("http", "https", "mailto") and (parts.netloc or parts.scheme == "mailto"):
        return None
    return "must be an absolute http(s) or mailto: URL"


def _at_least(minimum: int) -> Check:
    def check(value: int) -> str | None:
        return None if value >= minimum else f"must be at least {minimum}"

    return check


def _between(low: int, high: int) -> Check:
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _check_widths(value: list[int]) -> str | None:
    if not value:
        return "must list at least one width"
    if any(w < 16 or w > 16384 for w in value):
        return "each width must be between 16 and 16384 pixels"
    return None


_FORMATS = ("webp", "jpeg", "avif")


def _check_formats(value: list[str]) -> str | None:
    if not value:
        return "must list at least one format"
    bad = [v for v in value if v not in _FORMATS]
    if bad:
        return f"may only contain {', '.join(repr(f) for f in _FORMATS)}, not {bad[0]!r}"
    if len(set(value)) != len(value):
        return "must not list a format twice"
    return None


_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _check_colour(value: str) -> str | None:
    if value == "" or _HEX_COLOUR.fullmatch(value):
        return None
    return 'must be a hex colour like "#8a4b08" (or "#c60"), or "" for the theme\'s own'


_LOGO_TYPES = (".svg", ".png", ".webp", ".jpg", ".jpeg", ".avif", ".gif")


def _check_logo(value: str) -> str | None:
    if value == "":
        return None
    if value.startswith(("/", "\\")) or "://" in value or ".." in value.replace("\\", "/").split("/"):
        return 'must be a path inside the site\'s static/ folder, like "logo.svg"'
    if not value.lower().endswith(_LOGO_TYPES):
        return "must be an image file: " + ", ".join(_LOGO_TYPES)
    return None


def _check_menu_url(value: str) -> str | None:
    if value.startswith("/") and not value.startswith("//"):
        return None
    parts = urlsplit(value)
    if (parts.scheme in ("http", "https") and parts.netloc) or (parts.scheme == "mailto" and parts.path):
        return None
    return 'must be a site path like "/about/" or an absolute http(s) or mailto: URL'


def _check_menu(value: list[Any]) -> str | None:  # list[MenuLink]: defined with the sections
    for number, link in enumerate(value, 1):
        if not link.title.strip():
            return f"entry {number} needs a title"
        if not link.url:
            return f"entry {number} needs a url"
    return None


# --- sections ---------------------------------------------------------------
