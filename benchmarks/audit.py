"""`sitegen audit` benchmark: how long a photographer waits after a deploy, by site size.

Run from the repository root:

    python benchmarks/audit.py                # example-site, then 10x and 50x copies of its output
    python benchmarks/audit.py --scales 1 100

Builds example-site once into a temporary folder, then measures:

1. a folder audit of the build, and of synthetic larger outputs made by copying
   its pages and images N times into sub-folders (every page's meta tags, every
   image's headers, metadata and size, robots.txt on every URL);
2. a URL audit of the build served by a local test host on 127.0.0.1 (sitemap
   pages, the largest file of every <picture>, originals probed), with the
   number of requests it sent.

Figures are printed, never asserted: the machine this runs on is noisy.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.commands.audit import AuditOptions, audit  # noqa: E402
from sitegen.commands.build import build  # noqa: E402
from sitegen.errors import Reporter  # noqa: E402
from tests.headers_server import serve  # noqa: E402


def replicate(output: Path, target: Path, times: int) -> None:
    """An output folder with the site's pages and images ``times`` over (copies under copy-N/)."""
    shutil.copytree(output, target)
    for n in range(1, times):
        for folder in [p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")]:
            shutil.copytree(folder, target / f"copy-{n}" / folder.name)


def timed(label: str, target: str, options: AuditOptions) -> None:
    started = time.perf_counter()
    report = audit(target, options)
    seconds = time.perf_counter() - started
    s = report.stats
    print(
        f"{label:<28} {seconds:7.2f} s   {s['pages']:>5} pages  {s['images']:>6} images  "
        f"{s['requests']:>4} requests   {'ok' if report.ok else 'FAILED: ' + ', '.join(c.id for c in report.failed)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50], help="copies of the output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitegen-audit-bench-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(ROOT / "example-site", site, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
        build(site, reporter=Reporter())
        output = site / "public"
        print(f"{'what':<28} {'time':>9}")
        for times in args.scales:
            folder = Path(tmp) / f"x{times}"
            replicate(output, folder, times)
            timed(f"folder audit, {times}x", str(folder), AuditOptions(site=site))
        with serve(output) as url:
            timed("URL audit (local host)", url, AuditOptions(site=site))


if __name__ == "__main__":
    main()
