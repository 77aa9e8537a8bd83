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
from collections.abc import Callable
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


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    path: Path | None = None
    line: int | None = None

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

    def info(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.add(Problem(Severity.INFO, message, path, line))

    def warning(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.add(Problem(Severity.WARNING, message, path, line))

    def error(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.add(Problem(Severity.ERROR, message, path, line))

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
