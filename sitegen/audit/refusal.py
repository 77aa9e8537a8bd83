"""Does the server refuse AI agents? Asked the only way that proves it: as those agents, and as a browser.

robots.txt, ai.txt, TDMRep and the headers ask; a server that answers GPTBot with 403 refuses. A live
site is asked for a page and an image as a current Chrome, as Googlebot and as a few AI agents of the
refused classes: the agents must be refused (401, 403 or 451: the answers that say "not for you" and that
crawlers do not retry as a passing fault; 403 is what Apache's ``[F]``, nginx's ``return 403`` and Caddy's
``respond 403`` send), the browser and the search engine served, and the files that say why (robots.txt,
ai.txt, tdmrep.json, the TDM policy, the licensing page) readable to the refused agent too. Another answer
to an agent (404, 429, a 5xx) withholds the file without saying so: a warning. A folder has no server: the
audit reads what its ``.htaccess`` makes Apache refuse (:mod:`.rewrite`), for every agent of the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rights import crawlers
from ..rights.addresses import LICENSE_XML_PATH, LICENSING_PATH, TDM_POLICY_PATH
from .expect import REFUSE_SWITCH, Expected
from .findings import Findings, short
from .model import FIX_UNCHECKED, Check, Status
from .rewrite import RewriteRules
from .source import FolderSource, HttpSource, Response, Source

CID, TITLE = "refusal", "Server refuses AI agents"
REFUSED = (401, 403, 451)

# Real User-Agent strings, as the operators document them; any other agent is named the common way.
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
)
BROWSERS = {
    "Chrome": CHROME,
    "Firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:146.0) Gecko/20100101 Firefox/146.0",
    "Safari": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.6 Mobile/15E148 Safari/604.1",
    "Internet Explorer 8": "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC1; .NET CLR 2.0.50727)",
}
AGENT_STRINGS = {
    "GPTBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "ClaudeBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; "
    "+claudebot@anthropic.com)",
    "CCBot": "CCBot/2.0 (https://commoncrawl.org/faq/)",
    "ChatGPT-User": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; "
    "+https://openai.com/bot",
    "PerplexityBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; "
    "+https://perplexity.ai/perplexitybot)",
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot-Image": "Googlebot-Image/1.0",
    "Bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Applebot": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "DuckDuckBot": "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
}
# Asked of a live site: three training crawlers, and one AI-use agent when the policy refuses those.
URL_TRAINING = ("GPTBot", "ClaudeBot", "CCBot")
URL_AI_USE = ("ChatGPT-User", "PerplexityBot", "Claude-User")

FIX_GENERIC = (
    "Deploy the refusal sitegen writes for your host: .htaccess (Apache, needs mod_rewrite), the nginx map "
    "(http block) and refusal (server block), the Caddy snippet, or the Netlify/Cloudflare/Vercel files "
    "(README: Deploying)."
)
FIX_BY_HOST = {
    "Apache": "Upload sitegen's .htaccess and enable mod_rewrite (a2enmod rewrite) with AllowOverride FileInfo or All.",
    "nginx": "Put the map from server-config/ in the http block and include the refusal in the server block.",
    "Caddy": "Import server-config/sitegen.caddy at the top level of the site block, before file_server.",
    "Netlify": "Deploy the Edge Function sitegen writes (netlify/edge-functions/) with the site.",
    "Cloudflare": "Deploy functions/_middleware.js with the site (Pages Functions).",
    "Vercel": "Deploy sitegen's vercel.json with the site (vercel deploy public): its routes refuse the agents.",
}
GITHUB_PAGES = "GitHub Pages"
LICENCE_FILE = LICENSE_XML_PATH  # RSL 1.0 terms at the host root (issue 12 §3), when the site publishes them


def user_agent(token: str) -> str:
    return AGENT_STRINGS.get(token) or f"Mozilla/5.0 (compatible; {token}/1.0; +https://example.com/bot)"


def host_of(response: Response) -> str:
    """The host software or service a response names ('' when it names none)."""
    server = (response.header("Server") or "").lower()
    names = {k.lower() for k, _ in response.headers}
    if server.startswith("github.com"):
        return GITHUB_PAGES
    if server.startswith("netlify") or "x-nf-request-id" in names:
        return "Netlify"
    if server.startswith("vercel") or "x-vercel-id" in names:
        return "Vercel"
    if server.startswith("cloudflare") or "cf-ray" in names:
        return "Cloudflare"
    for name in ("Apache", "nginx", "Caddy"):
        if server.startswith(name.lower()):
            return name
    return ""


def exempt_paths(want: Expected, base: str = "/") -> list[str]:
    """What a refused agent must still read: why, and how to license."""
    paths = ["/robots.txt"]
    paths += ["/ai.txt"] * want.ai_txt
    if want.tdmrep:
        paths += ["/.well-known/tdmrep.json", base + TDM_POLICY_PATH]
    return [*paths, base + LICENCE_FILE, base + LICENSING_PATH]


def refusal_check(source: Source, want: Expected, findings: Findings) -> Check:
    if want.server_refuse == ():
        return Check(CID, TITLE, Status.SKIP, f"switched off in sitegen.toml ({want.server_off})")
    if isinstance(source, HttpSource):
        return _url_check(source, want, findings)
    assert isinstance(source, FolderSource)
    return _folder_check(source, want, findings)


def _expected_agents(want: Expected) -> list[str]:
    """The policy's agents; without the switch in this sitegen, the training crawlers (every preset refuses those)."""
    if want.server_refuse is not None:
        return list(want.server_refuse)
    return [c.token for c in crawlers.of_class("train")]


def _sample(agents: list[str]) -> list[str]:
    have = {a.lower() for a in agents}
    chosen = [t for t in URL_TRAINING if t.lower() in have]
    chosen += [t for t in URL_AI_USE if t.lower() in have][:1]
    return chosen or agents[:3]


def _image(findings: Findings) -> str | None:
    return next((p for p, r in findings.images.items() if r.ok), None)


def _not_yet(what: str) -> Check:
    """Nothing refused, and this sitegen cannot write a refusal: a fact, not a failure."""
    why = f"[protect] {REFUSE_SWITCH} is not in this sitegen, so no refusal is expected yet (the signals only ask)"
    return Check(CID, TITLE, Status.INFO, f"{what}; {why}")


# --- a live site -----------------------------------------------------------------------------------


@dataclass
class _Answers:
    """What the live site answered each client (see :func:`_ask_all`)."""

    agents: list[str]
    targets: list[str]
    problems: list[str] = field(default_factory=list)  # failures
    gaps: list[str] = field(default_factory=list)  # requests that got no answer to judge
    odd: list[str] = field(default_factory=list)  # withheld from an agent without a refusal status
    served: dict[str, list[str]] = field(default_factory=dict)  # agent -> paths it got
    refused: dict[int, None] = field(default_factory=dict)  # the refusal statuses seen
    readable: list[str] = field(default_factory=list)  # exempt paths asked as a refused agent


def _ask_all(source: HttpSource, want: Expected, answers: _Answers) -> None:
    def ask(path: str, who: str, ua: str) -> Response | None:
        response = source.get_as(path, ua)
        if response.error:
            answers.gaps.append(f"{path} as {who} ({response.error})")
            return None
        return response

    targets, agents = answers.targets, answers.agents
    for who, ua, paths in [("Chrome", CHROME, targets), ("Googlebot", user_agent("Googlebot"), targets[:1])]:
        for path in paths:
            response = ask(path, who, ua)
            if response is not None and response.status in REFUSED:
                answers.problems.append(f"{who} is refused {path} (HTTP {response.status})")
            elif response is not None and not response.ok:
                answers.gaps.append(f"{path} as {who} (HTTP {response.status})")
    for token in agents:
        for path in targets:
            response = ask(path, token, user_agent(token))
            if response is not None and response.ok:
                answers.served.setdefault(token, []).append(path)
            elif response is not None and response.status in REFUSED:
                answers.refused[response.status] = None
            elif response is not None:
                answers.odd.append(f"{token} gets HTTP {response.status} for {path}")
    # Only what the site publishes to everyone: the audit's own requests for these are cached.
    answers.readable = [p for p in exempt_paths(want, source.base_path) if source.has(p) and source.get(p).ok]
    shut: dict[str, int] = {}
    for path in answers.readable:
        response = ask(path, agents[0], user_agent(agents[0]))
        if response is not None and not response.ok:
            shut[path] = response.status
    if shut:
        statuses = "/".join(str(s) for s in dict.fromkeys(shut.values()))
        answers.problems.append(
            f"{agents[0]} is refused {short(shut, 4)} (HTTP {statuses}): a refused crawler cannot read why"
        )


def _url_check(source: HttpSource, want: Expected, findings: Findings) -> Check:
    answers = _Answers(_sample(_expected_agents(want)), [source.base_path] + [p for p in [_image(findings)] if p])
    _ask_all(source, want, answers)
    host = host_of(findings.pages.get(source.base_path) or source.get(source.base_path))
    fix = f"{host}: {FIX_BY_HOST[host]}" if host in FIX_BY_HOST else FIX_GENERIC
    agents, targets, problems, gaps = answers.agents, answers.targets, answers.problems, answers.gaps
    if len(answers.served) == len(agents) and not answers.refused:
        names = short(agents, 4)
        if host == GITHUB_PAGES:
            return Check(
                CID,
                TITLE,
                Status.INFO,
                f"GitHub Pages cannot refuse requests by User-Agent: {names} get every page and image",
                "To refuse AI agents, host where a rule can (Apache, nginx, Caddy, Netlify, Cloudflare Pages, Vercel).",
            )
        if want.server_refuse is None and not problems:
            return _not_yet(f"no AI agent is refused ({names} get {short(targets, 2)})")
    if answers.served:
        problems.insert(0, "; ".join(f"{t} gets {', '.join(p)} (HTTP 200)" for t, p in answers.served.items()))
    if problems:
        detail = "; ".join(problems) + (f"; not checked: {short(gaps, 3)}" if gaps else "")
        return Check(CID, TITLE, Status.FAIL, detail, fix)
    if gaps:
        return Check(CID, TITLE, Status.UNCHECKED, f"not checked: {short(gaps, 3)}", FIX_UNCHECKED)
    if answers.odd:
        return Check(CID, TITLE, Status.WARN, "; ".join(answers.odd) + ": withheld, but not refused (answer 403)", fix)
    also = f"; {', '.join(answers.readable)} readable to {agents[0]}" if answers.readable else ""
    statuses = "/".join(map(str, answers.refused))
    detail = f"{short(agents, 4)} refused {short(targets, 2)} (HTTP {statuses}); Chrome and Googlebot served{also}"
    return Check(CID, TITLE, Status.PASS, detail)


# --- a built folder --------------------------------------------------------------------------------


def _folder_check(source: FolderSource, want: Expected, findings: Findings) -> Check:
    """What the folder's ``.htaccess`` makes Apache refuse; the other hosts' files are checked on the URL."""
    later = "a folder cannot show what a server does: audit the deployed URL"
    if source.htaccess_text is None:
        if want.server_refuse is None:
            return _not_yet("no .htaccess in the folder")
        return Check(CID, TITLE, Status.INFO, f"no .htaccess in the folder to read; {later}")
    rules = RewriteRules(source.htaccess_text)
    if not rules.refuses:
        if want.server_refuse is None:
            return _not_yet("the .htaccess refuses no agent")
        fix = f"Rebuild with [protect] {REFUSE_SWITCH} on, and keep sitegen's .htaccess (or copy its rewrite lines)."
        return Check(CID, TITLE, Status.FAIL, "the .htaccess refuses no AI agent", fix)
    agents = _expected_agents(want)
    targets = ["/"] + [p for p in [_image(findings)] if p]
    problems: list[str] = []
    if not rules.engine_on:
        problems.append("no 'RewriteEngine On': Apache applies none of its rules")
    missed = [a for a in agents if any(rules.status(p, user_agent(a)) is None for p in targets)]
    if missed:
        problems.append(f"{len(missed)} of {len(agents)} AI agents not refused: {short(missed, 6)}")
    admitted = {**BROWSERS, **{k: user_agent(k) for k in crawlers.kept()}}
    caught = [who for who, ua in admitted.items() if rules.status("/", ua) is not None]
    if caught:
        problems.append(f"refuses {short(caught, 4)}, who must be served")
    readable = [p for p in exempt_paths(want) if source.file_for(p) is not None]
    shut = [p for p in readable if agents and rules.status(p, user_agent(agents[0])) is not None]
    if shut:
        problems.append(f"refuses {short(shut, 4)} to {agents[0]}: a refused crawler cannot read why")
    if problems:
        detail = "; ".join(problems + rules.problems[:2])
        return Check(CID, TITLE, Status.FAIL, f".htaccess (Apache): {detail}", FIX_BY_HOST["Apache"])
    detail = (
        f"the .htaccess makes Apache (with mod_rewrite) refuse all {len(agents)} AI agents of the policy on pages "
        f"and images, and serve {len(BROWSERS)} browsers, {len(admitted) - len(BROWSERS)} search and preview "
        f"crawlers, and {short(readable, 6)} to everyone; {later}"
    )
    return Check(CID, TITLE, Status.PASS, detail)
