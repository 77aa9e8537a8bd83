"""``sitegen build``: load, lock the output, check the stamp, then the phases of :func:`.phases.produce`.

Each phase hands the next a finished product; nothing reaches back. The
output is written into a temporary folder and swapped in only when the build
succeeded (and, with ``strict``, had no warnings), so what is published is
always a complete site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..config import Project, check_folders
from ..errors import (
    Reporter,
    SitegenError,
    environment_failure,
    is_environment_error,
)
from ..images.probe import ProbeCache
from ..output.folder import Output, OutputLock, check_target, restore_interrupted
from ..protect.hostfiles import SERVER_CONFIG_DIR, write_server_snippets
from ..protect.policy import signals_for
from ..urls import Urls
from .fingerprints import write_index
from .images import Progress
from .phases import BuildFailed, load, load_theme, produce
from .report import BuildReport
from .stamp import Stamp, StampStore, fingerprint


def notes_for(project: Project) -> list[str]:
    if "://" not in project.config.site.base_url:
        return [
            "[site] base_url is not an absolute URL: sitemap.xml, feed.xml, canonical and social-card "
            "URLs and the licensing links inside image files are left out; set it before you deploy"
        ]
    return []


def write_server_config(project: Project, target: Path, reporter: Reporter) -> None:
    """nginx and Caddy snippets beside the published output (not inside it: they are not for the web).

    Written after the swap, for `sitegen build` only (a preview has no server to configure), and
    again on an up-to-date build so a deleted snippet comes back. What can be checked beforehand
    is, by :func:`check_server_config_folder`; a failure here still says the site was published.
    """
    config = project.config
    if signals_for(config).header_files:
        try:
            write_server_snippets(config, Urls(config.site.base_url), target, reporter)
        except OSError as exc:
            raise environment_failure(
                exc, f"the site is published, but the server snippets in {SERVER_CONFIG_DIR}/ beside it are not"
            ) from exc


def check_server_config_folder(project: Project, target: Path) -> None:
    """Refuse, before anything is swapped, a ``server-config`` beside the output that is not a folder."""
    folder = target.parent / SERVER_CONFIG_DIR
    if signals_for(project.config).header_files and (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        raise SitegenError(
            f"{folder} is not a folder: sitegen writes the nginx and Caddy snippets there "
            "([protect] header_files); move that file away, or set header_files = false"
        )


def _say_waiting(reporter: Reporter, target: Path) -> Callable[[], None] | None:
    echo = reporter.echo
    if echo is None:
        return None
    return lambda: echo(f"waiting: another sitegen build is writing {target}; this one goes on when it has finished")


P = ParamSpec("P")
R = TypeVar("R")


def stops_on_environment_errors(func: Callable[P, R]) -> Callable[P, R]:
    """A full disk, a read-only or failing file system, a refused permission: one line naming the path.

    Such errors are not the input's fault and would fail every other file the same way, so the
    build stops. Raised before the swap, so the previous output is untouched (the steps after
    the swap say otherwise themselves).
    """

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OSError as exc:
            if not is_environment_error(exc):
                raise
            raise environment_failure(exc) from exc

    return run


@stops_on_environment_errors
def build(
    site_dir: Path,
    *,
    overrides: dict[str, Any] | None = None,
    output_dir: Path | None = None,
    reporter: Reporter | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> BuildReport:
    """Build the site in ``site_dir``; raises :class:`SitegenError` (never exits) on failure.

    When every input is unchanged since the last successful build into the same
    output (see :mod:`sitegen.pipeline.stamp`), nothing is redone: the report says so and
    the warnings of that build are reported again. ``force`` rebuilds regardless.
    """
    started = time.perf_counter()
    project = load(site_dir, overrides)
    reporter = reporter or Reporter(root=project.root)
    target = (output_dir or project.output_dir).resolve()
    if output_dir is not None:
        check_folders(project, target, "--output")
    check_target(target, project.root, [project.content_dir, project.templates_dir, project.static_dir])
    with OutputLock(target, _say_waiting(reporter, target)) as lock:
        return _build_locked(project, target, lock, reporter, progress, force, started)


def _build_locked(
    project: Project,
    target: Path,
    lock: OutputLock,
    reporter: Reporter,
    progress: Progress | None,
    force: bool,
    started: float,
) -> BuildReport:
    """The build proper, holding the output's lock: one build per output at a time, start to stamp."""
    if restore_interrupted(target) and reporter.echo:
        reporter.echo(f"restored {target}: the previous build was interrupted while swapping it")
    check_server_config_folder(project, target)
    theme = load_theme(project)

    stamps = StampStore(project.cache_dir, target)
    inputs = fingerprint(project, target, theme.chain, dt.datetime.now(dt.UTC).year)
    previous = None if force else stamps.current(inputs)
    if previous is not None:
        return _up_to_date(project, target, previous, reporter, started)

    token = stamps.new_token()
    with contextlib.ExitStack() as stack:
        produced = produce(
            project,
            theme,
            lambda: stack.enter_context(Output(target, lock)),
            reporter,
            ProbeCache(project.cache_dir),
            progress,
        )
        if reporter.errors:
            raise BuildFailed(f"build failed with {len(reporter.errors)} error(s); the previous output is untouched")
        if project.config.build.strict and reporter.warnings:
            raise BuildFailed(
                f"strict mode: {len(reporter.warnings)} warning(s) above; the previous output is untouched"
            )
        out = produced.writer
        files = len(out.written)
        out.commit(token)
    write_server_config(project, target, reporter)
    write_index(project, target, produced.site, produced.images, reporter)

    report = BuildReport(
        output_dir=target,
        pages=1 + len(produced.site.pages),
        galleries=sum(1 for _ in produced.site.all_galleries()),
        photos=len(produced.images.images),
        images_processed=produced.images.processed,
        images_reused=produced.images.reused,
        files_written=files,
        seconds=time.perf_counter() - started,
        warnings=len(reporter.warnings),
        notes=notes_for(project),
    )
    _save_stamp(stamps, inputs, token, report, reporter, produced.images.watermark_files)
    return report


def _up_to_date(project: Project, target: Path, previous: Stamp, reporter: Reporter, started: float) -> BuildReport:
    """Nothing changed since the last build into ``target``: its warnings again, and nothing written."""
    for problem in previous.problems:
        reporter.add(problem)
    if project.config.build.strict and reporter.warnings:
        raise BuildFailed(f"strict mode: {len(reporter.warnings)} warning(s) above")
    write_server_config(project, target, reporter)
    return previous.report.replayed(time.perf_counter() - started, notes_for(project))


def _save_stamp(
    stamps: StampStore, inputs: str, token: str, report: BuildReport, reporter: Reporter, found: dict[str, str]
) -> None:
    """What the next build needs to know it is up to date: the inputs (``found``: those met while building,
    by content digest), this output's token, the report."""
    try:
        stamps.save(Stamp(inputs, token, tuple(reporter.problems), report, tuple(found.items())))
    except OSError as exc:
        raise environment_failure(
            exc, "the site is published, but the next build cannot know it is up to date"
        ) from exc
