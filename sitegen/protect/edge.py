"""The refusal as JavaScript for hosts that only refuse in code: Cloudflare Pages and Netlify.

Neither host's ``_headers`` can look at a request header, so a user-agent
rule needs a function running in front of the static files: Cloudflare Pages
runs ``functions/_middleware.js`` (beside the output, in the folder deployed
from), Netlify runs Edge Functions from ``netlify/edge-functions/``. Both get
the same module body, rendered from :mod:`.refusal`; a function's own
response gets none of ``_headers``, so the 403 carries the protection headers
itself.
"""

from __future__ import annotations

import json

from ..config import Config
from ..urls import Urls
from .headers import protection_headers
from .refusal import refusal_for

CLOUDFLARE_MIDDLEWARE = "functions/_middleware.js"
NETLIFY_EDGE_FUNCTION = "netlify/edge-functions/sitegen-refuse.js"


def _refusal_js(config: Config, urls: Urls) -> list[str]:
    refusal = refusal_for(config, urls)
    headers = {"Content-Type": "text/plain; charset=utf-8", **dict(protection_headers(urls, config))}
    return [
        f"const AGENTS = new RegExp({json.dumps(refusal.pattern)}, 'i');",
        f"const OPEN_FILES = new Set({json.dumps(list(refusal.open_files))});",
        f"const OPEN_FOLDERS = {json.dumps(list(refusal.open_folders))};",
        f"const MESSAGE = {json.dumps(refusal.message)};",
        f"const HEADERS = {json.dumps(headers)};",
        "",
        "// The URL parser has already resolved dot segments (also percent-encoded ones).",
        "function isOpen(path) {",
        "  try { path = decodeURIComponent(path); } catch { return false; }",
        "  if (OPEN_FILES.has(path)) return true;",
        "  return OPEN_FOLDERS.some((f) => path.startsWith(f) || path === f.slice(0, -1));",
        "}",
        "",
        "/** A 403 Response for a refused AI agent, else null (serve the site as usual). */",
        "export function refusal(request) {",
        "  const agent = request.headers.get('user-agent') || '';",
        "  if (!AGENTS.test(agent) || isOpen(new URL(request.url).pathname)) return null;",
        "  return new Response(request.method === 'HEAD' ? null : MESSAGE, { status: 403, headers: HEADERS });",
        "}",
    ]


def cloudflare_middleware(config: Config, urls: Urls, generated: str) -> str:
    lines = [
        f"// {generated}",
        "// Cloudflare Pages runs this before every request when it sits in functions/ of the folder you deploy",
        "// from (`wrangler pages deploy public` run beside it, or the repository root with Git integration).",
        "// It refuses the AI agents of [protect] with 403; the terms stay readable to them.",
        *_refusal_js(config, urls),
        "",
        "export async function onRequest(context) {",
        "  return refusal(context.request) || context.next();",
        "}",
    ]
    return "\n".join(lines) + "\n"


def netlify_edge_function(config: Config, urls: Urls, generated: str) -> str:
    lines = [
        f"// {generated}",
        "// Netlify runs this Edge Function before every request when it sits in netlify/edge-functions/ of the",
        "// base directory (the folder holding your publish directory). It refuses the AI agents of [protect]",
        "// with 403; returning nothing lets Netlify serve the site as usual.",
        *_refusal_js(config, urls),
        "",
        "export default async (request) => refusal(request) || undefined;",
        "",
        'export const config = { path: "/*" };',
    ]
    return "\n".join(lines) + "\n"
