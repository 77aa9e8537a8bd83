"""The front matter's values kept between builds, keyed by a digest of the YAML text.

A ``--force`` build (or one after a template change) reads every sidecar again:
20,000 of them take seconds of YAML parsing in the main process, to the same
values as last time. Parsing is a pure function of the YAML text and the loader,
so the values are kept in the cache folder, keyed by a digest of the text between
the ``---`` lines, and the store is read only by the code that wrote it: the
version of this module and of the front matter parser (digests of their source),
of sitegen and of PyYAML.

Only values JSON gives back exactly are kept (texts, whole numbers, finite decimals,
true/false, null, lists, key/value sets with text keys): a date, a set or a
binary value is parsed again each time. Errors are never kept (a file that fails
fails again, with the same message). A missing, old or damaged store is an empty
one. It holds what the last build used, nothing older.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..atomic import read_store, write_store
from ..errors import environment_failure
from . import frontmatter as fm

STORE_NAME = "frontmatter-v1.json"


def _source_digest(*files: str) -> str | None:
    """None when the code cannot be read (an installation without source files): then no store is used."""
    h = hashlib.blake2b(digest_size=16)
    try:
        for file in files:
            h.update(Path(file).read_bytes())
    except OSError:
        return None
    return h.hexdigest()


# What the stored values depend on besides the text: a store written by other code is not read.
_VERSION: dict[str, Any] = {
    "format": 1,
    "sitegen": __version__,
    "pyyaml": yaml.__version__,
    "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
    "code": _source_digest(__file__, fm.__file__),
}


def _digest(raw: str) -> str:
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def json_exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back equal and of the same types (what may be stored)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and json_exact(v) for k, v in value.items())
    if kind is list:
        return all(json_exact(v) for v in value)
    if kind is float:
        return math.isfinite(value)
    return kind in (str, int, bool) or value is None


class YamlStore:
    """A YAML loader for :func:`frontmatter.parse` that answers from the last build's values."""

    def __init__(self, file: Path | None) -> None:
        self.file = file if _VERSION["code"] is not None else None
        self._stored: dict[str, Any] = _read(self.file) if self.file is not None else {}
        self._used: dict[str, Any] = {}
        self.hits = 0

    def load(self, raw: str) -> Any:
        """:func:`frontmatter.load_yaml_text`, from the store when it holds this text's values."""
        key = _digest(raw)
        if key in self._stored:
            self.hits += 1
            self._used[key] = self._stored[key]
            return _copy(self._stored[key])  # a caller's change to its values reaches no other file's
        value = fm.load_yaml_text(raw)
        if json_exact(value):
            self._used[key] = _copy(value)
        return value

    def save(self) -> None:
        """Keep the values this build used (nothing else) for the next; unchanged, nothing is written."""
        if self.file is None or self._used == self._stored:
            return
        try:
            write_store(self.file, _VERSION, "values", self._used)
        except OSError as exc:
            raise environment_failure(exc, doing="write", path=self.file) from None
        self._stored = dict(self._used)


def _copy(value: Any) -> Any:
    """A copy of the lists and key/value sets of a :func:`json_exact` value (its other values are immutable)."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def _read(file: Path) -> dict[str, Any]:
    """The stored values by digest; empty for a missing, old or damaged store."""
    values = read_store(file, _VERSION, "values", dict) or {}
    return {k: v for k, v in values.items() if json_exact(v)}
