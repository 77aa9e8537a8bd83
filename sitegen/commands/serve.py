"""``sitegen serve``: build into a private folder, serve it, rebuild what a save changes, reload browsers.

Three threads cooperate (MkDocs' shape, in one module): the standard
library's threaded HTTP server, a watchdog observer reporting changed files,
and one builder thread that turns each burst of changes into an incremental
rebuild (:class:`~sitegen.pipeline.session.BuildSession`) and tells open pages
what happened. The preview builds into its own folder inside the site's cache
folder, never into the output of ``sitegen build``, with ``base_url`` pointing
at the preview server so every link, canonical URL and feed entry works
locally.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from markupsafe import escape

from ..config import CONFIG_NAME, load_project
from ..errors import Problem, Reporter, SitegenError, report_lines
from ..output.preview import Applied, PreviewFolder
from ..pipeline.session import BuildSession, Interrupted, Rebuild
from ..protect.headers import protection_headers
from ..protect.refusal import refusal_for
from ..serve.hosts import is_loopback
from ..serve.http import PreviewHTTPServer, bind, serve_in_thread
from ..serve.livereload import LiveReload
from ..serve.view import SiteView
from ..serve.watch import ChangeQueue, Watcher
from ..urls import Urls, base_path

Log = Callable[[str, str], None]  # (level: "info" | "warning" | "error", complete message line)

# Outputs whose changes no open page shows: they never make every page reload.
_UNSEEN_SUFFIXES = (".xml", ".txt", ".json")

_PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Building the preview…</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem">
<h1>{title}</h1><p>{text}</p>
</body></html>
"""


def _print(level: str, message: str) -> None:
    print(message, flush=True)


def url_host(host: str) -> str:
    """The host as it goes into a URL: wildcard binds are reached through localhost, IPv6 in brackets."""
    if host in ("", "0.0.0.0", "::"):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def exposure_warning(host: str, bound: str, port: int, drafts: bool) -> str | None:
    """The warning for a preview other computers can reach (``bound``: the address the socket got)."""
    if is_loopback(bound):
        return None
    shown = "drafts included" if drafts else "unpublished changes included"
    return (
        f"warning: --host {host} makes the preview reachable from the network: anyone who can reach this "
        f"computer on port {port} can see the site ({shown}); it answers only to this computer's addresses "
        "and name"
    )


class Preview:
    """A running preview of one site: server, watcher and builder. ``start()`` then ``stop()``, or ``with``."""

    def __init__(
        self,
        site_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool | None = None,
        jobs: int | None = None,
        log: Log = _print,
        verbose: bool = False,
        quiet_period: float = 0.04,
        refuse: bool = True,
    ) -> None:
        self.site_dir = site_dir
        self.refuse = refuse  # False: AI agents are served too (``--no-refuse``, for testing)
        self.host = host
        self.requested_port = port
        self.overrides: dict[str, Any] = {"build.drafts": drafts, "build.jobs": jobs}
        self.log = log
        self.verbose = verbose
        self.queue = ChangeQueue(quiet=quiet_period)
        self.live = LiveReload()
        self._stopping = threading.Event()
        self._built = threading.Event()
        self._threads: list[threading.Thread] = []
        self._shown: set[str] = set()  # problems already printed (each is printed once, not on every save)
        self.session: BuildSession | None = None
        self.server: PreviewHTTPServer | None = None
        self.folder: PreviewFolder | None = None
        self.watcher: Watcher | None = None
        self.last: Rebuild | None = None
        self.url = ""
        self._generation = 0  # of the preview folder's files, for the server's lookups

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> str:
        """Bind, start serving and watching, and start the first build; returns the preview's URL."""
        if self.server is not None or self._stopping.is_set():
            raise RuntimeError("a Preview is started once")
        root = self.site_dir.resolve()
        if not root.is_dir():
            raise SitegenError(f"{root}: site folder does not exist")
        project = load_project(root, self.overrides)  # a broken config at start is an error, not a preview
        self.root = root
        self._base_path = base_path(project.config.site.base_url)
        view = SiteView(
            root=root,  # replaced by the preview folder below, before anything is served
            base_path=self._current_base_path,
            headers=self._headers,
            reading=self.queue.reading,
            live=self.live,
            placeholder=self._placeholder,
            log=(lambda line: self.log("info", line)) if self.verbose else None,
            generation=lambda: self._generation,
            refused=self._refused,
        )
        try:
            self.server = bind(self.host, self.requested_port, view)
            port = self.server.server_address[1]
            if self.requested_port and port != self.requested_port:
                self.log("info", f"Port {self.requested_port} is in use; using {port} instead.")
            exposed = exposure_warning(self.host, str(self.server.server_address[0]), port, project.config.build.drafts)
            if exposed is not None:
                self.log("warning", exposed)
            origin = f"http://{url_host(self.host)}:{port}"
            self.url = origin + self._base_path
            self.folder = PreviewFolder.create(project.cache_dir)
            view.root = self.folder.root
            self.session = BuildSession(
                root,
                self.folder,
                overrides=self.overrides,
                preview_origin=origin,
                exclusive=self._writing,
                should_stop=self._stopping.is_set,
                echo=lambda line: self.log("info", line),
            )
            self.watcher = Watcher(root, self._changed)
            self.watcher.watch(self.session.watched_folders())
            self.watcher.start()
            self._threads.append(serve_in_thread(self.server))
            # Everything alive now (the interpreter, imported libraries) lives as long as the process:
            # left out of the garbage collector's scans, the full collections that rebuilds trigger every
            # few saves take half the time. Collected first, so nothing frozen is garbage.
            gc.collect()
            gc.freeze()
            builder = threading.Thread(target=self._run, name="sitegen-build", daemon=True)
            builder.start()
            self._threads.append(builder)
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        """Stop watching, let a running rebuild finish its current step, close every connection, clean up."""
        self._stopping.set()
        try:
            if self.watcher is not None:
                self.watcher.stop()
            self.queue.close()
            for thread in self._threads:
                if thread.name == "sitegen-build":
                    thread.join()
            self.live.close()
            if self.server is not None:
                if any(thread.name == "sitegen-http" for thread in self._threads):
                    self.server.shutdown()  # waits for serve_forever(), so only once it runs
                self.server.server_close()
        finally:
            if self.folder is not None:
                self.folder.remove()
                self.folder = None

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_built(self, timeout: float | None = None) -> bool:
        """True once the first build finished (well or not)."""
        return self._built.wait(timeout)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A rebuild changes the preview folder: no request reads meanwhile, and what was looked up is stale."""
        with self.queue.writing():
            self._generation += 1
            try:
                yield
            finally:
                self._generation += 1

    # -- what the server asks ----------------------------------------------------------

    def _current_base_path(self) -> str:
        project = self.session.project if self.session is not None else None
        return base_path(project.config.site.base_url) if project else self._base_path

    def _headers(self, site_path: str) -> list[tuple[str, str]]:
        """The protection headers a host sends for this file (see sitegen.protect.headers)."""
        project = self.session.project if self.session is not None else None
        urls = Urls(project.config.site.base_url if project else self.url)
        # The AI opt-out headers a host sends; caching is the preview server's own policy (below).
        return protection_headers(urls, project.config if project else None)

    def _refused(self, url_path: str, user_agent: str) -> str | None:
        """The 403 text when the deployed site's host files would refuse this request (sitegen.protect.refusal)."""
        if not self.refuse:
            return None
        project = self.session.project if self.session is not None else None
        if project is None:
            return None
        refusal = refusal_for(project.config, Urls(project.config.site.base_url))
        return refusal.message if refusal.refuses(user_agent, url_path) else None

    def _placeholder(self) -> str | None:
        if self.folder is not None and self.folder.built:
            return None
        if self.live.error:
            title, text = "The preview could not be built", "The error is shown on top of this page."
        else:
            title, text = "Building the preview…", "This page reloads by itself when the site is ready."
        return _PLACEHOLDER.format(title=escape(title), text=escape(text))

    # -- watching ------------------------------------------------------------------------

    def _changed(self, paths: set[Path], settled: bool = False) -> None:
        """Called by the watcher thread for every event."""
        relevant = {p for p in paths if self._relevant(p)}
        if not relevant:
            return
        if self.watcher is not None and self.session is not None and any(p.parent == self.root for p in relevant):
            # A source folder appeared or went: watch it now, before its first files arrive.
            self.watcher.watch(self.session.watched_folders())
        self.queue.add(relevant, settled)

    def _relevant(self, path: Path) -> bool:
        """Config, anything in a watched folder but hidden files, and watched folders appearing or going."""
        watched = self.watcher.watched if self.watcher is not None else []
        if path.parent == self.root:
            return path.name in (CONFIG_NAME, "content", "templates", "static") or path in watched
        for folder in watched:
            if folder in path.parents:
                return not any(part.startswith(".") for part in path.relative_to(folder).parts[:-1])
        return False

    # -- building ------------------------------------------------------------------------

    def _run(self) -> None:
        self._build(None)
        self._built.set()
        while not self._stopping.is_set():
            paths = self.queue.take()
            if paths is None:
                return
            self._build(paths)

    def _build(self, paths: set[Path] | None) -> None:
        assert self.session is not None
        reporter = Reporter(root=self.root)
        try:
            try:
                first = self._open_pages() if paths else []
                result = self.session.rebuild(paths, reporter, first, self._early)
            except (Interrupted, KeyboardInterrupt):
                return
            except SitegenError as exc:
                failure: str | None = str(exc)
            except Exception:
                failure = "internal error while rebuilding (please report it):\n" + traceback.format_exc()
            else:
                failure = None
            if self.watcher is not None and not self._stopping.is_set():
                self.watcher.watch(self.session.watched_folders())  # a config change may have changed the theme
            if failure is not None:
                self._report(reporter.problems)
                # The overlay names each error (file:line and problem), not only the summary line.
                self._failed(failure, [p.format(self.root) for p in reporter.errors])
            else:
                self._report(result.problems)
                self._succeeded(result, paths)
        finally:
            self.queue.done()

    def _open_pages(self) -> list[str]:
        """Site paths of the pages open in a browser right now (each page's script says which it is)."""
        base, found = self._current_base_path(), []
        for url_path in self.live.open_pages:
            if url_path.startswith(base):
                rel = url_path[len(base) :]
                found.append(rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        return found

    def _early(self, applied: Applied) -> None:
        """The open pages are up to date before the rest (a template change): they reload now.

        Their requests go ahead while the rebuild goes on, and so do those for every file that is not
        a page and exists already (stylesheets, scripts, photos: a template change leaves them as
        they are; an asset a template newly asks for is not there yet and waits for the rebuild).
        """
        assert self.session is not None and self.folder is not None
        base, on_disk = self._current_base_path(), self.folder.on_disk
        pages = {base + key.removesuffix("index.html") for key in applied.written if key.endswith(".html")}
        if not pages:
            return

        def ready(url_path: str) -> bool:
            if url_path in pages:
                return True
            key = url_path[len(base) :] if url_path.startswith(base) else None
            return key is not None and not key.endswith((".html", "/")) and key in on_disk

        self.queue.allow(ready)
        self.live.reload(self.session.number + 1, sorted(pages), False)

    def _report(self, problems: Iterable[Problem]) -> None:
        """Print the problems not printed after the last rebuild, grouped by kind as `sitegen build` does."""
        now, new = set(), []
        for problem in problems:
            line = problem.format(self.root)
            now.add(line)
            if line not in self._shown:
                new.append(problem)
        for severity, line in report_lines(new, self.root, self.verbose):
            self.log(severity.value, line)
        self._shown = now

    def _failed(self, message: str, details: Iterable[str] = ()) -> None:
        self.log("error", f"error: {message}")
        self.live.failed("\n".join([*details, message]))

    def _succeeded(self, result: Rebuild, paths: set[Path] | None) -> None:
        recovered = self.live.error is not None
        self.last = result
        applied = result.applied
        took = f"{result.seconds * 1000:.0f} ms" if result.seconds < 1 else f"{result.seconds:.1f} s"
        if paths is None:
            self.log("info", f"Built the preview in {took}: {len(result.pages_rendered)} pages, {self.url}")
        elif applied or recovered:
            photos = f", {result.images_processed} photo(s) processed" if result.images_processed else ""
            self.log(
                "info",
                f"Rebuilt in {took}: {len(result.pages_rendered)} page(s) rendered{photos}, "
                f"{len(applied.written) + len(applied.removed)} file(s) changed",
            )
        if paths is None:
            self.live.reload(result.number, [], True)
            return
        if not applied and not recovered:
            return
        base = self._current_base_path()
        if not recovered and paths and all(p.suffix.lower() == ".css" for p in paths):
            renamed = {base + old: base + new for old, new in result.renamed_assets.items()}
            self.live.stylesheets(result.number, renamed)
            return
        hashed = set(self.session.assets.values()) if self.session is not None else set()
        pages, everything = [], recovered
        for key in applied.written + applied.removed:
            if key.endswith(".html"):
                pages.append(base + key.removesuffix("index.html"))
            elif not (key.startswith("media/") or key in hashed or key.endswith(_UNSEEN_SUFFIXES)):
                everything = True
        self.live.reload(result.number, pages, everything)


def serve(
    site_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool | None = None,
    open_browser: bool = False,
    log: Log = _print,
    verbose: bool = False,
    refuse: bool = True,
) -> None:
    """Run the preview until Ctrl-C (or SIGTERM); everything it started is stopped and removed."""
    preview = Preview(site_dir, host=host, port=port, drafts=drafts, log=log, verbose=verbose, refuse=refuse)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        url = preview.start()
        log("info", f"Serving {preview.root} at {url} (Ctrl-C to stop)")
        if open_browser:
            threading.Thread(target=_open_when_built, args=(preview, url), daemon=True).start()
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        log("info", "Stopping the preview…")
    finally:
        preview.stop()
        signal.signal(signal.SIGTERM, previous)


def _open_when_built(preview: Preview, url: str) -> None:
    if preview.wait_built(timeout=600):
        webbrowser.open(url)
