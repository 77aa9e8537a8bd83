"""Markdown files with YAML front matter: pages, gallery index files and photo sidecars.

This module splits a file into its front matter (plain YAML values) and its
body; which keys each kind of file takes, and their types, is
:mod:`sitegen.content.matter`.

YAML (PyYAML's safe loader) is what every other static-site tool and most
editors expect between ``---`` lines; safe loading means a content file can
never run code. Problems are reported as ``file:line`` so an editor can jump to
them.

Safe is not bounded: YAML aliases let ten short lines stand for a billion
values ("billion laughs"), and anything that walks such a value (``str()`` in
a message, a template loop) never ends. :class:`_BoundedLoader` counts what the
front matter would expand to before anything is built from it, and refuses
self-referencing values and very deep nesting, so every value handed on is a
plain tree of bounded size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")

# Front matter is a few lines of settings; these bounds are far above any real use
# (README, "Front matter") and far below what makes a build slow or large.
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_VALUES = 100_000  # scalars, lists and mappings, counting each use of an alias in full
MAX_DEPTH = 100
_SHOWN = 60  # characters of a bad value quoted in a message


class FrontMatterError(Exception):
    """Unreadable content file; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _TooBig(yaml.YAMLError):
    def __init__(self, problem: str, node: yaml.Node | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = node.start_mark if node is not None else None


def _check_size(root: yaml.Node) -> None:
    """Refuse a node graph that expands beyond :data:`MAX_VALUES`, refers to itself or nests too deep.

    Iterative, and each node's expanded size is computed once, so checking a
    "billion laughs" document costs as much as its text, not as its expansion.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            total = 1 + sum(size[id(child)] for child in children)
            if total > MAX_VALUES:
                raise _TooBig(
                    f"front matter stands for more than {MAX_VALUES:,} values (through YAML aliases `*name`); "
                    "write the values out",
                    node,
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise _TooBig("a value refers to itself (a YAML alias `*name` inside its own anchor `&name`)", node)
        if len(on_path) >= MAX_DEPTH:
            raise _TooBig(f"values nested more than {MAX_DEPTH} levels deep", node)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that checks the composed document's size before constructing values."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return self.construct_document(node)


# libyaml's parser (when PyYAML was built with it) is about ten times faster, which is most of
# reading 20,000 sidecars. Its composer recurses in C, where no RecursionError stops a deep
# document, so it gets only documents whose text cannot nest :data:`MAX_DEPTH` levels (each level
# needs a line break or one of these characters); what it refuses, the Python loader parses
# again, so a message about bad YAML is the same whichever loader met it first.
_NESTING = ("\n", "-", "?", ":", "[", "{")
# :class:`_BoundedLoader` on libyaml's parser: the same size check before any value is built.
_FAST_LOADER: type | None = (
    type("_BoundedCLoader", (yaml.CSafeLoader,), {"get_single_data": _BoundedLoader.get_single_data})
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


def _shallow(raw: str) -> bool:
    return sum(raw.count(c) for c in _NESTING) < MAX_DEPTH


def load_yaml_text(raw: str) -> Any:
    if _FAST_LOADER is not None and _shallow(raw):
        try:
            return yaml.load(raw, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # said again, in the Python loader's words, below
    try:
        return yaml.load(raw, Loader=_BoundedLoader)
    except RecursionError:
        # PyYAML's composer recurses per nesting level and fails before _check_size sees the document.
        raise _TooBig(f"values nested more than {MAX_DEPTH} levels deep", None) from None


def shown(value: Any) -> str:
    """``repr`` of a value for a message, cut short: a bad value may be a whole essay or a deep structure."""
    if isinstance(value, dict | list):
        return "a set of key: value pairs" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


@dataclass(frozen=True)
class Document:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts, for Markdown diagnostics


def read_text(path: Path) -> str:
    """Read a UTF-8 file; a BOM is accepted, anything else is a precise error."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FrontMatterError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file with UTF-8 encoding", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, load_yaml: Callable[[str], Any] | None = None) -> Document:
    """Split ``text`` into front matter and body; files without a leading ``---`` have no front matter.

    ``load_yaml`` stands in for the YAML loader (a store of earlier builds' values,
    :class:`sitegen.content.yamlstore.YamlStore`); it raises what the loader raises.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return Document({}, text, 1)
    for end in range(1, len(lines)):
        if _END.match(lines[end]):
            break
    else:
        raise FrontMatterError("front matter opened with --- on line 1 is never closed with ---", 1)
    raw = "\n".join(lines[1:end])
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"front matter is longer than {MAX_FRONT_MATTER_BYTES // 1024} KB; "
            "keep settings between the --- lines and the text below them",
            1,
        )
    try:
        meta = (load_yaml or load_yaml_text)(raw) if raw.strip() else {}
    except _TooBig as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else None
        raise FrontMatterError(f"front matter refused: {exc.problem}", line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be a set of `key: value` lines", 2)
    body = "\n".join(lines[end + 1 :])
    return Document({str(k): v for k, v in meta.items()}, body, end + 2)


def load(path: Path) -> Document:
    return parse(read_text(path))


def line_of_key(path: Path, key: str) -> int | None:
    """The line a top-level key is on, for ``file:line`` messages about its value."""
    try:
        for number, line in enumerate(read_text(path).split("\n"), 1):
            if re.match(rf"{re.escape(key)}\s*:", line):
                return number
    except (OSError, FrontMatterError):
        pass
    return None
