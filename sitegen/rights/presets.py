"""The policy presets of ``[protect] policy``: which crawler classes each refuses, and the fixed signal values.

Pure data, so the generator (:mod:`sitegen.protect.policy`) and the audit read the same definitions
without the audit depending on generator code.
"""

from __future__ import annotations

from dataclasses import dataclass

# The robots meta / X-Robots-Tag values DeviantArt introduced and dataset tools (img2dataset, datadiligence)
# honour. Lower case, "noai" first: datadiligence compares case-sensitively.
NOAI = "noai, noimageai"
CONTENT_USAGE = "train-ai=n, search=y"  # IETF AIPREF vocabulary (only train-ai and search are current labels)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    blocked_classes: tuple[str, ...]  # crawler classes in robots.txt's AI group
    content_signal: str | None  # Cloudflare Content-Signal line


PRESETS: dict[str, Preset] = {
    "no-ai": Preset(
        "no-ai",
        "no AI training and no AI use: search engines yes; AI crawlers, AI search and AI assistants no",
        ("train", "ai-use"),
        "search=yes, ai-input=no, ai-train=no",
    ),
    "no-ai-training": Preset(
        "no-ai-training",
        "no AI training, but AI search engines and assistants may read and link to the site",
        ("train",),
        "search=yes, ai-input=yes, ai-train=no",
    ),
    "off": Preset("off", "no AI opt-out signals at all", (), None),
}
