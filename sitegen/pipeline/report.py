"""What a build says it did, and how a skipped (up-to-date) build says it again.

A :class:`BuildReport` is handed from the build to the command line and kept in the
build stamp (:mod:`sitegen.pipeline.stamp`), so it converts to and from JSON itself:
the stamp holds typed values, never a dict the build has to pick apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SitegenError


class BuildFailed(SitegenError):
    """The build finished checking but must not be published (errors, or warnings under strict)."""


# Told (photos done, photos in all) while the images are processed.
Progress = Callable[[int, int], None]

# Not stored: they describe one run (its duration, whether it was skipped, advice read from the config).
_PER_RUN = ("seconds", "up_to_date", "notes", "leftover")


@dataclass
class BuildReport:
    output_dir: Path
    pages: int
    galleries: int
    photos: int
    images_processed: int
    images_reused: int
    files_written: int
    seconds: float
    warnings: int
    up_to_date: bool = False  # nothing changed since the last build: nothing was written
    notes: list[str] = dataclasses.field(default_factory=list)  # advice that is not a warning
    # The previous output, swapped out and not deleted yet (build(..., defer_removal=True)).
    leftover: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """What a later build with the same inputs reports again (not this run's time or notes)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in _PER_RUN}
        return data | {"output_dir": str(self.output_dir)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildReport:
        """The stored report; ``ValueError`` when any field is missing or of the wrong type."""
        fields = [f.name for f in dataclasses.fields(cls) if f.name not in _PER_RUN]
        if not isinstance(data, dict) or set(data) != set(fields):
            raise ValueError(f"a build report has the fields {', '.join(fields)}")
        counts = {name: data[name] for name in fields if name != "output_dir"}
        if not all(type(value) is int for value in counts.values()) or not isinstance(data["output_dir"], str):
            raise ValueError("a build report's counts are integers and its output folder a string")
        return cls(output_dir=Path(data["output_dir"]), seconds=0.0, **counts)

    def replayed(self, seconds: float, notes: list[str]) -> BuildReport:
        """This report as an up-to-date build gives it: nothing processed, every photo reused."""
        return dataclasses.replace(
            self, images_processed=0, images_reused=self.photos, seconds=seconds, up_to_date=True, notes=notes
        )


def notes_for(base_url: str) -> list[str]:
    """Advice a build gives every time, built or up to date (not warnings: nothing is wrong yet)."""
    if "://" not in base_url:
        return [
            "[site] base_url is not an absolute URL: sitemap.xml, feed.xml, canonical and social-card "
            "URLs and the licensing links inside image files are left out; set it before you deploy"
        ]
    return []
