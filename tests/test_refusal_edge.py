"""The Cloudflare Pages middleware and the Netlify Edge Function, run under node against real Request objects.

What this cannot check here: the hosts' own runtimes (workerd, Deno) and their routing (that Pages
runs ``functions/_middleware.js`` for static files, that Netlify runs the function for ``/*``). Node's
``Request``, ``Response`` and ``URL`` are the same WHATWG classes those runtimes implement.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import playwright

from sitegen.config import Config
from sitegen.errors import Reporter
from sitegen.protect import edge, hostfiles
from sitegen.urls import Urls

from .refusal_agents import BINGBOT, BROWSERS, CCBOT, CLAUDEBOT, GOOGLEBOT, GPTBOT, KEEP

DRIVER = """
import { pathToFileURL } from "node:url";
const [cloudflare, netlify, cases] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
const cf = await import(pathToFileURL(cloudflare));
const nf = await import(pathToFileURL(netlify));
const out = [];
for (const [url, agent] of cases) {
  const init = { headers: agent === null ? {} : { "user-agent": agent } };
  const a = await cf.onRequest({ request: new Request(url, init), next: async () => new Response("site") });
  const b = (await nf.default(new Request(url, init))) ?? new Response("site");
  out.push([a.status, await a.text(), a.headers.get("x-robots-tag"), b.status, await b.text()]);
}
if (nf.config.path !== "/*") throw new Error("the edge function must run for every path");
console.log(JSON.stringify(out));
"""


def _node() -> str:
    """node on PATH, else the one Playwright (a test dependency) ships: there is always one."""
    node = shutil.which("node")
    if node is not None:
        return node
    bundled = Path(playwright.__file__).parent / "driver" / "node"
    assert bundled.exists(), "no node binary: neither on PATH nor in playwright's driver"
    return str(bundled)


def test_the_edge_functions_refuse_and_admit_like_the_servers(tmp_path: Path) -> None:
    urls = Urls("https://example.com/")
    written = hostfiles.write_server_snippets(Config(), urls, tmp_path / "public", Reporter())
    cloudflare, netlify = tmp_path / edge.CLOUDFLARE_MIDDLEWARE, tmp_path / edge.NETLIFY_EDGE_FUNCTION
    assert {cloudflare, netlify} <= set(written)
    (tmp_path / "driver.mjs").write_text(DRIVER, "utf-8")
    refused = [GPTBOT, CLAUDEBOT, CCBOT]
    admitted = [GOOGLEBOT, BINGBOT, None, *BROWSERS, *(ua for strings in KEEP.values() for ua in strings)]
    cases = [
        (f"https://example.com{p}", a) for a in refused for p in ("/", "/media/a.1234abcd.webp", "/licensing/%2E%2E/x/")
    ]
    cases += [(f"https://example.com{p}", a) for a in refused for p in ("/robots.txt", "/licensing/", "/license.xml")]
    cases += [("https://example.com/media/a.1234abcd.webp", a) for a in admitted]
    run = subprocess.run(
        [_node(), str(tmp_path / "driver.mjs"), str(cloudflare), str(netlify), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    for (url, agent), (status, body, robots, netlify_status, netlify_body) in zip(cases, results, strict=True):
        expect = 403 if agent in refused and not url.endswith(("robots.txt", "/licensing/", "license.xml")) else 200
        assert (status, netlify_status) == (expect, expect), (url, agent)
        if expect == 403:
            assert body == netlify_body and body.startswith("This site does not serve AI crawlers")
            assert robots == "noai, noimageai"  # a function's response gets none of _headers
        else:
            assert body == netlify_body == "site"


def test_no_edge_function_is_written_when_nothing_is_refused(tmp_path: Path) -> None:
    config = Config()
    config = replace(config, protect=replace(config.protect, policy="off"))
    hostfiles.write_server_snippets(config, Urls("https://example.com/"), tmp_path / "public", Reporter())
    assert not (tmp_path / "functions").exists() and not (tmp_path / "netlify").exists()
