"""Justified rows for the gallery grid, computed at build time from aspect ratios.

A pure-CSS ``flex-grow`` grid keeps rows even but cannot choose good line
breaks: one wide photo that does not fit makes the row before it huge, and the
last row either stretches or is left ragged by a guess. Here the rows are
chosen the way Flickr and Google Photos do it (an optimal partition that keeps
every row close to a target height), once per layout breakpoint, and handed
to the theme as CSS custom properties: the browser then lays out exact
percentage widths with no JavaScript, photos are never cropped (each tile is
as wide as its photo at the row's height), and every ``<img>`` gets a
``sizes`` value that is its real displayed width, so phones download the
small files.

The breakpoints are the theme's: ``themes/default/static/style.css`` uses the
same viewport widths, page gutters and gaps (a test keeps them in step).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Breakpoint:
    min_width: int  # viewport width in CSS px from which this layout applies
    design_width: int  # viewport width the line breaks are optimised for
    gutter: int  # page padding left and right of the grid, CSS px
    gap: int  # space between tiles, CSS px
    scale: float  # target row height relative to [theme_options] row_height


BREAKPOINTS: tuple[Breakpoint, ...] = (
    Breakpoint(0, 390, 16, 4, 0.7),  # phones: a landscape photo gets a row of its own
    Breakpoint(600, 820, 24, 6, 0.75),  # tablets, small windows
    Breakpoint(1024, 1366, 40, 8, 1.0),  # laptops
    Breakpoint(1680, 1920, 56, 10, 1.15),  # large screens
)

LAST_ROW_STRETCH = 1.25  # a last row is stretched to full width only if it grows by at most this much
SINGLE_ROW_STRETCH = 1.6  # ... or this much when it is the only row (a small gallery should fill the page)
DIGITS = 5


@dataclass(frozen=True)
class Row:
    start: int
    end: int  # exclusive
    fractions: tuple[float, ...]  # share of the row's width (after gaps) per tile; sums to at most 1


@dataclass(frozen=True)
class Tile:
    """What the template needs for one grid tile."""

    style: str  # CSS custom properties: --fN (share of the row) and --nN (tiles in the row) per breakpoint
    sizes: str  # the <img sizes> value: the tile's displayed width at every breakpoint


def _floor(value: float) -> float:
    """Round down, so a row's shares never add up to more than 100% and wrap early."""
    return math.floor(value * 10**DIGITS) / 10**DIGITS


def _height(aspects: Sequence[float], start: int, end: int, width: float, gap: float, prefix: list[float]) -> float:
    """Row height when tiles ``start:end`` exactly fill ``width``."""
    return (width - (end - start - 1) * gap) / (prefix[end] - prefix[start])


def justify(aspects: Sequence[float], width: float, target: float, gap: float) -> list[Row]:
    """Split tiles of the given aspect ratios (width / height) into rows near ``target`` height.

    Dynamic programming over break positions (O(n * k), k = tiles per row),
    minimising the squared relative deviation of every row's height from the
    target. The last row is free of cost when it is left at the target height
    instead of being stretched, which is what it does when filling the width
    would blow it up.
    """
    n = len(aspects)
    if n == 0:
        return []
    prefix = [0.0]
    for a in aspects:
        prefix.append(prefix[-1] + a)
    max_per_row = max(1, int(width / (target * 0.25)))
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)

    def cost(h: float) -> float:
        return ((h - target) / target) ** 2

    for end in range(1, n + 1):
        for start in range(max(0, end - max_per_row), end):
            h = _height(aspects, start, end, width, gap, prefix)
            if h <= 0:
                continue
            c = best[start] + cost(h)
            if c < best[end]:
                best[end], back[end] = c, start

    # The last row: choose its start again, now that leaving it ragged is allowed.
    last_start, last_cost = back[n], math.inf
    for start in range(max(0, n - max_per_row), n):
        h = _height(aspects, start, n, width, gap, prefix)
        if h <= 0:
            continue
        limit = SINGLE_ROW_STRETCH if start == 0 else LAST_ROW_STRETCH
        c = best[start] + (0.0 if h > target * limit else cost(h))
        if c < last_cost:
            last_start, last_cost = start, c

    rows: list[Row] = []
    end, start = n, last_start
    while end > 0:
        h = _height(aspects, start, end, width, gap, prefix)
        if end == n:
            limit = SINGLE_ROW_STRETCH if start == 0 else LAST_ROW_STRETCH
            if h > target * limit:
                h = target * limit if start == 0 else target
        usable = width - (end - start - 1) * gap
        rows.append(Row(start, end, tuple(_floor(aspects[i] * h / usable) for i in range(start, end))))
        end, start = start, back[start]
    rows.reverse()
    return rows


def _number(value: float) -> str:
    text = f"{value:.{DIGITS}f}".rstrip("0").rstrip(".")
    return text or "0"


def tiles(aspects: Sequence[float], row_height: int, breakpoints: Sequence[Breakpoint] = BREAKPOINTS) -> list[Tile]:
    """One :class:`Tile` per aspect ratio: the justified layout at every breakpoint, ready for the template."""
    per_bp: list[list[tuple[float, int]]] = []
    for bp in breakpoints:
        width = bp.design_width - 2 * bp.gutter
        shares: list[tuple[float, int]] = [(0.0, 1)] * len(aspects)
        for row in justify(aspects, width, row_height * bp.scale, bp.gap):
            for offset, fraction in enumerate(row.fractions):
                shares[row.start + offset] = (fraction, row.end - row.start)
        per_bp.append(shares)

    result: list[Tile] = []
    for i in range(len(aspects)):
        style = ";".join(f"--f{b}:{_number(per_bp[b][i][0])};--n{b}:{per_bp[b][i][1]}" for b in range(len(breakpoints)))
        sizes = []
        for b, bp in enumerate(breakpoints):
            fraction, count = per_bp[b][i]
            fixed = 2 * bp.gutter + (count - 1) * bp.gap
            value = f"calc((100vw - {fixed}px) * {_number(fraction)})"
            if b + 1 < len(breakpoints):
                sizes.append(f"(max-width: {breakpoints[b + 1].min_width - 1}px) {value}")
            else:
                sizes.append(value)
        result.append(Tile(style=style, sizes=", ".join(sizes)))
    return result


@functools.lru_cache(maxsize=128)
def cached_tiles(aspects: tuple[float, ...], row_height: int) -> tuple[Tile, ...]:
    """:func:`tiles`, remembered: a preview rebuild asks for every gallery's grid again to see whether
    it changed, and a gallery's photos rarely do."""
    return tuple(tiles(aspects, row_height))
