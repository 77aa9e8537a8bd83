"""What the build-time justified grid costs: layout time and HTML bytes per photo.

    python benchmarks/grid_layout.py

Prints, for galleries of 100 to 5000 photos of mixed shapes, the time
``layout.tiles`` takes for all breakpoints, and how many bytes of HTML the
per-tile data (the style attribute and the sizes value, which the theme prints
on the <img> and on each <source>) adds per photo, raw and gzip-compressed.
"""

from __future__ import annotations

import gzip
import random
import statistics
import time

from sitegen.render.layout import BREAKPOINTS, tiles

SHAPES = [0.67, 0.75, 1.0, 1.33, 1.5, 1.78, 2.5]


def main() -> None:
    rng = random.Random(1)
    print(f"breakpoints: {len(BREAKPOINTS)}")
    print(f"{'photos':>7} {'layout ms':>10} {'us/photo':>9} {'bytes/photo':>12} {'gzip/photo':>11}")
    for n in (100, 1000, 5000):
        aspects = [rng.choice(SHAPES) for _ in range(n)]
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            result = tiles(aspects, 300)
            runs.append(time.perf_counter() - start)
        seconds = statistics.median(runs)
        # style once, sizes twice (one <source> for WebP and the <img>), as the default theme prints them
        html = "".join(f'style="{t.style}" sizes="{t.sizes}" sizes="{t.sizes}"' for t in result).encode()
        print(
            f"{n:>7} {seconds * 1000:>10.1f} {seconds / n * 1e6:>9.1f} "
            f"{len(html) / n:>12.0f} {len(gzip.compress(html)) / n:>11.0f}"
        )


if __name__ == "__main__":
    main()
