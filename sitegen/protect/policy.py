"""Policy presets and switches resolved into the exact signals a build emits.

Every generator (robots.txt, ai.txt, TDMRep, head tags, header files, the
licensing page's list of signals) and the audit ask :func:`signals_for` instead
of reading ``[protect]`` themselves, so a preset means the same thing
everywhere and the licensing page can never list a signal the site does not
send.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config, ProtectSection
from ..configschema import value_key
from ..rights import crawlers
from ..rights.presets import PRESETS, Preset


@dataclass(frozen=True)
class Signals:
    """What this build says to machines; all False/empty under the "off" preset."""

    preset: Preset
    robots_txt: bool  # write robots.txt (a plain one under "off")
    ai_agents: tuple[str, ...]  # robots.txt's AI group
    content_signal: str | None
    content_usage: str | None
    ai_txt: bool
    tdmrep: bool  # tdmrep.json, TDM policy, tdm-* headers and meta tags
    noai: bool  # robots meta tag and X-Robots-Tag header
    bing_noarchive: bool
    header_files: bool
    nojekyll: bool

    @property
    def any(self) -> bool:
        return self.preset.name != "off"


def embeds_rights(config: Config) -> bool:
    """Whether the image pipeline writes rights metadata into every published file.

    ``[metadata] embed_rights`` belongs to the image pipeline; it is read
    defensively so the licensing page and the audit follow it wherever that
    section exists, and assume the pipeline's default (on) elsewhere.
    """
    metadata = getattr(config, "metadata", None)
    return bool(getattr(metadata, "embed_rights", True))


# The signals of each [protect] value seen (a handful per process): every page's head tags ask.
_SIGNALS: dict[object, Signals] = {}
_SIGNALS_KEPT = 16


def signals_for(config: Config) -> Signals:
    """The signals a config asks for, remembered by the ``[protect]`` section's value.

    Keyed on the value, not the config object: the section's lists can change in place,
    and ``sitegen serve`` reloads an equal config on every save. The shipped crawler list,
    the other input, is package data that cannot change while sitegen runs.
    """
    key = value_key(config.protect)
    signals = _SIGNALS.get(key)
    if signals is None:
        if len(_SIGNALS) >= _SIGNALS_KEPT:
            _SIGNALS.clear()
        signals = _SIGNALS[key] = _signals_for(config.protect)
    return signals


def forget_signals() -> None:
    """Drop every remembered answer: only a test that patches the crawler list or its functions needs it."""
    _SIGNALS.clear()


def _signals_for(p: ProtectSection) -> Signals:
    preset = PRESETS[p.policy]
    on = preset.name != "off"
    agents = crawlers.ai_group(preset.blocked_classes, p.block_agents, p.allow_agents) if on else []
    return Signals(
        preset=preset,
        robots_txt=p.robots_txt,
        ai_agents=tuple(agents),
        content_signal=preset.content_signal,
        content_usage=preset.content_usage,
        ai_txt=on and p.ai_txt,
        tdmrep=on and p.tdmrep,
        noai=on and p.noai,
        # Bing keeps noarchive pages out of Copilot answers, which is AI use: only the "no AI at all" preset.
        bing_noarchive=on and p.bing_noarchive and preset.name == "no-ai",
        header_files=p.header_files,
        nojekyll=p.nojekyll,
    )
