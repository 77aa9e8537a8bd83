"""``sitegen serve`` after a save that changed only the text of known pages or photo sidecars.

The phases (:func:`.phases.produce`) re-read the whole content folder, plan
every photo's image job, ask every page's recorded questions again, and
compare every output file: each proportional to the site, together half a
second a save at 5,000 photos. A save of ``about.md``'s text or of one
caption changes a handful of pages. :func:`rebuild_text` does only that
handful's work:

* re-reads only the saved files (:mod:`sitegen.content.reread`), and gives up
  (None: the caller runs the phases) unless each one changed only text;
* checks the photo's image job is the same one (so its files are; with
  ``[metadata] embed_captions`` a caption is in the files and it is not);
* puts the new text into the model in place;
* asks again only the pages whose recorded questions name a changed object
  (:meth:`sitegen.render.deps.PageMemo.readers`), the changed objects' own
  pages (their ``<head>`` and social card are computed from them), the home
  page and the galleries a changed photo is the cover of; each is reused
  unless its questions answer differently (:mod:`sitegen.render.deps`);
* writes only the files those pages (and ``feed.xml``, when a cover's alt
  text is in it) changed.

The sitemap, the protection files and every other page are left as they are:
what they are made of (URLs, dates, licences, menu titles, image files) is not
text a re-read may change.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Project
from ..content.model import Page, Photo, Site
from ..content.reread import Reread, apply, reread
from ..errors import Problem, Reporter
from ..images.probe import ProbeCache
from ..output.preview import Applied, PreviewFolder
from ..render.deps import MemoRenderer, PageMemo
from ..render.signatures import Ident, ident_of
from ..render.syndication import feed_text
from ..render.theme import Theme
from .checks import check_alt_texts
from .imagejobs import Planner
from .images import ImageResults


@dataclass
class TextRebuild:
    """What :func:`rebuild_text` did."""

    rendered: list[str]
    reused: int
    applied: Applied
    problems: list[Problem] = field(default_factory=list)


class TextPass:
    """What text-only rebuilds of one model share: its renderer (templates loaded, shared fragments
    planned), its pages' jobs by site path and its image planner. Made on the first such rebuild
    after the phases ran; any rebuild through the phases ends it (:meth:`fits` is then False)."""

    def __init__(self, project: Project, theme: Theme, site: Site, images: ImageResults, memo: PageMemo) -> None:
        self.project, self.theme, self.site, self.images = project, theme, site, images
        self.renderer = MemoRenderer(site, images.images, theme, Reporter(root=project.root), memo=memo)
        self.jobs = {job.site_path: job for job in self.renderer.jobs()}
        self.planner = Planner(project, site.build_time.year)
        self.memo = memo

    def fits(self, project: Project, theme: Theme, site: Site, images: ImageResults) -> bool:
        now, then = (project, theme, site, images), (self.project, self.theme, self.site, self.images)
        return all(a is b for a, b in zip(now, then, strict=True))

    def begin(self, reporter: Reporter) -> MemoRenderer:
        """The renderer for one more pass, reporting into ``reporter``."""
        renderer = self.renderer
        renderer.reporter = renderer.api.reporter = reporter
        renderer.files = renderer.api.files = self.project.files(reporter)
        self.memo.begin(renderer)
        return renderer


def _same_images(planner: Planner, images: ImageResults, cache: Path, edits: list[Reread]) -> bool:
    """Whether each re-read photo's image job is the one its files were made by, still in the cache
    (another build may have pruned it: the phases then make it again)."""
    photos = [e for e in edits if isinstance(e.old, Photo)]
    for edit in photos:
        old, new = edit.old, edit.new
        assert isinstance(old, Photo) and isinstance(new, Photo)
        job = planner.job(new)
        done = images.by_job.get((job.key, job.output_stem))
        if done is None or old not in images.images or done[0] != images.images[old]:
            return False
        if not (cache / job.key).is_dir():
            return False
    return True


def _page_of(obj: Page | Photo) -> str:
    return f"{obj.path}index.html"


def _candidates(site: Site, memo: PageMemo, changed: list[Page | Photo]) -> tuple[set[str], bool]:
    """The pages that may show the changed objects' text, and whether feed.xml may (a cover's alt)."""
    idents: set[Ident] = {i for i in (ident_of(obj) for obj in changed) if i is not None}
    pages = memo.readers(idents) | {_page_of(obj) for obj in changed} | {"index.html"}
    photos = {id(obj) for obj in changed if isinstance(obj, Photo)}
    feed = False
    if photos:
        for gallery in site.all_galleries():
            if gallery.cover is not None and id(gallery.cover) in photos:
                pages.add(f"{gallery.path}index.html")
                feed = True
    return pages, feed


def rebuild_text(
    state: TextPass,
    probes: ProbeCache,
    image_cache: Path,
    folder: PreviewFolder,
    exclusive: Callable[[], AbstractContextManager[Any]],
    paths: set[Path],
    problems: list[Problem],
) -> TextRebuild | None:
    """Bring the preview up to date after saves of ``paths``; None when they need the phases.

    ``problems``: what the last rebuild reported; those about the saved files (and their
    photos) are replaced by what this re-read reports, the others stand.
    """
    project, site, images, memo = state.project, state.site, state.images, state.memo
    reporter = Reporter(root=project.root)
    edits = reread(project, reporter, probes, site, paths)
    if edits is None or not _same_images(state.planner, images, image_cache, edits):
        return None
    apply(edits)
    changed = [edit.old for edit in edits]
    check_alt_texts(site, images.images, reporter, [p for p in changed if isinstance(p, Photo)])

    wanted, feed = _candidates(site, memo, changed)
    renderer = state.begin(reporter)
    staged = folder.staging()
    for site_path in sorted(wanted):
        job = state.jobs.get(site_path)
        if job is not None:
            staged.write_text(site_path, renderer.text(job), origin=str(job.source or job.template))
    if feed and renderer.urls.origin is not None:
        origin, urls = renderer.urls.origin, renderer.urls
        staged.write_text("feed.xml", feed_text(site, images.images, lambda p: origin + urls.url(p)), "feed")
    with exclusive():
        applied = folder.update(staged)

    about = set(paths) | {p.source for p in changed if isinstance(p, Photo)}
    kept = [p for p in problems if p.path not in about]
    rendered = list(renderer.rendered)  # the pages not asked are reused as they are, like those asked
    return TextRebuild(rendered, len(memo.records) - len(rendered), applied, kept + list(reporter.problems))


__all__ = ["TextPass", "TextRebuild", "rebuild_text"]
