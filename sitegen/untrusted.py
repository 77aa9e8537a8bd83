"""Text read from inside a photo file: plain text from a stranger, never markup.

Photos come from cameras, agencies, clients and downloads, and any of them can
put ``<script>`` in an XMP description or an IPTC caption. What the
photographer writes in Markdown files is theirs and is rendered as Markdown;
what a file says about itself is :class:`Untrusted`:

* it is a ``str``, so it sorts, compares and serialises (JSON-LD, XML) as text;
* its ``__html__`` returns it *escaped*, so Jinja's autoescaping escapes it and
  ``| safe`` or ``Markup(text)`` cannot mark it safe by accident;
* the Markdown converter refuses it (:func:`sitegen.content.markup.Markup.convert`),
  and :func:`plain_html` is the one way to show it as HTML;
* control characters are removed when it is made: they are invalid in XML
  (the feed, embedded XMP) and can drive a terminal (warnings print titles).

Derived strings (``text[:10]``, ``text.upper()``) are plain ``str`` again,
which templates still escape; only ``| safe`` on such a derived value would
trust it, and no template of sitegen's does that.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

# C0 controls except tab and newline, DEL, C1 controls, and the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


class Untrusted(str):
    """A ``str`` from a photo's metadata; see the module docstring for what it guarantees."""

    __slots__ = ()

    def __new__(cls, value: object = "") -> Untrusted:
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        return super().__new__(cls, _CONTROL.sub("", text))

    def __html__(self) -> Markup:
        return escape(str(self))

    def __repr__(self) -> str:
        return f"Untrusted({str.__repr__(self)})"


def untrusted(value: Any) -> Untrusted | None:
    """``value`` as :class:`Untrusted`, or None for None and empty text."""
    if value is None:
        return None
    text = value if isinstance(value, Untrusted) else Untrusted(value)
    return text if text.strip() else None


def labels(values: Any, *, most: int, longest: int) -> list[Untrusted]:
    """Short labels (keywords) as :class:`Untrusted` text: one line each, runs of white space made one
    space, duplicates (ignoring case) kept once, in their first spelling.

    A label longer than ``longest`` characters is dropped, not cut (a cut label is another word, and
    nobody types a keyword that long); after ``most`` labels the rest are dropped, so a file that
    lists a million cannot fill the probe cache or the site with pages.
    """
    out: list[Untrusted] = []
    seen: set[str] = set()
    for value in values:
        if len(out) >= most:
            break
        if len(str(value)) > 4 * longest:  # no regular expression over a megabyte of "keyword"
            continue
        text = untrusted(value)
        if text is None:
            continue
        text = Untrusted(_SPACES.sub(" ", text).strip())
        folded = text.casefold()
        if not text or len(text) > longest or folded in seen:
            continue
        seen.add(folded)
        out.append(text)
    return out


def plain_html(text: str) -> Markup:
    """Plain text as HTML: escaped, blank lines become paragraphs and line breaks stay line breaks."""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(str(text)) if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in p.split("\n"))) for p in paragraphs
    )
