"""How well and how fast fingerprints find copies: detection per transformation, false matches, costs.

    python benchmarks/find_copies.py [--site example-site] [--unrelated 200] [--candidates 1000]

Builds the site into a temporary folder, makes copies of every published photo the ways copies are
made (tests/copysets.py: the promised ones and the harder ones), and prints per transformation how
many were named as the right photo with "same photo", with at least "probably", and missed; then how
many unrelated pictures matched anything, the fingerprint's cost per photo next to the image job's,
and find-copies' time for N candidates against an index of N photos.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.commands.find_copies import find_copies  # noqa: E402
from sitegen.copies.match import Verdict, closest  # noqa: E402
from sitegen.errors import Reporter  # noqa: E402
from sitegen.images.fingerprint import Fingerprint, fingerprint  # noqa: E402
from sitegen.pipeline.build import build  # noqa: E402
from sitegen.pipeline.fingerprints import INDEX_NAME, Entry, from_json, to_json  # noqa: E402
from tests.copysets import FOUND_PROBABLY, FOUND_SAME, HARDER, unrelated  # noqa: E402


def detection(public: Path, index: list[Entry], others: int) -> None:
    print(f"{'transformation':40} {'same':>5} {'probably':>9} {'missed':>7} {'wrong photo':>12}  (of {len(index)})")
    for group, kinds in (("promised", {**FOUND_SAME, **FOUND_PROBABLY}), ("harder", HARDER)):
        for kind, make in kinds.items():
            counts = {"same": 0, "probably": 0, "missed": 0, "wrong": 0}
            for entry in index:
                image = Image.open(public / entry.file)
                image.load()
                match = closest(make(image), index)
                if match.verdict is Verdict.NONE:
                    counts["missed"] += 1
                elif match.entry is not entry:
                    counts["wrong"] += 1
                else:
                    counts["same" if match.verdict is Verdict.SAME else "probably"] += 1
            print(
                f"{kind + ' (' + group + ')':40} {counts['same']:5} {counts['probably']:9} "
                f"{counts['missed']:7} {counts['wrong']:12}"
            )
    pictures = unrelated(others)
    matched = [closest(p, index) for p in pictures]
    false = [m for m in matched if m.verdict is not Verdict.NONE]
    nearest = min(m.distance for m in matched)
    print(f"unrelated pictures matched: {len(false)} of {others} (nearest at {nearest} bits)")


def costs(public: Path, index: list[Entry], candidates: int) -> None:
    image = Image.open(public / index[0].file).convert("RGB")
    runs = 20
    start = time.process_time()
    for _ in range(runs):
        fingerprint(image, windows=True)
    per = (time.process_time() - start) / runs * 1000
    print(f"fingerprint of one {image.width} px view with windows: {per:.1f} ms CPU")
    rng = random.Random(1)
    big = [
        Entry(
            Fingerprint(rng.getrandbits(64), rng.getrandbits(64), tuple(rng.getrandbits(64) for _ in range(8))),
            "p",
            "s",
            "f",
        )
        for _ in range(candidates)
    ] + index
    small = [p.resize((200, 133)) for p in unrelated(50)]
    start = time.process_time()
    for n in range(candidates):
        closest(small[n % len(small)], big)
    total = time.process_time() - start
    print(
        f"find-copies: {candidates} candidates against an index of {len(big)} photos: {total:.1f} s CPU "
        f"({total / candidates * 1000:.1f} ms a candidate; downloads and decoding not included)"
    )


def end_to_end(site: Path, index: list[Entry], count: int) -> None:
    """``find-copies FOLDER`` over ``count`` JPEG files against an index of ``count`` photos, wall clock."""
    rng = random.Random(2)
    padded = index + [
        Entry(
            Fingerprint(rng.getrandbits(64), rng.getrandbits(64), tuple(rng.getrandbits(64) for _ in range(8))),
            f"https://example.com/synthetic/{n}/",
            f"content/synthetic/{n}.jpg",
            "f",
        )
        for n in range(count - len(index))
    ]
    (site / INDEX_NAME).write_text(to_json(padded), "utf-8")
    folder = site / "candidates"
    folder.mkdir()
    sources = [Image.open(site / "public" / e.file).convert("RGB") for e in index] + unrelated(20, (1200, 800))
    for n in range(count):
        picture = sources[n % len(sources)]
        picture.resize((800, round(800 * picture.height / picture.width))).save(folder / f"{n:05d}.jpg", quality=80)
    start, cpu = time.perf_counter(), time.process_time()
    found = list(find_copies(site, [str(folder)]))
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    named = sum(1 for f in found if f.match is not None and f.match.verdict is not Verdict.NONE)
    print(
        f"find-copies over {len(found)} files of 800 px against an index of {len(padded)} photos: "
        f"{wall:.1f} s wall, {used:.1f} s CPU ({named} named as one of the photos)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "example-site")
    parser.add_argument("--unrelated", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=1000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("public", ".sitegen-cache", INDEX_NAME))
        build(site, reporter=Reporter(root=site))
        public = site / "public"
        index = from_json((site / INDEX_NAME).read_text("utf-8"))
        detection(public, index, args.unrelated)
        costs(public, index, args.candidates)
        end_to_end(site, index, args.candidates)


if __name__ == "__main__":
    main()
