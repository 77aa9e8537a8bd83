"""How Markdown conversion time grows with a page's length: it must be linear.

    python benchmarks/markdown_size.py [--sizes 0.25,0.5,1,2] [--stock]

Converts pages of several sizes and shapes with sitegen's converter
(``sitegen.content.markup.Markup``: the extensions sitegen uses) and prints
CPU seconds per MB for each. The last column is the cost per MB relative to
the smallest size: about 1.0 everywhere means linear; quadratic behaviour
shows as a ratio that grows with the size (2, 4, 8 for doubling sizes).
CPU time (not wall time) is measured so other processes on the machine blur
the figures less. ``--stock`` also converts with plain python-markdown and
the same extensions, for comparison with the unpatched inline pass.

Shapes: ``mixed`` (headings, paragraphs, lists, quotes, a table, code: a
long article), ``list`` (one list of many items: many children of one
element), ``paragraphs`` (many short paragraphs).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import markdown

from sitegen.content.markup import EXTENSIONS, Markup

MIXED = """## Notes from the road

A paragraph with *emphasis*, **strong** words, a [link](/about/) and `code` -- "quotes" it's here.
Another line of the same paragraph... with an ellipsis.

- a list item
- another *item*

1. first
2. second

> A quote with "marks".

| a | b |
|---|---|
| 1 | 2 |

```
code block
```

"""
SHAPES = {
    "mixed": MIXED,
    "list": '- an item with *emphasis* and a [link](/x/) -- "quoted"\n',
    "paragraphs": 'A short paragraph with *emphasis*, "quotes" and a [link](/about/).\n\n',
}


def page(shape: str, megabytes: float) -> str:
    unit = SHAPES[shape]
    return unit * max(1, round(megabytes * 1_000_000 / len(unit)))


def cpu_seconds(convert: Callable[[str], str], text: str) -> float:
    start = time.process_time()
    convert(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="page sizes in MB, comma-separated")
    parser.add_argument("--stock", action="store_true", help="also time stock python-markdown")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    converters: dict[str, Callable[[str], str]] = {"sitegen": lambda text: Markup().convert(text)}
    if args.stock:
        converters["stock"] = lambda text: markdown.Markdown(extensions=EXTENSIONS).convert(text)
    print(f"{'converter':<9} {'shape':<11} {'MB':>6} {'cpu s':>8} {'s/MB':>7} {'ratio':>6}")
    for name, convert in converters.items():
        for shape in SHAPES:
            first: float | None = None
            for megabytes in sizes:
                text = page(shape, megabytes)
                real_mb = len(text.encode()) / 1_000_000
                seconds = cpu_seconds(convert, text)
                per_mb = seconds / real_mb
                first = first or per_mb
                print(
                    f"{name:<9} {shape:<11} {real_mb:>6.2f} {seconds:>8.2f} {per_mb:>7.2f} {per_mb / first:>6.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
