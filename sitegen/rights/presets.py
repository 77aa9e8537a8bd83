"""The policy presets of ``[protect] policy``: which crawler classes each refuses, and the fixed signal values.

Pure data, so the generator (:mod:`sitegen.protect.policy`) and the audit read the same definitions
without the audit depending on generator code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import AIPREF, CONTENT_SIGNAL, RSL, label

# The robots meta / X-Robots-Tag values DeviantArt introduced and dataset tools (img2dataset, datadiligence)
# honour. Lower case, "noai" first: datadiligence compares case-sensitively.
NOAI = "noai, noimageai"


def _aipref(**prefs: bool) -> str:
    """An AIPREF Content-Usage dictionary (RFC 9651 tokens y / n), labels checked against rights.labels."""
    return ", ".join(f"{label(AIPREF, k.replace('_', '-'))}={'y' if v else 'n'}" for k, v in prefs.items())


def _signal(**prefs: bool) -> str:
    """A Cloudflare Content-Signal line (values yes / no), labels checked against rights.labels."""
    return ", ".join(f"{label(CONTENT_SIGNAL, k.replace('_', '-'))}={'yes' if v else 'no'}" for k, v in prefs.items())


def _rsl(*usages: str) -> tuple[str, ...]:
    return tuple(label(RSL, u) for u in usages)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    blocked_classes: tuple[str, ...]  # crawler classes in robots.txt's AI group
    content_signal: str | None  # Cloudflare Content-Signal line
    content_usage: str | None  # IETF AIPREF Content-Usage (header and robots.txt), vocab-08
    rsl_permits: tuple[str, ...] = ()  # RSL 1.0 usage tokens license.xml permits
    rsl_prohibits: tuple[str, ...] = ()  # ... and prohibits


PRESETS: dict[str, Preset] = {
    "no-ai": Preset(
        "no-ai",
        "no AI training and no AI use: search engines yes; AI crawlers, AI search and AI assistants no",
        ("train", "ai-use"),
        _signal(search=True, ai_input=False, ai_train=False),
        _aipref(train_ai=False, ai_use=False, search=True),
        _rsl("search"),
        _rsl("ai-train", "ai-input", "ai-index"),
    ),
    "no-ai-training": Preset(
        "no-ai-training",
        "no AI training, but AI search engines and assistants may read and link to the site",
        ("train",),
        _signal(search=True, ai_input=True, ai_train=False),
        _aipref(train_ai=False, search=True),
        _rsl("search", "ai-input", "ai-index"),
        _rsl("ai-train"),
    ),
    "off": Preset("off", "no AI opt-out signals at all", (), None, None),
}
