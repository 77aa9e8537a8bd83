"""Two `sitegen build`s into one output at the same moment: how many fail, and what it costs.

Run from the repository root:

    python benchmarks/concurrent_builds.py              # 20 rounds
    python benchmarks/concurrent_builds.py --rounds 50

Builds a small site (a few generated photos) in a temporary folder, then starts two
``sitegen build --force`` processes at once into the same output, round after round, and prints
how many builds failed (and the first lines of their errors), how many rounds left anything but
``public/`` beside the output, and the wall time per round. Before the output lock, about one
build in three failed here with ``FileNotFoundError`` (the second deleted the first's temporary
folder); with it the second waits and both publish.

Figures are printed, never asserted: the machine this runs on is noisy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import make_photo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        for n in range(4):
            make_photo(site / "content" / "g" / f"p{n}.jpg")
            (site / "content" / "g" / f"p{n}.md").write_text(f"---\nalt: Test pattern {n}.\n---\n", "utf-8")
        command = [sys.executable, "-m", "sitegen", "build", str(site), "-j", "1", "--force", "-q"]
        subprocess.run(command, env=env, check=True)  # warm the image cache: the rounds measure the output phase
        failures: list[str] = []
        untidy = 0
        started = time.perf_counter()
        for _ in range(args.rounds):
            builds = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
            for proc in builds:
                _, err = proc.communicate()
                if proc.returncode != 0:
                    failures.append(err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}")
            beside = sorted(p.name for p in site.iterdir() if p.name.startswith(".public"))
            untidy += bool(beside)
        seconds = time.perf_counter() - started
    total = 2 * args.rounds
    print(f"builds failed: {len(failures)} of {total} ({100 * len(failures) / total:.0f} %)")
    for line in failures[:5]:
        print(f"  {line}")
    print(f"rounds leaving temporary or lock files beside the output: {untidy} of {args.rounds}")
    print(f"wall time per round of two builds: {seconds / args.rounds:.2f} s")


if __name__ == "__main__":
    main()
