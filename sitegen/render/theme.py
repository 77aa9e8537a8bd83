"""Themes: where templates and theme assets come from.

Lookup order for a template: the site's ``templates/`` (override one file
without copying a theme), then the chosen theme, then the built-in default
theme (so a custom theme may provide only what it changes). Autoescaping is on
for every HTML and XML template: captions and titles come from files a
photographer did not write by hand (Lightroom exports, EXIF).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from ..config.themes import BUILTIN_THEMES, resolve_theme
from ..sitefiles import SiteFiles
from .fragments import RenderEnvironment


@dataclass
class Theme:
    folder: Path
    site_templates: Path
    chain: list[Path] = field(default_factory=list)  # theme folders, most specific first

    @classmethod
    def load(cls, spec: str, site_root: Path) -> Theme:
        folder = resolve_theme(spec, site_root)
        chain = [folder]
        default = BUILTIN_THEMES / "default"
        if folder.resolve() != default.resolve():
            chain.append(default)
        return cls(folder=folder, site_templates=site_root / "templates", chain=chain)

    def template_dirs(self) -> list[Path]:
        dirs = [self.site_templates] if self.site_templates.is_dir() else []
        return dirs + [theme / "templates" for theme in self.chain]

    def files_for(self, files: SiteFiles) -> SiteFiles:
        """The site's rule, also admitting each theme's own folder (built-in themes live in sitegen)."""
        return files.within(*self.chain)

    def environment(self, files: SiteFiles) -> jinja2.Environment:
        """One render's environment: templates are not checked for changes while it lasts (that
        was a stat per include per page); each build and each preview rebuild makes a new one."""
        env = RenderEnvironment(
            loader=CheckedLoader([str(d) for d in self.template_dirs()], self.files_for(files)),
            auto_reload=False,
            autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        return env

    def static_files(self, files: SiteFiles) -> dict[str, Path]:
        """Theme assets by relative path; a more specific theme's file wins."""
        found: dict[str, Path] = {}
        for theme in reversed(self.chain):
            static = theme / "static"
            for entry in self.files_for(files).walk(static, _dotted):
                found[entry.path.relative_to(static).as_posix()] = entry.path
        return found


def _dotted(name: str) -> bool:
    return name.startswith(".")


class CheckedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading only what :mod:`sitegen.sitefiles` admits.

    A template that is a link out of the site (or a pipe) is reported and treated as absent,
    so the next folder of the lookup order (the theme) supplies it instead.
    """

    def __init__(self, searchpath: list[str], files: SiteFiles) -> None:
        super().__init__(searchpath)
        self.files = files

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if self.files.file(Path(filename)) is None:
                continue
            with open(filename, encoding=self.encoding) as f:
                contents = f.read()
            mtime = os.path.getmtime(filename)

            def uptodate(filename: str = filename, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(filename) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate
        raise jinja2.TemplateNotFound(template)


class Assets:
    """Theme assets published under content-hashed names, so browsers may cache them forever."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files
        self.published: dict[str, str] = {}  # asset name -> site path

    def site_path(self, name: str) -> str:
        if name not in self.published:
            source = self.files.get(name)
            if source is None:
                raise jinja2.TemplateRuntimeError(f"theme asset {name!r} does not exist")
            digest = hashlib.blake2b(source.read_bytes(), digest_size=5).hexdigest()
            stem, dot, ext = name.rpartition(".")
            hashed = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
            self.published[name] = f"theme/{hashed}"
        return self.published[name]
