"""Errors and build diagnostics.

Everything a user can get wrong is reported as one line in compiler style
(``path:line: warning: message``) so editors and CI logs can jump to it. Library
code raises :class:`SitegenError` or records a :class:`Problem`; only the CLI
turns them into exit codes, so the same code runs under ``serve`` without ever
killing the server.
"""

from __future__ import annotations

import contextlib
import errno
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class SitegenError(Exception):
    """A failure the user can act on; ``str()`` is the complete one-line message."""


class ConfigError(SitegenError):
    """sitegen.toml (or a command-line override) is invalid."""


class ContentError(SitegenError):
    """Content that makes the whole site wrong (slug collision, unknown template)."""


# Errors of the machine, not of a file: another photo or page would fail the same way.
ENVIRONMENT_ERRNOS = frozenset(
    {
        errno.ENOSPC,  # no space left on device
        errno.EDQUOT,  # disk quota exceeded
        errno.EACCES,  # permission denied
        errno.EPERM,  # operation not permitted
        errno.EROFS,  # read-only file system
        errno.EIO,  # input/output error: a failing disk or a dropped network mount
        errno.EMFILE,  # too many open files (this process)
        errno.ENFILE,  # too many open files (the system)
    }
)


def is_environment_error(exc: BaseException) -> bool:
    """True when ``exc`` is the machine's fault (disk full, permissions, read-only, I/O), not the input's.

    Such an error must stop the build: skipping the file it happened on would
    publish a smaller site that looks complete. Only a problem with an input
    file itself (corrupt, truncated, not an image) is that file's warning.
    """
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS


class EnvironmentFailure(SitegenError):
    """The machine failed (disk full, permission, read-only or failing disk), not an input file.

    A :class:`SitegenError`, so the build stops with this one line before anything is
    published: skipping the file instead would replace a good site with a smaller one that
    looks complete.
    """


STOPPED = "the build stopped; the previous output is untouched"


def environment_failure(
    exc: OSError, outcome: str = STOPPED, doing: str = "", path: Path | str | None = None
) -> EnvironmentFailure:
    """One line for an error of the machine: the path, what failed and why, and what that means for the site."""
    where = exc.filename if exc.filename is not None else (path if path is not None else "(path unknown)")
    code = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else "?"
    cause = f"{exc.strerror or exc} ({code})"
    return EnvironmentFailure(f"{where}: {f'cannot {doing}: ' if doing else ''}{cause}; {outcome}")


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Kind:
    """What a warning is about: a thousand of one kind print as one group and count as one item of the summary.

    Grouping goes by this declared kind, never by the text of the messages, which name
    files and values. ``dropped`` says the item is missing from the published site (a
    skipped photo or page), as opposed to published with a fallback (no alt text).
    """

    code: str  # stable: stored with the problems a no-op build replays
    one: str  # "photo skipped"
    many: str  # "photos skipped"
    dropped: bool = False

    def __post_init__(self) -> None:
        KINDS.setdefault(self.code, self)

    def count(self, n: int) -> str:
        return f"{n} {self.one if n == 1 else self.many}"


KINDS: dict[str, Kind] = {}

PHOTO_SKIPPED = Kind("photo-skipped", "photo skipped", "photos skipped", dropped=True)
PAGE_SKIPPED = Kind("page-skipped", "Markdown file skipped", "Markdown files skipped", dropped=True)
FILE_SKIPPED = Kind("file-skipped", "unsupported file skipped", "unsupported files skipped", dropped=True)
NOT_READ = Kind("not-read", "file or folder not read", "files or folders not read", dropped=True)  # links out, pipes
NO_ALT = Kind("no-alt", "photo without alt text", "photos without alt text")
FRONT_MATTER_IGNORED = Kind("front-matter-ignored", "front matter value ignored", "front matter values ignored")


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    path: Path | None = None
    line: int | None = None
    kind: Kind | None = None  # None: a one-off, always printed on its own

    def format(self, root: Path | None = None) -> str:
        where = ""
        if self.path is not None:
            shown = self.path
            if root is not None:
                with contextlib.suppress(ValueError):
                    shown = self.path.relative_to(root)
            where = f"{shown}:{self.line}: " if self.line else f"{shown}: "
        return f"{where}{self.severity.value}: {self.message}"


@dataclass
class Reporter:
    """Collects problems during a build and echoes them as they happen.

    Warnings mean "this item was skipped or a fallback was used; the rest of the
    site is fine". ``strict`` turns them into a failed build at the end, after the
    whole site was checked, so one run lists every problem instead of the first.
    """

    root: Path | None = None
    echo: Callable[[str], None] | None = None
    verbose: bool = False
    problems: list[Problem] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, problem: Problem) -> None:
        with self._lock:
            self.problems.append(problem)
        if self.echo and (problem.severity is not Severity.INFO or self.verbose):
            self.echo(problem.format(self.root))

    def info(
        self, message: str, path: Path | None = None, line: int | None = None, *, kind: Kind | None = None
    ) -> None:
        self.add(Problem(Severity.INFO, message, path, line, kind))

    def warning(
        self, message: str, path: Path | None = None, line: int | None = None, *, kind: Kind | None = None
    ) -> None:
        self.add(Problem(Severity.WARNING, message, path, line, kind))

    def error(
        self, message: str, path: Path | None = None, line: int | None = None, *, kind: Kind | None = None
    ) -> None:
        self.add(Problem(Severity.ERROR, message, path, line, kind))

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


# -- printing ------------------------------------------------------------------------------

SHOWN_PER_KIND = 3  # lines printed in full for each kind; the rest are counted (-v prints every one)


def report_lines(
    problems: Iterable[Problem], root: Path | None = None, verbose: bool = False
) -> list[tuple[Severity, str]]:
    """The lines a command prints for these problems, each with its severity (for colour and stream).

    Problems of one :class:`Kind` are printed together where the kind first appeared:
    the first :data:`SHOWN_PER_KIND` in full (compiler style, so editors can jump to
    them), then one line counting the rest. Info lines are left out unless
    ``verbose``, which also prints every problem of a group. This is the one place
    that decides what ``sitegen build`` and ``sitegen serve`` print, so a build, a
    no-op build replaying its warnings and a preview print them the same way.
    """
    groups: dict[object, list[Problem]] = {}
    for problem in problems:
        if problem.severity is Severity.INFO and not verbose:
            continue
        key = (problem.kind, problem.severity) if problem.kind is not None else object()
        groups.setdefault(key, []).append(problem)
    out: list[tuple[Severity, str]] = []
    for group in groups.values():
        kind, severity = group[0].kind, group[0].severity
        shown = group if verbose or kind is None or len(group) <= SHOWN_PER_KIND + 1 else group[:SHOWN_PER_KIND]
        out.extend((severity, problem.format(root)) for problem in shown)
        if kind is not None and len(shown) < len(group):
            rest, total = len(group) - len(shown), kind.count(len(group))
            out.append((severity, f"{severity.value}: ... {rest} more like these: {total} in all (-v lists every one)"))
    return out


def summary(problems: Iterable[Problem]) -> str:
    """The last line of a build: what the published site lacks, counted by kind, dropped items first."""
    counts: dict[Kind, int] = {}
    other = 0
    for problem in problems:
        if problem.severity is not Severity.WARNING:
            continue
        if problem.kind is None:
            other += 1
        else:
            counts[problem.kind] = counts.get(problem.kind, 0) + 1
    if not counts and not other:
        return "Nothing was skipped or dropped."
    parts = [kind.count(n) for kind, n in sorted(counts.items(), key=lambda item: not item[0].dropped)]
    if other:
        parts.append(f"{other} other warning{'s' if other != 1 else ''}")
    return "Summary: " + ", ".join(parts) + "."
