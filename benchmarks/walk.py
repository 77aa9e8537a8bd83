"""Cost of walking the site folders under the one rule of ``sitegen.sitefiles``.

Every build (a no-op one included) fingerprints content/, static/, templates/
and the theme, and the reader lists every folder; the rule costs an lstat and
a stat per entry (plus resolving each symlink). This prints the time of the
build stamp's fingerprint and of a full rule-checked walk next to a plain
``os.walk`` + ``stat`` of the same tree (what the fingerprint did before), and
their ratio.

    python benchmarks/walk.py --files 5000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sitegen.config import load_project
from sitegen.pipeline.stamp import fingerprint
from sitegen.sitefiles import is_hidden


def make_tree(root: Path, files: int, per_folder: int = 50) -> None:
    (root / "static").mkdir(parents=True)
    for i in range(files):
        folder = root / "content" / f"gallery-{i // per_folder // 10}" / f"sub-{i // per_folder}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"IMG_{i:05d}.jpg").write_bytes(b"\xff\xd8\xff\xd9")
        if i % 2:
            (folder / f"IMG_{i:05d}.md").write_text("---\nalt: x\n---\n")


def plain_walk(root: Path) -> int:
    count = 0
    for folder, _dirs, names in os.walk(root, followlinks=True):
        for name in names:
            os.stat(os.path.join(folder, name))
            count += 1
    return count


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000, help="photos (half of them with a sidecar)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        make_tree(site, args.files)
        project = load_project(site)
        entries = sum(1 for _ in project.files().walk(project.content_dir))
        base = best(lambda: plain_walk(project.content_dir), args.runs)
        rule = best(lambda: list(project.files().walk(project.content_dir, is_hidden)), args.runs)
        stamp = best(lambda: fingerprint(project, Path(tmp) / "out", [], 2026), args.runs)
        print(f"files under content/: {entries}")
        print(f"os.walk + stat (before):        {base * 1000:8.1f} ms")
        print(f"rule-checked walk (sitefiles):  {rule * 1000:8.1f} ms  ({rule / base:.2f}x)")
        print(f"build stamp fingerprint:        {stamp * 1000:8.1f} ms  ({stamp / base:.2f}x)")


if __name__ == "__main__":
    main()
