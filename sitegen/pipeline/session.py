"""A build that stays alive between saves: ``sitegen build``'s phases, re-run only where a change requires.

Each rebuild runs the same phases as ``sitegen build`` (:func:`.phases.produce`).
A :class:`BuildSession` keeps what each phase produced (the project and theme,
the parsed content files, the image results, every page's HTML and what it
depended on) and hands it to them as an :class:`.phases.Incremental`, so that,
given the files that changed, they redo:

* the configuration, and then everything, only when ``sitegen.toml`` changed;
* only the saved files, when every change since the last good rebuild is the
  text of a page or of a photo's sidecar the model knows (:mod:`.edits`: the
  pages that show that text are asked again, nothing else is looked at);
* else the content reader when anything under ``content/`` changed (parsed
  files are memoised on their text, photos' headers on size and time);
* image processing only for photos whose job is new (a new or edited photo;
  a template, CSS or page change does no image work at all, a sidecar change
  only plans the jobs and finds them all done);
* templates only for pages whose recorded dependencies answer differently
  now (see :mod:`sitegen.render.deps`; ``SITEGEN_FULL_RENDER=1`` renders
  every page every time); after a template change, the pages open in a
  browser (``first``) are rendered and written before all the others, so
  they reload while the rest of the site is still being rendered, and
* the writes only for files whose bytes differ from the folder's.

A failed rebuild changes nothing that was applied: the previous site stays
served, and what the failed attempt should have re-read is re-read next time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import CONFIG_NAME, Project
from ..content.memo import ParseMemo
from ..content.model import Site
from ..errors import Problem, Reporter
from ..images.batch import BatchResult, ImageCache, run_batch
from ..images.jobs import ImageJob
from ..images.probe import ProbeCache
from ..output.preview import Applied, PreviewFolder
from ..render.deps import MemoRenderer, PageMemo
from ..render.theme import Theme
from .edits import TextPass, rebuild_text
from .images import ImageResults, Progress
from .phases import BuildFailed, Incremental, load, load_theme, produce

FULL_RENDER = "SITEGEN_FULL_RENDER"
_TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".txt", ".j2", ".jinja")  # changes that make every page render


class Interrupted(Exception):
    """The session was asked to stop (Ctrl-C) between two chunks of image work."""


@dataclass
class Rebuild:
    """What one rebuild did; the preview prints it and decides how browsers reload."""

    number: int
    full: bool
    read_content: bool  # the saved content files were read (all of them, unless ``text_only``)
    image_phase: bool  # whether image jobs were planned at all (not for template, CSS or page changes)
    images_processed: int
    pages_rendered: list[str]
    pages_reused: int
    applied: Applied
    renamed_assets: dict[str, str]  # old site path -> new site path of content-hashed theme files
    problems: list[Any] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the rebuilding thread: steadier than wall time on a busy machine
    text_only: bool = False  # only the saved files' text was re-read, only the pages showing it asked (.edits)


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class BuildSession:
    """Incremental builds of one site into a :class:`PreviewFolder`."""

    def __init__(
        self,
        site_dir: Path,
        folder: PreviewFolder,
        *,
        overrides: dict[str, Any] | None = None,
        preview_origin: str | None = None,
        exclusive: Callable[[], AbstractContextManager[Any]] = nullcontext,
        should_stop: Callable[[], bool] = lambda: False,
        echo: Callable[[str], None] | None = None,
        chunk_per_worker: int = 4,
        full_render: bool | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.folder = folder
        self.overrides = overrides or {}
        self.preview_origin = preview_origin  # "http://127.0.0.1:8000": links point at the preview server
        self.exclusive = exclusive  # held while files change on disk: no request reads meanwhile
        self.should_stop = should_stop
        self.echo = echo
        self.chunk_per_worker = chunk_per_worker  # Ctrl-C waits for at most this many photos per worker
        # Every page rendered on every rebuild (no page memo): SITEGEN_FULL_RENDER=1, to rule the memo out.
        self.full_render = os.environ.get(FULL_RENDER) == "1" if full_render is None else full_render
        self.number = 0
        self.build_time: Any = None  # one build time per session, or every rebuild would change every page
        self.project: Project | None = None
        self.theme: Theme | None = None
        self.site: Site | None = None
        self.images: ImageResults | None = None
        self.assets: dict[str, str] = {}
        self.problems: list[Problem] = []  # what the last good rebuild reported
        self.pages = PageMemo()
        self._text: TextPass | None = None  # kept between text-only rebuilds (.edits); the phases end it
        self._reset_caches()
        self._pending_config = True
        self._pending_content = True
        self._pending_paths: set[Path] | None = None  # changed since the last good rebuild; None: unknown

    def _reset_caches(self) -> None:
        self.parsed = ParseMemo()
        self.pages.clear()
        self.probes: ProbeCache | None = None
        self.image_cache: ImageCache | None = None

    # -- what a change touches -------------------------------------------------------

    def classify(self, paths: Iterable[Path]) -> tuple[bool, bool]:
        """(config changed, content changed) for a set of changed paths."""
        root = self.site_dir.resolve()
        linked = self._linked_folders()
        config = content = False
        for path in paths:
            if path == root / CONFIG_NAME:
                config = True
            elif _under(path, root / "content") or any(_under(path, folder) for folder in linked):
                content = True
        return config, content

    def _linked_folders(self) -> tuple[Path, ...]:
        """The ``[build] follow_links`` folders: galleries linked there change without an event in content/."""
        return self.project.files().allowed[1:] if self.project is not None else ()

    # -- the phases --------------------------------------------------------------------

    def _load(self) -> None:
        project = load(self.site_dir, self.overrides, self.preview_origin)
        theme = load_theme(project)
        self.project, self.theme = project, theme
        self._reset_caches()
        self.probes = ProbeCache(project.cache_dir)
        self.image_cache = ImageCache(project.cache_dir)
        self.images = None

    def _run_images(
        self, jobs: list[ImageJob], cache: ImageCache, workers: int, max_pixels: int, progress: Progress | None
    ) -> BatchResult:
        """Image jobs in chunks, so Ctrl-C during a large import stops after the current chunk."""
        total = BatchResult()
        started = shown = time.perf_counter()
        chunk = max(1, workers) * self.chunk_per_worker
        for start in range(0, len(jobs), chunk):
            if self.should_stop():
                raise Interrupted
            part = run_batch(jobs[start : start + chunk], cache, workers, max_pixels, progress)
            total.sets.update(part.sets)
            total.errors.update(part.errors)
            total.processed += part.processed
            total.reused += part.reused
            now = time.perf_counter()
            if part.processed and self.echo and len(jobs) > chunk and now - shown > 2:
                shown, done = now, min(start + chunk, len(jobs))
                self.echo(f"  photos: {done} of {len(jobs)} done ({now - started:.0f} s)")
        return total

    def _unchanged_images(self, site: Site) -> ImageResults | None:
        """The last image results for the new model, when only pages' text changed since; else None.

        Image jobs are made from photo files, their sidecars, their galleries'
        index.md and the configuration. When every change since the last good
        rebuild is the Markdown of a page that keeps its URL, none of those
        changed, and the image phase (planning 400 jobs costs more than
        rendering the page) is not run at all.
        """
        old_site, old = self.site, self.images
        if self._pending_paths is None or old_site is None or old is None:
            return None
        content = self.site_dir.resolve() / "content"
        before = {page.source: page.path for page in old_site.all_pages() if page.source}
        after = {page.source: page.path for page in site.all_pages() if page.source}
        for path in self._pending_paths:
            if _under(path, content) and (path not in before or after.get(path) != before[path]):
                return None
        by_key = {photo.key: image_set for photo, image_set in old.images.items()}
        images = {}
        for photo in site.all_photos():
            if photo.key not in by_key:
                return None
            images[photo] = by_key[photo.key]
        if len(images) != len(by_key):
            return None
        return ImageResults(images, old.media, 0, len(images), old.by_job)

    def _known_images(self) -> ImageResults | None:
        """The last run's image results, minus entries another build pruned from the cache meanwhile."""
        if self.images is None or self.image_cache is None:
            return None
        root = self.image_cache.root
        alive = {ident: done for ident, done in self.images.by_job.items() if (root / ident[0]).is_dir()}
        return ImageResults({}, {}, by_job=alive)

    def _incremental(self, full: bool) -> Incremental:
        """What the phases may reuse from the last good rebuild."""
        assert self.image_cache is not None
        last = None
        if self.site is not None and self.images is not None and not self._pending_content:
            last = (self.site, self.images)  # nothing the reader reads changed: the model stands
        return Incremental(
            parsed=self.parsed,
            image_cache=self.image_cache,
            pages=None if self.full_render else self.pages,
            last=last,
            unchanged_images=(lambda site: None) if full else self._unchanged_images,
            known_images=self._known_images,
            runner=self._run_images,
            build_time=self.build_time,
        )

    def rebuild(
        self,
        changed: Iterable[Path] | None = None,
        reporter: Reporter | None = None,
        first: Iterable[str] = (),
        early: Callable[[Applied], None] | None = None,
    ) -> Rebuild:
        """Bring the preview folder up to date with the site; ``changed=None`` means "assume everything".

        ``first``: site paths of pages to bring up to date before the others when every page
        must be asked again (a template change); ``early`` is told what that wrote.
        """
        started, cpu = time.perf_counter(), time.thread_time()
        paths = list(changed) if changed is not None else None
        config, content = self.classify(paths) if paths is not None else (True, True)
        self._pending_config |= config
        self._pending_content |= content or config
        if paths is None or self._pending_paths is None:
            self._pending_paths = None
        else:
            self._pending_paths.update(paths)
        full = self._pending_config
        if not full:
            quick = self._rebuild_text(started, cpu)
            if quick is not None:
                return quick
        if full:
            self._load()
        project, theme = self.project, self.theme
        assert project is not None and theme is not None and self.probes is not None and self.image_cache
        reporter = reporter or Reporter(root=project.root)

        incremental = self._incremental(full)
        self._text = None  # its renderer is no longer the memo's
        if early is not None and incremental.last is not None and incremental.pages is not None:
            self._render_first(set(first), early)
        staged = self.folder.staging()
        try:
            produced = produce(project, theme, lambda: staged, reporter, self.probes, None, incremental)
            if reporter.errors:
                raise BuildFailed(f"{len(reporter.errors)} error(s) above; the preview shows the last good site")
            with self.exclusive():
                applied = self.folder.apply(staged)
        finally:
            staged.discard()

        # Everything succeeded: this is the state the next rebuild starts from.
        if incremental.pages is not None:
            self.pages.finish()
        self.parsed.sweep()
        published = produced.rendered.assets.published
        renamed = {
            old: published[name] for name, old in self.assets.items() if name in published and published[name] != old
        }
        self.assets = dict(published)
        self.site, self.images = produced.site, produced.images
        if self.build_time is None:
            self.build_time = produced.site.build_time
        self._pending_config = self._pending_content = False
        self._pending_paths = set()
        self.problems = list(reporter.problems)
        self.number += 1
        return Rebuild(
            number=self.number,
            full=full,
            read_content=produced.read,
            image_phase=produced.image_phase,
            images_processed=produced.images.processed if produced.image_phase else 0,
            pages_rendered=produced.rendered.rendered,
            pages_reused=produced.rendered.reused,
            applied=applied,
            renamed_assets=renamed,
            problems=list(reporter.problems),
            seconds=time.perf_counter() - started,
            cpu_seconds=time.thread_time() - cpu,
        )

    def _render_first(self, first: set[str], early: Callable[[Applied], None]) -> None:
        """The ``first`` pages of an unchanged model rendered and written, before the whole pass.

        Only after template changes: the pass that follows finds them rendered already (their
        recorded questions answer as just recorded) and leaves their files as they are. Should
        it fail on another page, these keep what they show now; the error is shown over them.
        """
        paths = self._pending_paths
        if not first or not paths or any(p.suffix.lower() not in _TEMPLATE_SUFFIXES for p in paths):
            return
        assert self.site is not None and self.images is not None and self.theme is not None
        reporter = Reporter(root=self.site_dir)  # what it says, the whole pass says again
        renderer = MemoRenderer(self.site, self.images.images, self.theme, reporter, memo=self.pages)
        staged = self.folder.staging()
        for job in renderer.jobs():
            if job.site_path in first:
                staged.write_text(job.site_path, renderer.text(job), origin=str(job.source or job.template))
        with self.exclusive():
            applied = self.folder.update(staged)
        early(applied)

    def _rebuild_text(self, started: float, cpu: float) -> Rebuild | None:
        """The rebuild of a save that changed only text (:mod:`.edits`); None when it needs the phases."""
        paths = self._pending_paths
        site, images, project, theme = self.site, self.images, self.project, self.theme
        if self.full_render or not paths or site is None or images is None or project is None or theme is None:
            return None
        assert self.probes is not None and self.image_cache is not None
        try:
            if self._text is None or not self._text.fits(project, theme, site, images):
                self._text = TextPass(project, theme, site, images, self.pages)
            done = rebuild_text(
                self._text, self.probes, self.image_cache.root, self.folder, self.exclusive, paths, self.problems
            )
        except BaseException:
            # The model may hold part of the new text: the next rebuild reads everything again.
            self._pending_paths = None
            raise
        if done is None:
            return None
        self._pending_content = False
        self._pending_paths = set()
        self.problems = done.problems
        self.number += 1
        return Rebuild(
            number=self.number,
            full=False,
            read_content=True,
            image_phase=False,
            images_processed=0,
            pages_rendered=done.rendered,
            pages_reused=done.reused,
            applied=done.applied,
            renamed_assets={},
            problems=done.problems,
            seconds=time.perf_counter() - started,
            cpu_seconds=time.thread_time() - cpu,
            text_only=True,
        )

    # -- what to watch -------------------------------------------------------------------

    def watched_folders(self) -> Iterator[Path]:
        """Folders whose files the site is built from (the site folder itself is watched for its config)."""
        root = self.site_dir.resolve()
        yield root / "content"
        yield root / "templates"
        yield root / "static"
        if self.theme is not None:
            for folder in self.theme.chain:
                yield folder.resolve()
        # A linked folder holding the site itself is not watched: the preview's own writes would trigger rebuilds.
        yield from (folder for folder in self._linked_folders() if not _under(root, folder))


__all__ = ["BuildSession", "Interrupted", "Rebuild"]
