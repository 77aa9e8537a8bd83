"""Which pages a change touches: dependencies recorded while each page renders.

``sitegen serve`` re-reads the content after a save and must re-render exactly
the pages that show what changed. Hand-written rules ("a photo page shows its
neighbours' titles") go stale with the first theme that shows more, so the
dependencies are recorded instead. While a template renders, every attribute
it reads from the content model, every template it loads and every template
function or filter it calls (with the result) is noted, keyed by the *identity*
of the objects involved (a photo's site-relative file name, not the Python
object, which is new after every read). On the next rebuild a page is
rendered again only when one of those, asked again of the new model, answers
differently, or when its render context changed; otherwise its previous HTML
is reused. Anything that cannot be compared safely makes the page "volatile":
it is simply rendered every time. Missing a dependency would show a stale
page, so every doubt resolves towards rendering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path, PosixPath
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.defaults
import jinja2.filters
from markupsafe import Markup

from ..content.model import Gallery, Page, Photo, Site
from .functions import is_pure
from .site import Renderer

Ident = tuple[str, str]
Key = tuple[Any, ...]


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


class _MemoryBytecodeCache(jinja2.bccache.BytecodeCache):
    """Compiled templates shared by the fresh environment of each rebuild (checked against the source)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class Evaluator:
    """Answers recorded questions again against the new model, each question once per rebuild."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        getattr_: Callable[[Any, str], Any],
        functions: dict[tuple[str, str], Callable[..., Any]],
    ) -> None:
        self.env = env
        self.getattr = getattr_
        self.functions = functions  # ("global" | "filter", name) -> the new renderer's own callable
        self.objects: dict[Ident, Any] = {("site", ""): site}
        for page in site.all_pages():
            self.objects[ident_of(page)] = page  # type: ignore[index]
        for gallery in site.all_galleries():
            self.objects[("gallery", gallery.key)] = gallery
            for photo in gallery.photos:
                self.objects[("photo", photo.key)] = photo
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


@dataclasses.dataclass
class PageRecord:
    template: str
    context: Any
    globals: Any
    deps: dict[Key, Any]
    volatile: bool
    html: str


class PageMemo:
    """Previous HTML of every page and what it depended on; lives as long as the preview session.

    One rebuild is one :meth:`attach` (a new renderer), any number of
    :meth:`render` calls, and :meth:`finish` once everything rendered.
    """

    def __init__(self) -> None:
        self.records: dict[str, PageRecord] = {}
        self.bytecode = _MemoryBytecodeCache()
        self.recorder = Recorder()
        self.evaluator: Evaluator | None = None
        self.globals_sig: Any = None
        self.rendered: list[str] = []
        self.reused: list[str] = []
        self._seen: set[str] = set()

    def clear(self) -> None:
        self.records.clear()
        self.recorder.keys.clear()
        self.recorder.settled.clear()
        self.bytecode.store.clear()

    def attach(self, renderer: Renderer) -> None:
        """Instrument a new renderer's environment before it loads any template."""
        env = renderer.env
        env.bytecode_cache = self.bytecode
        recorder = self.recorder
        functions: dict[tuple[str, str], Callable[..., Any]] = {}
        for name, value in list(env.globals.items()):
            if callable(value) and not isinstance(value, type) and name not in jinja2.defaults.DEFAULT_NAMESPACE:
                functions[("global", name)] = value
                env.globals[name] = recorder.wrap("global", name, value)
        for name, value in list(env.filters.items()):
            if name not in jinja2.filters.FILTERS:
                functions[("filter", name)] = value
                env.filters[name] = recorder.wrap("filter", name, value)
        getattr_, getitem_ = env.getattr, env.getitem
        get_template, select_template = env.get_template, env.select_template

        def recorded_getattr(obj: Any, attribute: str) -> Any:
            return recorder.read(obj, attribute, getattr_(obj, attribute))

        def recorded_getitem(obj: Any, argument: Any) -> Any:
            value = getitem_(obj, argument)
            return recorder.read(obj, argument, value) if isinstance(argument, str) else value

        def recorded_get_template(name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
            if recorder.deps is not None and isinstance(name, str) and self.evaluator is not None:
                key = recorder.keys.setdefault(("template", name), ("template", name))
                recorder.note(key, self.evaluator.answer(key))
            return get_template(name, parent, globals)

        def recorded_select_template(names: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
            if recorder.deps is not None:
                recorder.volatile = True  # which candidate exists may change; rare enough to always render
            return select_template(names, parent, globals)

        env.getattr = recorded_getattr  # type: ignore[method-assign]
        env.getitem = recorded_getitem  # type: ignore[method-assign]
        env.get_template = recorded_get_template  # type: ignore[method-assign]
        env.select_template = recorded_select_template  # type: ignore[method-assign]
        self.evaluator = Evaluator(renderer.site, env, getattr_, functions)
        globals_sig = sig({k: v for k, v in env.globals.items() if not callable(v)})
        # Usually equal to the last one: keep that object, so each page compares it by identity.
        if globals_sig != self.globals_sig:
            self.globals_sig = globals_sig
        self.rendered, self.reused = [], []
        self._seen = set()

    def render(self, tpl: jinja2.Template, site_path: str, context: dict[str, Any]) -> str:
        assert self.evaluator is not None, "attach() a renderer first"
        self._seen.add(site_path)
        context_sig = sig(context)
        record = self.records.get(site_path)
        if (
            record is not None
            and not record.volatile
            and record.template == tpl.name
            and record.context == context_sig
            and (record.globals is self.globals_sig or record.globals == self.globals_sig)
            and self.evaluator.unchanged(record.deps, self.recorder.settled)
        ):
            self.reused.append(site_path)
            return record.html
        self.recorder.start()
        try:
            key = self.recorder.keys.setdefault(("template", tpl.name), ("template", tpl.name))
            self.recorder.note(key, self.evaluator.answer(key))
            html = tpl.render(context)
        finally:
            volatile = self.recorder.volatile
            deps = self.recorder.stop()
        self.records[site_path] = PageRecord(tpl.name or "", context_sig, self.globals_sig, deps, volatile, html)
        self.rendered.append(site_path)
        return html

    def finish(self) -> None:
        """Forget pages the last complete pass did not produce (deleted photos, renamed pages)."""
        self.records = {k: v for k, v in self.records.items() if k in self._seen}
        if self.rendered:
            self.recorder.forget_keys_except(self.records.values())


class MemoRenderer(Renderer):
    """The site renderer, reusing the HTML of pages whose recorded dependencies did not change."""

    def __init__(self, *args: Any, memo: PageMemo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memo = memo
        memo.attach(self)

    @property
    def rendered(self) -> list[str]:
        return self.memo.rendered

    @property
    def reused(self) -> list[str]:
        return self.memo.reused

    def render_template(self, tpl: jinja2.Template, site_path: str, context: dict[str, Any]) -> str:
        return self.memo.render(tpl, site_path, context)
