"""From the content model to image jobs: which files each photo becomes, what they say, how they are marked.

This is the only image module that knows about config and the content model;
it reduces both to the plain values of an :class:`ImageJob`, so the worker
code stays pure and the cache key covers exactly what changes the output.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import ImageFont

from ..config import Config, Project, WatermarkSection
from ..content.keywords import KeywordIndex, keyword_index
from ..content.model import Photo, Site
from ..errors import ConfigError, is_environment_error
from ..images import process
from ..images.credentials import SigningSpec
from ..images.formats import ImageReadError, open_image, read_failure, reading, set_pixel_limit
from ..images.jobs import ImageJob, Settings
from ..images.metadata import Description, Rights
from ..images.watermark import WatermarkSpec, content
from ..protect.licensing import licence_of
from ..rights.addresses import acquire_licence_url, licensing_url
from ..sitefiles import not_a_file
from ..urls import Urls
from .signing import for_photo, signing_template


def settings_from(config: Config) -> Settings:
    images = config.images
    quality = {"jpeg": images.jpeg_quality, "webp": images.webp_quality, "avif": images.avif_quality}
    return Settings(
        widths=tuple(sorted(set(images.widths))),
        max_size=images.max_size,
        formats=tuple(images.formats),
        quality=tuple((fmt, quality[fmt]) for fmt in images.formats),
    )


def _site_file(project: Project, value: str, key: str) -> Path:
    path = (project.root / value).resolve()
    if not os.path.lexists(path):
        raise ConfigError(f"[watermark] {key}: file not found: {path}")
    problem = not_a_file(path)  # a named pipe would block the build forever
    if problem:
        raise ConfigError(f"[watermark] {key}: {path}: {problem}")
    return path


# Files already found usable, by what decides it: (kind, content digest, pixel limit). Never by
# path: a logo replaced in place must be checked again (``sitegen serve`` lives through edits).
_CHECKED: set[tuple[str, str, int]] = set()


def _check_font(path: Path, digest: str, data: bytes) -> None:
    if ("font", digest, 0) in _CHECKED:
        return
    try:
        ImageFont.truetype(io.BytesIO(data), size=12)
    except Exception:  # FreeType says OSError; damaged files can raise anything
        raise ConfigError(f"[watermark] font: {path} is not a font file Pillow can read (.ttf, .otf)") from None
    _CHECKED.add(("font", digest, 0))


def _check_logo(path: Path, digest: str, data: bytes, max_pixels: int) -> None:
    """The logo decodes, within max_pixels, with the same per-file checks as a photo."""
    if ("logo", digest, max_pixels) in _CHECKED:
        return
    try:
        with reading(path):
            set_pixel_limit(max_pixels)
            with open_image(path, data) as logo:
                logo.load()
    except ImageReadError as exc:
        raise ConfigError(f"[watermark] logo: {path}: {exc}") from None
    _CHECKED.add(("logo", digest, max_pixels))


class Planner:
    """Builds jobs for one build; checks watermark files once, not once per photo."""

    def __init__(self, project: Project, year: int, keywords: KeywordIndex | None = None) -> None:
        self.project = project
        self.keywords = keywords or KeywordIndex()  # only keywords with a page are written into files
        self.config = project.config
        self.year = year
        self.settings = settings_from(self.config)
        self.urls = Urls(project.public_base_url)  # for metadata inside the files: the published address
        self._file_hashes: dict[Path, str] = {}
        self.signing = signing_template(project)

    # -- watermark -------------------------------------------------------------

    def watermark_settings(self, photo: Photo) -> WatermarkSection | None:
        """Config, then each gallery from the top down, then the photo: the nearest `watermark:` wins."""
        current = self.config.watermark
        chain: list[Any] = [g.matter.watermark for g in [*photo.gallery.ancestors, photo.gallery]]
        chain.append(photo.matter.watermark)
        for override in chain:
            if override is None:
                continue
            if isinstance(override, bool):
                current = dataclasses.replace(current, enabled=override)
            else:
                current = dataclasses.replace(current, **({"enabled": True} | override))
        return current if current.enabled and (current.text or current.logo) else None

    def watermark_spec(self, photo: Photo) -> tuple[WatermarkSpec | None, tuple[str, ...]]:
        settings = self.watermark_settings(photo)
        if settings is None:
            return None, ()
        font = logo = None
        hashes: list[str] = []
        if settings.font:
            font = _site_file(self.project, settings.font, "font")
            hashes.append(self._checked(font, "font"))
        if settings.logo:
            logo = _site_file(self.project, settings.logo, "logo")
            hashes.append(self._checked(logo, "logo"))
        spec = WatermarkSpec(
            text=settings.text.format(year=self._year(photo), author=self._author(photo)),
            font=str(font) if font else None,
            logo=str(logo) if logo else None,
            position=settings.position,
            size=settings.size,
            margin=settings.margin,
            opacity=settings.opacity,
            style=settings.style,
        )
        return spec, tuple(hashes)

    def _checked(self, path: Path, kind: str) -> str:
        """Digest of a watermark file, checked from the very bytes that were hashed (once per build)."""
        if path not in self._file_hashes:
            try:
                digest, data = content(path)
            except OSError as exc:
                raise (
                    read_failure(path, exc)
                    if is_environment_error(exc)
                    else ConfigError(f"[watermark] {kind}: cannot read {path} ({exc.strerror or exc})")
                ) from None
            if kind == "font":
                _check_font(path, digest, data)
            else:
                _check_logo(path, digest, data, self.config.images.max_pixels)
            self._file_hashes[path] = digest
        return self._file_hashes[path]

    # -- metadata ----------------------------------------------------------------

    def _year(self, photo: Photo) -> int:
        return photo.date.year if photo.date else self.year

    def _author(self, photo: Photo) -> str:
        return photo.author or self.config.site.rights_holder

    def rights(self, photo: Photo) -> Rights | None:
        meta = self.config.metadata
        if not meta.embed_rights:
            return None
        author = self._author(photo)
        year = self._year(photo)
        licence = licence_of(photo, self.config)
        # Metadata needs absolute URLs: without a host in base_url the links are left out.
        licensing = licensing_url(self.urls) if self.urls.absolute else None
        acquire = acquire_licence_url(self.urls) if self.urls.absolute else None
        if licence.public_domain:
            # Nothing can be reserved on a public-domain work: say so, and forbid nothing.
            return Rights(
                creator=author,
                notice=f"{author}. No rights reserved ({licence.short}).",
                marked=False,
                credit=meta.credit or author,
                web_statement=licensing,
                usage_terms=f"{licence.name}: {licence.url}" if licence.url else licence.name,
                data_mining="DMI-UNSPECIFIED",
            )
        if licence.reserved:
            notice = self.config.site.copyright.format(year=year, author=author)
            terms = None
        else:
            notice = f"© {year} {author}. {licence.short}."
            terms = f"{licence.name}: {licence.url}" if licence.url else licence.name
        return Rights(
            creator=author,
            notice=notice,
            marked=True,
            credit=meta.credit or author,
            web_statement=licensing,
            licensor_url=acquire,
            usage_terms=terms,
            data_mining=meta.data_mining,
            other_constraints=meta.other_constraints or None,
        )

    def signing_spec(self, photo: Photo) -> SigningSpec | None:
        """The same creator, notice and data-mining statement as the files' XMP (or, without it, the config's)."""
        if self.signing is None:
            return None
        rights = self.rights(photo)
        author = self._author(photo)
        if rights is not None:
            return for_photo(self.signing, rights.creator, rights.notice, rights.data_mining or "DMI-UNSPECIFIED")
        licence = licence_of(photo, self.config)
        mining = "DMI-UNSPECIFIED" if licence.public_domain else self.config.metadata.data_mining
        return for_photo(self.signing, author, "", mining)

    def description(self, photo: Photo) -> Description | None:
        if not self.config.metadata.embed_captions:
            return None
        return Description(
            title=photo.title if photo.has_title else None,  # "Harbour, photo 3" is the page's, not the file's
            caption=photo.caption_text or None,
            alt=photo.alt if photo.has_alt else None,
            keywords=self.keywords.names(photo),
        )

    # -- jobs ----------------------------------------------------------------------

    def clean_widths(self, photo: Photo, spec: WatermarkSpec | None, sizes: Sequence[process.Size]) -> tuple[int, ...]:
        """Widths of the unmarked grid/card thumbnails: none unless the photo is marked and
        ``thumbnails = "clean"``; then every derivative width below ``min_width``.

        The role, not the width, decides what is marked: full views are marked at every
        width (a 2x phone's 800 px lightbox file too), and only thumbnails can be clean.
        """
        settings = self.watermark_settings(photo)
        if spec is None or settings is None or settings.thumbnails != "clean":
            return ()
        return tuple(s.width for s in sizes if s.width < settings.min_width)

    def job(self, photo: Photo) -> ImageJob:
        spec, hashes = self.watermark_spec(photo)
        sizes = process.plan_sizes(photo.info.width, photo.info.height, self.settings.widths, self.settings.max_size)
        return ImageJob(
            source=str(photo.source),
            content_hash=photo.info.content_hash,
            orientation=photo.info.orientation,
            source_size=(photo.info.width, photo.info.height),
            settings=self.settings,
            output_stem=f"media/{photo.gallery.path}{photo.slug}",
            watermark=spec,
            rights=self.rights(photo),
            description=self.description(photo),
            keep_camera=self.config.metadata.keep_camera_info,
            file_hashes=hashes,
            clean_widths=self.clean_widths(photo, spec, sizes),
            identify=self.config.protect.fingerprints,
            signing=self.signing_spec(photo),
        )


def plan(site: Site) -> dict[Photo, ImageJob]:
    planner = Planner(site.project, site.build_time.year, keyword_index(site))
    return {photo: planner.job(photo) for photo in site.all_photos()}
