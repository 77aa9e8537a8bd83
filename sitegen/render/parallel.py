"""Rendering a large site's pages on every core: forked workers render batches, the parent keeps the order.

A worker is a fork of the process that prepared the renderer, so it starts with the content
model, the image results and the Jinja environment (templates compiled, globals installed)
without pickling any of them, and each worker's shared fragments (:mod:`.fragments`) are
rendered once for all its pages. Workers send back only the pages' texts, and what the
parent must know of the render besides (the theme assets the pages asked for: ``collect``);
nothing is written here (the publish phase stays the one writer). The texts come back batch by
batch, in order, while the workers go on: the publish phase writes each batch as it arrives,
so the parent never holds every page of a large site at once (a bounded number of batches is
rendered ahead). Forking a process that runs other threads (``sitegen serve``: HTTP server,
file watcher) could copy a lock another thread holds, so such a process renders in itself, as
does a small site, where starting the workers costs more than they save (figures:
``benchmarks/render_pages.py``).
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

# Below this many pages the pool's start-up is not paid back (README, "Performance").
PARALLEL_FROM = 1500
BATCH = 100  # pages a worker renders and sends back at once
AHEAD_PER_WORKER = 12  # batches submitted and not yet taken, per worker: bounds what waits in the parent

_render_page: Callable[[int], str] | None = None  # set in the parent before forking; read by the workers
_collect: Callable[[], Any] | None = None


def _render_batch(start: int, stop: int) -> tuple[list[str], Any]:
    assert _render_page is not None, "forked from a parent that set the page renderer"
    texts = [_render_page(index) for index in range(start, stop)]
    return texts, _collect() if _collect is not None else None


def workers_for(pages: int, jobs: int) -> int:
    """How many processes render ``pages`` pages: ``[build] jobs`` (0: one per core), 1 when forking is unsafe."""
    cores = os.cpu_count() or 1
    wanted = min(jobs, cores) if jobs > 0 else cores
    if pages < PARALLEL_FROM or wanted < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return wanted


class WorkerPages:
    """Pages ``0..count-1`` (``render_page(index)``) rendered by ``workers`` forked processes.

    The workers are forked and given their first batches when this is made, so the parent can do
    other work (the sitemap, the feed) while they render. :meth:`batches` yields each batch's texts
    in page order, with what ``collect()`` returned in the worker after it; a page's error (a
    template error, an unknown template) is raised there as the worker raised it. :meth:`close`
    stops the workers (also when the consumer stopped half-way, a full disk say).
    """

    def __init__(
        self, count: int, render_page: Callable[[int], str], workers: int, collect: Callable[[], Any] | None = None
    ) -> None:
        global _render_page, _collect
        self.count = count
        self.ahead = workers * AHEAD_PER_WORKER
        self.next_start = 0
        self.pending: collections.deque[Future[tuple[list[str], Any]]] = collections.deque()
        _render_page, _collect = render_page, collect
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        )
        try:
            self._submit()  # forks every worker now, with the renderer as it is
        except BaseException:
            self.close()
            raise

    def _submit(self) -> None:
        assert self.pool is not None
        while self.next_start < self.count and len(self.pending) < self.ahead:
            stop = min(self.next_start + BATCH, self.count)
            self.pending.append(self.pool.submit(_render_batch, self.next_start, stop))
            self.next_start = stop

    def batches(self) -> Iterator[tuple[list[str], Any]]:
        try:
            while self.pending:
                result = self.pending.popleft().result()
                self._submit()
                yield result
        finally:
            self.close()

    def close(self) -> None:
        global _render_page, _collect
        pool, self.pool = self.pool, None
        if pool is not None:
            for future in self.pending:
                future.cancel()
            self.pending.clear()
            pool.shutdown(wait=True, cancel_futures=True)
        _render_page = _collect = None


__all__ = ["PARALLEL_FROM", "WorkerPages", "workers_for"]
