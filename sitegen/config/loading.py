"""Reading ``sitegen.toml`` text into a :class:`~.sections.Config`, and command-line overrides."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from typing import Any

from ..configschema import SchemaError, build, coerce, type_hints
from ..errors import ConfigError
from .sections import Config

CONFIG_NAME = "sitegen.toml"


def line_of(text: str, dotted: str) -> int | None:
    """Best-effort line number of a dotted key in TOML text, for error messages."""
    parts = dotted.split("[")[0].split(".")
    table, key = parts[:-1], parts[-1]
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = [p.strip() for p in header.group(1).split(".")]
            if not table and current == parts:
                return number
            continue
        if current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
        if not table and not current and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _format_key(dotted: str) -> str:
    if "." not in dotted.split("[")[0]:
        return f"[{dotted}]"
    table, _, key = dotted.rpartition(".")
    return f"[{table}] {key}"


def parse_config(text: str, source: str = CONFIG_NAME) -> Config:
    """Parse and validate TOML text; errors are one line naming the file, key and what is allowed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return build(Config, data)
    except SchemaError as exc:
        line = line_of(text, exc.key)
        where = f"{source}:{line}" if line else source
        raise ConfigError(f"{where}: {_format_key(exc.key)}: {exc.message}") from None


def apply_overrides(config: Config, overrides: dict[str, Any], source: str = "command line") -> Config:
    """Apply dotted-key overrides (``{"site.base_url": "..."}``) with the same validation as the file."""
    for dotted, value in overrides.items():
        if value is None:
            continue
        section_name, key = dotted.split(".")
        sec = getattr(config, section_name)
        f = {f.name: f for f in dataclasses.fields(sec)}[key]
        section_type: type = type(sec)
        tp = type_hints(section_type)[key]
        try:
            typed = coerce(value, tp, dotted)
            check = f.metadata.get("check")
            problem = check(typed) if check else None
            if problem:
                raise SchemaError(dotted, problem if f.metadata.get("secret") else f"{problem} (got {value!r})")
        except SchemaError as exc:
            raise ConfigError(f"{source}: {_format_key(exc.key)}: {exc.message}") from None
        config = dataclasses.replace(config, **{section_name: dataclasses.replace(sec, **{key: typed})})
    return config
