"""Audit results: one :class:`Check` per protection, each with a one-line fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"  # a protection is missing or broken: the audit exits non-zero
    WARN = "warn"  # worth a look, not a failure (e.g. not checkable from here)
    SKIP = "skip"  # switched off in sitegen.toml, or nothing to check
    # A fact about the site or host, not a failure: what it cannot do (GitHub Pages cannot refuse by
    # User-Agent) or what this sitegen does not write yet.
    INFO = "info"
    # Something that should have been checked was not (unreachable, timed out, unreadable, over a limit).
    # Never a pass: the protection may be missing there, so the audit exits non-zero as for a failure.
    UNCHECKED = "unchecked"


FIX_UNCHECKED = "Fix what stopped the audit (named above), or raise --max-requests / --max-time, and audit again."


@dataclass
class Check:
    id: str
    title: str
    status: Status
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data


@dataclass
class Report:
    target: str
    mode: str  # "folder" or "url"
    checks: list[Check] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.FAIL]

    @property
    def unchecked(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.UNCHECKED]

    @property
    def ok(self) -> bool:
        """Every protection was checked and none failed."""
        return not self.failed and not self.unchecked

    def get(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "mode": self.mode,
            "ok": self.ok,
            "failed": len(self.failed),
            "unchecked": len(self.unchecked),
            "checks": [c.to_dict() for c in self.checks],
            "stats": self.stats,
        }
