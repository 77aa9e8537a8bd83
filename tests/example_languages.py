"""example-site in another language: the English site with its one `language` line changed.

Built once per language and test session, from a copy of the session's English build (its image
cache comes along, so only the pages are new). The change is the one a photographer makes: the
line ``language = "en"`` of sitegen.toml, nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

_BUILT: dict[str, tuple[Path, Reporter]] = {}


def switch_language(config: Path, language: str) -> None:
    text = config.read_text("utf-8")
    assert text.count('\nlanguage = "en"\n') == 1, "example-site/sitegen.toml has one language line"
    config.write_text(text.replace('\nlanguage = "en"\n', f'\nlanguage = "{language}"\n'), "utf-8")


def example_in(language: str, example_build: tuple, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reporter]:
    """(public folder, reporter) of example-site built in ``language``."""
    if language not in _BUILT:
        english = example_build[0].parent
        site = tmp_path_factory.mktemp(f"example-{language}") / "site"
        shutil.copytree(english, site, ignore=shutil.ignore_patterns("public"))
        switch_language(site / "sitegen.toml", language)
        reporter = Reporter(root=site)
        build(site, reporter=reporter)
        _BUILT[language] = (site / "public", reporter)
    return _BUILT[language]
