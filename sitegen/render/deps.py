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

This module is the memo itself (which pages, their HTML, when to reuse it);
the recording and replaying of reads is :mod:`.recording`, and what counts as
an unchanged answer is :mod:`.signatures`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.defaults
import jinja2.filters

from .fragments import Capture, Fragments
from .recording import Evaluator, Key, Recorder, key_idents, model_objects
from .signatures import Ident, sig
from .site import Renderer


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


class RecordedFragment(Capture):
    """A shared fragment's reads (:mod:`.fragments`) go into the page that renders it, and into every
    page that reuses its text, so a page's dependencies do not depend on which page came first."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def begin(self) -> Any:
        recorder = self.recorder
        outer = (recorder.deps, recorder.volatile)
        if recorder.deps is not None:
            recorder.deps, recorder.volatile = {}, False
        return outer

    def end(self, token: Any) -> Any:
        recorder = self.recorder
        outer_deps, outer_volatile = token
        if outer_deps is None:
            return None  # rendered while no page was recorded: nothing to replay, so never reused
        captured = (recorder.deps or {}, recorder.volatile)
        recorder.deps, recorder.volatile = outer_deps, outer_volatile
        self.replay(captured)
        return captured

    def replay(self, captured: Any) -> bool:
        recorder = self.recorder
        if recorder.deps is None:
            return True
        if captured is None:
            return False
        deps, volatile = captured
        for key, value in deps.items():
            recorder.deps.setdefault(key, value)
        recorder.volatile = recorder.volatile or volatile
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
        # Which pages name which model object in their recorded questions (see :meth:`readers`).
        self._readers: dict[Ident, set[str]] = {}
        self._page_idents: dict[str, frozenset[Ident]] = {}
        self._volatile: set[str] = set()
        self._key_idents: dict[int, tuple[Key, tuple[Ident, ...]]] = {}  # id(interned key) -> (key, idents)
        self._objects: tuple[Any, dict[Ident, Any]] | None = None  # (site, its objects by identity)
        self._instrumented: tuple[jinja2.Environment, Callable[..., Any], dict[Any, Any]] | None = None

    def clear(self) -> None:
        self.records.clear()
        self.recorder.keys.clear()
        self.recorder.settled.clear()
        self.bytecode.store.clear()
        self._readers.clear()
        self._page_idents.clear()
        self._volatile.clear()
        self._key_idents.clear()
        self._objects = None

    # -- which pages read what ------------------------------------------------------------

    def _idents(self, key: Key) -> tuple[Ident, ...]:
        known = self._key_idents.get(id(key))
        if known is None:
            known = self._key_idents[id(key)] = (key, key_idents(key))  # the key kept: its id stays its own
        return known[1]

    def _index(self, site_path: str, record: PageRecord | None) -> None:
        """Note which objects the page's questions name now (``record`` None: the page is gone)."""
        idents: set[Ident] = set()
        if record is not None:
            for key in record.deps:
                idents.update(self._idents(key))
        before = self._page_idents.pop(site_path, frozenset())
        if idents != before:
            readers = self._readers
            for ident in idents - before:
                readers.setdefault(ident, set()).add(site_path)
            for ident in before - idents:
                readers.get(ident, set()).discard(site_path)
        if record is not None:
            self._page_idents[site_path] = frozenset(idents) if idents != before else before
        if record is not None and record.volatile:
            self._volatile.add(site_path)
        else:
            self._volatile.discard(site_path)

    def _store(self, site_path: str, record: PageRecord) -> None:
        self.records[site_path] = record
        self._index(site_path, record)

    def readers(self, idents: set[Ident]) -> set[str]:
        """Every page whose last render asked something of one of these model objects (an attribute,
        a method, a template function given it), and every volatile page: the only pages whose
        recorded questions can answer differently after a change to those objects' text alone."""
        found = set(self._volatile)
        for ident in idents:
            found |= self._readers.get(ident, set())
        return found

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
        fragments = getattr(env, "fragments", None)
        if isinstance(fragments, Fragments):
            fragments.capture = RecordedFragment(recorder)
        self._instrumented = (env, getattr_, functions)
        self.begin(renderer)

    def begin(self, renderer: Renderer) -> None:
        """Start a pass with the renderer last attached (again, after a save that changed only text).

        Every question is asked afresh; the texts of shared fragments are forgotten (the model's
        objects may have changed in place, and a fragment's text is kept per object).
        """
        assert self._instrumented is not None and self._instrumented[0] is renderer.env, "attach() it first"
        env, getattr_, functions = self._instrumented
        # The objects by identity: the same while the model is (a save of one page's text changes it in place).
        if self._objects is None or self._objects[0] is not renderer.site:
            self._objects = (renderer.site, model_objects(renderer.site))
        self.evaluator = Evaluator(renderer.site, env, getattr_, functions, self._objects[1])
        fragments = getattr(env, "fragments", None)
        if isinstance(fragments, Fragments):
            for plan in fragments.plans.values():
                if plan is not None:
                    plan.entries.clear()
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
        self._store(site_path, PageRecord(tpl.name or "", context_sig, self.globals_sig, deps, volatile, html))
        self.rendered.append(site_path)
        return html

    def finish(self) -> None:
        """Forget pages the last complete pass did not produce (deleted photos, renamed pages)."""
        for site_path in [k for k in self.records if k not in self._seen]:
            del self.records[site_path]
            self._index(site_path, None)
        if self.rendered:
            self.recorder.forget_keys_except(self.records.values())
            alive = {id(key) for key in self.recorder.keys}  # by identity: no hashing of deep tuples
            self._key_idents = {i: known for i, known in self._key_idents.items() if i in alive}


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

    def workers(self, pages: int) -> int:
        return 1  # the memo and its records live in this process
