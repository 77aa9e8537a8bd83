"""Running many jobs: the derivatives' cache, the worker pool and its memory budget.

Every job is keyed on the source's content hash plus every setting that changes its
output plus the pipeline version, and its files live in the site's cache folder under
that key: a rebuild with nothing changed decodes no image, and a changed setting redoes
exactly the photos it touches.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_text_atomic
from ..errors import STOPPED, EnvironmentFailure
from ..processes import pid_alive
from .credentials import SigningError
from .formats import write_failure
from .jobs import PIPELINE_VERSION, ImageJob, ImageSet, JobFailed, JobOutcome, SetMeta
from .worker import run_job


@dataclass
class BatchResult:
    sets: dict[str, ImageSet] = field(default_factory=dict)  # job key -> set
    errors: dict[str, str] = field(default_factory=dict)  # job key -> reason
    processed: int = 0
    reused: int = 0
    most_at_once: int = 0  # photos processed at the same time, at most (the memory budget can lower it)


class ImageCache:
    """The folder of processed images, with an index so a no-op build touches one file."""

    def __init__(self, root: Path) -> None:
        self.root = root / f"images-v{PIPELINE_VERSION}"
        self.index_file = self.root / "index.json"
        self.index: dict[str, SetMeta] = {}
        if self.index_file.is_file():
            try:
                stored = json.loads(self.index_file.read_text("utf-8"))
                self.index = {str(key): SetMeta.from_json(meta) for key, meta in stored.items()}
            except (OSError, ValueError, AttributeError):  # unreadable or damaged: each entry's set.json still counts
                self.index = {}

    def lookup(self, key: str) -> SetMeta | None:
        meta = self.index.get(key)
        if meta is not None and (self.root / key).is_dir():
            return meta
        entry = self.root / key / "set.json"
        if entry.is_file():
            try:
                meta = SetMeta.from_json(json.loads(entry.read_text("utf-8")))
            except (OSError, ValueError):
                return None
            self.index[key] = meta
            return meta
        return None

    def save(self, keep: Iterable[str]) -> int:
        """Write the index and delete entries no current photo uses; returns how many were pruned."""
        keep = set(keep)
        self.index = {k: v for k, v in self.index.items() if k in keep}
        pruned = 0
        if self.root.is_dir():
            for entry in self.root.iterdir():
                if entry.is_dir() and entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
                    pruned += 1
        try:
            index = {key: meta.to_json() for key, meta in self.index.items()}
            write_text_atomic(self.index_file, json.dumps(index, separators=(",", ":")))
        except OSError as exc:
            raise write_failure(self.index_file, exc) from None
        return pruned + self._retire_older_versions()

    def _retire_older_versions(self) -> int:
        """Delete the derivatives of earlier pipeline versions once this version's are saved.

        A new version makes every entry again; without this, an upgraded archive of 20,000 photos
        would keep a second, never-read copy of all its derivatives. Only ``images-v<N>`` folders
        below the current version in the cache folder (which is sitegen's alone) are removed.
        """
        retired = 0
        for folder in self.root.parent.glob("images-v*"):
            version = folder.name.removeprefix("images-v")
            if folder.is_dir() and not folder.is_symlink() and version.isdigit() and int(version) < PIPELINE_VERSION:
                shutil.rmtree(folder, ignore_errors=True)
                retired += 1
        return retired


def _worker_context() -> multiprocessing.context.BaseContext:
    """How to start image workers: fork when it is safe, a forkserver when it is not.

    Forking is the cheapest start (no re-import; a cold CLI build of 24 camera
    files is about 0.4 s faster than with a forkserver) but copies the parent's
    threads' locks: ``sitegen serve`` builds from a threaded process (HTTP
    server, file watcher), where a forked worker could hang on a lock another
    thread held. A process with other threads therefore uses the forkserver,
    which preloads the pipeline so its workers still start quickly.
    """
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() > 1 and "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    if "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _available_memory() -> int:
    """Memory the system can give without swapping (MemAvailable), or a guess where /proc is missing."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 4 << 30


def memory_budget() -> int:
    """What all image workers together may plan to use: half of what is available now."""
    return _available_memory() // 2


def job_memory(job: ImageJob) -> int:
    """A worker's planned peak for ``job``, in bytes (deliberately generous).

    The decoded source dominates: 4 bytes a pixel, about twice over (decoded
    pixels plus an oriented or colour-converted copy; transparent sources are
    reduced in strips by :func:`process.shrink`, so no premultiplied copy).
    JPEG decodes at reduced size (draft), so its cost follows the largest
    derivative, not the sensor. Plus the worker's own baseline.
    """
    w, h = job.source_size
    pixels = w * h
    if Path(job.source).suffix.lower() in (".jpg", ".jpeg"):
        top = job.sizes[0]
        scale = min(8, max(1, min(w // max(1, top.width), h // max(1, top.height))))
        draft = 1 << (scale.bit_length() - 1)  # libjpeg scales by 1/2, 1/4 or 1/8
        pixels //= draft * draft
    return pixels * 4 * 2 + (64 << 20)


def _watch_parent(parent: int) -> None:
    """Image workers end when the build that started them is gone (SIGKILL included).

    On Linux the kernel sends SIGKILL when the parent process dies
    (PR_SET_PDEATHSIG); everywhere, a thread notices when this worker was
    reparented or the build's process no longer exists, and ends the worker.
    Without this, workers orphaned by a killed build kept writing cache entries
    and then blocked forever on a queue nobody reads.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    started_under = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != started_under or not pid_alive(parent):
                os._exit(70)

    threading.Thread(target=watch, name="sitegen-parent-watch", daemon=True).start()
    if os.getppid() != started_under or not pid_alive(parent):  # died before the watch began
        os._exit(70)


def run_batch(
    jobs: list[ImageJob],
    cache: ImageCache,
    workers: int,
    max_pixels: int,
    progress: Callable[[int, int], None] | None = None,
    *,
    budget: int | None = None,
) -> BatchResult:
    """Run every job whose output is not cached; ``progress(done, total)`` after each photo.

    Up to ``workers`` photos run at once, and only as many as fit together in
    ``budget`` bytes (default: half the memory available now) by
    :func:`job_memory`: a folder of huge scans runs one or two at a time instead
    of one per core. A photo too large for the budget on its own still runs,
    alone.

    Raises :class:`EnvironmentFailure` when the machine fails (disk full,
    permission, a worker killed by the system): the build must stop rather than
    publish a site that silently lost photos.
    """
    result = BatchResult()
    todo: list[ImageJob] = []
    for job in jobs:
        meta = cache.lookup(job.key)
        if meta is not None:
            result.sets[job.key] = job.image_set(meta)
            result.reused += 1
        else:
            todo.append(job)
    unique = list({job.key: job for job in todo}.values())  # the same photo twice is processed once
    try:
        cache.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(cache.root, exc) from None
    total = len(unique)

    def record(job: ImageJob, outcome: JobOutcome) -> None:
        if isinstance(outcome, JobFailed):
            result.errors[job.key] = outcome.reason
        else:
            cache.index[job.key] = outcome
            result.processed += 1

    if total and (workers <= 1 or total == 1):
        result.most_at_once = 1
        for done, job in enumerate(unique, 1):
            record(job, run_job(job, str(cache.root), max_pixels))
            if progress:
                progress(done, total)
    elif total:
        _run_pool(unique, cache, min(workers, total), max_pixels, budget, record, progress, result)
    for job in todo:
        if job.key in cache.index:
            result.sets[job.key] = job.image_set(cache.index[job.key])
    return result


def _run_pool(
    jobs: list[ImageJob],
    cache: ImageCache,
    workers: int,
    max_pixels: int,
    budget: int | None,
    record: Callable[[ImageJob, JobOutcome], None],
    progress: Callable[[int, int], None] | None,
    result: BatchResult,
) -> None:
    """Feed ``jobs`` to a process pool within the memory budget; see :func:`run_batch`."""
    budget = memory_budget() if budget is None else budget
    pending = list(reversed(jobs))  # pop() from the end keeps the given order
    running: dict[Future[JobOutcome], tuple[ImageJob, int]] = {}
    planned = done = 0
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_worker_context(), initializer=_watch_parent, initargs=(os.getpid(),)
    )
    try:
        while pending or running:
            while pending and len(running) < workers:
                cost = job_memory(pending[-1])
                if running and planned + cost > budget:
                    break
                job = pending.pop()
                running[pool.submit(run_job, job, str(cache.root), max_pixels)] = (job, cost)
                planned += cost
                result.most_at_once = max(result.most_at_once, len(running))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                job, cost = running.pop(future)
                planned -= cost
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    # Every job in flight fails alike; which one the system killed is not known.
                    others = [Path(other.source).name for other, _ in running.values()]
                    suspects = f" or {', '.join(others)}" if others else ""
                    raise EnvironmentFailure(
                        f"{job.source}: an image worker was killed (out of memory?) while processing this photo"
                        f"{suspects}; {STOPPED}"
                    ) from None
                except (EnvironmentFailure, SigningError, KeyboardInterrupt):
                    raise
                except Exception as exc:  # a bug on one photo's path is that photo's problem, not the build's
                    outcome = JobFailed(f"image worker failed ({exc.__class__.__name__}: {exc})")
                record(job, outcome)
                done += 1
                if progress:
                    progress(done, len(jobs))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
