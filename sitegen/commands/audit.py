"""``sitegen audit PATH|URL``: what a built folder or a deployed site really tells machines.

PATH may be a site folder (its built output is audited with its own
sitegen.toml and originals) or any output folder; a URL is audited over HTTP,
talking only to that origin. ``--site`` adds a site folder's config and
originals to a URL or output-folder audit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from ..audit import AuditError, FolderSource, HttpSource, Report, Status, run_audit
from ..config import CONFIG_NAME, Config, load_project
from ..errors import SitegenError
from ..images.formats import is_photo


@dataclass(frozen=True)
class AuditOptions:
    site: Path | None = None
    timeout: float = 10.0
    max_requests: int = 300
    max_time: float = 180.0  # the whole URL audit; what is left is reported as not checked
    max_size: int | None = None


def _is_site(folder: Path) -> bool:
    return (folder / CONFIG_NAME).is_file() or (folder / "content").is_dir()


def _originals(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*") if p.is_file() and not p.name.startswith(".") and is_photo(p))


def audit(target: str, options: AuditOptions | None = None) -> Report:
    """Run the audit; raises :class:`SitegenError` when the target cannot be audited at all."""
    options = options or AuditOptions()
    config: Config | None = None
    originals: list[Path] = []
    site = options.site
    if site is not None and not _is_site(site):
        raise SitegenError(f"--site {site}: not a site folder (no {CONFIG_NAME} and no content/ folder)")
    is_url = target.startswith(("http://", "https://"))
    if not is_url:
        folder = Path(target)
        if not folder.is_dir():
            raise SitegenError(f"{target}: no such folder (give a built site folder or an http(s) URL)")
        if _is_site(folder) and site is None:
            site = folder
    if site is not None:
        project = load_project(site)
        config = project.config
        originals = _originals(project.content_dir)
    try:
        if is_url:
            source: FolderSource | HttpSource = HttpSource(
                target, timeout=options.timeout, max_requests=options.max_requests, max_time=options.max_time
            )
            home = source.get(source.base_path)
            if home.error or home.status == 0:
                raise SitegenError(f"cannot reach {target}: {home.error}")
        else:
            folder = Path(target)
            if _is_site(folder):
                folder = load_project(folder).output_dir
                if not folder.is_dir():
                    raise SitegenError(f"{target} has not been built yet (no {folder}); run `sitegen build {target}`")
            if not (folder / "index.html").is_file():
                raise SitegenError(f"{folder}: no index.html; is this a built site?")
            source = FolderSource(folder)
    except AuditError as exc:
        raise SitegenError(str(exc)) from None
    return run_audit(source, config=config, originals=originals, max_size=options.max_size)


_MARK = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.SKIP: "SKIP",
    Status.INFO: "INFO",
    Status.UNCHECKED: "UNCHECKED",
}
_MARK_WIDTH = max(len(m) for m in _MARK.values())


def format_table(report: Report, colour: bool = False) -> str:
    """One row per protection; failing, unchecked and warning rows get their fix on the next line."""
    colours = {
        Status.PASS: "green",
        Status.FAIL: "red",
        Status.WARN: "yellow",
        Status.SKIP: None,
        Status.INFO: "cyan",
        Status.UNCHECKED: "magenta",
    }
    width = max(len(c.title) for c in report.checks)
    pad = _MARK_WIDTH
    lines = [f"Audit of {report.target} ({'deployed site' if report.mode == 'url' else 'built folder'})", ""]
    lines.append(f"{'':{pad}}  {'Protection':<{width}}  Result")
    for check in report.checks:
        mark = f"{_MARK[check.status]:<{pad}}"
        if colour and colours[check.status]:
            mark = click.style(mark, fg=colours[check.status], bold=True)
        lines.append(f"{mark}  {check.title:<{width}}  {check.detail}")
        if check.fix and check.status in (Status.FAIL, Status.WARN, Status.INFO, Status.UNCHECKED):
            lines.append(f"{'':{pad}}  {'':<{width}}  fix: {check.fix}")
    failed, unchecked = len(report.failed), len(report.unchecked)
    lines.append("")
    summary = []
    if failed:
        summary.append(f"{failed} protection(s) failed.")
    if unchecked:
        summary.append(f"{unchecked} protection(s) could not be checked (UNCHECKED is not a pass).")
    lines.append(" ".join(summary) or "Every protection checked passed.")
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2)
