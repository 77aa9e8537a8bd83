"""Two checkouts of sitegen side by side, in CPU seconds: did a change make anything slower?

Wall-clock figures on a shared 2-core machine swing by 2x from one minute to the next;
CPU time of the process doing the work swings much less. Each round runs the same
workload once per checkout, alternating which goes first, each in a fresh
interpreter with ``PYTHONPATH`` on that checkout, and the medians and their ratio
are printed. The workload:

* ``cold``: a build of a generated site (``--photos`` photos of 1600x1067) with an empty
  cache: CPU time of the build and its image workers;
* ``no-op``: the same build again (nothing changed, nothing redone), the call without start-up;
* ``force``: ``--force`` with every image cached (every page rendered and written again);
* ``serve page`` / ``serve sidecar``: ``sitegen serve``'s incremental rebuild after a
  Markdown page edit and after a photo caption edit (CPU time of the rebuilding thread).

Usage: ``python benchmarks/compare_checkouts.py --before /path/to/old --after .``
Nothing is asserted; see the README's "Development" section for the other benchmarks.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Runs inside the checkout under test; imports what exists there (module paths moved in issue 11).
DRIVER = r"""
import json, resource, sys, time
from pathlib import Path

def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

site, step = Path(sys.argv[1]), sys.argv[2]
from sitegen.errors import Reporter
try:
    from sitegen.pipeline.build import build
except ImportError:
    from sitegen.commands.build import build
if step in ("cold", "noop", "force"):
    start = cpu()
    build(site, reporter=Reporter(), force=step == "force")
    print(json.dumps({step: cpu() - start}))
else:
    try:
        from sitegen.pipeline.session import BuildSession
        from sitegen.output.preview import PreviewFolder
    except ImportError:
        from sitegen.commands.session import BuildSession
        from sitegen.serve.folder import PreviewFolder
    folder = PreviewFolder.create(site / ".sitegen-cache")
    session = BuildSession(site, folder)
    session.rebuild(None, Reporter())
    page, sidecar = site / "content" / "about.md", site / "content" / "landscapes" / "photo-0000.md"
    results = {"serve page": [], "serve sidecar": []}
    for n in range(int(sys.argv[3])):
        page.write_text(page.read_text() + f"\nEdit {n}.\n")
        results["serve page"].append(session.rebuild([page.resolve()], Reporter()).cpu_seconds)
        sidecar.write_text(sidecar.read_text() + f"\nEdit {n}.\n")
        results["serve sidecar"].append(session.rebuild([sidecar.resolve()], Reporter()).cpu_seconds)
    print(json.dumps({k: sorted(v)[len(v) // 2] for k, v in results.items()}))
"""


def run(checkout: Path, site: Path, step: str, edits: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(site), step, str(edits)],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=HERE.parent)
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=7, help="edits per serve round (median taken)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from benchsite import make_site

    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in sides}
    with tempfile.TemporaryDirectory(prefix="sitegen-compare-") as tmp:
        template = Path(tmp) / "template"
        make_site(template, args.photos)
        for round_no in range(args.rounds):
            order = list(sides) if round_no % 2 == 0 else list(reversed(sides))
            for name in order:
                site = Path(tmp) / f"{name}-{round_no}"
                shutil.copytree(template, site)
                for step in ("cold", "noop", "force", "serve"):
                    for key, value in run(sides[name], site, step, args.edits).items():
                        figures[name].setdefault(key, []).append(value)
                shutil.rmtree(site)
            print(f"round {round_no + 1} of {args.rounds} done", file=sys.stderr)
    print(f"CPU seconds, median of {args.rounds} rounds ({args.photos} photos; serve: median of {args.edits} edits)")
    print(f"{'':16}{'before':>10}{'after':>10}{'after/before':>14}")
    for key in figures["before"]:
        before, after = statistics.median(figures["before"][key]), statistics.median(figures["after"][key])
        print(f"{key:16}{before:10.3f}{after:10.3f}{after / before:14.2f}")


if __name__ == "__main__":
    main()
