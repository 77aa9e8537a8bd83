"""Replacing a small file at once, safely when two processes share a folder.

The image cache, the probe cache and the build stamps are shared by every
`sitegen build` and `sitegen serve` of a site. A fixed temporary name
(``index.tmp``) lets two of them write the same temporary file and rename each
other's half-written copy into place; a name of one's own cannot.

The caches kept as one JSON file (parsed front matter, Markdown's HTML) are written in an
envelope naming the version of everything that shaped their values, so a store written by
another version of sitegen or of a library reads as empty instead of as wrong values.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``path`` so that readers see the old contents or the new, never a mix or a half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_store(path: Path, version: Any, field: str, value: Any) -> None:
    """Replace the JSON store ``path`` with ``value`` under ``field``, marked with ``version``."""
    write_text_atomic(path, json.dumps({"version": version, field: value}))


def read_store(path: Path, version: Any, field: str, kind: type) -> Any | None:
    """What :func:`write_store` kept under ``field``; None for a missing, damaged or foreign store, another
    ``version``'s, or a value that is not a ``kind``."""
    try:
        data: Any = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version or not isinstance(data.get(field), kind):
        return None
    return data[field]
