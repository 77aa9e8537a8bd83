"""The justified grid's rows (sitegen/render/layout.py) and its agreement with the theme's CSS."""

import itertools
import random
import re

import pytest

from sitegen.render.layout import BREAKPOINTS, LAST_ROW_STRETCH, SINGLE_ROW_STRETCH, justify, tiles

from .conftest import REPO

CSS = (REPO / "themes/default/static/style.css").read_text("utf-8")


def heights(aspects, rows, width, gap):
    """Each row's height when its tiles take their share of the width."""
    out = []
    for row in rows:
        usable = width - (row.end - row.start - 1) * gap
        row_heights = {round(usable * f / aspects[row.start + i], 3) for i, f in enumerate(row.fractions)}
        assert max(row_heights) - min(row_heights) < 0.05, "tiles of one row must be equally high"
        out.append(min(row_heights))
    return out


def test_rows_cover_every_photo_once_in_order():
    aspects = [1.5, 0.67, 1.5, 1.78, 0.75, 1.0, 2.5, 1.5, 0.8, 1.33]
    rows = justify(aspects, 1200, 300, 8)
    assert rows[0].start == 0 and rows[-1].end == len(aspects)
    assert all(a.end == b.start for a, b in itertools.pairwise(rows))
    assert all(len(r.fractions) == r.end - r.start for r in rows)


def test_full_rows_fill_the_width_and_stay_near_the_target():
    rng = random.Random(7)
    aspects = [rng.choice([0.67, 0.75, 1.0, 1.33, 1.5, 1.78, 2.5]) for _ in range(60)]
    rows = justify(aspects, 1200, 300, 8)
    row_heights = heights(aspects, rows, 1200, 8)
    for row in rows[:-1]:
        assert 0.999 <= sum(row.fractions) <= 1.0  # full width, never a hair more (that would wrap)
    assert all(200 <= h <= 400 for h in row_heights[:-1]), row_heights


def test_one_wide_photo_does_not_blow_up_the_row_before_it():
    # A naive greedy fill would put the panorama on its own row and stretch the portrait above.
    aspects = [0.67, 0.67, 0.67, 4.0, 1.5, 1.5]
    row_heights = heights(aspects, justify(aspects, 1200, 300, 8), 1200, 8)
    assert max(row_heights) < 300 * 1.5


def test_short_last_row_keeps_the_target_height():
    aspects = [1.5] * 10  # three per row at 1200 px, one left over
    rows = justify(aspects, 1200, 300, 8)
    assert [len(r.fractions) for r in rows] == [3, 3, 3, 1]
    assert sum(rows[-1].fractions) < 0.7
    assert heights(aspects, rows, 1200, 8)[-1] == pytest.approx(300, abs=0.5)


def test_last_row_that_almost_fits_is_stretched():
    aspects = [1.5] * 6  # 3 + 3: filling the width, the last row is a little lower than the target
    rows = justify(aspects, 1200, 300, 8)
    assert [len(r.fractions) for r in rows] == [3, 3]
    assert sum(rows[-1].fractions) == pytest.approx(1.0, abs=0.001)
    aspects = [1.5] * 5 + [1.2]  # filling would make the last row 1.35x higher: left at the target instead
    rows = justify(aspects, 1200, 330, 8)
    last = heights(aspects, rows, 1200, 8)[-1]
    assert last <= 330 * LAST_ROW_STRETCH


def test_small_gallery_fills_more_of_the_page():
    rows = justify([0.67, 0.67], 1286, 300, 8)
    assert len(rows) == 1
    assert heights([0.67, 0.67], rows, 1286, 8)[0] == pytest.approx(300 * SINGLE_ROW_STRETCH, abs=0.5)


def test_empty_and_single():
    assert justify([], 1000, 300, 8) == []
    (row,) = justify([1.5], 1000, 300, 8)
    # A lone row may grow to 1.6x the target (1.5 * 480 = 720 of 1000 px), not to the full width.
    assert row.fractions == (pytest.approx(1.5 * 300 * SINGLE_ROW_STRETCH / 1000, abs=0.001),)


def test_tiles_carry_every_breakpoint_and_exact_sizes():
    first, _ = tiles([1.5, 0.75], 300)
    for b in range(len(BREAKPOINTS)):
        assert f"--f{b}:" in first.style and f"--n{b}:" in first.style
    parts = first.sizes.split(", ")
    assert len(parts) == len(BREAKPOINTS)
    assert parts[0].startswith("(max-width: 599px) calc((100vw - ")
    assert not parts[-1].startswith("(")
    fractions = [float(x) for x in re.findall(r"--f\d:([0-9.]+)", first.style)]
    for part, fraction in zip(parts, fractions, strict=True):
        assert part.endswith(f"* {fraction:g})") or part.endswith(f"* {fraction})")


def test_css_uses_the_same_breakpoints_gutters_and_gaps():
    """layout.py computes widths from these numbers; style.css must lay out with the same ones."""
    queries = [int(m) for m in re.findall(r"@media \(min-width: (\d+)px\) \{\s*:root", CSS)]
    assert queries == [bp.min_width for bp in BREAKPOINTS[1:]]
    roots = re.findall(r":root \{[^}]*?--gutter: (\d+)px; --gap: (\d+)px", CSS)
    first = re.search(r"--gutter: (\d+)px;\s*--gap: (\d+)px;", CSS)
    found = [(int(first.group(1)), int(first.group(2)))] + [(int(g), int(p)) for g, p in roots]
    assert found == [(bp.gutter, bp.gap) for bp in BREAKPOINTS]
    for b, bp in enumerate(BREAKPOINTS):
        rule = rf"\.grid-item \{{ width: calc\(\(100% - \(var\(--n{b}\) - 1\) \* var\(--gap\)\) \* var\(--f{b}\)\); \}}"
        assert re.search(rule, CSS), f"no grid rule for breakpoint {b}"
        if b:
            assert re.search(rf"@media \(min-width: {bp.min_width}px\) \{{ {rule}", CSS)
