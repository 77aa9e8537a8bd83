"""From the content model to image jobs: which files each photo becomes, and under which key."""

from __future__ import annotations

from ..config import Config
from ..content.model import Photo, Site
from .pipeline import ImageJob, Settings, job_key


def settings_from(config: Config) -> Settings:
    images = config.images
    quality = {"jpeg": images.jpeg_quality, "webp": images.webp_quality, "avif": images.avif_quality}
    return Settings(
        widths=tuple(sorted(set(images.widths))),
        max_size=images.max_size,
        formats=tuple(images.formats),
        quality=tuple((fmt, quality[fmt]) for fmt in images.formats),
    )


def job_for(photo: Photo, settings: Settings) -> ImageJob:
    extras: dict[str, object] = {"orientation": photo.info.orientation}
    return ImageJob(
        key=job_key(photo.info.content_hash, settings, extras),
        source=str(photo.source),
        orientation=photo.info.orientation,
        source_size=(photo.info.width, photo.info.height),
        settings=settings,
        output_stem=f"media/{photo.gallery.path}{photo.slug}",
        extras=extras,
    )


def plan(site: Site) -> dict[Photo, ImageJob]:
    settings = settings_from(site.project.config)
    return {photo: job_for(photo, settings) for photo in site.all_photos()}
