"""What the publish phase writes through: the one interface of every output.

``sitegen build`` writes into :class:`~sitegen.output.folder.Output` (a folder
swapped in whole when the build succeeded); ``sitegen serve`` into a
:class:`~sitegen.output.preview.StagedOutput` (what one rebuild should put on
disk, applied file by file). The publish phase knows only this protocol, so
both get exactly the same files (Pelican's rule: generators build, only the
writer writes). ``origin`` names what produced a file, for the message when
two things claim one site path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class Writer(Protocol):
    def write_text(self, site_path: str, text: str, origin: str) -> None: ...

    def write_bytes(self, site_path: str, data: bytes, origin: str) -> None: ...

    def copy(self, site_path: str, source: Path, origin: str) -> None:
        """A file of the site (static/, the theme) whose bytes are published as they are."""
        ...

    def link(self, site_path: str, source: Path, origin: str) -> None:
        """A cached derivative: hard-linked where possible (same bytes, no extra disk)."""
        ...

    def exists(self, site_path: str) -> bool:
        """Whether something already claimed ``site_path`` in this output."""
        ...

    def path(self, site_path: str, origin: str) -> Path:
        """A real file to write ``site_path`` into, for a writer that can only write to a path."""
        ...


__all__ = ["Writer"]
