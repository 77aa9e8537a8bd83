"""Checks of the finished model that report, and change nothing: run between the image and render phases."""

from __future__ import annotations

from ..content.model import Photo, Site
from ..errors import NO_ALT, Reporter
from ..images.jobs import ImageSet


def check_alt_texts(site: Site, images: dict[Photo, ImageSet], reporter: Reporter) -> None:
    """One warning per published photo without alt text: screen readers would only hear its title."""
    for photo in site.all_photos():
        if photo in images and not photo.has_alt:
            name = photo.sidecar.name if photo.sidecar else f"{photo.source.stem}.md"
            reporter.warning(
                f'no alt text: screen readers only hear its title "{photo.title}"; '
                f'add "alt:" to {name} (or an alt text to the file\'s XMP metadata)',
                photo.source,
                kind=NO_ALT,
            )


__all__ = ["check_alt_texts"]
