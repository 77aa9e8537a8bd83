"""Replacing a small file at once, safely when two processes share a folder.

The image cache, the probe cache and the build stamps are shared by every
`sitegen build` and `sitegen serve` of a site. A fixed temporary name
(``index.tmp``) lets two of them write the same temporary file and rename each
other's half-written copy into place; a name of one's own cannot.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


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
