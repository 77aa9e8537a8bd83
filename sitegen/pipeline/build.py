"""``sitegen build``: load, lock the output, check the stamp; then, only if something changed, the full build.

Each phase hands the next a finished product; nothing reaches back. The
output is written into a temporary folder and swapped in only when the build
succeeded (and, with ``strict``, had no warnings), so what is published is
always a complete site.

This module decides whether there is anything to do, and imports only what that
decision needs (the configuration, the file walker, the stamp): a no-op build of
20,000 photos costs a walk of their ``stat``s, not the import of Pillow, Jinja2,
Markdown and YAML. :mod:`.fullbuild`, which has them, is imported once the stamp
says the inputs changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..config import Project, check_folders, load_project
from ..config.themes import BUILTIN_THEMES, resolve_theme
from ..errors import Reporter, environment_failure, is_environment_error
from ..output.folder import OutputLock, check_target, remove_retired, restore_interrupted
from ..rights.addresses import CLIENT_SNIPPETS
from .report import BuildFailed, BuildReport, Progress, notes_for
from .stamp import Inputs, Stamp, StampStore, read_inputs

__all__ = ["BuildFailed", "BuildReport", "build"]


def theme_chain(project: Project) -> list[Path]:
    """The theme folders a build reads, most specific first: the same as ``Theme.load(...).chain``.

    Computed here, without loading the theme (Jinja2), for the stamp.
    """
    folder = resolve_theme(project.config.site.theme, project.root)
    default = BUILTIN_THEMES / "default"
    return [folder] if folder.resolve() == default.resolve() else [folder, default]


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
    defer_removal: bool = False,
) -> BuildReport:
    """Build the site in ``site_dir``; raises :class:`SitegenError` (never exits) on failure.

    When every input is unchanged since the last successful build into the same
    output (see :mod:`sitegen.pipeline.stamp`), nothing is redone: the report says so and
    the warnings of that build are reported again. ``force`` rebuilds regardless.
    The previous output is deleted before this returns, or, with ``defer_removal``, left
    to the caller as ``report.leftover`` (for :func:`~sitegen.output.folder.remove_retired`).
    """
    started = time.perf_counter()
    project = load_project(site_dir, overrides)
    reporter = reporter or Reporter(root=project.root)
    target = (output_dir or project.output_dir).resolve()
    if output_dir is not None:
        check_folders(project, target, "--output")
    check_target(target, project.root, [project.content_dir, project.templates_dir, project.static_dir])
    with OutputLock(target, _say_waiting(reporter, target)) as lock:
        if restore_interrupted(target) and reporter.echo:
            reporter.echo(f"restored {target}: the previous build was interrupted while swapping it")
        inputs = read_inputs(project, target, theme_chain(project), dt.datetime.now(dt.UTC).year)
        stamps = StampStore(project.cache_dir, target)
        previous = None if force else stamps.current(inputs)
        if previous is not None and not previous.server_files_unchanged(CLIENT_SNIPPETS):
            previous = None  # a client galleries' snippet changed: it is made from the content, so build again
        if previous is not None:
            return _up_to_date(project, target, stamps, previous, inputs, reporter, started)
        from .fullbuild import build_changed  # Pillow, Jinja2, Markdown: only now that there is work

        report = build_changed(project, target, lock, inputs, reporter, progress, started)
    if report.leftover is not None and not defer_removal:
        remove_retired(report.leftover)
        report = dataclasses.replace(report, leftover=None)
    return report


def _up_to_date(
    project: Project,
    target: Path,
    stamps: StampStore,
    previous: Stamp,
    inputs: Inputs,
    reporter: Reporter,
    started: float,
) -> BuildReport:
    """Nothing changed since the last build into ``target``: its warnings again, and nothing written.

    The server snippets beside the output are written again only when one was deleted or
    changed. Files that were racy when the stamp was taken and have settled since are checked
    no more (the stamp is refreshed once).
    """
    for problem in previous.problems:
        reporter.add(problem)
    if project.config.build.strict and reporter.warnings:
        raise BuildFailed(f"strict mode: {len(reporter.warnings)} warning(s) above")
    stamp = previous
    if not previous.server_files_unchanged():
        from .fullbuild import check_server_config_folder, write_server_config  # as rare as a deleted snippet

        check_server_config_folder(project, target)
        stamp = dataclasses.replace(stamp, server_files=write_server_config(project, target, reporter))
    if inputs.racy(inputs.racy_since) < inputs.racy(previous.racy_since):
        stamp = dataclasses.replace(stamp, fingerprint=inputs.fingerprint(), racy_since=inputs.racy_since)
    if stamp is not previous:
        with contextlib.suppress(OSError):  # the stamp as it was stays valid: the next build checks again
            stamps.save(stamp)
    return previous.report.replayed(time.perf_counter() - started, notes_for(project.config.site.base_url))
