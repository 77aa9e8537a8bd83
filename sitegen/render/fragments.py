"""Shared fragments: an included template is rendered once per distinct value of what it reads.

Every page includes the header, the menu, the footer and a few small partials whose text is the
same on thousands of pages; rendering them again for each page was most of the cost of a large
site. Which values an included template reads is known from its source before it runs (the
names it and the templates it includes take from the context: ``find_undeclared_variables``),
so its text is kept per distinct set of those values and reused, byte for byte. Nothing is
declared in the templates, so a site's own override of a partial is cached by the same rule, or
rendered every time when it reads something per page.

A value counts as the same when it is an equal plain scalar (``page_kind``, a tuple of
strings) or the very same object (the menu, the configuration, a template function): within one
render the model does not change, so the same object renders the same. A page's own objects
(``current``, ``photo``) are new on every page, so a fragment reading them misses; after a run
of misses without one reuse the fragment is rendered directly, as before. A template that could
render differently with the same values (``self``, a macro's ``caller``, ``loop``, the
``random`` filter, ``lipsum``), extends or defines blocks, or imports macros is never kept; an
``{% import %}`` always runs the template (what it sets is the module).

The cache lives as long as one environment, that is one render. The incremental renderer of
``sitegen serve`` (:mod:`.deps`) records what each page reads: a reused fragment replays the
reads recorded when it was rendered (:class:`Capture`), so a page's dependencies are the same
whether its header was rendered or reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.environment import TemplateModule

RootRender = Callable[[Any], Iterator[str]]

# Names whose value differs per call site or per call, whatever the context holds (``self``: the
# calling template's blocks; the others are undeclared only outside the macro or loop they belong to).
_UNCACHEABLE_NAMES = frozenset({"self", "super", "caller", "varargs", "kwargs", "loop", "lipsum"})
_UNCACHEABLE_FILTERS = frozenset({"random"})
_NOT_FRAGMENTS = (nodes.Extends, nodes.Block, nodes.Macro, nodes.CallBlock, nodes.Import, nodes.FromImport)
_SCALARS = (str, int, float, bool, type(None))  # Markup is a str
GIVE_UP_AFTER = 32  # misses in a row, without one reuse, before a fragment is rendered directly
MAX_ENTRIES = 512  # distinct variants kept per fragment


def _once(text: str) -> Iterator[str]:
    """A render function's answer: a generator (an include closes it when done)."""
    yield text


class Capture:
    """What an incremental renderer notes while a fragment renders; the plain renderer notes nothing."""

    def begin(self) -> Any:
        return None

    def end(self, token: Any) -> Any:
        """Called after the fragment rendered (also when it failed); returns what to replay on reuse."""
        return None

    def replay(self, captured: Any) -> bool:
        """Note ``captured`` for the page being rendered; False when it cannot (render the fragment)."""
        return True


@dataclass
class _Plan:
    """One fragment: the context names its text depends on, and its texts so far."""

    names: tuple[str, ...]
    entries: dict[tuple[Any, ...], tuple[str, Any, tuple[Any, ...]]] = field(default_factory=dict)
    misses: int = 0
    hits: int = 0
    off: bool = False


def _value_key(value: Any, depth: int = 0) -> Any:
    """The same object or an equal scalar renders the same (the entry keeps the objects alive); so
    does a list or tuple of those (``gallery.ancestors + [gallery]`` is a new list on every page)."""
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if type(value) in (list, tuple) and depth == 0:
        return (type(value), tuple(_value_key(v, 1) for v in value))
    return (id, id(value))


class Fragments:
    """The fragment cache of one environment: installed by :class:`FragmentTemplate` on every template."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self.environment = environment
        self._bare = environment.overlay()
        self._bare.globals = {}
        self.capture = Capture()
        self.plans: dict[str, _Plan | None] = {}
        self.reused = 0
        self.rendered = 0

    def _names(self, name: str, seen: set[str]) -> set[str] | None:
        """The context names ``name`` and everything it includes read; None if not a cacheable fragment."""
        if name in seen:
            return set()
        seen.add(name)
        env = self.environment
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            ast = env.parse(source, name)
        except jinja2.TemplateError:
            return None
        if any(True for _ in ast.find_all(_NOT_FRAGMENTS)):
            return None
        if any(n.name == "self" for n in ast.find_all(nodes.Name)):  # not an undeclared name to Jinja
            return None
        if any(f.name in _UNCACHEABLE_FILTERS for f in ast.find_all(nodes.Filter)):
            return None
        ast.environment = self._bare  # so template globals count as read too: a page may shadow one
        names = set(meta.find_undeclared_variables(ast))
        if names & _UNCACHEABLE_NAMES:
            return None
        for included in meta.find_referenced_templates(ast):
            if included is None:  # a name computed while rendering
                return None
            more = self._names(included, seen)
            if more is None:
                return None
            names |= more
        return names

    def plan(self, name: str) -> _Plan | None:
        if name not in self.plans:
            names = self._names(name, set())
            self.plans[name] = None if names is None else _Plan(tuple(sorted(names)))
        return self.plans[name]

    def wrap(self, template: jinja2.Template, root: RootRender) -> RootRender:
        """The template's render function, reusing the text of an earlier call with the same values.

        A template that is not a fragment gets its own function back on its first call.
        """
        name = template.name or ""

        def render(context: Any) -> Iterator[str]:
            plan = self.plan(name)
            if plan is None or plan.off:
                template.root_render_func = root
                return root(context)
            return self._render(plan, root, context)

        return render

    def _render(self, plan: _Plan, root: RootRender, context: Any) -> Iterator[str]:
        values = tuple(context.resolve_or_missing(n) for n in plan.names)
        key = tuple(_value_key(v) for v in values)
        entry = plan.entries.get(key)
        if entry is not None and self.capture.replay(entry[1]):
            plan.hits += 1
            self.reused += 1
            return _once(entry[0])
        token = self.capture.begin()
        try:
            text = self.environment.concat(root(context))
        finally:
            captured = self.capture.end(token)
        self.rendered += 1
        plan.misses += 1
        if plan.hits == 0 and plan.misses >= GIVE_UP_AFTER:
            plan.off, plan.entries = True, {}
        elif len(plan.entries) < MAX_ENTRIES:
            plan.entries[key] = (text, captured, values)  # values: keeps the objects of id keys alive
        return _once(text)


class FragmentTemplate(jinja2.Template):
    """A template whose render function goes through its environment's :class:`Fragments`."""

    uncached_root: RootRender

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        template = super()._from_namespace(environment, namespace, globals)
        assert isinstance(template, FragmentTemplate)
        template.uncached_root = root = namespace["root"]
        fragments = getattr(environment, "fragments", None)
        if isinstance(fragments, Fragments) and template.name is not None:
            template.root_render_func = fragments.wrap(template, root)
        return template

    def make_module(
        self, vars: dict[str, Any] | None = None, shared: bool = False, locals: Mapping[str, Any] | None = None
    ) -> TemplateModule:
        """An ``{% import %}`` runs the template itself: what it sets and defines is the module."""
        context = self.new_context(vars, shared, locals)
        return TemplateModule(self, context, list(self.uncached_root(context)))


class RenderEnvironment(jinja2.Environment):
    """The Jinja environment of one render, with its fragment cache.

    Templates are looked up by name once per render: every page asks again for each template it
    includes (a dozen a page), and Jinja's own cache takes a lock and an LRU update per lookup.
    The environment never reloads a template while it lasts (``auto_reload=False``), so the
    answer cannot change.
    """

    template_class = FragmentTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.fragments = Fragments(self)
        self._found: dict[tuple[str, str | None], jinja2.Template] = {}

    def get_template(
        self,
        name: str | jinja2.Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        if globals or not isinstance(name, str) or self.auto_reload:
            return super().get_template(name, parent, globals)
        key = (name, parent)
        template = self._found.get(key)
        if template is None:
            template = self._found[key] = super().get_template(name, parent)
        return template


__all__ = ["Capture", "FragmentTemplate", "Fragments", "RenderEnvironment"]
