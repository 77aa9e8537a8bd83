"""Every figure of issue 14's goals on generated archive-sized sites (benchmarks/largesite.py).

    python benchmarks/scale.py                              # 1,000, 5,000 and 20,000 photos; serve on 5,000
    python benchmarks/scale.py --sizes 300 1000 --serve-photos 300 --repeat 3    # a quick run
    python benchmarks/scale.py --work /tmp/scale --keep     # keep sites and caches for the next run

Per size: a cold build (empty cache: every photo processed) with the time per photo and the
peak memory (max RSS) of the main process and of the largest image worker; a no-op rebuild
(`sitegen build` with nothing changed: the median of --repeat runs of the real command, Python's
start included); a `--force` build with every image cached (wall time of the command, which
returns before the previous output is deleted in the background). Then `sitegen serve` on
--serve-photos photos: save-to-reload-event latency of a Markdown page edit, a sidecar caption
edit, and a base-template edit (until every one of --pages open pages got its reload event, and
until the whole rebuild is done: after a template edit the open pages reload first);
with --checkouts OLD NEW, only those, measured in turns (OLD, NEW, OLD, NEW...) in fresh
processes of each checkout's code on the same site, with the ratios NEW/OLD.

Builds run as `sitegen build` subprocesses of this checkout's code, so a figure is what a
photographer waits for. Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from largesite import make_large_site
from serve_latency import Stream, free_port

from sitegen.commands.serve import Preview
from sitegen.config.themes import BUILTIN_THEMES

CHECKOUT = Path(__file__).resolve().parent.parent
# The pages open in the browser while editing (--pages of them): the edited page, the home page, a gallery.
OPEN_PAGES = ["/about/", "/", "/landscapes/", "/licensing/"]

# Runs the command in this process and reports its own peak memory (RUSAGE_SELF: the main
# process alone) and that of its largest child (the image workers) when it exits.
_MEASURED = """
import atexit, json, resource, sys, time
started, out = time.perf_counter(), sys.argv[1]
def report():
    self, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"seconds": time.perf_counter() - started, "rss_kb": self.ru_maxrss,
                   "cpu": self.ru_utime + self.ru_stime, "child_rss_kb": children.ru_maxrss}, fh)
atexit.register(report)
sys.argv = ["sitegen", *sys.argv[2:]]
from sitegen.cli import main
main()
"""


def sitegen(site: Path, *args: str) -> dict[str, float]:
    """One real `sitegen build` of ``site``: its wall time (start to exit) and peak memory."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, out.name, "build", "-q", *args, str(site)],
            capture_output=True,
            text=True,
            cwd=CHECKOUT,  # `-c` puts the working folder first on sys.path: this checkout's sitegen
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"sitegen build {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        measured = json.loads(Path(out.name).read_text() or "{}")
    return {"wall": wall, **measured}


def site_for(work: Path, photos: int) -> Path:
    root = work / f"site-{photos}"
    if not (root / "content").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        started = time.perf_counter()
        make_large_site(root, photos)
        print(f"  generated {photos:,} photos in {time.perf_counter() - started:.1f} s -> {root}", flush=True)
    return root


def measure_size(work: Path, photos: int, repeat: int, force: bool) -> dict[str, float]:
    root = site_for(work, photos)
    for leftover in (root / ".sitegen-cache", root / "public"):
        shutil.rmtree(leftover, ignore_errors=True)
    cold = sitegen(root)
    figures = {
        "cold_s": cold["wall"],
        "cold_ms_per_photo": cold["wall"] / photos * 1000,
        "rss_mb": cold["rss_kb"] / 1024,
        "worker_rss_mb": cold["child_rss_kb"] / 1024,
    }
    print(
        f"  cold build: {cold['wall']:.1f} s = {figures['cold_ms_per_photo']:.1f} ms a photo "
        f"({cold['cpu'] / photos * 1000:.1f} ms CPU of the main process); peak RSS "
        f"main process {figures['rss_mb']:.0f} MB, largest worker {figures['worker_rss_mb']:.0f} MB",
        flush=True,
    )
    runs = [sitegen(root) for _ in range(repeat)]
    noops = sorted(run["wall"] for run in runs)
    figures["noop_s"] = statistics.median(noops)
    figures["noop_cpu_s"] = statistics.median(run["cpu"] for run in runs)
    print(
        f"  no-op rebuild: median {figures['noop_s']:.3f} s wall (min {noops[0]:.3f}), "
        f"{figures['noop_cpu_s']:.3f} s CPU of the process, Python's start included (n={repeat})",
        flush=True,
    )
    if force:
        forced = sitegen(root, "--force")
        figures["force_s"] = forced["wall"]
        figures["force_rss_mb"] = forced["rss_kb"] / 1024
        print(
            f"  --force, every image cached: {forced['wall']:.1f} s wall, {forced['cpu']:.1f} s CPU of the main "
            f"process (peak RSS {figures['force_rss_mb']:.0f} MB)",
            flush=True,
        )
    return figures


def _all_reloaded(streams: list[Stream], timeout: float) -> bool:
    """Whether every stream got a reload within ``timeout`` (each read in its own thread)."""
    done: list[Stream] = []

    def wait(stream: Stream) -> None:
        try:
            while stream.next_event() not in ("reload", "css"):
                pass
        except (RuntimeError, OSError):
            return  # the preview closed the stream (it stops after a timed-out edit)
        done.append(stream)

    threads = [threading.Thread(target=wait, args=(s,), daemon=True) for s in streams]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return len(done) == len(streams)


def measure_serve(work: Path, photos: int, repeat: int, pages: int, timeout: float) -> dict[str, float]:
    root = site_for(work, photos)
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    base = templates / "base.html"
    base.write_text((BUILTIN_THEMES / "default" / "templates" / "base.html").read_text("utf-8"), "utf-8")
    about = root / "content" / "about.md"
    sidecar = next((root / "content").rglob("photo-*.md"))
    originals = {p: p.read_text("utf-8") for p in (about, sidecar, base)}
    samples: dict[str, list[float]] = {"markdown": [], "caption": [], "template": []}
    rebuilds: dict[str, list[float]] = {"markdown": [], "caption": [], "template": []}
    loads: list[float] = []
    try:
        with Preview(root, port=free_port(), log=lambda level, message: None) as preview:
            started = time.perf_counter()
            preview.wait_built()
            print(f"  sitegen serve, first build: {time.perf_counter() - started:.1f} s", flush=True)
            port = preview.server.server_address[1]
            edits = {
                "markdown": lambda i: about.write_text(f"{originals[about]}\nEdit {i}.\n", "utf-8"),
                "caption": lambda i: sidecar.write_text(f"{originals[sidecar]}\nMore {i}.\n", "utf-8"),
                # Visible on every page (a Jinja comment would change no page: nothing to reload).
                "template": lambda i: base.write_text(f"{originals[base]}<!-- edit {i} -->\n", "utf-8"),
            }
            for kind, edit in edits.items():
                for i in range(repeat):
                    # Pages opened afresh for each edit: no event of the last one is left to read.
                    streams = [Stream(port, OPEN_PAGES[n % len(OPEN_PAGES)]) for n in range(pages)]
                    for stream in streams:
                        stream.next_event()  # hello
                    assert preview.session is not None
                    expected = preview.session.number + 1
                    started = time.perf_counter()
                    edit(i)
                    reloaded = _all_reloaded(streams, timeout)
                    seen = time.perf_counter() - started
                    # Until the whole rebuild is done (after a template edit, the open pages reload before).
                    while preview.last is None or preview.last.number < expected or preview.queue.busy:
                        time.sleep(0.005)
                    done = time.perf_counter() - started
                    for stream in streams:
                        stream.conn.close()
                    if not reloaded:
                        print(f"  {kind} edit: no reload on every open page within {timeout:.0f} s; stopped")
                        break
                    samples[kind].append(seen)
                    rebuilds[kind].append(done)
                    loads.append(os.getloadavg()[0])
                    time.sleep(0.2)  # the next save is a new edit, not part of this one's debounce
    finally:
        for path, text in originals.items():
            path.write_text(text, "utf-8")
        base.unlink()
    figures = {f"serve_{kind}_ms": statistics.median(values) * 1000 for kind, values in samples.items() if values}
    figures |= {f"rebuild_{kind}_ms": statistics.median(values) * 1000 for kind, values in rebuilds.items() if values}
    figures["load"] = statistics.median(loads) if loads else os.getloadavg()[0]
    for kind, label in (
        ("markdown", "Markdown page edit"),
        ("caption", "sidecar caption edit"),
        ("template", "base-template edit"),
    ):
        if f"serve_{kind}_ms" in figures:
            print(
                f"  {label}: median {figures[f'serve_{kind}_ms']:.0f} ms to {pages} open page(s) reloaded, "
                f"{figures[f'rebuild_{kind}_ms']:.0f} ms to the whole rebuild done (n={len(samples[kind])}, min "
                f"{min(samples[kind]) * 1000:.0f}, max {max(samples[kind]) * 1000:.0f}; {os.cpu_count()} cores, "
                f"load average {figures['load']:.1f})"
            )
    return figures


def compare_serve(args: argparse.Namespace, work: Path) -> None:
    """The serve figures of two checkouts in turns, each in a fresh process running that checkout's code."""
    site_for(work, args.serve_photos)  # generated once, before either runs
    figures: dict[str, list[dict[str, float]]] = {str(c): [] for c in args.checkouts}
    for turn in range(args.turns):
        for checkout in args.checkouts:
            print(f"turn {turn + 1}, {checkout}:", flush=True)
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                command = [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--sizes",
                    "--serve-photos",
                    str(args.serve_photos),
                ]
                command += [
                    "--pages",
                    str(args.pages),
                    "--repeat",
                    str(args.repeat),
                    "--work",
                    str(work.resolve()),
                    "--keep",
                ]
                command += ["--serve-timeout", str(args.serve_timeout), "--json", out.name]
                env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
                subprocess.run(command, check=True, env=env, cwd=checkout)
                figures[str(checkout)].append(json.loads(Path(out.name).read_text() or "{}"))
    old, new = (figures[str(c)] for c in args.checkouts)
    print(f"\nsitegen serve, {args.serve_photos:,} photos, medians of {args.turns} turn(s) ({os.cpu_count()} cores):")
    for key in sorted({k for run in old + new for k in run}):
        a = [run[key] for run in old if key in run]
        b = [run[key] for run in new if key in run]
        if not a or not b:
            print(
                f"  {key}: {'-' if not a else f'{statistics.median(a):.0f}'} -> "
                f"{'-' if not b else f'{statistics.median(b):.0f}'} (one side never got there)"
            )
            continue
        ratio = statistics.median(b) / statistics.median(a) if statistics.median(a) else float("nan")
        print(f"  {key}: {statistics.median(a):.1f} -> {statistics.median(b):.1f} ({ratio:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000], help="photos per site")
    parser.add_argument("--force-sizes", type=int, nargs="*", help="sizes to time --force at (default: the largest)")
    parser.add_argument("--serve-photos", type=int, default=5000, help="photos of the site served (0: skip)")
    parser.add_argument("--pages", type=int, default=3, help="open pages for the serve latencies")
    parser.add_argument("--repeat", type=int, default=5, help="no-op runs and serve edits per kind")
    parser.add_argument("--serve-timeout", type=float, default=60.0, help="seconds to wait for a reload")
    parser.add_argument("--work", type=Path, help="folder for the generated sites (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites in --work")
    parser.add_argument("--checkouts", type=Path, nargs=2, metavar=("OLD", "NEW"), help="serve figures, paired")
    parser.add_argument("--turns", type=int, default=3, help="turns of each checkout with --checkouts")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # the serve figures, for --checkouts
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sitegen-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    force_sizes = set(args.force_sizes if args.force_sizes is not None else args.sizes[-1:])
    load = os.getloadavg()[0]
    print(
        f"sitegen scale benchmark: {os.cpu_count()} CPU core(s), load average {load:.1f} at start, "
        f"Python {sys.version.split()[0]}, work in {work}",
        flush=True,
    )
    results: dict[int, dict[str, float]] = {}
    try:
        if args.checkouts:
            compare_serve(args, work)
            return
        for photos in args.sizes:
            print(f"{photos:,} photos:", flush=True)
            results[photos] = measure_size(work, photos, args.repeat, photos in force_sizes)
        if len(results) > 1:
            smallest, largest = min(results), max(results)
            ratio = results[largest]["cold_ms_per_photo"] / results[smallest]["cold_ms_per_photo"]
            print(f"cold time per photo, {largest:,} vs {smallest:,} photos: {ratio:.2f}x (1.00 = flat)")
        if args.serve_photos:
            print(f"sitegen serve, {args.serve_photos:,} photos:", flush=True)
            served = measure_serve(work, args.serve_photos, args.repeat, args.pages, args.serve_timeout)
            if args.json:
                args.json.write_text(json.dumps(served))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
