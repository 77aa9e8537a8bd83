"""How close a suspected copy is to each published photo, and what that distance means.

Thresholds, in bits out of 64 (tuned on the test set of ``benchmarks/find_copies.py``: resized,
re-encoded, format-changed, mirrored, brightened, greyscaled and cropped copies of the example
site's photos against unrelated pictures):

- ``SAME`` (0-6): resizing, re-encoding, a format change, greyscale or mirroring moved a copy at
  most 2 bits; brightness and contrast changes and a 5 % crop up to 8, rarely.
- ``PROBABLY`` (7-12): crops and heavier edits land here; so, rarely, does a different photo of
  a very similar scene (unrelated pictures were at least 16 bits from every photo of the set).
- above 12: no match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps

from ..images.fingerprint import Fingerprint, fingerprint, mirrored
from ..pipeline.fingerprints import Entry

SAME = 6
PROBABLY = 12


class Verdict(StrEnum):
    SAME = "same photo"
    PROBABLY = "probably"
    NONE = "no match"


def verdict(distance: int) -> Verdict:
    if distance <= SAME:
        return Verdict.SAME
    return Verdict.PROBABLY if distance <= PROBABLY else Verdict.NONE


@dataclass(frozen=True)
class Match:
    entry: Entry | None  # the closest photo (None with an empty index)
    distance: int  # bits, 0-64
    mirrored: bool  # the copy is the photo flipped left to right

    @property
    def verdict(self) -> Verdict:
        return verdict(self.distance) if self.entry is not None else Verdict.NONE


def candidate_prints(image: Image.Image) -> tuple[Fingerprint, Fingerprint]:
    """The copy as it is and flipped; EXIF orientation applied first (a copy may only carry a tag)."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    return fingerprint(upright), mirrored(upright)


def closest(image: Image.Image, index: Iterable[Entry]) -> Match:
    plain, flipped = candidate_prints(image)
    best = Match(None, 65, False)
    for entry in index:
        for candidate, flip in ((plain, False), (flipped, True)):
            d = entry.fingerprint.distance(candidate)
            if d < best.distance or best.entry is None:
                best = Match(entry, d, flip)
    return best


__all__ = ["PROBABLY", "SAME", "Match", "Verdict", "candidate_prints", "closest", "verdict"]
