"""``slug: random``: an unguessable URL part per gallery, made once and kept in ``slugs.toml``.

A client's link must not be guessable from the gallery's name, and must not change from build to
build (the client bookmarked it). So the random part is made once, with :mod:`secrets` (80 bits,
base32: 16 characters), and stored in ``slugs.toml`` at the site root, a file the photographer sees
and commits. The file is only written when a new entry is made, atomically, and only by appending
entries: lines it did not make (comments, hand-written slugs) are kept as they are.

A build that may not invent a URL (``[build] strict``: CI must not publish a link nobody knows) or
cannot store it (a read-only site folder) stops with one line instead: a URL that changed
silently on every build would be worse than none.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import tomllib
from pathlib import Path

from ..atomic import write_text_atomic
from ..errors import ContentError

SLUGS_FILE = "slugs.toml"
RANDOM = "random"
RANDOM_BYTES = 10  # 80 bits
HEADER = (
    "# The URL parts of galleries with `slug: random`, made by sitegen once each. Commit this file.\n"
    "# Deleting or changing a line gives that gallery a new URL on the next build:\n"
    "# the links you sent stop working.\n"
)
VALID = re.compile(r"[a-z0-9][a-z0-9-]{7,63}")


def new_slug() -> str:
    return base64.b32encode(secrets.token_bytes(RANDOM_BYTES)).decode("ascii").rstrip("=").lower()


class RandomSlugs:
    """The entries of ``slugs.toml`` by gallery folder (its path below content/), and the ones made now."""

    def __init__(self, site_root: Path, strict: bool) -> None:
        self.path = site_root / SLUGS_FILE
        self.strict = strict
        self.made: dict[str, str] = {}
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            text = None
        except OSError as exc:
            raise ContentError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        self.text = text
        try:
            data = tomllib.loads(text) if text else {}
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(f"{self.path}: not valid TOML ({exc}); fix it or restore it from git") from None
        self.known: dict[str, str] = {}
        for key, value in data.items():
            if not (isinstance(value, str) and VALID.fullmatch(value)):
                raise ContentError(f"{self.path}: {key!r} must be lowercase letters and digits (8 to 64)")
            self.known[key] = value

    def slug(self, folder_key: str) -> str:
        """The stored slug of a gallery folder, else a new one (stored by :meth:`save`)."""
        found = self.known.get(folder_key) or self.made.get(folder_key)
        if found:
            return found
        if self.strict:
            raise ContentError(
                f"{self.path}: no entry for {folder_key!r} (`slug: random`), and a strict build does not make "
                "a new URL; build once without strict and commit slugs.toml"
            )
        self.made[folder_key] = new_slug()
        return self.made[folder_key]

    def save(self) -> None:
        """Append the entries made in this read; an OSError names slugs.toml (the build stops)."""
        if not self.made:
            return
        text = self.text if self.text is not None else HEADER
        if text and not text.endswith("\n"):
            text += "\n"
        text += "".join(f"{_key(key)} = {_quoted(slug)}\n" for key, slug in sorted(self.made.items()))
        try:
            write_text_atomic(self.path, text)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(self.path)) from exc
        self.known.update(self.made)
        self.text = text
        self.made = {}


def _quoted(value: str) -> str:
    """A TOML basic string: JSON's escapes (\\", \\\\, \\uXXXX) mean the same in TOML."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


_key = _quoted
