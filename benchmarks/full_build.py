"""A full build of a large site, two checkouts side by side: wall time, CPU and peak memory.

For issue 14's ``--force`` and memory figures. The site comes from ``benchmarks/largesite.py``
and is built once beforehand, so every image is in its cache (``--cold`` empties the cache
before each run instead: the image pipeline then does its work too). Each round runs
``sitegen build -q --force SITE`` once per checkout, alternating which goes first, each in a
fresh interpreter with ``PYTHONPATH`` on that checkout, and prints per run: wall time, CPU
time of the main process and of its children (the render workers, and the image workers of a
cold build), the peak RSS (``ru_maxrss``) of the main process alone, the largest of its
children, and the load average. Medians and their after/before ratios close the output.
The machine is shared: compare the ratios of paired runs, and CPU time, more than absolute
figures.

    python benchmarks/largesite.py /tmp/site-5k --photos 5000
    sitegen build -q /tmp/site-5k                      # fills the image cache
    python benchmarks/full_build.py /tmp/site-5k --before /tmp/old-checkout --rounds 3
    python benchmarks/full_build.py /tmp/site-20k --before /tmp/old-checkout --cold --rounds 1 --only after

Nothing is asserted.
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Runs in the checkout under test: `sitegen build`, then its own figures when it exits.
DRIVER = """
import atexit, json, resource, sys, time
started, out = time.perf_counter(), sys.argv[1]
def report():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"wall": time.perf_counter() - started, "cpu": own.ru_utime + own.ru_stime,
                   "child_cpu": kids.ru_utime + kids.ru_stime, "rss_mb": own.ru_maxrss / 1024,
                   "child_rss_mb": kids.ru_maxrss / 1024}, fh)
atexit.register(report)
sys.argv = ["sitegen", *sys.argv[2:]]
from sitegen.cli import main
main()
"""

FIGURES = ("wall", "cpu", "child_cpu", "rss_mb", "child_rss_mb")


def one_build(checkout: Path, site: Path, cold: bool) -> dict[str, float]:
    if cold:
        for leftover in (site / ".sitegen-cache", site / "public"):
            shutil.rmtree(leftover, ignore_errors=True)
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [sys.executable, "-c", DRIVER, out.name, "build", "-q", *([] if cold else ["--force"]), str(site)]
        env = dict(os.environ, PYTHONPATH=str(checkout))
        done = subprocess.run(args, env=env, cwd=checkout, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{checkout}: sitegen build failed:\n{done.stderr[-3000:]}")
        figures: dict[str, float] = json.loads(Path(out.name).read_text())
    figures["load"] = (load + os.getloadavg()[0]) / 2
    time.sleep(1)  # the previous output is removed in the background: let it go before the next run
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site from largesite.py, built once (images cached)")
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--after", type=Path, default=HERE.parent, help="the checkout measured (default: this)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="empty the cache first: a cold build, not --force")
    parser.add_argument("--only", choices=["before", "after"], help="run one checkout only (a long cold build)")
    args = parser.parse_args()
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    if args.only:
        sides = {args.only: sides[args.only]}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    kind = "cold build" if args.cold else "--force, every image cached"
    print(f"{args.site}: {kind}; {os.cpu_count()} cores", flush=True)
    for round_no in range(args.rounds):
        order = list(sides) if round_no % 2 == 0 else list(reversed(sides))
        for name in order:
            figures = one_build(sides[name], args.site, args.cold)
            runs[name].append(figures)
            print(
                f"  round {round_no + 1} {name:6}: {figures['wall']:6.1f} s wall, CPU {figures['cpu']:6.1f} s main "
                f"+ {figures['child_cpu']:6.1f} s children; peak RSS main {figures['rss_mb']:5.0f} MB, "
                f"largest child {figures['child_rss_mb']:5.0f} MB; load {figures['load']:.1f}",
                flush=True,
            )
    if len(sides) < 2:
        return
    print(f"medians of {args.rounds} round(s)        before      after  after/before")
    for key in FIGURES:
        before = statistics.median(r[key] for r in runs["before"])
        after = statistics.median(r[key] for r in runs["after"])
        print(f"  {key:28}{before:10.1f}{after:11.1f}{after / before if before else float('nan'):14.2f}")


if __name__ == "__main__":
    main()
