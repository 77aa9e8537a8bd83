"""Stable URL slugs from file and folder names.

A slug is part of every published URL, so it must not change when the same
name is read on another machine: Unicode is normalised (NFKD) before accents are
dropped, so "Café" typed on macOS (decomposed) and on Linux (composed) gives the
same "cafe". Letters of other scripts are kept as they are ("東京" stays) because
browsers show them readably and transliteration tables would need a dependency
and still guess wrong.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[^\w]+|_+", re.UNICODE)


def slugify(name: str) -> str:
    """Lowercase, accent-free, dash-separated form of ``name``; empty if nothing is left."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # ß and similar letters have no decomposition; casefold spells them out ("ss").
    lowered = unicodedata.normalize("NFC", stripped).casefold()
    return _SEPARATORS.sub("-", lowered).strip("-")


def humanize(stem: str) -> str:
    """A readable default title from a file name: "pier-at_dusk" -> "Pier at dusk"."""
    words = re.sub(r"[-_]+", " ", stem).strip()
    words = re.sub(r"\s+", " ", words)
    return words[:1].upper() + words[1:] if words else stem
