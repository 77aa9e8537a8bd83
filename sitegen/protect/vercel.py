"""``vercel.json``: the headers, license.xml's type and the refusal of AI agents, as Vercel reads them.

Source: Vercel, "Static Configuration with vercel.json", https://vercel.com/docs/project-configuration/vercel-json
(sections "routes" and "Legacy"), and the changelog "Web Application Firewall control now available with
vercel.json" (https://vercel.com/changelog/web-application-firewall-control-now-available-with-vercel-json);
read through the search tool, December 2026. What this module relies on:

- Vercel reads ``vercel.json`` from the root of the project it deploys; for a static folder deployed with
  ``vercel deploy public`` that is the output folder, so the file goes into the output, like ``_headers``.
- ``routes`` cannot be combined with ``headers``, ``redirects``, ``rewrites``, ``cleanUrls`` or
  ``trailingSlash`` (the modern fields are refused or ignored when ``routes`` is present), so everything
  is said with routes: a route with ``headers`` and ``"continue": true`` adds its headers and routing goes
  on; the first route without ``continue`` that matches ends it.
- ``src`` is a PCRE-compatible regular expression matched against the path (no query string); the
  refusal's ``src`` uses a negative look-ahead for the always-readable paths, which PCRE and JavaScript
  both have (RE2 does not, but Vercel documents PCRE).
- ``has: [{"type": "header", "key": "user-agent", "value": V}]`` (V at most 4,096 characters; the items
  of one ``has`` must all match) matches when the request's User-Agent matches V as a whole value:
  Vercel's resolver (vercel/vercel packages/routing-utils, ``has_match``) anchors it as ``^V$``, with no
  flag for case. So V is ``.*RULE.*`` and case-insensitivity is spelled into the pattern
  (``[Gg][Pp][Tt]...``) rather than an inline ``(?i)``, which JavaScript's RegExp (node 20) rejects: the
  same text then means the same in PCRE, Python and JavaScript, and the tests evaluate it under node.
- ``status`` with ``dest`` answers with that status and the destination's content (the legacy custom
  404 recipe, ``{"src": "/(.*)", "status": 404, "dest": "/404.html"}``): the 403's text is a small file
  the build publishes beside it, :data:`REFUSED_BODY`.

Not checked on this machine: Vercel's own router (whether its PCRE engine and header handling match the
documentation above). The JSON shape and every regex are checked in the tests.
"""

from __future__ import annotations

import json
import re

from ..config import Config
from ..rights.addresses import LICENSE_XML_PATH, RSL_MEDIA_TYPE
from ..urls import Urls
from . import rsl
from .headers import header_rules, protection_headers
from .refusal import WORD_END, Refusal, escape, refusal_for

VERCEL_JSON = "vercel.json"
REFUSED_BODY = "refused.txt"  # the 403's one sentence; Vercel has no literal response body in vercel.json
SCHEMA = "https://openapi.vercel.sh/vercel.json"
MAX_VALUE = 4096  # maxLength of a has value and of src in Vercel's schema (vercel/vercel routing-utils schemas.ts)


def fold_case(escaped: str) -> str:
    """An escaped token matching in any ASCII case without a flag: ``GPTBot`` -> ``[Gg][Pp][Tt][Bb][Oo][Tt]``."""
    out: list[str] = []
    chars = iter(escaped)
    for char in chars:
        if char == "\\":
            out.append(char + next(chars, ""))  # an escape (\s, \., ...) stays as it is
        elif char.isascii() and char.isalpha():
            out.append(f"[{char.upper()}{char.lower()}]")
        else:
            out.append(char)
    return "".join(out)


def _agent_value(tokens: list[str]) -> str:
    return r".*\b(" + "|".join(fold_case(escape(t)) for t in tokens) + ")" + WORD_END + ".*"


def agent_values(refusal: Refusal) -> list[str]:
    """The ``has`` values: each Vercel anchors (``^value$``), so each rule is wrapped in ``.*``.

    Vercel's schema caps a value at :data:`MAX_VALUE` characters and ANDs the items of one ``has``, so
    the tokens are split over as many values as needed, one refusal route each (any one refuses).
    """
    values: list[str] = []
    chunk: list[str] = []
    # The length of _agent_value(chunk), kept as tokens are added (computing the value again for
    # every token made this quadratic: a third of a second per build for the shipped list).
    frame = len(_agent_value([])) - 1  # the value of no token, minus the "|" a first token does not add
    length = frame
    for token in refusal.tokens:
        piece = len(fold_case(escape(token))) + 1
        if chunk and length + piece > MAX_VALUE:
            values.append(_agent_value(chunk))
            chunk, length = [], frame
        chunk.append(token)
        length += piece
    if chunk:
        values.append(_agent_value(chunk))
    return values


def _path_regex(pattern: str) -> str:
    """A ``_headers``-style path ("/media/*", "/license.xml") as an anchored ``src``."""
    return "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"


def open_paths_src(refusal: Refusal) -> str:
    """Every path except the always-readable ones (a folder with or without its slash, and below it)."""
    files = [re.escape(p) for p in refusal.open_files]
    folders = [re.escape(f.rstrip("/")) + "(?:/.*)?" for f in refusal.open_folders]
    return "^(?!(?:" + "|".join(files + folders) + ")$)/.*$"


def vercel_routes(config: Config, urls: Urls) -> list[dict[str, object]]:
    """Header routes first (each continues), then the refusal, which ends routing with the 403."""
    routes: list[dict[str, object]] = [
        # vercel.json configures the deployment; it is not a page of the site.
        {"src": _path_regex(urls.url(VERCEL_JSON)), "status": 404},
    ]
    for rule in header_rules(urls, config):
        routes.append({"src": _path_regex(rule.pattern), "headers": dict(rule.headers), "continue": True})
    if rsl.enabled(config):
        routes.append(
            {
                "src": _path_regex(urls.url(LICENSE_XML_PATH)),
                "headers": {"Content-Type": RSL_MEDIA_TYPE},
                "continue": True,
            }
        )
    refusal = refusal_for(config, urls)
    headers = {"Content-Type": "text/plain; charset=utf-8", **dict(protection_headers(urls, config))}
    for value in agent_values(refusal) if refusal.active else []:
        routes.append(
            {
                "src": open_paths_src(refusal),
                "has": [{"type": "header", "key": "user-agent", "value": value}],
                "status": 403,
                "dest": urls.url(REFUSED_BODY),
                "headers": headers,
            }
        )
    return routes


def vercel_json(config: Config, urls: Urls) -> str:
    """The whole file; JSON has no comments, so what each route does is said here and in the README."""
    document = {"$schema": SCHEMA, "routes": vercel_routes(config, urls)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def refused_body(config: Config, urls: Urls) -> str | None:
    """The 403's text as a published file, when anything is refused."""
    refusal = refusal_for(config, urls)
    return refusal.message if refusal.active else None
