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
from .recording import Evaluator, Key, Recorder
from .signatures import sig
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
        fragments = getattr(env, "fragments", None)
        if isinstance(fragments, Fragments):
            fragments.capture = RecordedFragment(recorder)
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

    def workers(self, pages: int) -> int:
        return 1  # the memo and its records live in this process
