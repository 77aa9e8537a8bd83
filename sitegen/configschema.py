"""A small typed-schema layer: dataclasses in, validated values out.

Config sections are frozen dataclasses whose fields carry their documentation
and checks in ``metadata``. One description serves three readers: the loader
(types, allowed values, "did you mean" for typos), ``sitegen new`` (which writes
a fully commented ``sitegen.toml`` from it) and the test that keeps the README
in step. Executable config (Python files) is deliberately not supported: a
portfolio config must be safe to share and to open in any editor.

Front matter (:mod:`sitegen.content.matter`) is declared the same way. Its
values are written more loosely than TOML's (``title: 2024`` is YAML for a
number, ``date: 2024-05-17`` a date), so a field may carry a :class:`Convert`
in ``Annotated[...]`` that reads the written value; and a bad key there is
reported and left out (``on_problem``) where a config stops at the first.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import textwrap
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args, get_origin

Check = Callable[[Any], str | None]
"""Returns None when the value is fine, else a phrase saying what is allowed."""


def option(
    default: Any,
    doc: str,
    *,
    check: Check | None = None,
    example: Any = None,
    default_doc: str | None = None,
    secret: bool = False,
) -> Any:
    """Declare a config key: its default, why that default, and an optional check.

    ``default_doc`` words a default that is not a value (``None`` standing for "the file's name").
    ``secret``: a rejected value is never repeated in the message (it may be a password).
    """
    meta = {"doc": doc, "check": check, "example": example, "default_doc": default_doc, "secret": secret}
    if isinstance(default, list | dict):
        return dataclasses.field(default_factory=functools.partial(type(default), default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def section(cls: type, doc: str) -> Any:
    """Declare a nested table whose keys are the fields of ``cls``."""
    return dataclasses.field(default_factory=cls, metadata={"doc": doc, "check": None, "example": None})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def type_hints(cls: type, extras: bool = False) -> dict[str, Any]:
    """A declaration's field types, resolved once per class.

    ``typing.get_type_hints`` compiles every string annotation on every call; front matter
    is read for every photo on every preview rebuild, so resolving them each time cost more
    than reading the files. A class's annotations do not change while sitegen runs.
    """
    return typing.get_type_hints(cls, include_extras=extras)


def value_key(value: Any) -> Any:
    """A hashable copy of a config value, equal exactly when the values are equal.

    Sections are frozen dataclasses, but their lists are not: a memo keyed on the section
    object (or its identity) would keep answering for a list changed in place, and two
    loads of the same file would never share an answer. Memos of values computed from
    config key on this instead (see README, "Caches").
    """
    if isinstance(value, str | int | float | bool | None):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(value_key(getattr(value, name)) for name in _field_names(type(value))))
    if isinstance(value, list | tuple):
        return tuple(value_key(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), value_key(v)) for k, v in value.items()))
    return value


@dataclasses.dataclass(frozen=True)
class Convert:
    """How to read a value written more loosely than its type, used as ``Annotated[type, Convert(...)]``.

    ``read`` returns the typed value or raises ``ValueError`` with a phrase saying what is
    allowed (it must never quote the whole value: it may be huge). ``wording`` describes the
    accepted values in generated documentation.
    """

    read: Callable[[Any], Any]
    wording: str


class SchemaError(ValueError):
    """A value does not fit the schema; ``key`` is the dotted path of the culprit."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


class UnknownKey(SchemaError):
    """A key the schema does not declare; ``hint`` is the closest known one, ``known`` all of them."""

    def __init__(self, key: str, message: str, hint: str | None, known: list[str]) -> None:
        super().__init__(key, message)
        self.hint = hint
        self.known = known


def closest(name: str, candidates: list[str]) -> str | None:
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in candidates}
        return lowered.get(name.lower())
    return found[0]


def describe(tp: Any) -> str:
    """Human wording of a type, used in 'expected ...' messages."""
    origin = get_origin(tp)
    if origin is Annotated:
        convert = _convert_of(tp)
        return convert.wording if convert else describe(get_args(tp)[0])
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if origin is Literal:
        return "one of " + ", ".join(f'"{a}"' if isinstance(a, str) else str(a) for a in get_args(tp))
    if origin is list:
        (inner,) = get_args(tp)
        return f"a list of {describe(inner).removeprefix('a ').removeprefix('an ')}s"
    if origin is dict:
        return "a table"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in get_args(tp) if a is not type(None))
    if dataclasses.is_dataclass(tp):
        return "a table"
    return str(tp)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _convert_of(tp: Any) -> Convert | None:
    return next((m for m in get_args(tp)[1:] if isinstance(m, Convert)), None)


def coerce(value: Any, tp: Any, key: str) -> Any:
    """Check ``value`` against type ``tp`` and return it in its typed form."""
    if tp is Any:  # a free-form table (``[strings]``): its own check says what it accepts
        return value
    origin = get_origin(tp)
    if origin is Annotated:
        convert = _convert_of(tp)
        if convert is None:
            return coerce(value, get_args(tp)[0], key)
        try:
            return convert.read(value)
        except ValueError as exc:
            raise SchemaError(key, str(exc)) from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise SchemaError(key, f"expected a table, got {_type_name(value)}")
        return build(tp, value, key)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for alt in get_args(tp):
            if alt is type(None):
                continue
            try:
                return coerce(value, alt, key)
            except SchemaError as exc:
                errors.append(exc)
        raise SchemaError(key, f"expected {describe(tp)}, got {_type_name(value)}")
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            hint = closest(str(value), [str(a) for a in allowed]) if isinstance(value, str) else None
            extra = f'; did you mean "{hint}"?' if hint else ""
            raise SchemaError(key, f"expected {describe(tp)}, got {value!r}{extra}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise SchemaError(key, f"expected {describe(tp)}, got {_type_name(value)}")
        (inner,) = get_args(tp)
        return [coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(key, f"expected a table, got {_type_name(value)}")
        _, vt = get_args(tp)
        return {k: coerce(v, vt, f"{key}.{k}") for k, v in value.items()}
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SchemaError(key, f"expected a number, got {_type_name(value)}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(key, f"expected an integer, got {_type_name(value)}")
        return value
    if tp in (str, bool):
        if not isinstance(value, tp):
            raise SchemaError(key, f"expected {describe(tp)}, got {_type_name(value)}")
        return value
    raise TypeError(f"unsupported schema type {tp!r} for {key}")


def build(
    cls: type, data: dict[str, Any], prefix: str = "", on_problem: Callable[[SchemaError], None] | None = None
) -> Any:
    """Instantiate dataclass ``cls`` from a TOML table, rejecting unknown keys.

    Without ``on_problem`` the first unknown key or bad value raises :class:`SchemaError`
    (a config stops). With it, each one is handed over and left out, so the field keeps
    its default (front matter ignores a bad key with a warning and goes on).
    """
    hints = type_hints(cls, extras=True)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    values: dict[str, Any] = {}
    for name, raw in data.items():
        key = f"{prefix}.{name}" if prefix else name
        try:
            if name not in fields:
                raise _unknown(name, raw, key, prefix, hints, list(fields))
            values[name] = _checked(fields[name], hints[name], raw, key)
        except SchemaError as exc:
            if on_problem is None:
                raise
            on_problem(exc)
    return cls(**values)


def _unknown(name: str, raw: Any, key: str, prefix: str, hints: dict[str, Any], known: list[str]) -> UnknownKey:
    what = "table" if not prefix and isinstance(raw, dict) else "key"
    homes = [
        sub
        for sub, tp in hints.items()
        if dataclasses.is_dataclass(tp) and name in {f.name for f in dataclasses.fields(tp)}
    ]
    hint = closest(name, known)
    if homes and not isinstance(raw, dict):
        return UnknownKey(key, f"unknown {what}; did you mean to put it under [{homes[0]}]?", hint, known)
    extra = f'; did you mean "{hint}"?' if hint else f"; known {what}s: {', '.join(known)}"
    return UnknownKey(key, f"unknown {what}{extra}", hint, known)


def _checked(f: dataclasses.Field, tp: Any, raw: Any, key: str) -> Any:
    value = coerce(raw, tp, key)
    check = f.metadata.get("check")
    if check is not None:
        problem = check(value)
        if problem:
            raise SchemaError(key, problem if f.metadata.get("secret") else f"{problem} (got {raw!r})")
    return value


def iter_keys(cls: type, prefix: str = "") -> typing.Iterator[tuple[str, dataclasses.Field, Any]]:
    """Yield (dotted key, field, type) for every leaf key, in declaration order."""
    hints = type_hints(cls)
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        key = f"{prefix}.{f.name}" if prefix else f.name
        tp = hints[f.name]
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            yield from iter_keys(tp, key)
        else:
            yield key, f, tp


def default_of(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def toml_value(value: Any) -> str:
    """Render a Python value as a TOML literal (for the commented config template)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {value!r} as TOML")


def commented_toml(cls: type, values: dict[str, Any], header: str) -> str:
    """A TOML file listing every key with its documentation.

    Keys present in ``values`` are written active; all others are commented
    out at their default, so the file documents itself and still means
    "defaults" until a line is uncommented.
    """
    hints = type_hints(cls)
    lines = [*(f"# {line}" if line else "#" for line in header.splitlines()), ""]
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if not (isinstance(tp, type) and dataclasses.is_dataclass(tp)):
            continue
        lines.append(f"[{f.name}]")
        lines.extend(textwrap.wrap(f.metadata["doc"], 96, initial_indent="# ", subsequent_indent="# "))
        lines.append("")
        for key, sub, _ in iter_keys(tp, f.name):
            lines.extend(textwrap.wrap(sub.metadata["doc"], 96, initial_indent="# ", subsequent_indent="# "))
            name = key.split(".", 1)[1]
            if key in values:
                lines.append(f"{name} = {toml_value(values[key])}")
            else:
                lines.append(f"# {name} = {toml_value(default_of(sub))}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
