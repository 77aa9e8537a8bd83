"""The ``sitegen`` command line: parses options, calls ``sitegen.commands``, maps errors to exit codes.

Click (rather than argparse) because it gives complete ``--help`` for every
command from the same declarations, path validation, and a progress bar that
switches itself off when the output is not a terminal.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import Reporter, Severity, SitegenError, report_lines, summary


def _fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    raise SystemExit(1)


class _Progress:
    """Progress bar for image processing, shown only on an interactive terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Processing photos", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _print_problems(reporter: Reporter) -> None:
    """Every warning and error of a build, grouped by kind (see sitegen.errors.report_lines), on stderr."""
    for severity, line in report_lines(reporter.problems, reporter.root, reporter.verbose):
        click.secho(line, fg="red" if severity is Severity.ERROR else None, err=True)


def _preview_command(site: Path) -> str:
    return "sitegen serve --open" if site == Path(".") else f"sitegen serve {shlex.quote(str(site))} --open"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="sitegen")
def cli() -> None:
    """sitegen turns a folder of photos and Markdown into a static portfolio that
    publishes only size-capped derivatives (every full view watermarked) and tells AI crawlers no.

    \b
    Quick start:
      sitegen new my-site               create a site folder
      sitegen serve my-site --open      preview it; pages reload as you save
      sitegen build my-site             build it into my-site/public/
    """


@cli.command()
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output folder (default: [site] output from sitegen.toml, i.e. SITE/public).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help='Public URL of the site, e.g. "https://example.com/portfolio/" (overrides [site] base_url).',
)
@click.option("--drafts", is_flag=True, default=None, help="Also publish pages and galleries marked draft.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    metavar="N",
    help="Parallel workers for images and large sites' pages (0 = one per CPU core; default from [build] jobs).",
)
@click.option("--strict", is_flag=True, default=None, help="Fail on any warning; the previous output is kept.")
@click.option(
    "--force", is_flag=True, help="Rebuild even when nothing changed since the last build (otherwise skipped)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print skipped hidden files and other details.")
def build(
    site: Path,
    output: Path | None,
    base_url: str | None,
    drafts: bool | None,
    jobs: int | None,
    strict: bool | None,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site in SITE (default: the current folder).

    The new output is written to a temporary folder and swapped in at the end:
    a failed or interrupted build leaves the previous output untouched.
    """
    from .commands.build import build as run_build
    from .commands.build import remove_in_background

    overrides = {"site.base_url": base_url, "build.drafts": drafts, "build.jobs": jobs, "build.strict": strict}
    # Problems are printed once the build stopped, grouped by kind: a thousand photos without alt
    # text are three lines and a count, not a thousand lines (-v prints them all).
    reporter = Reporter(root=Path.cwd(), verbose=verbose and not quiet)
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        report = run_build(
            site,
            overrides=overrides,
            output_dir=output,
            reporter=reporter,
            progress=progress,
            force=force,
            defer_removal=True,
        )
    except SitegenError as exc:
        progress.close()
        _print_problems(reporter)
        _fail(str(exc))
    except KeyboardInterrupt:
        progress.close()
        _print_problems(reporter)
        click.echo("interrupted: the previous output is untouched", err=True)
        raise SystemExit(130) from None
    _print_problems(reporter)
    if not quiet:
        try:
            shown = report.output_dir.relative_to(Path.cwd())
        except ValueError:
            shown = report.output_dir
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        if report.up_to_date:
            click.echo(f"Up to date: nothing changed since the last build -> {shown} (--force rebuilds)")
        else:
            images = f"{report.images_processed} processed, {report.images_reused} cached"
            warn = f", {report.warnings} warning(s)" if report.warnings else ""
            click.echo(
                f"Built {report.pages} page(s), {report.galleries} galler{'y' if report.galleries == 1 else 'ies'}, "
                f"{report.photos} photo(s) ({images}) in {report.seconds:.1f} s{warn} -> {shown}"
            )
        # Opened as files, the pages lose every style, image and link (their URLs start at the site root).
        click.echo(f"Preview: {_preview_command(site)}  (opening {shown}/index.html as a file breaks its links)")
        click.echo(summary(reporter.problems))
    remove_in_background(report.leftover)  # the previous output: reported first, deleted meanwhile


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My Portfolio", show_default=True, help="Site title.")
@click.option("--author", default="", help="Your name, as the rights holder.")
def new(directory: Path, title: str, author: str) -> None:
    """Create a new site in DIRECTORY: a commented sitegen.toml, a home page,
    a draft about page and an empty gallery, with instructions in comments."""
    from .commands.new import scaffold

    try:
        created = scaffold(directory, title=title, author=author)
    except SitegenError as exc:
        _fail(str(exc))
    for path in created:
        click.echo(f"created {path}")
    site = shlex.quote(str(directory))
    click.echo(
        f"\nNext: put photos in {directory / 'content' / 'gallery'}, then preview with: sitegen serve {site} --open"
        f"\nThe instructions are comments in the files of {directory / 'content'}; they are never published."
    )


@cli.command()
@click.argument("target", metavar="PATH|URL")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (for scripts and CI).")
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Site folder whose sitegen.toml and originals the result is compared with (automatic for a site PATH).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds per request, in all."
)
@click.option(
    "--max-requests", type=click.IntRange(min=1), default=300, show_default=True, help="Requests a URL audit may send."
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=1),
    default=180.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds a URL audit may take in all; what is left is reported as not checked.",
)
@click.option(
    "--max-size", type=click.IntRange(min=1), metavar="PX", help="Size cap in pixels (default: from config, 2048)."
)
def audit(
    target: str,
    as_json: bool,
    site: Path | None,
    timeout: float,
    max_requests: int,
    max_time: float,
    max_size: int | None,
) -> None:
    """Check that a built site (PATH) or a deployed one (URL) sends every protection.

    Prints every protection with PASS, FAIL, WARN, SKIP or UNCHECKED and a one-line
    fix, and exits with status 1 when any failed or could not be checked. A URL audit
    talks only to that site, one request at a time, within --max-requests and --max-time.
    """
    from .commands.audit import AuditOptions, format_json, format_table
    from .commands.audit import audit as run_audit

    options = AuditOptions(site=site, timeout=timeout, max_requests=max_requests, max_time=max_time, max_size=max_size)
    try:
        report = run_audit(target, options)
    except SitegenError as exc:
        _fail(str(exc))
    click.echo(format_json(report) if as_json else format_table(report, colour=sys.stdout.isatty()))
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@click.argument("site", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--name", help="Name in the certificate (default: [site] author, the rights holder).")
@click.option("--years", type=click.IntRange(min=1, max=20), default=3, show_default=True, help="Validity.")
def keygen(site: Path, name: str | None, years: int) -> None:
    """Make an ES256 key and a self-made certificate chain for signing Content Credentials.

    Writes them where [credentials] certificate and private_key point (default: credentials/ in
    the site folder, never published); refuses to replace existing files.
    """
    from .commands.keygen import keygen as run

    try:
        keys = run(site, name, years)
    except SitegenError as exc:
        _fail(str(exc))
    click.echo(f"wrote {keys.key} (private: keep it out of version control) and {keys.chain}")
    click.echo(f"certificate for {keys.subject!r}, valid until {keys.not_after:%Y-%m-%d}; self-made, so")
    click.echo("verifiers call its signatures valid but untrusted. Set [credentials] sign = true to use it.")


@cli.command("find-copies")
@click.argument("targets", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Site folder whose fingerprint index (fingerprints.json beside its output) is searched.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=15.0, show_default=True, help="Seconds per download."
)
@click.option("--all", "show_all", is_flag=True, help="Also list the images that match none of your photos.")
def find_copies(targets: tuple[str, ...], site: Path, timeout: float, show_all: bool) -> None:
    """Say which of your photos suspected copies are: image files, folders, image URLs or page URLs.

    Each image is compared with the fingerprints the last build recorded. Prints, per image, the
    verdict (same photo / probably / no match), the distance in bits (0-64) and your photo's page
    and source file; exits with status 1 when an image could not be read or fetched.
    """
    from .commands.find_copies import find_copies as run
    from .copies.candidates import Limits

    failed = 0
    try:
        for found in run(site, list(targets), Limits(timeout=timeout)):
            if found.match is None:
                failed += 1
                click.secho(f"{found.name}: not checked: {found.problem}", fg="yellow", err=True)
                continue
            m = found.match
            if m.entry is None or (m.verdict == "no match" and not show_all):
                continue
            flip = ", mirrored" if m.mirrored else ""
            click.echo(f"{found.name}: {m.verdict} ({m.distance} bits{flip}) {m.entry.page} ({m.entry.source})")
    except SitegenError as exc:
        _fail(str(exc))
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default is reachable from this computer only; 0.0.0.0 opens the preview "
    "to your network (e.g. to check it on a phone).",
)
@click.option(
    "-p",
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8000,
    show_default=True,
    help="Port to listen on; when it is taken, the next free one is used.",
)
@click.option("--drafts", is_flag=True, default=None, help="Also show pages and galleries marked draft.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser once built.")
@click.option("-v", "--verbose", is_flag=True, help="Also log every request and skipped hidden files.")
@click.option(
    "--no-refuse",
    "no_refuse",
    is_flag=True,
    help="Serve AI agents too (for testing): without it the preview refuses them with 403 like the host files do.",
)
def serve(
    site: Path, host: str, port: int, drafts: bool | None, open_browser: bool, verbose: bool, no_refuse: bool
) -> None:
    """Preview the site in SITE (default: the current folder) with live reload.

    The preview is built into a private folder in the site's cache (never into
    the output of `sitegen build`), with links pointing at the preview server.
    Saving a page, a caption, a photo, a template or the config rebuilds only
    what changed and reloads the browser; a build error is shown in the page
    until the next save fixes it. Stop with Ctrl-C.
    """
    from .commands.serve import serve as run_serve

    colours = {"warning": "yellow", "error": "red"}

    def log(level: str, message: str) -> None:
        click.secho(message, fg=colours.get(level), err=level != "info")

    try:
        run_serve(
            site,
            host=host,
            port=port,
            drafts=drafts,
            open_browser=open_browser,
            log=log,
            verbose=verbose,
            refuse=not no_refuse,
        )
    except SitegenError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot serve on {host}:{port}: {exc.strerror or exc}")


def main() -> None:
    cli(prog_name="sitegen")
