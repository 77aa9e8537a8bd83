"""Recognise a build whose inputs have not changed since the last successful one.

Rendering a thousand photo pages costs about a second even when every image
comes from the cache; a photographer re-running ``sitegen build`` before an
upload should not pay it when nothing changed. The fingerprint covers every
input a build reads: the sitegen version, the effective configuration
(command-line overrides included), the output folder, the year (copyright
lines), and the name, size and modification time of every file under
content/, templates/, static/, the theme folders and the watermark files of
sitegen.toml. Watermark files named in front matter are known only once the
content is read: the stamp records them, by content digest, as the build finds them.
A stamp is written only after a successful swap, and is honoured only while
the output still carries the matching build token in its marker file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_text_atomic
from ..config import Project
from ..errors import KINDS, Problem, Severity
from ..images.jobs import PIPELINE_VERSION
from ..images.watermark import content
from ..output.folder import MARKER
from ..sitefiles import SiteFiles
from .report import BuildReport


def _tree_entries(files: SiteFiles, root: Path) -> Iterable[str]:
    """One line per file the build could read below ``root``, and one per file it refuses.

    The same walker as the build itself (:mod:`sitegen.sitefiles`), so a link loop, a pipe or
    an undecodable name is a line here too, never a crash or a hang. A refusal's reason is part
    of its line: a dangling link whose target appears changes the fingerprint.
    """
    refused: list[str] = []
    files = dataclasses.replace(files, on_refuse=lambda path, reason: refused.append(f"{path}:refused:{reason}"))
    if files.root(root) is None:
        yield f"{root}:absent"
        yield from refused
        return
    for entry in files.walk(root):
        yield _stat_line(entry.fspath, entry.st)
    yield from refused


def _stat_line(path: str, st: os.stat_result) -> str:
    """What says a file changed without reading it.

    Size and mtime alone miss a photo of the same size copied over another with its mtime kept
    (``cp -p``, ``rsync -t``, a camera import tool); the change time and inode cannot be set
    back by such tools, so a replaced file always counts as changed.
    """
    return f"{path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _encode(line: str) -> bytes:
    """File names are bytes on disk; ones that are not UTF-8 must still count, not crash."""
    return line.encode("utf-8", "surrogateescape")


def fingerprint(project: Project, target: Path, theme_dirs: Iterable[Path], year: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    parts: list[str] = [__version__, str(PIPELINE_VERSION), repr(project.config), str(target), str(year)]
    for part in parts:
        digest.update(_encode(part) + b"\0")
    site_files = project.files()
    roots = [(site_files, project.content_dir), (site_files, project.templates_dir), (site_files, project.static_dir)]
    roots += [(site_files.within(folder), folder) for folder in theme_dirs]
    for files, root in roots:
        for line in _tree_entries(files, root):
            digest.update(_encode(line) + b"\0")
    for name in (project.config.watermark.font, project.config.watermark.logo):
        if name:
            path = project.root / name
            try:
                st = path.stat()
                digest.update(_encode(_stat_line(str(path), st)))
            except OSError:
                digest.update(_encode(f"{path}:absent"))
    return digest.hexdigest()


# 2: typed problems and report, with this number in the file; a stamp of another format is not reused.
STAMP_FORMAT = 2


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "severity": problem.severity.value,
        "message": problem.message,
        "path": str(problem.path) if problem.path is not None else None,
        "line": problem.line,
        "kind": problem.kind.code if problem.kind is not None else None,
    }


def _problem_from_json(data: dict[str, Any]) -> Problem:
    """A stored problem; ``ValueError`` for a severity, text or number of the wrong type."""
    path, line, kind = data["path"], data["line"], data["kind"]
    if not isinstance(data["message"], str) or not isinstance(path, str | None) or not isinstance(kind, str | None):
        raise ValueError("a stored problem's message, path and kind are strings")
    if line is not None and type(line) is not int:
        raise ValueError("a stored problem's line is an integer")
    # A kind this version does not declare is printed on its own, as a one-off.
    where = Path(path) if path else None
    return Problem(Severity(data["severity"]), data["message"], where, line, KINDS.get(kind or ""))


@dataclass(frozen=True)
class Stamp:
    """What the last successful build into one output left: its inputs, its token, what it said."""

    fingerprint: str
    token: str
    problems: tuple[Problem, ...]  # replayed, in order, by a build that finds nothing changed
    report: BuildReport
    # Files the build found it needed while it ran (watermark files named in front matter), by
    # content digest: the fingerprint, taken before the content is read, cannot know them.
    found_inputs: tuple[tuple[str, str], ...] = ()

    def found_inputs_unchanged(self) -> bool:
        for path, digest in self.found_inputs:
            try:
                if content(path)[0] != digest:
                    return False
            except OSError:
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STAMP_FORMAT,
            "fingerprint": self.fingerprint,
            "token": self.token,
            "problems": [_problem_json(p) for p in self.problems],
            "report": self.report.to_json(),
            "found_inputs": [list(pair) for pair in self.found_inputs],
        }

    @classmethod
    def from_json(cls, data: Any) -> Stamp:
        """The stamp in ``data``; ``ValueError`` for another format or any malformed field."""
        if not isinstance(data, dict) or data.get("format") != STAMP_FORMAT:
            raise ValueError(f"not a build stamp of format {STAMP_FORMAT}")
        fingerprint, token, problems = data["fingerprint"], data["token"], data["problems"]
        if not isinstance(fingerprint, str) or not isinstance(token, str) or not isinstance(problems, list):
            raise ValueError("a build stamp's fingerprint and token are strings, its problems a list")
        found = data["found_inputs"]
        if not isinstance(found, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair) for pair in found
        ):
            raise ValueError("a build stamp's found inputs are pairs of path and digest")
        problems_read = tuple(map(_problem_from_json, problems))
        return cls(fingerprint, token, problems_read, BuildReport.from_json(data["report"]), tuple(map(tuple, found)))


class StampStore:
    """One stamp per output folder, kept in the cache folder (never in the output)."""

    def __init__(self, cache_dir: Path, target: Path) -> None:
        name = hashlib.blake2b(str(target).encode(), digest_size=8).hexdigest()
        self.file = cache_dir / "build-stamps" / f"{name}.json"
        self.target = target

    def load(self) -> Stamp | None:
        """The stored stamp, or None: a missing, unreadable, older or damaged stamp only costs a rebuild."""
        try:
            return Stamp.from_json(json.loads(self.file.read_text("utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def current(self, fp: str) -> Stamp | None:
        """The stamp if the output is exactly what the last build with these inputs left."""
        stamp = self.load()
        if stamp is None or stamp.fingerprint != fp or not stamp.found_inputs_unchanged():
            return None
        try:
            marker = (self.target / MARKER).read_text("utf-8")
        except OSError:
            return None
        return stamp if f"build {stamp.token}" in marker else None

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(8)

    def save(self, stamp: Stamp) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.file, json.dumps(stamp.to_json()))

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)
