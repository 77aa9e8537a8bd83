"""Checks of the finished model that report, and change nothing: run between the image and render phases."""

from __future__ import annotations

from collections.abc import Iterable

from ..content.model import Photo, Site
from ..errors import NO_ALT, Reporter
from ..images.jobs import ImageSet
from ..strings import has_table, shipped_languages


def check_alt_texts(
    site: Site, images: dict[Photo, ImageSet], reporter: Reporter, photos: Iterable[Photo] | None = None
) -> None:
    """One warning per published photo without alt text: screen readers would only hear its title.
    ``photos``: only these (``sitegen serve`` after a save of their sidecars); default: every one."""
    for photo in site.all_photos() if photos is None else photos:
        if photo in images and not photo.has_alt:
            name = photo.sidecar.name if photo.sidecar else f"{photo.source.stem}.md"
            reporter.warning(
                f'no alt text: screen readers only hear its title "{photo.title}"; '
                f'add "alt:" to {name} (or an alt text to the file\'s XMP metadata)',
                photo.source,
                kind=NO_ALT,
            )


def check_language(site: Site, reporter: Reporter) -> None:
    """One warning when no strings table ships for ``[site] language``: the pages fall back to English,
    with the right ``lang`` attribute still, and the photographer should know why their site is in English."""
    project = site.project
    language = project.config.site.language
    if not has_table(language):
        reporter.warning(
            f'[site] language = "{language}": no strings table ships for it, so the theme\'s words are in English '
            f"(shipped: {', '.join(shipped_languages())}; translate single strings in [site.strings])",
            project.config_file,
        )


__all__ = ["check_alt_texts", "check_language"]
