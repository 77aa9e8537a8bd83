"""Markdown files with YAML front matter: pages, gallery index files and photo sidecars.

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

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import WatermarkSection
from ..configschema import SchemaError, build, closest
from ..errors import FRONT_MATTER_IGNORED, Reporter

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


def _load_yaml(raw: str) -> Any:
    try:
        return yaml.load(raw, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
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


def parse(text: str) -> Document:
    """Split ``text`` into front matter and body; files without a leading ``---`` have no front matter."""
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
        meta = _load_yaml(raw) if raw.strip() else {}
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


# --- typed fields -------------------------------------------------------------

Converter = Callable[[Any], Any]


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


def one_of(*allowed: str) -> Converter:
    def convert(value: Any) -> str:
        if isinstance(value, str) and value in allowed:
            return value
        # Only a short text can be a typo of one of the choices; never stringify anything else.
        hint = closest(value, list(allowed)) if isinstance(value, str) and len(value) <= _SHOWN else None
        extra = f' (did you mean "{hint}"?)' if hint and hint != value else ""
        raise ValueError(f"expected one of {', '.join(allowed)}{extra}")

    return convert


def as_mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    raise ValueError("expected a set of key: value pairs")


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


def check_fields(
    meta: dict[str, Any],
    spec: dict[str, Converter],
    path: Path,
    reporter: Reporter,
    what: str,
) -> dict[str, Any]:
    """Convert known keys; report wrong types and unknown keys as warnings and drop them.

    A bad value in front matter should not take the whole site down: the key is
    ignored with a one-line warning (``--strict`` turns it into a failure).
    """
    out: dict[str, Any] = {}
    for key, value in meta.items():
        convert = spec.get(key)
        if convert is None:
            hint = closest(key, list(spec))
            extra = f'; did you mean "{hint}"?' if hint else f"; {what} keys are: {', '.join(spec)}"
            reporter.warning(
                f"unknown front matter key {key!r} ignored{extra}", path, _line_of_key(path, key), kind=FRONT_MATTER_IGNORED
            )
            continue
        if value is None:
            continue
        try:
            out[key] = convert(value)
        except ValueError as exc:
            got = "" if isinstance(value, dict | list) else f", got {shown(value)}"
            reporter.warning(
                f"front matter {key!r}: {exc}{got}; ignored", path, _line_of_key(path, key), kind=FRONT_MATTER_IGNORED
            )
    return out


def _line_of_key(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(read_text(path).split("\n"), 1):
            if re.match(rf"{re.escape(key)}\s*:", line):
                return number
    except (OSError, FrontMatterError):
        pass
    return None
