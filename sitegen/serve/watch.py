"""Watching the folders a site is built from, and turning bursts of events into one rebuild.

Editors save in several steps (write a temporary file, rename it, touch the
original) and a camera import drops hundreds of files, so events are collected
until the folders have been quiet for a moment (40 ms; 10 ms after a file was
closed from writing or renamed into place, which is how saves end) and then handed over as one
set of paths; a stream that never pauses still builds every two seconds.
From the first event on, requests wait until the rebuild that event causes
has been applied: nobody is served a page that is about to change or a
half-updated folder. The exception are pages the rebuild has already
brought up to date and said so (:meth:`ChangeQueue.allow`: the open pages,
rendered first after a template change).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

# Only changes; opening and reading files (the build itself does) must not trigger builds.
EVENTS = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

_NOISE_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", "~")


def is_noise(path: Path) -> bool:
    """Editor and download temporaries, which the site never contains (hidden files are skipped too)."""
    name = path.name
    return (
        name.startswith((".", "#"))
        or name.endswith(_NOISE_SUFFIXES)
        or name == "4913"  # vim's probe for a writable folder
        or "___jb_" in name  # JetBrains' safe-write files
    )


class ChangeQueue:
    """Changed paths waiting for a rebuild, and the rule that requests wait while one is due.

    The queue is "busy" from the first event until the rebuild that consumed
    the last pending path has finished (:meth:`done`). Requests enter through
    :meth:`reading`, which waits while busy; the rebuild changes files inside
    :meth:`writing`, which also waits for requests already being served.
    """

    def __init__(self, quiet: float = 0.04, settle: float = 0.01, max_delay: float = 2.0) -> None:
        self.quiet = quiet  # no new event for this long ends a burst
        self.settle = settle  # ... or for this long when the last event was a file closed after writing
        self.max_delay = max_delay  # ... but a steady stream (a long import) still builds this often
        self._settled = False
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._first = self._last = 0.0
        self._busy = True  # the first build is due from the start
        self._readers = 0
        self._closed = False
        self._ready: Callable[[str], bool] | None = None  # URL paths up to date although a rebuild runs

    def add(self, paths: Iterable[Path], settled: bool = False) -> None:
        """``settled``: the event was a file closed after writing, the usual last step of a save."""
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(paths)
            self._last = now
            self._settled = settled
            self._busy = True
            self._ready = None  # a new change: no page is known to be up to date any more
            self._cond.notify_all()

    def take(self) -> set[Path] | None:
        """Block until a burst of changes is over; None once the queue is closed."""
        with self._cond:
            while not self._paths and not self._closed:
                self._cond.wait()
            while not self._closed:
                now = time.monotonic()
                quiet = self.settle if self._settled else self.quiet
                remaining = min(self._last + quiet, self._first + self.max_delay) - now
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if self._closed:
                return None
            batch, self._paths = self._paths, set()
            return batch

    def done(self) -> None:
        """A rebuild finished (well or not); requests go ahead unless more changes are waiting."""
        with self._cond:
            if not self._paths:
                self._busy = False
                self._ready = None
                self._cond.notify_all()

    def allow(self, ready: Callable[[str], bool]) -> None:
        """Requests for the URL paths ``ready`` accepts are up to date already: they go ahead while
        the rebuild goes on (until it is done, or the next change)."""
        with self._cond:
            if self._paths:
                return  # changed again meanwhile: they may be out of date once more
            self._ready = ready
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        return self._busy

    @contextmanager
    def reading(self, url_path: str | None = None, timeout: float = 30.0) -> Iterator[None]:
        """Serve a request once no rebuild is due or its page is up to date (or after ``timeout``: then
        the last good site)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._busy or self._closed or self._up_to_date(url_path), timeout)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def _up_to_date(self, url_path: str | None) -> bool:
        return url_path is not None and self._ready is not None and self._ready(url_path)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Change files on disk: waits for requests in flight and keeps new ones out meanwhile."""
        with self._cond:
            self._cond.wait_for(lambda: self._readers == 0)
            yield

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


Report = Callable[[set[Path], bool], None]  # (changed paths, whether the event was a finished write)


class _Handler(FileSystemEventHandler):
    def __init__(self, report: Report) -> None:
        self.report = report

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = {Path(str(event.src_path))}
        dest = getattr(event, "dest_path", "")
        if dest:
            paths.add(Path(str(dest)))
        relevant = {p for p in paths if not is_noise(p)}
        if relevant:
            # A file closed after writing, or a temporary renamed over the file: the last step of a save.
            finished = isinstance(event, FileClosedEvent) or (isinstance(event, FileMovedEvent) and bool(dest))
            self.report(relevant, finished)


class Watcher:
    """A watchdog observer on the site folder (not recursive: its config) and on each source folder."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self._handler = _Handler(report)
        self._observer = Observer()
        self._observer.schedule(self._handler, str(root), recursive=False, event_filter=EVENTS)
        self._lock = threading.Lock()
        self._watches: dict[Path, ObservedWatch] = {}

    @property
    def watched(self) -> list[Path]:
        return list(self._watches)

    def watch(self, folders: Iterable[Path]) -> None:
        """Watch exactly ``folders`` (those that exist); watches already in place are kept, so no event is lost."""
        wanted = [f for f in dict.fromkeys(folders) if f.is_dir()]
        # A folder inside another watched one is covered already.
        wanted = [f for f in wanted if not any(o != f and o in f.parents for o in wanted)]
        with self._lock:
            for folder in [f for f in self._watches if f not in wanted]:
                with contextlib.suppress(KeyError):  # the folder was deleted and its watch is gone already
                    self._observer.unschedule(self._watches[folder])
                del self._watches[folder]
            for folder in wanted:
                if folder not in self._watches:
                    self._watches[folder] = self._observer.schedule(
                        self._handler, str(folder), recursive=True, event_filter=EVENTS
                    )

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
