"""Recording what a page reads while it renders, and asking the same questions again later.

The two halves of one mechanism, apart from the page memo that uses them
(:mod:`.deps`): the :class:`Recorder` hooks into a renderer's Jinja
environment and notes every attribute, method call, template global and
filter a page evaluates, with the answer; the :class:`Evaluator` answers
those recorded questions again against a newly read model, each question once
per rebuild. What counts as the same answer is :mod:`.signatures`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import jinja2

from ..content.model import Site
from .functions import is_pure
from .signatures import Ident, Ref, Unreplayable, Volatile, ident_of, sig, spec

Key = tuple[Any, ...]
_MISSING = object()


def _materialise(result: Any) -> Any:
    """Generators (``gallery.walk()``) are consumed once to be recorded, so hand the template a list."""
    return list(result) if hasattr(type(result), "__next__") else result


def _passes_extra_argument(fn: Callable[..., Any]) -> bool:
    """Jinja hands ``pass_context``/``pass_environment`` callables an object that cannot be replayed."""
    return getattr(fn, "jinja_pass_arg", None) is not None


def _names_objects(described: Any) -> bool:
    if isinstance(described, Ref):
        return True
    if isinstance(described, tuple):
        return any(_names_objects(d) for d in described)
    return False


class Recorder:
    """Notes what the page being rendered reads; installed on a renderer's Jinja environment.

    Keys are interned: every page that reads ``photo.title`` holds the same key
    object, so a rebuild answers each question once and finds the answer by
    the key's ``id`` without hashing it again.
    """

    def __init__(self) -> None:
        self.deps: dict[Key, Any] | None = None
        self.volatile = False
        self.keys: dict[Key, Key] = {}
        self.settled: set[int] = set()  # ids of interned keys whose answer cannot change (see .functions.pure)

    def start(self) -> None:
        self.deps = {}
        self.volatile = False

    def stop(self) -> dict[Key, Any]:
        deps, self.deps = self.deps or {}, None
        return deps

    def note(self, key: Key, value: Any) -> None:
        if self.deps is not None and key not in self.deps:
            self.deps[self.keys.setdefault(key, key)] = sig(value)

    def forget_keys_except(self, records: Any) -> None:
        """Drop interned keys no page uses any more (after pages were removed or re-rendered)."""
        self.keys = {key: key for record in records for key in record.deps}
        self.settled = {id(key) for key in self.keys if id(key) in self.settled}

    def note_call(
        self, head: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any], result: Any, pure: bool = False
    ) -> None:
        """``pure``: the function was declared :func:`.functions.pure` where it is defined."""
        if self.deps is None:
            return
        try:
            named = (tuple(spec(a) for a in args), tuple(sorted((k, spec(v)) for k, v in kwargs.items())))
        except Unreplayable:
            self.volatile = True
            return
        key = self.keys.setdefault((*head, named), (*head, named))
        if pure and not _names_objects(named):
            self.settled.add(id(key))
        self.note(key, result)

    def read(self, obj: Any, name: str, value: Any) -> Any:
        """The hook on every ``obj.name`` / ``obj["name"]`` a template evaluates."""
        if self.deps is None:
            return value
        ident = ident_of(obj)
        if ident is None:
            return value
        if inspect.ismethod(value):
            return self._method(ident, name, value)
        self.note(("attr", ident, name), value)
        return value

    def _method(self, ident: Ident, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            result = _materialise(method(*args, **kwargs))
            self.note_call(("call", ident, name), args, kwargs, result)
            return result

        return call

    def wrap(self, kind: str, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """A template global or filter that records its calls and results."""
        if _passes_extra_argument(fn):

            @functools.wraps(fn)
            def opaque(*args: Any, **kwargs: Any) -> Any:
                if self.deps is not None:
                    self.volatile = True
                return fn(*args, **kwargs)

            return opaque

        pure = is_pure(fn)

        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = _materialise(fn(*args, **kwargs))
            self.note_call((kind, name), args, kwargs, result, pure)
            return result

        return recorded


def model_objects(site: Site) -> dict[Ident, Any]:
    """Every object of the model by its identity (:func:`.signatures.ident_of`)."""
    objects: dict[Ident, Any] = {("site", ""): site}
    for page in site.all_pages():
        objects[ident_of(page)] = page  # type: ignore[index]
    for gallery in site.all_galleries():
        objects[("gallery", gallery.key)] = gallery
        for photo in [*gallery.photos, *gallery.unlisted_photos]:
            objects[("photo", photo.key)] = photo
    return objects


def _refs(described: Any, found: list[Ident]) -> None:
    if isinstance(described, Ref):
        found.append(described.ident)
    elif isinstance(described, tuple):
        for part in described:
            _refs(part, found)


def key_idents(key: Key) -> tuple[Ident, ...]:
    """The model objects a recorded question names: whose attribute or method, and the arguments'."""
    found: list[Ident] = []
    kind = key[0]
    if kind in ("attr", "call"):
        found.append(key[1])
        if kind == "call":
            _refs(key[3], found)
    elif kind in ("global", "filter"):
        _refs(key[2], found)
    return tuple(dict.fromkeys(found))


class Evaluator:
    """Answers recorded questions again against the new model, each question once per rebuild."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        getattr_: Callable[[Any, str], Any],
        functions: dict[tuple[str, str], Callable[..., Any]],
        objects: dict[Ident, Any] | None = None,
    ) -> None:
        self.env = env
        self.getattr = getattr_
        self.functions = functions  # ("global" | "filter", name) -> the new renderer's own callable
        self.objects = objects if objects is not None else model_objects(site)
        self.answers: dict[int, Any] = {}  # id(interned key) -> answer

    def _value(self, described: Any) -> Any:
        if isinstance(described, Ref):
            return self.objects[described.ident]
        if isinstance(described, tuple) and len(described) == 2 and described[0] == "<seq>":
            return [self._value(v) for v in described[1]]
        return described

    def _call(self, fn: Callable[..., Any], named: tuple[tuple[Any, ...], tuple[tuple[str, Any], ...]]) -> Any:
        args, kwargs = named
        return _materialise(fn(*(self._value(a) for a in args), **{k: self._value(v) for k, v in kwargs}))

    def template(self, name: str) -> Any:
        """Which file a template name resolves to now, and its text."""
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return None
        return (filename, source)

    def answer(self, key: Key) -> Any:
        known = self.answers.get(id(key), _MISSING)
        if known is not _MISSING:
            return known
        kind = key[0]
        try:
            if kind == "attr":
                value = sig(self.getattr(self.objects[key[1]], key[2]))
            elif kind == "call":
                value = sig(self._call(getattr(self.objects[key[1]], key[2]), key[3]))
            elif kind in ("global", "filter"):
                value = sig(self._call(self.functions[(kind, key[1])], key[2]))
            elif kind == "template":
                value = self.template(key[1])
            else:
                value = Volatile()
        except Exception:  # the object is gone or the question fails now: the page must be rendered
            value = Volatile()
        self.answers[id(key)] = value
        return value

    def unchanged(self, deps: dict[Key, Any], settled: set[int] = frozenset()) -> bool:  # type: ignore[assignment]
        answers, answer = self.answers, self.answer
        for key, value in deps.items():
            if id(key) in settled:
                continue
            now = answers.get(id(key), _MISSING)
            if now is _MISSING:
                now = answer(key)
            if now is not value and now != value:
                return False
        return True
