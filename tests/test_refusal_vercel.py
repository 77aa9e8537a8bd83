"""vercel.json: its shape against Vercel's schema, and every regex it holds evaluated as JavaScript under node.

What this cannot check here: Vercel's own router. The node driver below resolves the routes the way
Vercel documents legacy routes (in order; a route with ``continue`` adds its headers and goes on; the
first other match ends routing; a ``has`` value is anchored ``^value$``, as vercel/vercel's
routing-utils resolver does), so the JSON, the path rules and the User-Agent rules are checked, not
Vercel's runtime.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from sitegen.config import Config
from sitegen.protect import hostfiles, vercel
from sitegen.protect.headers import header_rules
from sitegen.urls import Urls

from .refusal_agents import BROWSERS, KEEP, PREVIEWS, REFUSED_AI_USE, REFUSED_TRAIN
from .test_refusal_edge import _node

ORIGIN = "https://example.com/"
# Keys of a legacy route in Vercel's schema (vercel/vercel packages/routing-utils/src/schemas.ts) that we use.
ROUTE_KEYS = {"src", "dest", "headers", "continue", "status", "has"}
# Modern fields Vercel refuses next to "routes".
MODERN = {"headers", "redirects", "rewrites", "cleanUrls", "trailingSlash"}
OPEN = ["/robots.txt", "/ai.txt", "/.well-known/tdmrep.json", "/tdm-policy.json", "/license.xml", "/licensing/"]
OPEN += ["/licensing", "/licensing/index.html"]
CLOSED = ["/", "/water/", "/media/water/a-2048.1234abcd.webp", "/robots.txt.bak", "/licensing-x/", "/x/license.xml"]

DRIVER = """
import { readFileSync } from "node:fs";
const [file, cases] = [process.argv[2], JSON.parse(process.argv[3])];
const routes = JSON.parse(readFileSync(file, "utf8")).routes;
const out = [];
for (const [path, agent] of cases) {
  let status = 200, dest = path;
  const headers = {};
  for (const route of routes) {
    if (!new RegExp(route.src).test(path)) continue;
    const has = route.has || [];
    const ok = has.every((h) => {
      const value = h.type === "header" ? (h.key === "user-agent" ? agent : undefined) : undefined;
      return value !== undefined && value !== null && new RegExp("^" + h.value + "$").test(value);
    });
    if (!ok) continue;
    Object.assign(headers, route.headers || {});
    if (route.continue) continue;
    status = route.status ?? status;
    dest = route.dest ?? dest;
    break;
  }
  out.push([status, dest, headers]);
}
console.log(JSON.stringify(out));
"""


def write(tmp_path: Path, config: Config) -> Path:
    path = tmp_path / "vercel.json"
    path.write_text(vercel.vercel_json(config, Urls(ORIGIN)), "utf-8")
    return path


def resolve(tmp_path: Path, file: Path, cases: list[tuple[str, str | None]]) -> list[tuple[int, str, dict[str, str]]]:
    (tmp_path / "driver.mjs").write_text(DRIVER, "utf-8")
    run = subprocess.run(
        [_node(), str(tmp_path / "driver.mjs"), str(file), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return [tuple(r) for r in json.loads(run.stdout)]


def test_the_file_has_vercels_shape_and_every_header_rule_of_the_other_hosts(tmp_path: Path) -> None:
    config = Config()
    document = json.loads(write(tmp_path, config).read_text("utf-8"))
    assert document["$schema"] == "https://openapi.vercel.sh/vercel.json"
    assert not MODERN & set(document), "Vercel refuses routes next to the modern fields"
    routes = document["routes"]
    for route in routes:
        assert set(route) <= ROUTE_KEYS, route
        assert len(route["src"]) <= 4096 and route["src"].startswith("^") and route["src"].endswith("$")
        for item in route.get("has", []):
            assert item["type"] == "header" and item["key"] == "user-agent" and len(item["value"]) <= 4096
        assert all(isinstance(v, str) for v in route.get("headers", {}).values())
    # Every rule _headers gives Netlify and Cloudflare, as a route that adds its headers and continues.
    urls = Urls(ORIGIN)
    for rule in header_rules(urls, config):
        src = "^" + ".*".join(re.escape(p) for p in rule.pattern.split("*")) + "$"
        (match,) = [r for r in routes if r["src"] == src]
        assert match["headers"] == dict(rule.headers) and match["continue"] is True
    assert "/license.xml\n  Content-Type: application/rsl+xml" in hostfiles.netlify_headers(config, urls)
    assert {"src": r"^/license\.xml$", "headers": {"Content-Type": "application/rsl+xml"}, "continue": True} in routes
    refusals = [r for r in routes if r.get("status") == 403]
    assert len(refusals) >= 2  # the token list is longer than one 4,096-character value
    assert all(r["dest"] == "/" + vercel.REFUSED_BODY and "continue" not in r for r in refusals)


def test_node_refuses_every_ai_agent_and_admits_search_previews_and_browsers(tmp_path: Path) -> None:
    file = write(tmp_path, Config())
    refused = [ua for strings in [*REFUSED_TRAIN.values(), *REFUSED_AI_USE.values()] for ua in strings]
    refused += ["gptbot/1.0", "Mozilla/5.0 (compatible; CCBOT/2.0)"]  # any case, with no regex flag
    admitted = [*BROWSERS, *PREVIEWS, *(ua for strings in KEEP.values() for ua in strings)]
    cases: list[tuple[str, str | None]] = [(p, ua) for ua in refused for p in CLOSED]
    cases += [(p, ua) for ua in refused[:3] for p in OPEN]
    cases += [(p, ua) for ua in [*admitted, None] for p in CLOSED[:3]]
    cases += [("/vercel.json", admitted[0]), ("/license.xml", refused[0]), ("/license.xml", admitted[0])]
    results = resolve(tmp_path, file, cases)
    for (path, agent), (status, dest, headers) in zip(cases, results, strict=True):
        if path == "/vercel.json":
            assert status == 404
            continue
        expect = 403 if agent in refused and path not in OPEN else 200
        assert status == expect, (path, agent)
        assert headers["X-Robots-Tag"] == "noai, noimageai", (path, agent)  # the 403 too
        if expect == 403:
            assert dest == "/refused.txt" and headers["Content-Type"] == "text/plain; charset=utf-8"
        elif path == "/license.xml":
            assert headers["Content-Type"] == "application/rsl+xml"
        if path.startswith("/media/"):
            assert headers["Cache-Control"].startswith("public, max-age=31536000")


def test_python_reads_the_rules_as_node_does() -> None:
    """The same text under Python's re (PCRE-like, as Vercel documents): one refusal, no browser."""
    routes = json.loads(vercel.vercel_json(Config(), Urls(ORIGIN)))["routes"]
    values = [re.compile("^" + r["has"][0]["value"] + "$") for r in routes if r.get("status") == 403]
    src = re.compile(next(r["src"] for r in routes if r.get("status") == 403))
    for strings in [*REFUSED_TRAIN.values(), *REFUSED_AI_USE.values()]:
        for ua in strings:
            assert sum(bool(v.match(ua)) for v in values) >= 1, ua
    for ua in [*BROWSERS, *PREVIEWS, *(u for s in KEEP.values() for u in s)]:
        assert not any(v.match(ua) for v in values), ua
    assert not any(src.match(p) for p in OPEN) and all(src.match(p) for p in CLOSED)
    assert vercel.fold_case(r"Brightbot\s1\.0") == r"[Bb][Rr][Ii][Gg][Hh][Tt][Bb][Oo][Tt]\s1\.0"


def test_no_ai_training_refuses_training_agents_only(tmp_path: Path) -> None:
    config = Config()
    config = replace(config, protect=replace(config.protect, policy="no-ai-training"))
    file = write(tmp_path, config)
    cases: list[tuple[str, str | None]] = [("/", REFUSED_TRAIN["GPTBot"][0]), ("/", REFUSED_AI_USE["ChatGPT-User"][0])]
    assert [status for status, _, _ in resolve(tmp_path, file, cases)] == [403, 200]


def test_nothing_refused_writes_headers_only(tmp_path: Path) -> None:
    config = Config()
    config = replace(config, protect=replace(config.protect, refuse_agents=False))
    routes = json.loads(vercel.vercel_json(config, Urls(ORIGIN)))["routes"]
    assert not [r for r in routes if "has" in r or r.get("status") == 403]
    assert vercel.refused_body(config, Urls(ORIGIN)) is None


def test_the_build_publishes_vercel_json_and_the_refusals_text(example_build) -> None:
    public = example_build[0]
    document = json.loads((public / "vercel.json").read_text("utf-8"))
    assert any(r.get("status") == 403 for r in document["routes"])
    body = (public / vercel.REFUSED_BODY).read_text("utf-8")
    assert body.startswith("This site does not serve AI crawlers") and "/licensing/" in body
    assert body.count("\n") == 1  # one sentence


def _values_as_first_written(tokens: tuple[str, ...]) -> list[str]:
    """The chunking as first written: the whole value made again for every token added."""
    values: list[str] = []
    chunk: list[str] = []
    for token in tokens:
        if chunk and len(vercel._agent_value([*chunk, token])) > vercel.MAX_VALUE:
            values.append(vercel._agent_value(chunk))
            chunk = []
        chunk.append(token)
    if chunk:
        values.append(vercel._agent_value(chunk))
    return values


def test_the_agent_values_split_where_a_value_would_pass_the_limit(monkeypatch) -> None:
    """Kept lengths instead of values made again give the same split, at the limit and around it."""
    refusal = vercel.refusal_for(Config(), Urls("https://example.com/"))
    assert refusal.active
    full = _values_as_first_written(refusal.tokens)
    assert vercel.agent_values(refusal) == full
    for limit in (200, 333, len(full[0]), len(full[0]) - 1, len(full[0]) + 1):
        monkeypatch.setattr(vercel, "MAX_VALUE", limit)
        values = vercel.agent_values(refusal)
        assert values == _values_as_first_written(refusal.tokens), limit
