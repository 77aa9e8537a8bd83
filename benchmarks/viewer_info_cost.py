"""What the lightbox's info panel costs, two ways, on example-site.

Run from the repository root:

    python benchmarks/viewer_info_cost.py              # builds example-site into a temporary folder
    python benchmarks/viewer_info_cost.py --output public   # or measures a build you already have

The panel shows what a photo's own page says (caption, date, photographer, camera facts,
licence, "License this photo"). The theme fetches that page when the panel is opened. The
other way would be to carry the same markup in the gallery page (a ``<template>`` per tile),
which every visitor of the gallery downloads whether they open the panel or not. For each
gallery page this prints its gzipped size, what the carried markup would add to it (gzipped,
the whole page compressed with and without it), and what one opened panel fetches (the
photo page, gzipped). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import tempfile
from pathlib import Path

from sitegen.errors import Reporter
from sitegen.pipeline.build import build

REPO = Path(__file__).resolve().parent.parent
# The parts gallery.js copies (INFO_PARTS), as the default theme's templates write them.
PARTS = [
    r'<div class="caption prose">.*?</div>',
    r'<dl class="photo-meta">.*?</dl>',
    r'<p class="licence">.*?</p>',
    r'<p class="rights">.*?</p>',
]
TILE_LINK = re.compile(r'<a class="grid-link" href="([^"]+)"')


def zipped(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), 9))


def page_of(output: Path, href: str) -> Path:
    return output / href.strip("/") / "index.html"


def measure(output: Path) -> None:
    print(f"{'gallery page':<28}{'photos':>7}{'page gz':>9}{'+ carried':>11}{'fetch/photo gz':>16}")
    added_total = fetched_total = 0
    for path in sorted(output.rglob("index.html")):
        html = path.read_text("utf-8")
        if "data-lightbox" not in html:
            continue
        templates = []
        fetches = []
        for href in TILE_LINK.findall(html):
            photo = page_of(output, href).read_text("utf-8")
            parts = "".join(m.group(0) for part in PARTS for m in re.finditer(part, photo, re.S))
            templates.append(f"<template>{parts}</template>")
            fetches.append(zipped(photo))
        carried = html.replace("</ul>", "".join(templates) + "</ul>", 1)
        added = zipped(carried) - zipped(html)
        added_total += added
        fetched_total += int(statistics.median(fetches))
        name = "/" + path.parent.relative_to(output).as_posix() + "/"
        print(f"{name:<28}{len(fetches):>7}{zipped(html):>9}{added:>+11}{int(statistics.median(fetches)):>16}")
    print(f"carried in every gallery page: {added_total} bytes gzipped in all; fetched on demand: 0 bytes")
    print(f"one opened panel fetches one photo page, median {fetched_total} bytes gzipped summed over galleries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, help="a built site's output folder (default: build example-site)")
    args = parser.parse_args()
    if args.output:
        measure(args.output)
        return
    with tempfile.TemporaryDirectory(prefix="sitegen-info-cost-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(REPO / "example-site", site, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
        report = build(site, reporter=Reporter(root=site))
        measure(report.output_dir)


if __name__ == "__main__":
    main()
