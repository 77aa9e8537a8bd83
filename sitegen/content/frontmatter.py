"""Markdown files with YAML front matter: pages, gallery index files and photo sidecars.

YAML (PyYAML's ``safe_load``) is what every other static-site tool and most
editors expect between ``---`` lines; safe loading means a content file can
never run code. Problems are reported as ``file:line`` so an editor can jump to
them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..configschema import closest
from ..errors import FRONT_MATTER_IGNORED, Reporter

_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


class FrontMatterError(Exception):
    """Unreadable content file; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


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
    try:
        meta = yaml.safe_load(raw) if raw.strip() else {}
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
        hint = closest(str(value), list(allowed))
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
        from ..config import WatermarkSection
        from ..configschema import SchemaError, build

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
            got = "" if isinstance(value, dict | list) else f", got {value!r}"
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
