"""Model objects and values as stand-ins that stay comparable across reads of the content.

Separate from the recording because two sides must agree on them exactly: the
:class:`.recording.Recorder` notes a page's reads as these stand-ins, and the
:class:`.recording.Evaluator` compares the new model's answers against them. A
photo is named by its site-relative key (the Python object is new after every
read); a value that cannot be compared safely becomes :class:`Volatile`, which
equals nothing, so every doubt resolves towards rendering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from pathlib import Path, PosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from ..content.model import Gallery, Page, Photo, Site

Ident = tuple[str, str]


def ident_of(obj: Any) -> Ident | None:
    """A model object's identity across reads of the content folder; None for anything else."""
    if type(obj) in _PLAIN:  # the common case, answered without four isinstance checks
        return None
    if isinstance(obj, Photo):
        return ("photo", obj.key)
    if isinstance(obj, Gallery):
        return ("gallery", obj.key)
    if isinstance(obj, Page):
        return ("home", "") if obj.is_home else ("page", str(obj.source))
    if isinstance(obj, Site):
        return ("site", "")
    return None


class Ref(tuple):
    """A model object by identity, inside a signature or a recorded call's arguments.

    A tuple (with a marker no content produces) so that hashing and comparing
    the thousands of them a rebuild checks stays in C.
    """

    __slots__ = ()

    def __new__(cls, ident: Ident) -> Ref:
        return super().__new__(cls, ("<ref>", *ident))

    @property
    def ident(self) -> Ident:
        return (self[1], self[2])


class Volatile:
    """A value that cannot be compared: equal to nothing, not even itself (each use is a new instance)."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return "<volatile>"


class Unreplayable(Exception):
    """A call whose arguments cannot be named again against a new model."""


_PLAIN = frozenset({str, Markup, int, float, bool, bytes, type(None), dt.datetime, dt.date, PosixPath})
_UNDEFINED = ("<undefined>",)
_MISSING = object()
_SCALARS = (str, int, float, bool, bytes, dt.date, dt.time, dt.timedelta, Path, enum.Enum)


@functools.cache
def _plain_type(tp: Any) -> bool:
    """True for types whose values compare by value and can hold no model object (ImageSet, SourceInfo...)."""
    if tp is type(None) or tp in (str, int, float, bool, bytes, dt.datetime, dt.date, Path):
        return True
    if tp in (Photo, Gallery, Page, Site):  # named by identity (and they refer to each other: no recursion)
        return False
    if isinstance(tp, type) and issubclass(tp, str):  # e.g. content.untrusted.Untrusted
        return True
    origin = typing.get_origin(tp)
    if origin in (list, tuple, dict, set, frozenset, typing.Union, types.UnionType):
        return all(arg is Ellipsis or _plain_type(arg) for arg in typing.get_args(tp))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        try:
            hints = typing.get_type_hints(tp)
        except Exception:  # unresolvable annotations: assume the worst
            return False
        return all(_plain_type(hints[f.name]) for f in dataclasses.fields(tp))
    return False


def sig(value: Any) -> Any:
    """A comparable stand-in for ``value`` whose equality survives a re-read of the content."""
    if type(value) in _PLAIN or value is None or isinstance(value, _SCALARS):
        return value
    ident = ident_of(value)
    if ident is not None:
        return Ref(ident)
    if isinstance(value, list | tuple):
        return tuple(sig(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, sig(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return frozenset(sig(v) for v in value)
    if isinstance(value, jinja2.Undefined):
        return _UNDEFINED
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if _plain_type(type(value)):
            return value
        return (type(value).__qualname__, tuple(sig(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return Volatile()


def spec(value: Any) -> Any:
    """An argument as a hashable description that can be turned back into a value of the new model."""
    if value is None or isinstance(value, _SCALARS):
        return value
    ident = ident_of(value)
    if ident is not None:
        return Ref(ident)
    if isinstance(value, list | tuple):
        return ("<seq>", tuple(spec(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and _plain_type(type(value)):
        try:
            hash(value)
        except TypeError:
            raise Unreplayable(value) from None
        return value
    raise Unreplayable(value)
