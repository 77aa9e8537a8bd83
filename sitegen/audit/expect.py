"""What a site's ``sitegen.toml`` asks it to send, worked out by the audit itself.

From the shipped data (the presets, the crawler list, the licensing addresses) and the config's
``[protect]``, ``[metadata]``, ``[licensing]`` and ``[images]`` values, never from the generator's code:
the audit exists to catch a generator that gets these wrong, so it must not ask that generator what
it meant to write.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..config import Config, ProtectSection
from ..rights import crawlers
from ..rights.addresses import licensing_url
from ..rights.presets import PRESETS
from ..urls import Urls

DEFAULT_MAX_SIZE = 2048  # without a config: the largest derivative sitegen publishes by default

# The [protect] switch for refusing AI agents at the server (issue 12). Read defensively: a sitegen
# without it writes no refusal rules, and the audit does not demand what that version cannot write.
REFUSE_SWITCH = "refuse_agents"


@dataclass(frozen=True)
class Expected:
    """The protections to check; with no config, every one of them (what sitegen's defaults send)."""

    policy_on: bool  # a preset other than "off"
    refuse: tuple[str, ...]  # agents robots.txt must refuse
    admit: tuple[str, ...]  # search and preview crawlers it must keep admitting
    ai_txt: bool
    tdmrep: bool  # tdmrep.json, the TDM policy, tdm-* meta tags and headers
    noai: bool  # robots meta tag and X-Robots-Tag
    header_files: bool  # _headers and .htaccess in the folder
    embed_rights: bool  # rights metadata in every published image
    json_ld: bool
    max_size: int
    licensing_url: str | None  # absolute, when base_url names a host
    # Agents the server must refuse; None when this sitegen has no [protect] refuse_agents switch at all.
    server_refuse: tuple[str, ...] | None = None
    server_off: str = ""  # why nothing is expected to be refused ('' when something is)
    rsl: bool = True  # /license.xml (RSL 1.0), named by robots.txt and served as application/rsl+xml


def refused_agents(policy: str, block: list[str], allow: list[str]) -> list[str]:
    """The crawlers of the preset's refused classes, plus ``block``, minus ``allow``; case-insensitively once each.

    Both robots.txt parsers compare names without regard to case, so "GPTBot" and "gptbot" are one agent.
    """
    allowed = {a.lower() for a in allow}
    agents: dict[str, str] = {}
    for token in [c.token for c in crawlers.of_class(*PRESETS[policy].blocked_classes)] + list(block):
        if token.lower() not in allowed:
            agents.setdefault(token.lower(), token)
    return list(agents.values())


def _switch_exists() -> bool:
    return REFUSE_SWITCH in {f.name for f in fields(ProtectSection)}


def _switched_on(value: object) -> bool:
    """The switch as a boolean, or as words ("off", "none") should it grow values."""
    return value not in (False, None, "", "off", "none", "false")


def server_refusal(config: Config | None) -> tuple[tuple[str, ...] | None, str]:
    """The agents the server must refuse, and why none when none.

    Without a config, the training crawlers (as for robots.txt: every preset refuses them); with one, the
    agents of its preset's refused classes, plus ``block_agents``, minus ``allow_agents``, when the switch is on.
    """
    switch = getattr(config.protect, REFUSE_SWITCH, None) if config is not None else None
    if not _switch_exists() and switch is None:
        return None, f"this sitegen has no [protect] {REFUSE_SWITCH} switch"
    if config is None:
        return tuple(c.token for c in crawlers.of_class("train")), ""
    protect = config.protect
    if protect.policy == "off":
        return (), '[protect] policy = "off"'
    if not _switched_on(switch):
        return (), f"[protect] {REFUSE_SWITCH} = false"
    return tuple(refused_agents(protect.policy, protect.block_agents, protect.allow_agents)), ""


def expected(config: Config | None) -> Expected:
    training = tuple(c.token for c in crawlers.of_class("train"))
    server_refuse, server_off = server_refusal(config)
    if config is None:
        return Expected(
            policy_on=True,
            refuse=training,
            admit=tuple(crawlers.kept()),
            ai_txt=True,
            tdmrep=True,
            noai=True,
            header_files=True,
            embed_rights=True,
            json_ld=True,
            max_size=DEFAULT_MAX_SIZE,
            licensing_url=None,
            server_refuse=server_refuse,
            server_off=server_off,
        )
    protect = config.protect
    on = protect.policy != "off"
    # sitegen's robots.txt refuses the policy's agents; a photographer's own at least every training crawler.
    refuse = tuple(refused_agents(protect.policy, protect.block_agents, protect.allow_agents)) if on else ()
    blocked = {a.lower() for a in protect.block_agents}
    urls = Urls(config.site.base_url)
    return Expected(
        policy_on=on,
        refuse=refuse if protect.robots_txt else training,
        admit=tuple(a for a in crawlers.kept() if a.lower() not in blocked),
        ai_txt=on and protect.ai_txt,
        tdmrep=on and protect.tdmrep,
        noai=on and protect.noai,
        header_files=protect.header_files,
        embed_rights=config.metadata.embed_rights,
        json_ld=config.licensing.json_ld,
        max_size=config.images.max_size,
        licensing_url=licensing_url(urls) if urls.absolute else None,
        server_refuse=server_refuse,
        server_off=server_off,
        rsl=on and config.licensing.rsl,
    )
