"""Every template global and filter sitegen installs says, where it is defined, whether it is pure.

The incremental renderer of ``sitegen serve`` keeps the answers of pure functions between
rebuilds; a function added without a declaration would silently be treated one way or the
other, so the test below fails instead.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.defaults
import jinja2.filters

from sitegen.errors import Reporter
from sitegen.images.probe import ProbeCache
from sitegen.pipeline.phases import images, load, load_theme, read, templates
from sitegen.render.deps import PageMemo
from sitegen.render.functions import pure, purity, volatile
from sitegen.render.site import Renderer


def undeclared(env: jinja2.Environment) -> list[str]:
    """Names of the callables sitegen installed in ``env`` that are declared neither pure nor volatile."""
    found = [
        f"global {name}"
        for name, value in env.globals.items()
        if callable(value) and not isinstance(value, type) and name not in jinja2.defaults.DEFAULT_NAMESPACE
    ]
    found += [f"filter {name}" for name in env.filters if name not in jinja2.filters.FILTERS]
    values = {
        **{f"global {k}": v for k, v in env.globals.items()},
        **{f"filter {k}": v for k, v in env.filters.items()},
    }
    return [name for name in found if purity(values[name]) is None]


def renderer_for(site_dir: Path, memo: PageMemo | None = None) -> Renderer:
    reporter = Reporter(root=site_dir)
    project = load(site_dir, None)
    theme = load_theme(project)
    site = read(project, reporter, ProbeCache(project.cache_dir))
    results, _ = images(site, project, reporter, None, None)
    return templates(site, results, theme, reporter, memo)


def test_every_installed_template_function_is_declared(example_copy):
    renderer = renderer_for(example_copy)
    installed = [name for name, value in renderer.env.globals.items() if callable(value)]
    assert {"url", "srcset", "asset", "licence_of", "licence_usage"} <= set(installed)  # the walk sees them
    assert undeclared(renderer.env) == []
    assert purity(renderer.env.globals["url"]) == "pure" and purity(renderer.env.globals["image"]) == "volatile"


def test_the_memo_renderer_keeps_the_declarations(example_copy):
    renderer = renderer_for(example_copy, PageMemo())
    assert undeclared(renderer.env) == []
    assert purity(renderer.env.globals["srcset"]) == "pure"  # through the recording wrapper


def test_an_undeclared_function_is_caught(example_copy):
    env = renderer_for(example_copy).env
    env.globals["shiny"] = lambda: "new"
    env.filters["shout"] = str.upper
    assert undeclared(env) == ["global shiny", "filter shout"]
    env.globals["shiny"], env.filters["shout"] = pure(lambda: "new"), volatile(lambda s: s.upper())
    assert undeclared(env) == []
