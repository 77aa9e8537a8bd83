"""Rendering a large site's pages on every core: forked workers render batches, the parent keeps the order.

A worker is a fork of the process that prepared the renderer, so it starts with the content
model, the image results and the Jinja environment (templates compiled, globals installed)
without pickling any of them, and each worker's shared fragments (:mod:`.fragments`) are
rendered once for all its pages. Workers send back only the pages' texts; nothing is written
here (the publish phase stays the one writer). Forking a process that runs other threads
(``sitegen serve``: HTTP server, file watcher) could copy a lock another thread holds, so such
a process renders in itself, as does a small site, where starting the workers costs more than
they save (figures: ``benchmarks/render_pages.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

# Below this many pages the pool's start-up is not paid back (README, "Performance").
PARALLEL_FROM = 1500
BATCHES_PER_WORKER = 4  # a few batches each, so a worker given slow pages does not hold the others up

_render_page: Callable[[int], str] | None = None  # set in the parent before forking; read by the workers


def _render_batch(start: int, stop: int) -> list[str]:
    assert _render_page is not None, "forked from a parent that set the page renderer"
    return [_render_page(index) for index in range(start, stop)]


def workers_for(pages: int, jobs: int) -> int:
    """How many processes render ``pages`` pages: ``[build] jobs`` (0: one per core), 1 when forking is unsafe."""
    cores = os.cpu_count() or 1
    wanted = min(jobs, cores) if jobs > 0 else cores
    if pages < PARALLEL_FROM or wanted < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return wanted


def render_in_workers(count: int, render_page: Callable[[int], str], workers: int) -> list[str]:
    """The texts of pages ``0..count-1`` (``render_page(index)``), rendered by ``workers`` forked processes.

    A page's error (a template error, an unknown template) is raised here as the worker raised it.
    """
    global _render_page
    size = max(1, -(-count // (workers * BATCHES_PER_WORKER)))
    _render_page = render_page
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        futures: list[Future[list[str]]] = [
            pool.submit(_render_batch, start, min(start + size, count)) for start in range(0, count, size)
        ]
        texts: list[str] = []
        for future in futures:
            texts.extend(future.result())
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        _render_page = None
    pool.shutdown(wait=True)
    return texts


__all__ = ["PARALLEL_FROM", "render_in_workers", "workers_for"]
