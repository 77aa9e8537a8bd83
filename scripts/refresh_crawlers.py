"""Refresh sitegen/data/ai-crawlers.tsv from a downloaded ai.robots.txt ``robots.json`` (maintainers only).

    curl -LO https://raw.githubusercontent.com/ai-robots-txt/ai.robots.txt/<commit>/robots.json
    python3 scripts/refresh_crawlers.py robots.json --commit <commit> --date <YYYY-MM-DD of the commit>
    python3 scripts/refresh_crawlers.py robots.json --commit <commit> --date <date> --write
    python3 -m pytest tests/test_robots.py tests/test_refresh_crawlers.py

Without ``--write`` the new list goes to stdout; the report (what was added with which proposed class,
what was dropped, what was kept although upstream dropped it) always goes to stderr. Rules:

- an agent new upstream gets a *proposed* class from upstream's ``function``/``description``: AI search,
  assistants and agents -> ``ai-use``; a plain search engine -> ``keep``; a token that would also refuse a
  kept crawler in some robots.txt parser -> ``generic``; anything else (training, data, undocumented) ->
  ``train``. Review every proposal in the diff before committing: the class is sitegen's judgement.
- a ``keep`` agent is never dropped, even when upstream drops it (the photographer must stay findable);
- rows that did not come from upstream (vendor-documented tokens, search-engine documentation) stay as they
  are, and the vendor tokens upstream lacks (reference §12.6: ``MistralAI-Training``, ``MistralAI-Index``)
  are added when missing;
- the ``# source-date:`` line becomes ``--date``, so builds note when the list is old again.

No network access: the file is downloaded by the maintainer, so a test can run this on a fixture.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.rights.crawlers import Crawler, parse_list, parse_source_date, shadowed

LIST = Path(__file__).resolve().parent.parent / "sitegen" / "data" / "ai-crawlers.tsv"
UPSTREAM = "ai-robots-txt/ai.robots.txt robots.json"
COLUMNS = ("user_agent", "class", "operator", "purpose", "respects_robots", "source")
MISTRAL = "docs.mistral.ai robots page (vendor-documented; not in ai.robots.txt at 738c80d; reference §12.6)"

# Tokens vendors document that upstream lacked when last checked: added when missing, never dropped.
VENDOR_TOKENS: tuple[Crawler, ...] = (
    Crawler("MistralAI-Training", "train", "Mistral AI", "training / data collection", "yes"),
    Crawler("MistralAI-Index", "ai-use", "Mistral AI", "ai-search index (Le Chat answers)", "yes"),
)
VENDOR_SOURCE = {"MistralAI-Training": MISTRAL, "MistralAI-Index": MISTRAL}


@dataclass(frozen=True)
class Row:
    crawler: Crawler
    source: str


@dataclass
class Refresh:
    text: str
    added: list[tuple[str, str, str]]  # token, proposed class, why
    dropped: list[str]
    kept: list[str]  # KEEP agents upstream no longer lists

    def report(self) -> list[str]:
        lines = [f"added {t} as {k} ({why}): review the class" for t, k, why in self.added]
        lines += [f"dropped {t} (no longer in robots.json)" for t in self.dropped]
        lines += [f"kept {t} (class keep; upstream no longer lists it)" for t in self.kept]
        return lines or ["no change in agents"]


def propose(token: str, entry: dict[str, object]) -> tuple[str, str]:
    """A class for an agent new upstream, and the reason, from upstream's own words."""
    if shadowed(token):
        return "generic", f"would also refuse {', '.join(shadowed(token))}"
    words = f"{entry.get('function', '')} {entry.get('description', '')}".lower()
    if re.search(r"\bai (agents?|assistants?|search)\b|user[- ]triggered|on behalf of", words):
        return "ai-use", "upstream: AI search / assistant / agent"
    if "search engine" in words and not re.search(r"\b(ai|llm|training)\b", words):
        return "keep", "upstream: a search engine"
    return "train", "upstream: training, data or undocumented"


def _respects(entry: dict[str, object]) -> str:
    text = str(entry.get("respect", "")).strip().lower()
    return "yes" if text.startswith("yes") else "no" if text.startswith("no") else "unknown"


def _rows(text: str) -> list[Row]:
    crawlers = parse_list(text)
    sources: dict[str, str] = {}
    for line in text.splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) >= len(COLUMNS) and cells[0] != COLUMNS[0]:
            sources[cells[0].strip()] = cells[5].strip()
    return [Row(c, sources.get(c.token, "")) for c in crawlers]


def refresh(text: str, robots: dict[str, dict[str, object]], commit: str, date: str) -> Refresh:
    """The new list text and what changed; ``text`` is the current list, ``robots`` upstream's robots.json."""
    upstream_source = f"{UPSTREAM} (commit {commit}, {date})"
    upstream = {token.casefold(): token for token in robots}
    result = Refresh("", [], [], [])
    rows: list[Row] = []
    for row in _rows(text):
        from_upstream = row.source.startswith(UPSTREAM)
        if not from_upstream:
            rows.append(row)
        elif row.crawler.token.casefold() in upstream:
            rows.append(replace(row, source=upstream_source))
        elif row.crawler.klass == "keep":
            rows.append(row)
            result.kept.append(row.crawler.token)
        else:
            result.dropped.append(row.crawler.token)
    known = {row.crawler.token.casefold() for row in rows} | {t.casefold() for t in result.dropped}
    for token, entry in robots.items():
        if token.casefold() in known:
            continue
        klass, why = propose(token, entry)
        operator = str(entry.get("operator", "unknown")).strip() or "unknown"
        purpose = str(entry.get("function", "undocumented")).strip() or "undocumented"
        rows.append(Row(Crawler(token, klass, operator, purpose, _respects(entry)), upstream_source))
        known.add(token.casefold())
        result.added.append((token, klass, why))
    for vendor in VENDOR_TOKENS:
        if vendor.token.casefold() not in known:
            rows.append(Row(vendor, VENDOR_SOURCE[vendor.token]))
            result.added.append((vendor.token, vendor.klass, "vendor-documented, missing upstream"))
    result.text = _render(text, rows, commit, date)
    parse_list(result.text)  # refuse to write a list the build could not read
    parse_source_date(result.text)
    return result


def _render(old: str, rows: list[Row], commit: str, date: str) -> str:
    """Header comments kept (commit and date updated); list sorted like the shipped one, search docs last."""
    header = [line for line in old.splitlines() if line.startswith("#")]
    header = [re.sub(r"^#\s*source-date:.*$", f"# source-date: {date}", line) for line in header]
    header = [re.sub(r"(commit )[0-9a-f]{6,40}(,)", rf"\g<1>{commit}\g<2>", line) for line in header]
    last = [r for r in rows if r.crawler.klass == "keep" and not r.source.startswith(UPSTREAM)]
    body = sorted((r for r in rows if r not in last), key=lambda r: r.crawler.token.casefold())
    lines = [*header, "\t".join(COLUMNS)]
    for row in [*body, *last]:
        c = row.crawler
        lines.append("\t".join((c.token, c.klass, c.operator, c.purpose, c.respects_robots, row.source)))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("robots_json", type=Path, help="ai.robots.txt robots.json, downloaded")
    parser.add_argument("--commit", required=True, help="the upstream commit robots.json comes from")
    parser.add_argument("--date", required=True, help="that commit's date, YYYY-MM-DD (the list's source date)")
    parser.add_argument("--list", type=Path, default=LIST, help="the list to refresh (default: the shipped one)")
    parser.add_argument("--write", action="store_true", help="rewrite the list in place instead of printing it")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date):
        parser.error(f"--date {args.date!r}: expected YYYY-MM-DD")
    try:
        robots = json.loads(args.robots_json.read_text("utf-8"))
        if not isinstance(robots, dict):
            raise ValueError("expected an object of agents")
        result = refresh(args.list.read_text("utf-8"), robots, args.commit, args.date)
    except (OSError, ValueError) as exc:
        print(f"refresh_crawlers: {exc}", file=sys.stderr)
        return 1
    for line in result.report():
        print(line, file=sys.stderr)
    if args.write:
        args.list.write_text(result.text, "utf-8")
    else:
        sys.stdout.write(result.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
