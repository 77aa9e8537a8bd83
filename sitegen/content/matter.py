"""Front matter and sidecar keys: declared once per kind of file, typed, with the config's schema.

Each kind of file (a Markdown page, the home page, a gallery's ``index.md``, a
photo's sidecar) is a frozen dataclass whose fields are its keys, declared with
:func:`sitegen.configschema.option` like ``sitegen.toml``: default, wording of
the default, documentation. The type says what a key holds; an ``Annotated``
:class:`~sitegen.configschema.Convert` says how it may be written (YAML reads
``title: 2024`` as a number and ``date: 2024-05-17`` as a date). One
declaration serves the reader (:func:`read_matter`), the model (it carries the
dataclass, not a dict) and the README's reference tables
(:func:`reference_tables`, checked by a test).

To add a key: add a field to each class whose files accept it, with a
``Convert`` when YAML may write it loosely; read it from the model
(``photo.matter.new_key``); run ``python -m pytest tests/test_matter.py`` and
paste the table it asks for into the README.

A wrong value is not fatal: the key is ignored with a ``file:line`` warning
(``--strict`` makes that a failure), the rest of the file is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, TypeVar
from urllib.parse import urlsplit

from ..config import WatermarkSection
from ..configschema import (
    Convert,
    SchemaError,
    UnknownKey,
    build,
    closest,
    default_of,
    describe,
    option,
    type_hints,
)
from ..errors import FRONT_MATTER_IGNORED, Reporter
from ..rights.licences import licence_id
from .frontmatter import line_of_key, shown

# --- how values may be written -------------------------------------------------


def as_str(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError("expected text")


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def as_number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError("expected a number")


def as_sort_key(value: Any) -> float | str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value
    raise ValueError("expected a number or text")


def as_date(value: Any) -> dt.datetime:
    """Dates become naive datetimes; a bare date means midnight of that day."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return as_date(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise ValueError("expected a date like 2024-05-17 or 2024-05-17 18:30")


def as_str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    raise ValueError("expected a list of text")


def as_mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    raise ValueError("expected a set of key: value pairs")


def as_template(value: Any) -> str:
    """A template's file name; whether the theme has it is checked when the page is rendered."""
    if isinstance(value, str) and value.strip() and not value.startswith("/") and ".." not in value.split("/"):
        return value
    raise ValueError("expected a template file name such as page.html")


def as_watermark(value: Any) -> bool | dict[str, Any]:
    """``watermark: false``, ``true``, or a table of [watermark] settings to change for this item."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dict):
        try:
            build(WatermarkSection, value, "watermark")
        except SchemaError as exc:
            raise ValueError(f"{exc.key}: {exc.message}") from None
        return {str(k): v for k, v in value.items()}
    raise ValueError("expected true, false or watermark settings such as {position: top-left}")


class Focus(NamedTuple):
    """A cover's focal point in percent of its width and height (``0 0`` is the top left corner).

    Cards crop covers to a fixed shape in the browser (CSS ``object-fit: cover``; no cropped file is
    published), so the point is kept as what CSS's ``object-position`` wants: ``str()`` writes it so.
    """

    x: float
    y: float

    def __str__(self) -> str:
        return f"{self.x:g}% {self.y:g}%"


_FOCUS_EXAMPLE = "two percentages, across then down, such as `50% 20%`"


def as_focus(value: Any) -> Focus:
    """``30% 20%`` (or ``30%, 20%``, or a list of two): percentages because CSS writes the same point so."""
    parts = value if isinstance(value, list) else value.replace(",", " ").split() if isinstance(value, str) else None
    if not parts or len(parts) != 2 or not all(isinstance(p, str) and p.strip().endswith("%") for p in parts):
        raise ValueError(f"expected {_FOCUS_EXAMPLE}")
    try:
        x, y = (float(p.strip()[:-1]) for p in parts)
    except ValueError:
        raise ValueError(f"expected {_FOCUS_EXAMPLE}") from None
    if not (0 <= x <= 100 and 0 <= y <= 100):
        raise ValueError("expected percentages from 0% to 100%")
    return Focus(x, y)


SortMode = Literal["name", "date", "manual"]
SORT_MODES: tuple[str, ...] = typing.get_args(SortMode)


def as_sort_mode(value: Any) -> str:
    if isinstance(value, str) and value in SORT_MODES:
        return value
    # Only a short text can be a typo of one of the choices; never stringify anything else.
    hint = closest(value, list(SORT_MODES)) if isinstance(value, str) and len(value) <= 60 else None
    extra = f' (did you mean "{hint}"?)' if hint and hint != value else ""
    raise ValueError(f"expected one of {', '.join(SORT_MODES)}{extra}")


_URL_LIMIT = 2000  # what every browser and search engine keeps whole


def as_web_url(value: Any) -> str:
    """An absolute http(s) address; ``""`` says "none here" (over a gallery's)."""
    if not isinstance(value, str):
        raise ValueError("expected an http(s) address")
    url = value.strip()
    if url == "":
        return ""
    parts = urlsplit(url) if len(url) <= _URL_LIMIT and url.isprintable() and " " not in url else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError('expected an absolute http(s) address such as "https://shop.example.com/prints/pier"')
    return url


class Price(NamedTuple):
    """A price as schema.org's Offer wants it: the amount with "." for decimals and an ISO 4217 code.

    The amount stays text ("250", "1250.50") so it is written exactly as given; no float rounds it.
    An empty price (``Price("", "")``) says "no price here" over a gallery's.
    """

    amount: str
    currency: str

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


_AMOUNT = re.compile(r"\d{1,12}(?:\.\d{1,4})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_PRICE_EXAMPLE = 'an ISO 4217 currency code and an amount, such as "EUR 250" or "USD 1200.50"'


def as_price(value: Any) -> Price:
    """``"EUR 250"`` or ``"250 EUR"``, or ``{amount: 250, currency: EUR}``; ``""`` for none."""
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        amount, currency = value["amount"], value["currency"]
        amount = f"{amount:g}" if isinstance(amount, float) else amount
        parts = [str(currency), str(amount)] if not isinstance(amount, bool) else []
    elif isinstance(value, str):
        if not value.strip():
            return Price("", "")
        parts = value.split()
    else:
        parts = []
    if len(parts) == 2:
        currency, amount = parts if _CURRENCY.fullmatch(parts[0]) else reversed(parts)
        if _CURRENCY.fullmatch(currency) and _AMOUNT.fullmatch(amount):
            return Price(amount, currency)
    raise ValueError(f"expected {_PRICE_EXAMPLE}")


TEXT = Convert(as_str, "text")
FLAG = Convert(as_bool, "true or false")
NUMBER = Convert(as_number, "a number")
DATE = Convert(as_date, "a date: `2024-05-17` or `2024-05-17 18:30`")
TEXT_LIST = Convert(as_str_list, "a list of text, or text with commas")
MAPPING = Convert(as_mapping, "`key: value` pairs")
TEMPLATE = Convert(as_template, "a template file name")
LICENCE = Convert(licence_id, "a licence identifier (see [Licences](#licences))")
WATERMARK = Convert(as_watermark, "`false`, `true` or `[watermark]` keys such as `{position: top-left}`")
SORT_MODE = Convert(as_sort_mode, "`name`, `date` or `manual`")
SORT_KEY = Convert(as_sort_key, "a number or text")
FOCUS = Convert(as_focus, _FOCUS_EXAMPLE)
WEB_URL = Convert(as_web_url, 'an `https://` (or `http://`) address; `""` for none')
PRICE = Convert(as_price, '`"EUR 250"` (ISO 4217 code and amount) or `{amount: 250, currency: EUR}`')

# --- the keys of each kind of file -------------------------------------------------

_SLUG = "The last part of the URL, instead of one made from the file name."
_DRAFT = "Leave it out of the site unless `build.drafts` is on."


def _extra(name: str) -> str:
    return f"Free data for the templates of a theme (`{{{{ {name}.extra.x }}}}`); sitegen reads none of it."


_BUY = (
    "Where to buy a licence for the photo (your shop, an agency's page): a link on its page, and Google's"
    " `acquireLicensePage`."
)
_PRINT = "Where to order a print of the photo (a print lab, a shop): a link on its page."
_PRICE = "The licence price shown beside the link and given to search engines."
_NOTE = 'A line about licensing, e.g. "Contact me for licensing."'
_FOR_EACH = " Applies to every photo inside, sub-galleries included, unless the photo says otherwise."


_WATERMARK = "This item's `[watermark]` settings, or `false` to switch it off (the nearest setting wins)."


@dataclasses.dataclass(frozen=True)
class PageMatter:
    """A Markdown page (``about.md``; ``content/licensing.md`` supplies the licensing page's)."""

    WHAT: ClassVar[str] = "page"
    FILES: ClassVar[str] = "page (`about.md`)"

    title: Annotated[str | None, TEXT] = option(
        None, "The page's title.", default_doc="the file name (the home page: `site.title`)"
    )
    description: Annotated[str, TEXT] = option("", "One or two sentences for search results and social cards.")
    date: Annotated[dt.datetime | None, DATE] = option(
        None, "The page's date, for templates (`page.date`).", default_doc="none"
    )
    draft: Annotated[bool, FLAG] = option(False, _DRAFT)
    template: Annotated[str | None, TEMPLATE] = option(
        None,
        "The template that renders it (see [Overriding one template](#overriding-one-template)).",
        default_doc="`page.html` (`home.html`, `licensing.html`)",
    )
    slug: Annotated[str | None, TEXT] = option(None, _SLUG, default_doc="the file name")
    menu: Annotated[bool, FLAG] = option(True, "Show it in the site's menu.")
    weight: Annotated[float, NUMBER] = option(0.0, "Menu order: lower first, then by title.")
    extra: Annotated[dict[str, Any], MAPPING] = option({}, _extra("page"))


@dataclasses.dataclass(frozen=True)
class HomeMatter(PageMatter):
    """``content/index.md``: a page, plus which galleries it features."""

    WHAT: ClassVar[str] = "home page"
    FILES: ClassVar[str] = "home (`content/index.md`)"

    featured: Annotated[list[str] | None, TEXT_LIST] = option(
        None, "Gallery folders to show on the home page.", default_doc="every top-level gallery"
    )


@dataclasses.dataclass(frozen=True)
class GalleryMatter:
    """A gallery folder's ``index.md``."""

    WHAT: ClassVar[str] = "gallery"
    FILES: ClassVar[str] = "gallery (`index.md` in a folder)"

    title: Annotated[str | None, TEXT] = option(None, "The gallery's title.", default_doc="the folder name")
    description: Annotated[str, TEXT] = option("", "One or two sentences shown under the title and in cards.")
    date: Annotated[dt.datetime | None, DATE] = option(
        None, "The gallery's date, for the feed and the sitemap.", default_doc="its newest photo's date"
    )
    cover: Annotated[str | None, TEXT] = option(
        None, "The photo shown for it: a file name, also `sub/photo.jpg`.", default_doc="the first photo"
    )
    cover_focus: Annotated[Focus | None, FOCUS] = option(
        None,
        "The point of the cover that the cards' crop keeps in view: across, then down (`0% 0%` is the"
        " top left corner).",
        default_doc="the centre; a portrait cover: `50% 25%`, where heads usually are",
    )
    sort: Annotated[SortMode, SORT_MODE] = option(
        "name", "Photo order: by name (`img2` before `img10`), by date (oldest first) or `manual`."
    )
    reverse: Annotated[bool, FLAG] = option(False, "Reverse the photo order (`sort: date` newest first).")
    order: Annotated[list[str], TEXT_LIST] = option([], "File names of the photos in order, for `sort: manual`.")
    draft: Annotated[bool, FLAG] = option(False, _DRAFT)
    licence: Annotated[str | None, LICENCE] = option(
        None, "Licence of every photo inside, sub-galleries included.", default_doc="the parent's, else the site's"
    )
    slug: Annotated[str | None, TEXT] = option(
        None,
        _SLUG + " `random`: an unguessable one, made once and kept in `slugs.toml` (see [Client galleries]"
        "(#unlisted-and-client-galleries)).",
        default_doc="the folder name",
    )
    unlisted: Annotated[bool, FLAG] = option(
        False,
        "Publish it, sub-galleries included, only for those who have its URL: in no menu, listing, sitemap or"
        " feed, and `noindex` for search engines.",
    )
    client: Annotated[str | None, TEXT] = option(
        None,
        "Ask for a password: the name of a `[clients.logins]` entry (on hosts that can; implies `unlisted`).",
        default_doc="none: open to all",
    )
    proofing: Annotated[bool | None, FLAG] = option(
        None,
        "In an unlisted or client gallery: let visitors mark favourites and send you the list (`false`: not).",
        default_doc="the parent's, else on",
    )
    weight: Annotated[float, NUMBER] = option(0.0, "Order among galleries: lower first, then by title.")
    watermark: Annotated[bool | dict[str, Any] | None, WATERMARK] = option(
        None, _WATERMARK + " Applies to sub-galleries too.", default_doc="the parent's, else `[watermark]`"
    )
    template: Annotated[str | None, TEMPLATE] = option(
        None, "The template that renders the gallery page.", default_doc="`gallery.html`"
    )
    buy: Annotated[str | None, WEB_URL] = option(None, _BUY + _FOR_EACH, default_doc="the parent's, else none")
    print: Annotated[str | None, WEB_URL] = option(None, _PRINT + _FOR_EACH, default_doc="the parent's, else none")
    licence_price: Annotated[Price | None, PRICE] = option(
        None, _PRICE + _FOR_EACH, default_doc="the parent's, else none"
    )
    licence_note: Annotated[str | None, TEXT] = option(None, _NOTE + _FOR_EACH, default_doc="the parent's, else none")
    camera: Annotated[bool | None, FLAG] = option(
        None,
        "`false` hides the camera facts of its photos (sub-galleries too) where `show_camera_info` shows them.",
        default_doc="the parent's, else `true`",
    )
    extra: Annotated[dict[str, Any], MAPPING] = option({}, _extra("gallery"))


@dataclasses.dataclass(frozen=True)
class PhotoMatter:
    """A photo's sidecar, ``NAME.md`` (or ``NAME.jpg.md``) beside ``NAME.jpg``."""

    WHAT: ClassVar[str] = "photo sidecar"
    FILES: ClassVar[str] = "photo sidecar (`NAME.md` or `NAME.jpg.md` beside `NAME.jpg`)"

    title: Annotated[str | None, TEXT] = option(
        None, "The photo's title.", default_doc="the file's embedded title, else its name"
    )
    alt: Annotated[str | None, TEXT] = option(
        None, "Alt text: the photo described for visitors who cannot see it.", default_doc="the embedded one"
    )
    caption: Annotated[str | None, TEXT] = option(
        None, "Caption, in Markdown; or write it as the file's body.", default_doc="the body, else the embedded one"
    )
    sort: Annotated[float | str | None, SORT_KEY] = option(
        None, "Its place in a `sort: manual` gallery, after the photos named in `order:`.", default_doc="none"
    )
    date: Annotated[dt.datetime | None, DATE] = option(None, "When it was taken.", default_doc="EXIF's date")
    licence: Annotated[str | None, LICENCE] = option(
        None, "This photo's own licence.", default_doc="its gallery's, else the site's"
    )
    author: Annotated[str | None, TEXT] = option(
        None, "Credit someone else as its creator.", default_doc="`site.author`"
    )
    keywords: Annotated[list[str] | None, TEXT_LIST] = option(
        None,
        "Keywords, instead of the embedded ones; with `[keywords]` on, those that get a page are linked from"
        " the photo page and written into its files.",
        default_doc="the embedded ones",
    )
    slug: Annotated[str | None, TEXT] = option(None, _SLUG, default_doc="the file name")
    draft: Annotated[bool, FLAG] = option(False, _DRAFT)
    unlisted: Annotated[bool, FLAG] = option(
        False, "Publish its page only for those who have its URL: not in its gallery's grid, pager or any listing."
    )
    watermark: Annotated[bool | dict[str, Any] | None, WATERMARK] = option(
        None, _WATERMARK, default_doc="its gallery's"
    )
    buy: Annotated[str | None, WEB_URL] = option(
        None, _BUY + ' `""`: none for this photo.', default_doc="its gallery's"
    )
    print: Annotated[str | None, WEB_URL] = option(
        None, _PRINT + ' `""`: none for this photo.', default_doc="its gallery's"
    )
    licence_price: Annotated[Price | None, PRICE] = option(None, _PRICE, default_doc="its gallery's")
    licence_note: Annotated[str | None, TEXT] = option(None, _NOTE, default_doc="its gallery's")
    extra: Annotated[dict[str, Any], MAPPING] = option({}, _extra("photo"))


KINDS_OF_FILE: tuple[type[PageMatter] | type[GalleryMatter] | type[PhotoMatter], ...] = (
    PageMatter,
    HomeMatter,
    GalleryMatter,
    PhotoMatter,
)

# --- reading ---------------------------------------------------------------------------


M = TypeVar("M", PageMatter, HomeMatter, GalleryMatter, PhotoMatter)


def read_matter(cls: type[M], meta: dict[str, Any], path: Path, reporter: Reporter) -> M:
    """The typed front matter of ``path``; each unknown key or bad value is one warning and left out.

    A bad value in front matter should not take the whole site down: the key is
    ignored with a one-line warning (``--strict`` turns it into a failure). A key
    written with no value (``title:``) is the same as no key.
    """

    def warn(exc: SchemaError) -> None:
        key = exc.key
        if isinstance(exc, UnknownKey):
            extra = f'; did you mean "{exc.hint}"?' if exc.hint else f"; {cls.WHAT} keys are: {', '.join(exc.known)}"
            message = f"unknown front matter key {key!r} ignored{extra}"
        else:
            value = meta[key]
            got = "" if isinstance(value, dict | list) else f", got {shown(value)}"
            message = f"front matter {key!r}: {exc.message}{got}; ignored"
        reporter.warning(message, path, line_of_key(path, key), kind=FRONT_MATTER_IGNORED)

    given = {key: value for key, value in meta.items() if value is not None}
    matter: M = build(cls, given, on_problem=warn)
    return matter


def declared_keys(cls: type) -> list[tuple[str, dataclasses.Field, Any]]:
    """(key, field, annotated type) of a kind of file, in declaration order."""
    hints = type_hints(cls, extras=True)
    return [(f.name, f, hints[f.name]) for f in dataclasses.fields(cls)]


def _default_text(f: dataclasses.Field) -> str:
    if f.metadata.get("default_doc"):
        return str(f.metadata["default_doc"])
    default = default_of(f)
    if isinstance(default, bool):
        return "`true`" if default else "`false`"
    if isinstance(default, float):
        return f"`{default:g}`"
    if default in ("", [], {}):
        return "empty"
    return f"`{default}`"


def reference_tables() -> str:
    """The README's front matter reference, one table per kind of file, made from the declarations."""
    parts: list[str] = []
    for cls in KINDS_OF_FILE:
        base = next((b for b in KINDS_OF_FILE if b is not cls and issubclass(cls, b)), None)
        inherited = {f.name for f in dataclasses.fields(base)} if base else set()
        rows = [(k, f, tp) for k, f, tp in declared_keys(cls) if k not in inherited]
        heading = f"**{cls.FILES}**" + (f": the keys of a {base.WHAT}, and" if base else "")
        parts.append(heading)
        parts.append("")
        parts.append("| Key | Value | Default | Meaning |")
        parts.append("|---|---|---|---|")
        for key, f, tp in rows:
            parts.append(f"| `{key}` | {describe(tp)} | {_default_text(f)} | {f.metadata['doc']} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
