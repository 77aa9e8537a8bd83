"""The publish phase: the only code that writes the site, and only through a :class:`Writer`.

What was rendered (pages, protection files, sitemap and feed), the theme's
assets, ``static/`` and the cached image derivatives go out in one fixed
order, the same for ``sitegen build`` (an :class:`~sitegen.output.folder.Output`)
and ``sitegen serve`` (a :class:`~sitegen.output.preview.StagedOutput`). Pages are
written as the render phase yields them (a sink it feeds, not a dict of every page's text:
20,000 pages were 160 MB held until the last one was rendered).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Reporter
from ..images.scrub import ScrubError, is_checked, scrub
from ..output.writer import Writer
from ..protect.files import SignalFile
from ..render.site import PageStream, RenderedPage
from ..render.theme import Assets
from ..sitefiles import SiteFiles


@dataclass
class Rendered:
    """Everything the render phase produces, in the order it is published; nothing of it written yet.

    ``pages`` are rendered as the publish phase takes them, so ``rendered``, ``reused`` and
    ``assets.published`` are complete only once it has taken them all.
    """

    pages: PageStream  # (site path, HTML and what produced it), in the order rendered
    signals: list[SignalFile]  # robots.txt, ai.txt, TDMRep, host header files
    feeds: dict[str, RenderedPage]  # sitemap.xml, feed.xml (none without an absolute base URL)
    assets: Assets  # theme files, and the content-hashed names templates asked for
    rendered: list[str]  # site paths whose templates ran (``sitegen serve`` reuses the others)
    reused_pages: list[str]

    @property
    def reused(self) -> int:
        return len(self.reused_pages)


def _system_junk(name: str) -> bool:
    """Files operating systems leave in folders; ``._*`` are macOS metadata twins (AppleDouble)."""
    return name in (".DS_Store", "Thumbs.db", "desktop.ini") or name.startswith("._")


def publish(
    writer: Writer,
    rendered: Rendered,
    static: Path,
    files: SiteFiles,
    media: dict[str, Path],
    reporter: Reporter,
) -> None:
    """Write the site: pages, protection files, sitemap and feed, theme assets, static/, images.

    Each page is written as it is rendered and then dropped. Whatever stops this half-way (a
    template error, a full disk) stops the render workers and leaves the writer uncommitted.
    """
    try:
        for site_path, page in rendered.pages:
            writer.write_text(site_path, page.text, origin=page.origin)
    finally:
        rendered.pages.close()
    for signal in rendered.signals:
        if isinstance(signal.data, bytes):
            writer.write_bytes(signal.path, signal.data, origin=signal.origin)
        else:
            writer.write_text(signal.path, signal.data, origin=signal.origin)
    for site_path, feed in rendered.feeds.items():
        writer.write_text(site_path, feed.text, origin=feed.origin)
    publish_assets(writer, rendered.assets, reporter)
    publish_static(writer, static, files, reporter)
    publish_images(writer, media)


def publish_assets(writer: Writer, assets: Assets, reporter: Reporter) -> None:
    # Every theme file under its plain name (so CSS url() references resolve) ...
    for name, source in assets.files.items():
        publish_file(writer, f"theme/{name}", source, f"theme {source}", reporter)
    # ... and the ones templates asked for under content-hashed names too.
    for name, site_path in assets.published.items():
        publish_file(writer, site_path, assets.files[name], f"theme {name}", reporter)


def publish_static(writer: Writer, static: Path, files: SiteFiles, reporter: Reporter) -> None:
    """The site's ``static/`` folder as it is, except what sitegen generates itself."""
    for entry in files.walk(static, _system_junk):
        path = entry.path
        rel = path.relative_to(static).as_posix()
        if writer.exists(rel):
            reporter.warning(f"ignored: sitegen generates /{rel} itself", path)
            continue
        publish_file(writer, rel, path, str(path), reporter)


def publish_file(writer: Writer, site_path: str, source: Path, origin: str, reporter: Reporter) -> None:
    """Copy a static or theme file, without the private metadata of images (see :mod:`sitegen.images.scrub`)."""
    if not is_checked(source.suffix):
        writer.copy(site_path, source, origin=origin)
        return
    try:
        cleaned = scrub(source.read_bytes(), source.suffix)
    except ScrubError as exc:
        reporter.warning(f"not published: {exc}", source)
        return
    if cleaned.removed:
        reporter.info(f"published without its metadata: {', '.join(cleaned.removed)}", source)
    writer.write_bytes(site_path, cleaned.data, origin=origin)


def publish_images(writer: Writer, media: dict[str, Path]) -> None:
    """Link each photo's cached derivatives into the output: the only image bytes ever published."""
    for site_path, cached in media.items():
        writer.link(site_path, cached, origin="images")


__all__ = ["Rendered", "publish"]
