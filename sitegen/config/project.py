"""A site folder and its configuration: where everything is read from and written to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Reporter
from ..sitefiles import SiteFiles, not_a_file
from .loading import CONFIG_NAME, apply_overrides, line_of, parse_config
from .sections import BuildSection, Config
from .themes import resolve_theme


@dataclass(frozen=True)
class Project:
    """A site folder and its validated configuration: where everything is read and written."""

    root: Path
    config: Config
    config_file: Path | None
    # Where the site will be published, when the config's base_url is a preview's address
    # (``sitegen serve``); metadata inside image files always names the published site.
    published_base_url: str | None = None

    @property
    def public_base_url(self) -> str:
        return self.config.site.base_url if self.published_base_url is None else self.published_base_url

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def output_dir(self) -> Path:
        return (self.root / self.config.site.output).resolve()

    @property
    def cache_dir(self) -> Path:
        return (self.root / self.config.build.cache_dir).resolve()

    def files(self, reporter: Reporter | None = None) -> SiteFiles:
        """The rule for reading this site's input files (see :mod:`sitegen.sitefiles`)."""
        return SiteFiles.for_site(self.root, self.config.build.follow_links, reporter)


def _overlap(a: Path, b: Path) -> str | None:
    """How folder ``a`` relates to folder ``b`` when one holds the other (the same, inside, containing)."""
    if a == b:
        return "is"
    if b in a.parents:
        return "is inside"
    if a in b.parents:
        return "contains"
    return None


def _theme_folder(project: Project) -> Path | None:
    try:
        return resolve_theme(project.config.site.theme, project.root).resolve()
    except ConfigError:
        return None  # an unknown theme is reported when the theme is loaded


def check_folders(project: Project, output: Path | None = None, output_source: str | None = None) -> None:
    """Refuse a cache folder that shares any folder with the site's inputs or its output.

    sitegen writes into its cache, prunes it and deletes its preview folders there: a cache that is,
    holds or sits inside content/, static/, templates/, the theme or the output would mix generated
    files into the site (and publish them) or let that pruning reach a photographer's files. The
    comparison is on resolved paths, so a symlink cannot hide an overlap. ``output`` is the folder
    actually built into when it is not ``[site] output`` (``--output``), named by ``output_source``.
    """
    text = ""
    if project.config_file is not None:
        try:
            text = project.config_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    where_file = str(project.config_file or project.root / CONFIG_NAME)

    def where(key: str) -> str:
        line = line_of(text, key) if text else None
        return f"{where_file}:{line}" if line else where_file

    cache = project.cache_dir
    cache_value = project.config.build.cache_dir
    folders = [
        ("the site's content/ folder", project.content_dir.resolve()),
        ("the site's static/ folder", project.static_dir.resolve()),
        ("the site's templates/ folder", project.templates_dir.resolve()),
    ]
    theme = _theme_folder(project)
    if theme is not None:
        folders.append((f'the folder of the theme "{project.config.site.theme}"', theme))
    advice = 'the cache must be a folder of its own, such as ".sitegen-cache"'
    for what, folder in folders:
        relation = _overlap(cache, folder)
        if relation:
            raise ConfigError(
                f'{where("build.cache_dir")}: [build] cache_dir: "{cache_value}" {relation} {what} ({folder}); {advice}'
            )
    out = (output or project.output_dir).resolve()
    relation = _overlap(out, cache)
    if relation is None:
        return
    published = "the cache would be published with its private files (source paths, camera data, build stamps)"
    if output is not None and output_source:
        raise ConfigError(
            f"{output_source}: the output folder {out} {relation} the cache folder {cache} "
            f"([build] cache_dir in {where_file}); {published}"
        )
    if cache_value == BuildSection.cache_dir:  # the output is what was moved onto the cache
        raise ConfigError(
            f'{where("site.output")}: [site] output: "{project.config.site.output}" {relation} the cache folder '
            f'({cache}); {published}; use a folder such as "public"'
        )
    raise ConfigError(
        f'{where("build.cache_dir")}: [build] cache_dir: "{cache_value}" {_overlap(cache, out)} the output folder '
        f"({out}); {published}, and replaced on every build; {advice}"
    )


def load_project(root: Path, overrides: dict[str, Any] | None = None) -> Project:
    """Read ``root/sitegen.toml`` if present; a missing file means all defaults."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: site folder does not exist")
    candidate = root / CONFIG_NAME
    problem = not_a_file(candidate) if os.path.lexists(candidate) else None
    if problem:
        raise ConfigError(f"{candidate}: {problem}")
    config_file: Path | None = None
    config = Config()
    if candidate.is_file():
        config_file = candidate
        try:
            text = candidate.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{candidate}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        config = parse_config(text, str(candidate))
    if overrides:
        config = apply_overrides(config, overrides)
    project = Project(root=root, config=config, config_file=config_file)
    check_folders(project)
    return project
