"""Shared fragments: an included partial is rendered once per distinct value of what it reads.

Each case renders the same pages through a plain Jinja environment and through the fragment
cache and asserts the same text, then how often the partial actually ran.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import jinja2

from sitegen.render.deps import PageMemo
from sitegen.render.fragments import GIVE_UP_AFTER, RenderEnvironment

from .test_deps import model, photo


def environments(templates: dict[str, str], **globals: Any) -> tuple[jinja2.Environment, RenderEnvironment]:
    plain = jinja2.Environment(loader=jinja2.DictLoader(templates), undefined=jinja2.StrictUndefined)
    cached = RenderEnvironment(loader=jinja2.DictLoader(templates), undefined=jinja2.StrictUndefined)
    plain.globals.update(globals)
    cached.globals.update(globals)
    return plain, cached


def render_both(templates: dict[str, str], pages: list[dict[str, Any]], **globals: Any) -> RenderEnvironment:
    plain, cached = environments(templates, **globals)
    for context in pages:
        expected = plain.get_template("page.html").render(context)
        assert cached.get_template("page.html").render(context) == expected
    return cached


class Counter:
    """A template function that counts its calls: how many times a partial really rendered."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> str:
        self.calls += 1
        return text.upper()


def test_a_partial_reading_only_shared_values_renders_once():
    count = Counter()
    templates = {
        "page.html": "<p>{{ title }}</p>{% include 'header.html' %}{% include 'footer.html' %}",
        "header.html": "<h>{{ shout(site_name) }}{% for item in menu %}<a>{{ item }}</a>{% endfor %}</h>",
        "footer.html": "<f>{{ shout('footer') }} {{ kind }}</f>",
    }
    pages = [{"title": f"page {n}", "kind": "photo" if n else "home"} for n in range(50)]
    cached = render_both(templates, pages, shout=count, site_name="Site", menu=["a", "b"])
    plain_calls = 2 * 50
    count.calls -= plain_calls  # the plain environment's renders
    assert count.calls == 1 + 2  # the header once, the footer once per kind
    assert cached.fragments.reused == 2 * 50 - 3


def test_a_partial_reading_the_page_itself_is_rendered_per_page_and_soon_not_kept():
    templates = {"page.html": "{% include 'meta.html' %}", "meta.html": "{{ photo.title }}"}
    photos = [SimpleNamespace(title=f"photo {n}") for n in range(GIVE_UP_AFTER + 5)]
    cached = render_both(templates, [{"photo": p} for p in photos] * 2)
    plan = cached.fragments.plans["meta.html"]
    assert plan is not None and plan.names == ("photo",)
    assert plan.off and not plan.entries  # no longer kept: every later page renders it
    assert (plan.misses, plan.hits) == (GIVE_UP_AFTER, 0)


def test_the_same_page_object_reuses_its_text():
    templates = {"page.html": "{{ n }}{% include 'meta.html' %}", "meta.html": "{{ photo.title }}"}
    site = model(extra_photo=True)
    cached = render_both(templates, [{"n": n, "photo": photo(site, name)} for n, name in enumerate("abcabc")])
    plan = cached.fragments.plans["meta.html"]
    assert plan is not None and (plan.misses, plan.hits) == (3, 3)


def test_a_list_of_the_same_objects_counts_as_the_same_value():
    templates = {
        "page.html": "{% with trail = gallery.ancestors + [gallery] %}{% include 'crumbs.html' %}{% endwith %}",
        "crumbs.html": "{% for g in trail %}{{ g.title }}/{% endfor %}",
    }
    site = model()
    gallery = site.galleries[0]
    cached = render_both(templates, [{"gallery": gallery}] * 5)
    assert cached.fragments.reused == 4


def test_templates_that_can_differ_with_the_same_values_are_never_kept():
    templates = {
        "uses_self.html": "{{ self.title() }}",
        "rand.html": "{{ [1, 2, 3] | random }}",
        "lorem.html": "{{ lipsum(1) }}",
        "macros.html": "{% macro m() %}x{% endmacro %}{{ m() }}",
        "imports.html": "{% from 'macros.html' import m %}{{ m() }}",
        "extends.html": "{% extends 'plain.html' %}",
        "blocks.html": "{% block b %}{% endblock %}",
        "includes_rand.html": "{% include 'rand.html' %}",
        "computed.html": "{% include name %}",
        "plain.html": "{{ x }}{% include 'plain2.html' %}",
        "plain2.html": "{{ y }}",
    }
    _, cached = environments(templates)
    kept = {name for name in templates if cached.fragments.plan(name) is not None}
    assert kept == {"plain.html", "plain2.html"}
    assert cached.fragments.plan("plain.html").names == ("x", "y")  # type: ignore[union-attr]


def test_an_import_of_a_kept_fragment_still_sees_what_it_sets():
    templates = {
        "page.html": "{% include 'values.html' %}{% import 'values.html' as v %}[{{ v.colour }}]",
        "values.html": "{% set colour = 'teal' %}<i>{{ colour }}</i>",
    }
    render_both(templates, [{}, {}])
    _, cached = environments(templates)
    assert cached.get_template("page.html").render() == "<i>teal</i>[teal]"


def test_a_reused_fragment_records_its_reads_for_the_incremental_renderer():
    """Page two reuses the header page one rendered; a change the header shows re-renders both."""
    templates = {
        "page.html": "{% include 'header.html' %}<h1>{{ photo.title }}</h1>",
        "header.html": "<nav>{% for g in site.galleries %}{{ g.title }}{% endfor %}</nav>",
    }
    memo = PageMemo()

    def rebuild(site: Any) -> dict[str, str]:
        env = RenderEnvironment(loader=jinja2.DictLoader(templates), undefined=jinja2.StrictUndefined)
        env.globals.update(site=site)
        memo.attach(SimpleNamespace(env=env, site=site))  # type: ignore[arg-type]
        pages = {name: memo.render(env.get_template("page.html"), name, {"photo": photo(site, name)}) for name in "ab"}
        memo.finish()
        return pages

    first = rebuild(model())
    assert first["b"] == "<nav>Gallery</nav><h1>B</h1>" and memo.rendered == ["a", "b"]
    assert rebuild(model()) == first and memo.rendered == []
    renamed = model()
    renamed.galleries[0].matter = type(renamed.galleries[0].matter)(title="Sea")
    assert rebuild(renamed) == {"a": "<nav>Sea</nav><h1>Dawn</h1>", "b": "<nav>Sea</nav><h1>B</h1>"}
    assert memo.rendered == ["a", "b"]
