"""The build that has something to do: the phases of :func:`.phases.produce`, the swap, the stamp.

Imported by :mod:`.build` only once the stamp said the inputs changed (or ``--force``): this
module is where Pillow, Jinja2, Markdown and YAML come in, and a build that finds nothing
changed never loads them.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from ..config import Project
from ..content.model import Site
from ..errors import Reporter, SitegenError, environment_failure
from ..images.probe import ProbeCache
from ..output.folder import Output, OutputLock
from ..protect import clientauth, edge, honeypot
from ..protect.hostfiles import CADDY, NGINX_HEADERS, NGINX_MAP, NGINX_SITE, SERVER_CONFIG_DIR, write_server_snippets
from ..protect.policy import signals_for
from ..protect.refusal import refusal_for
from ..rights.addresses import CLIENT_SNIPPETS
from ..urls import Urls
from .fingerprints import write_index
from .phases import load_theme, produce
from .report import BuildFailed, BuildReport, Progress, notes_for
from .stamp import Inputs, Stamp, StampStore, file_state


def check_server_config_folder(project: Project, target: Path) -> None:
    """Refuse, before anything is swapped, a ``server-config`` beside the output that is not a folder."""
    folder = target.parent / SERVER_CONFIG_DIR
    if signals_for(project.config).header_files and (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        raise SitegenError(
            f"{folder} is not a folder: sitegen writes the nginx and Caddy snippets there "
            "([protect] header_files); move that file away, or set header_files = false"
        )


def server_file_paths(project: Project, target: Path) -> list[Path]:
    """Every file :func:`write_server_config` keeps beside ``target`` for this configuration."""
    config = project.config
    if not signals_for(config).header_files:
        return []
    names = [f"{SERVER_CONFIG_DIR}/{name}" for name in (NGINX_SITE, NGINX_HEADERS, NGINX_MAP, CADDY)]
    names += honeypot.snippet_names(config, SERVER_CONFIG_DIR)
    if refusal_for(config, Urls(config.site.base_url)).active:
        names += [edge.CLOUDFLARE_MIDDLEWARE, edge.NETLIFY_EDGE_FUNCTION]
    names += [f"{SERVER_CONFIG_DIR}/{name}" for name in clientauth.htpasswd_files(config)]
    if config.clients.logins:
        names += [f"{SERVER_CONFIG_DIR}/{name}" for name in CLIENT_SNIPPETS]
    return [target.parent / name for name in names]


def write_server_config(
    project: Project, target: Path, reporter: Reporter, site: Site | None = None
) -> tuple[tuple[str, str], ...]:
    """nginx and Caddy snippets beside the published output (not inside it: they are not for the web).

    Written after the swap, for `sitegen build` only (a preview has no server to configure), and
    again by an up-to-date build that finds one deleted or changed. What can be checked beforehand
    is, by :func:`check_server_config_folder`; a failure here still says the site was published.
    Returns the files as they are now (path, digest), for the stamp.
    """
    config = project.config
    if signals_for(config).header_files:
        try:
            write_server_snippets(config, Urls(config.site.base_url), target, reporter, site)
        except OSError as exc:
            # The path is the host file that failed (server-config/, functions/ or netlify/ beside the output).
            raise environment_failure(exc, "the site is published, but this host file beside it is not") from exc
    return tuple((str(path), file_state(path)) for path in server_file_paths(project, target))


def build_changed(
    project: Project,
    target: Path,
    lock: OutputLock,
    inputs: Inputs,
    reporter: Reporter,
    progress: Progress | None,
    started: float,
) -> BuildReport:
    """Build into a new folder, swap it in, write the server snippets, save the stamp."""
    check_server_config_folder(project, target)
    theme = load_theme(project)
    stamps = StampStore(project.cache_dir, target)
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
        leftover = out.commit(token)
    server_files = write_server_config(project, target, reporter, produced.site)
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
        notes=notes_for(project.config.site.base_url),
        leftover=leftover,
    )
    found = tuple(produced.images.watermark_files.items())
    stamp = Stamp(inputs.fingerprint(), token, tuple(reporter.problems), report, found, inputs.racy_since, server_files)
    try:
        stamps.save(stamp)
    except OSError as exc:
        raise environment_failure(
            exc, "the site is published, but the next build cannot know it is up to date"
        ) from exc
    return report
