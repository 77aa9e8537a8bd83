"""The curated list of AI crawlers (package data ``sitegen/data/ai-crawlers.tsv``).

The list is data, not code, so refreshing it from upstream (ai.robots.txt) is
a diff of one file that a reviewer can read; the ``class`` column is where
sitegen's judgement lives: which agents train models, which answer users,
and which are search or link-preview crawlers a photographer must not lose.

Matching rules in this module mirror the two robots.txt parsers that matter
(protego, used by Scrapy, and CPython's ``urllib.robotparser``), so a token a
photographer adds can be checked against both before it silently blocks a
search engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from ..configschema import closest

CLASSES = ("train", "ai-use", "keep", "generic")

# What every robots.txt sitegen writes must keep admitting, whatever the policy (the list).
SEARCH_ENGINES = ("Googlebot", "Googlebot-Image", "Bingbot", "DuckDuckBot", "Applebot", "YandexBot")

# RFC 9309 product tokens are letters, digits, "-", "_" and "."; upstream also has a few with a space or a
# version ("Brightbot 1.0", "iaskspider/2.0"), which both parsers handle as substrings.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/ -]*")


@dataclass(frozen=True)
class Crawler:
    token: str
    klass: str
    operator: str
    purpose: str
    respects_robots: str


def parse_list(text: str, source: str = "ai-crawlers.tsv") -> list[Crawler]:
    """Parse the TSV (``#`` lines are comments); raises ValueError naming the line of a bad row."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise ValueError(f"{source}: empty crawler list")
    header = lines[0][1].split("\t")
    needed = ["user_agent", "class", "operator", "purpose", "respects_robots"]
    if header[: len(needed)] != needed:
        raise ValueError(f"{source}:{lines[0][0]}: header must start with {', '.join(needed)}")
    crawlers: list[Crawler] = []
    seen: set[str] = set()
    for number, line in lines[1:]:
        row = next(csv.reader(io.StringIO(line), delimiter="\t"))
        if len(row) < len(needed):
            raise ValueError(f"{source}:{number}: expected {len(needed)} tab-separated columns, got {len(row)}")
        token, klass, operator, purpose, respects = (cell.strip() for cell in row[: len(needed)])
        if klass not in CLASSES:
            raise ValueError(f"{source}:{number}: class must be one of {', '.join(CLASSES)}, not {klass!r}")
        if not _TOKEN.fullmatch(token):
            raise ValueError(f"{source}:{number}: {token!r} is not a user-agent token")
        if token in seen:
            raise ValueError(f"{source}:{number}: {token!r} is listed twice")
        seen.add(token)
        crawlers.append(Crawler(token, klass, operator, purpose, respects))
    return crawlers


# A list older than this misses agents: ai.robots.txt adds several a month, vendors faster (reference §12.6).
MAX_AGE_DAYS = 120
_SOURCE_DATE = re.compile(r"^#\s*source-date:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def parse_source_date(text: str, source: str = "ai-crawlers.tsv") -> dt.date:
    """The ``# source-date: YYYY-MM-DD`` comment: the date of the upstream snapshot the list was taken from."""
    found = _SOURCE_DATE.search(text)
    if not found:
        raise ValueError(f"{source}: no '# source-date: YYYY-MM-DD' line")
    return dt.date.fromisoformat(found.group(1))


def _text() -> str:
    return resources.files("sitegen").joinpath("data/ai-crawlers.tsv").read_text("utf-8")


@functools.cache
def load() -> tuple[Crawler, ...]:
    return tuple(parse_list(_text()))


@functools.cache
def source_date() -> dt.date:
    return parse_source_date(_text())


def age_note(today: dt.date, shipped: dt.date | None = None) -> str | None:
    """A note (not a warning: the site is fine, the list is only ageing) when the shipped list is old."""
    date = shipped or source_date()
    age = (today - date).days
    if age <= MAX_AGE_DAYS:
        return None
    return (
        f"sitegen's AI crawler list is {age} days old (ai.robots.txt snapshot of {date.isoformat()}), so newer "
        "AI crawlers are not refused: update sitegen, or add them to [protect] block_agents "
        "(maintainers: scripts/refresh_crawlers.py)"
    )


def of_class(*classes: str) -> list[Crawler]:
    return [c for c in load() if c.klass in classes]


def kept() -> list[str]:
    """Search engines and link-preview fetchers that must stay admitted."""
    return [c.token for c in of_class("keep")]


# --- how the parsers match a robots.txt User-agent token against a crawler's name ----------------


def protego_matches(token: str, agent: str) -> bool:
    """protego: the token occurs in the agent at a word start (not after a letter, digit, "-" or "_")."""
    token, agent = token.lower(), agent.lower()
    start = agent.find(token)
    while start != -1:
        if start == 0 or not (agent[start - 1].isalnum() or agent[start - 1] in "-_"):
            return True
        start = agent.find(token, start + 1)
    return False


def urllib_matches(token: str, agent: str) -> bool:
    """CPython urllib.robotparser: the agent is cut at "/" and the token is a plain substring of it."""
    return token.lower() in agent.split("/")[0].lower()


def shadowed(token: str, protected: list[str] | None = None) -> list[str]:
    """The protected crawlers a robots.txt group for ``token`` would also catch (an exact name is deliberate)."""
    hits = []
    for agent in kept() if protected is None else protected:
        if token.lower() == agent.lower():
            continue
        if protego_matches(token, agent) or urllib_matches(token, agent):
            hits.append(agent)
    return hits


def check_block_tokens(tokens: list[str]) -> str | None:
    """Config check for ``[protect] block_agents``."""
    for token in tokens:
        if token.strip() != token or not _TOKEN.fullmatch(token):
            return f"{token!r} is not a user-agent token (letters, digits, '-', '_', '.')"
        hits = shadowed(token)
        if hits:
            return (
                f"{token!r} would also refuse {', '.join(hits)} (robots.txt parsers match names by substring); "
                "use the crawler's full name"
            )
    return None


def check_allow_tokens(tokens: list[str]) -> str | None:
    """Config check for ``[protect] allow_agents``: a typo must not leave an agent silently refused."""
    known = {c.token.lower(): c.token for c in load()}
    for token in tokens:
        if token.lower() not in known:
            hint = closest(token, list(known.values()))
            extra = f'; did you mean "{hint}"?' if hint else ""
            return f"{token!r} is not in sitegen's crawler list{extra}"
    return None


def ai_group(classes: tuple[str, ...], block: list[str], allow: list[str]) -> list[str]:
    """The tokens of robots.txt's AI group: listed classes, plus ``block``, minus ``allow``.

    Case-insensitive duplicates ("meta-externalagent" and "Meta-ExternalAgent")
    are written once: both parsers lower-case tokens, so the second line adds
    nothing but length.
    """
    refused = {a.lower() for a in allow}
    tokens: list[str] = []
    seen: set[str] = set()
    for token in [c.token for c in of_class(*classes)] + list(block):
        key = token.lower()
        if key in seen or key in refused:
            continue
        seen.add(key)
        tokens.append(token)
    return tokens
