"""Which folder a ``[site] theme`` names: a built-in theme or a folder of the site.

Part of the configuration (a theme that does not exist is a config error, and the
cache folder must not overlap the theme's); loading its templates is :mod:`sitegen.render.theme`'s.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..configschema import closest
from ..errors import ConfigError

BUILTIN_THEMES = Path(str(resources.files("sitegen.themes")))


def builtin_names() -> list[str]:
    return sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "templates").is_dir())


def resolve_theme(spec: str, site_root: Path) -> Path:
    """A theme name ("default") or a path (relative to the site) -> the theme folder."""
    candidate = (site_root / spec).resolve() if ("/" in spec or "\\" in spec or spec.startswith(".")) else None
    if candidate is None:
        builtin = BUILTIN_THEMES / spec
        if (builtin / "templates").is_dir():
            return builtin
        local = (site_root / spec).resolve()
        if (local / "templates").is_dir():
            return local
        hint = closest(spec, builtin_names())
        extra = f'; did you mean "{hint}"?' if hint else f"; built-in themes: {', '.join(builtin_names())}"
        raise ConfigError(f"[site] theme: no theme named {spec!r}{extra}")
    if not (candidate / "templates").is_dir():
        raise ConfigError(f"[site] theme: {candidate} is not a theme folder (it has no templates/ folder)")
    return candidate
