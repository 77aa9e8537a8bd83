"""robots.txt and ai.txt, parsed the way crawlers parse them.

Both parsers in wide use are asked: protego (Scrapy; longest match) and
CPython's ``urllib.robotparser`` (first match, substring names, and the
blank-line and second-group traps), so a file that only one of them reads
as intended fails here.
"""

from __future__ import annotations

import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

from ..rights import crawlers
from .findings import short, why
from .model import Check, Status
from .source import Response

# Checked against every URL; the full list is checked against a sample of URLs.
CORE_AI_AGENTS = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "Bytespider",
    "meta-externalagent",
    "img2dataset",
    "cohere-training-data-crawler",
)
ROBOTS_SAMPLE = 24
# Each URL costs every core agent two parser calls: beyond this many URLs (a page with 100,000 links),
# an evenly spaced selection is asked, and the detail says so.
ROBOTS_MAX_URLS = 2000
FIX_ROBOTS = (
    "Build with [protect] robots_txt = true and publish robots.txt at the root of the host: "
    "crawlers only read /robots.txt."
)


def robots_groups(text: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """(agents, rules) per group, as RFC 9309 groups them (rule lines end a run of User-agent lines)."""
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    agents: list[str] = []
    rules: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name in ("user-agent", "useragent", "user agent"):
            if rules:
                groups.append((agents, rules))
                agents, rules = [], []
            agents.append(value)
        elif agents:
            rules.append((name, value))
    if agents:
        groups.append((agents, rules))
    return groups


TITLES = {
    "robots-ai": "robots.txt refuses AI crawlers",
    "robots-search": "robots.txt admits search engines",
    "robots-usage": "robots.txt states AI usage preferences",
}

# (agent, url path) -> {parser name: may it fetch?}, for both parsers.
Asker = Callable[[str, str], dict[str, bool]]


@dataclass(frozen=True)
class UrlSample:
    """Which URL paths are asked: ``paths`` for the core agents, ``sample`` for the rest; ``on`` says so."""

    paths: list[str]
    sample: list[str]
    on: str


def robots_checks(
    text: str | None, where: str, url_paths: list[str], refuse: list[str], admit: list[str], origin: str
) -> list[Check]:
    if text is None:
        return [
            Check(cid, title, Status.FAIL, f"no robots.txt at {where}", FIX_ROBOTS) for cid, title in TITLES.items()
        ]
    allowed = _both_parsers(text, origin)
    urls = _url_sample(url_paths)
    return [_ai_check(allowed, urls, refuse), _search_check(allowed, urls, admit), _usage_check(text)]


def _both_parsers(text: str, origin: str) -> Asker:
    protego = Protego.parse(text)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(text.splitlines())
    legacy.modified()

    def allowed(agent: str, path: str) -> dict[str, bool]:
        url = origin + path
        return {"protego": protego.can_fetch(url, agent), "urllib.robotparser": legacy.can_fetch(agent, url)}

    return allowed


def _url_sample(url_paths: list[str]) -> UrlSample:
    found = url_paths or ["/"]
    paths = found[:: -(-len(found) // ROBOTS_MAX_URLS)]
    on = f"{len(paths)} URLs" + (f" (evenly spaced among {len(found)})" if len(paths) < len(found) else "")
    step = max(1, len(paths) // ROBOTS_SAMPLE)
    return UrlSample(paths, paths[::step][:ROBOTS_SAMPLE], on)


def _ai_check(allowed: Asker, urls: UrlSample, refuse: list[str]) -> Check:
    """Every agent to refuse is refused by both parsers (the core ones on every URL)."""
    core = [a for a in CORE_AI_AGENTS if a in refuse] or refuse[:10]
    admitted: list[str] = []
    for agent in refuse:
        for path in urls.paths if agent in core else urls.sample:
            answers = allowed(agent, path)
            if any(answers.values()):
                parsers = " and ".join(p for p, ok in answers.items() if ok)
                admitted.append(f"{agent} on {path} ({parsers})")
                break
    if admitted:
        return Check(
            "robots-ai",
            TITLES["robots-ai"],
            Status.FAIL,
            f"{len(admitted)} of {len(refuse)} AI agents are let in: {short(admitted)}",
            "List every AI agent in ONE group ending with 'Disallow: /', with no blank line inside it "
            "(sitegen's robots.txt does this).",
        )
    return Check(
        "robots-ai",
        TITLES["robots-ai"],
        Status.PASS,
        f"{len(refuse)} AI agents refused on {urls.on} by protego and urllib.robotparser",
    )


def _search_check(allowed: Asker, urls: UrlSample, admit: list[str]) -> Check:
    """Agents to admit are admitted by both parsers; a refused search engine fails, another only warns."""
    refused = []
    for agent in admit:
        for path in urls.paths if agent in crawlers.SEARCH_ENGINES else urls.sample:
            answers = allowed(agent, path)
            if not all(answers.values()):
                parsers = " and ".join(p for p, ok in answers.items() if not ok)
                refused.append((agent, f"{agent} on {path} ({parsers})"))
                break
    core_refused = [text for agent, text in refused if agent in crawlers.SEARCH_ENGINES]
    if core_refused:
        status, detail = Status.FAIL, f"search engines are refused: {short(core_refused)}"
    elif refused:
        status, detail = Status.WARN, f"refused, though usually wanted: {short(t for _, t in refused)}"
    else:
        status, detail = Status.PASS, f"{short(admit, 6)} admitted on every URL by both parsers"
    return Check(
        "robots-search",
        TITLES["robots-search"],
        status,
        detail,
        "Remove search engines from [protect] block_agents and never add a group for Googlebot: "
        "it would detach Googlebot from every '*' rule.",
    )


def _usage_check(text: str) -> Check:
    """The ``User-agent: *`` group states the usage preferences, and a Sitemap line is absolute."""
    star = [rules for agents, rules in robots_groups(text) if "*" in agents]
    lines = [(name, value) for rules in star for name, value in rules]
    signal = " ".join(v for n, v in lines if n == "content-signal").replace(" ", "")
    usage = " ".join(v for n, v in lines if n == "content-usage").replace(" ", "")
    missing = []
    if "ai-train=no" not in signal:
        missing.append("'Content-Signal: ... ai-train=no'")
    if "train-ai=n" not in usage:
        missing.append("'Content-Usage: train-ai=n'")
    sitemaps = [
        v
        for n, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)
        if n.strip().lower() == "sitemap"
    ]
    sitemap_note = ""
    if not sitemaps:
        sitemap_note = "; no Sitemap line"
    elif not all(s.strip().startswith(("http://", "https://")) for s in sitemaps):
        sitemap_note = "; the Sitemap URL is not absolute"
    return Check(
        "robots-usage",
        TITLES["robots-usage"],
        Status.FAIL if missing else (Status.WARN if sitemap_note else Status.PASS),
        (
            f"the User-agent: * group lacks {' and '.join(missing)}"
            if missing
            else "Content-Signal and Content-Usage in the User-agent: * group"
        )
        + sitemap_note,
        'Rebuild with sitegen (policy other than "off"), and set [site] base_url so the Sitemap line is absolute.',
    )


def ai_txt_check(response: Response) -> Check:
    title, fix = "ai.txt refuses AI training", "Build with [protect] ai_txt = true and publish ai.txt at the host root."
    if not response.ok:
        return Check("ai-txt", title, Status.FAIL, f"no ai.txt at {response.url_path} ({why(response)})", fix)
    groups = robots_groups(response.body.decode("utf-8", "replace"))
    everyone = [rules for agents, rules in groups if "*" in agents]
    disallows = {v for rules in everyone for n, v in rules if n == "disallow"}
    if "/" in disallows or "*" in disallows:
        return Check("ai-txt", title, Status.PASS, "User-Agent: * with Disallow: / (Spawning format)")
    return Check("ai-txt", title, Status.FAIL, "ai.txt does not disallow everything for User-Agent: *", fix)
