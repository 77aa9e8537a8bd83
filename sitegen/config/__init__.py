"""``sitegen.toml``: typed, validated configuration, and the site folder it belongs to.

The public names are gathered here so callers import ``sitegen.config`` whatever module
holds them; the modules: :mod:`.checks` (value checks), :mod:`.sections` (every key, its
default and its doc), :mod:`.loading` (TOML text -> Config), :mod:`.themes` (theme folders),
:mod:`.project` (the site folder, its paths and the folder-overlap rule).
"""

from .loading import CONFIG_NAME, apply_overrides, parse_config
from .project import Project, check_folders, load_project
from .sections import (
    DATA_MINING_VALUES,
    WATERMARK_POSITIONS,
    BuildSection,
    Config,
    ContactSection,
    ImagesSection,
    LicensingSection,
    MenuLink,
    MetadataSection,
    ProtectSection,
    SiteSection,
    ThemeOptionsSection,
    WatermarkSection,
)

__all__ = [
    "CONFIG_NAME",
    "DATA_MINING_VALUES",
    "WATERMARK_POSITIONS",
    "BuildSection",
    "Config",
    "ContactSection",
    "ImagesSection",
    "LicensingSection",
    "MenuLink",
    "MetadataSection",
    "Project",
    "ProtectSection",
    "SiteSection",
    "ThemeOptionsSection",
    "WatermarkSection",
    "apply_overrides",
    "check_folders",
    "load_project",
    "parse_config",
]
