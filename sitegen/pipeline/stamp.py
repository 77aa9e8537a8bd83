"""Recognise a build whose inputs have not changed since the last successful one.

Rendering a thousand photo pages costs about a second even when every image
comes from the cache; a photographer re-running ``sitegen build`` before an
upload should not pay it when nothing changed. The fingerprint covers every
input a build reads: the sitegen version, the effective configuration
(command-line overrides included), the output folder, the year (copyright
lines), and the name, size, modification and change time and inode of every
file under content/, templates/, static/, the theme folders and the watermark
files of sitegen.toml. Watermark files named in front matter are known only
once the content is read: the stamp records them, by content digest, as the
build finds them. A stamp is written only after a successful swap, and is
honoured only while the output still carries the matching build token in its
marker file.

The check costs one ``stat`` per file, never a read, with one exception: a file
changed within :data:`RACY_WINDOW_NS` of the moment the fingerprint was taken
("racy", as git calls it). File times are coarse (a kernel tick, two seconds on
FAT), so such a file can be written again, to the same size, without any of its
times changing; its content digest is folded in as well, and checked again by
every later build until a check finds it settled and refreshes the stamp.
This module imports nothing heavy: ``sitegen build`` decides that nothing
changed before Pillow, Jinja2, Markdown or YAML are loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__
from ..atomic import write_text_atomic
from ..config import Project
from ..errors import KINDS, Problem, Severity
from ..images.version import PIPELINE_VERSION
from ..output.folder import MARKER
from ..sitefiles import SiteFiles
from .report import BuildReport

# Wider than any file system's timestamp granularity (FAT: 2 s) plus the skew between the clock
# the kernel stamps files with and the one :func:`time.time_ns` reads.
RACY_WINDOW_NS = 3_000_000_000
_clock = time.time_ns  # the kernel's wall clock, which file times are taken from


def file_digest(path: str | Path) -> str:
    """A file's content digest: the blake2b-128 the image jobs key watermark files by."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


class _Line(NamedTuple):
    """One fingerprint line: a file's stat line (``changed``: its newest time) or a refusal or absence.

    A named tuple, not a dataclass: there is one per input file, built on every build.
    """

    text: str
    path: str | None = None
    changed: int = 0


def _tree_entries(files: SiteFiles, root: Path) -> Iterator[_Line]:
    """One line per file the build could read below ``root``, and one per file it refuses.

    The same walker as the build itself (:mod:`sitegen.sitefiles`), so a link loop, a pipe or
    an undecodable name is a line here too, never a crash or a hang. A refusal's reason is part
    of its line: a dangling link whose target appears changes the fingerprint.
    """
    refused: list[str] = []
    files = dataclasses.replace(files, on_refuse=lambda path, reason: refused.append(f"{path}:refused:{reason}"))
    if files.root(root) is None:
        yield _Line(f"{root}:absent")
        yield from map(_Line, refused)
        return
    for entry in files.walk(root):
        yield _file_line(entry.fspath, entry.st)
    yield from map(_Line, refused)


def _file_line(path: str, st: os.stat_result) -> _Line:
    """What says a file changed without reading it.

    Size and mtime alone miss a photo of the same size copied over another with its mtime kept
    (``cp -p``, ``rsync -t``, a camera import tool); the change time and inode cannot be set
    back by such tools, so a replaced file always counts as changed.
    """
    line = f"{path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    return _Line(line, path, max(st.st_mtime_ns, st.st_ctime_ns))


def _encode(line: str) -> bytes:
    """File names are bytes on disk; ones that are not UTF-8 must still count, not crash."""
    return line.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Inputs:
    """One walk of every input a build reads, folded into fingerprints as often as needed.

    ``taken``: when the walk began; a fingerprint for a new stamp treats as racy every file
    changed since ``taken - RACY_WINDOW_NS`` (:meth:`racy_since`).
    """

    head: tuple[str, ...]
    lines: tuple[_Line, ...]
    taken: int

    @property
    def racy_since(self) -> int:
        return self.taken - RACY_WINDOW_NS

    def racy(self, since: int) -> int:
        """How many files a fingerprint with ``since`` reads."""
        return sum(1 for line in self.lines if line.path is not None and line.changed >= since)

    def fingerprint(self, since: int | None = None) -> str:
        """The digest of every line, and of the content of every file changed at or after ``since``."""
        since = self.racy_since if since is None else since
        digest = hashlib.blake2b(digest_size=16)
        for part in self.head:
            digest.update(_encode(part) + b"\0")
        for line in self.lines:
            digest.update(_encode(line.text) + b"\0")
            if line.path is not None and line.changed >= since:
                try:
                    digest.update(_encode(f"content:{file_digest(line.path)}") + b"\0")
                except OSError as exc:
                    digest.update(_encode(f"unreadable:{exc.errno}") + b"\0")
        return digest.hexdigest()


def read_inputs(project: Project, target: Path, theme_dirs: Iterable[Path], year: int) -> Inputs:
    """Walk every input of a build into the site at ``project`` written to ``target``: stats only."""
    taken = _clock()
    head = (__version__, str(PIPELINE_VERSION), repr(project.config), str(target), str(year))
    site_files = project.files()
    roots = [(site_files, project.content_dir), (site_files, project.templates_dir), (site_files, project.static_dir)]
    roots += [(site_files.within(folder), folder) for folder in theme_dirs]
    lines: list[_Line] = []
    for files, root in roots:
        lines.extend(_tree_entries(files, root))
    for name in (project.config.watermark.font, project.config.watermark.logo):
        if name:
            path = project.root / name
            try:
                lines.append(_file_line(str(path), path.stat()))
            except OSError:
                lines.append(_Line(f"{path}:absent"))
    return Inputs(head, tuple(lines), taken)


def fingerprint(project: Project, target: Path, theme_dirs: Iterable[Path], year: int) -> str:
    """The fingerprint a new stamp of these inputs would carry (one walk, one fold)."""
    return read_inputs(project, target, theme_dirs, year).fingerprint()


# 2: typed problems and report, with this number in the file; a stamp of another format is not reused.
# 3: racy files (``racy_since``) and the server snippets as written (``server_files``).
STAMP_FORMAT = 3


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


def _pairs(data: Any, what: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(data, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair) for pair in data
    ):
        raise ValueError(f"a build stamp's {what} are pairs of path and digest")
    return tuple((path, digest) for path, digest in data)


ABSENT = "absent"


def file_state(path: str | Path) -> str:
    """A file's digest, or :data:`ABSENT` when there is none to read."""
    try:
        return file_digest(path)
    except OSError:
        return ABSENT


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
    racy_since: int = 0  # the fingerprint holds the content of files changed since (ns)
    # The files written beside the output (server snippets) as the build left them, by digest or
    # ABSENT: an up-to-date build rewrites them only when one of them is no longer so.
    server_files: tuple[tuple[str, str], ...] = ()

    def found_inputs_unchanged(self) -> bool:
        return all(file_state(path) == digest != ABSENT for path, digest in self.found_inputs)

    def server_files_unchanged(self, names: tuple[str, ...] | None = None) -> bool:
        """Whether the server files (only those named ``names``, when given) are as this build left them."""
        return all(
            file_state(path) == state for path, state in self.server_files if names is None or Path(path).name in names
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STAMP_FORMAT,
            "fingerprint": self.fingerprint,
            "token": self.token,
            "problems": [_problem_json(p) for p in self.problems],
            "report": self.report.to_json(),
            "found_inputs": [list(pair) for pair in self.found_inputs],
            "racy_since": self.racy_since,
            "server_files": [list(pair) for pair in self.server_files],
        }

    @classmethod
    def from_json(cls, data: Any) -> Stamp:
        """The stamp in ``data``; ``ValueError`` for another format or any malformed field."""
        if not isinstance(data, dict) or data.get("format") != STAMP_FORMAT:
            raise ValueError(f"not a build stamp of format {STAMP_FORMAT}")
        fingerprint, token, problems = data["fingerprint"], data["token"], data["problems"]
        if not isinstance(fingerprint, str) or not isinstance(token, str) or not isinstance(problems, list):
            raise ValueError("a build stamp's fingerprint and token are strings, its problems a list")
        if type(data["racy_since"]) is not int:
            raise ValueError("a build stamp's racy_since is an integer")
        problems_read = tuple(map(_problem_from_json, problems))
        return cls(
            fingerprint,
            token,
            problems_read,
            BuildReport.from_json(data["report"]),
            _pairs(data["found_inputs"], "found inputs"),
            data["racy_since"],
            _pairs(data["server_files"], "server files"),
        )


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

    def current(self, inputs: Inputs) -> Stamp | None:
        """The stamp if the output is exactly what the last build with these inputs left."""
        stamp = self.load()
        if stamp is None or stamp.fingerprint != inputs.fingerprint(stamp.racy_since):
            return None
        if not stamp.found_inputs_unchanged():
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
