"""``sitegen audit`` checks that the server refuses AI agents: live servers refusing by User-Agent, .htaccess files.

The servers here are written for these tests (not sitegen's host files, not ``sitegen serve``), each
refusing the way a host configuration could get it right or wrong; the audit must tell which.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitegen.audit import FolderSource, Status, expect, run_audit
from sitegen.audit.expect import expected
from sitegen.audit.findings import gather
from sitegen.audit.refusal import BROWSERS, CHROME, refusal_check, user_agent
from sitegen.audit.rewrite import RewriteRules
from sitegen.audit.source import HttpSource
from sitegen.commands.audit import AuditOptions, audit, format_table
from sitegen.rights import crawlers

from .headers_server import running

EXEMPT = ("/robots.txt", "/ai.txt", "/.well-known/tdmrep.json", "/tdm-policy.json", "/license.xml", "/licensing/")
AI_TOKENS = [c.token for c in crawlers.of_class("train", "ai-use")]
TRAINING = [c.token for c in crawlers.of_class("train")]


def agent_regex(tokens: list[str]) -> str:
    """Whole words, metacharacters escaped (as ai.robots.txt's rules after its issue #208)."""
    return r"\b(" + "|".join(re.escape(t) for t in tokens) + r")\b"


class _Refusing(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; answers ``status`` to a User-Agent matching ``pattern`` outside ``exempt``."""

    pattern: re.Pattern[str] = re.compile(agent_regex(AI_TOKENS), re.IGNORECASE)
    exempt: tuple[str, ...] = EXEMPT
    status = 403
    server_name = ""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in self.exempt and self.pattern.search(self.headers.get("User-Agent", "")):
            body = b"AI agents are refused here; the terms are at /licensing/.\n"
            self.send_response(self.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def version_string(self) -> str:
        return self.server_name or super().version_string()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the audit reads at most 64 KB of an image as an agent, then hangs up


@contextlib.contextmanager
def refusing(root: Path, **rules: object) -> Iterator[str]:
    handler = type("Handler", (_Refusing,), rules)
    with running(_Quiet(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))) as url:
        yield url


@pytest.fixture(scope="module")
def built(example_build) -> Path:
    return example_build[0]


# --- a live site -----------------------------------------------------------------------------------


def test_a_server_refusing_every_ai_agent_passes(built):
    with refusing(built) as url:
        report = audit(url)
    check = report.get("refusal")
    assert check.status is Status.PASS, check.detail
    assert "GPTBot, ClaudeBot, CCBot refused /" in check.detail and "/media/" in check.detail
    assert "Chrome and Googlebot served" in check.detail and "/robots.txt" in check.detail


def test_a_forgotten_agent_fails_by_name(built):
    without = [t for t in AI_TOKENS if t != "ClaudeBot"]
    with refusing(built, pattern=re.compile(agent_regex(without), re.IGNORECASE)) as url:
        report = audit(url)
    check = report.get("refusal")
    assert check.status is Status.FAIL
    assert check.detail.startswith("ClaudeBot gets /, /media/") and "GPTBot" not in check.detail
    assert "mod_rewrite" in check.fix and "nginx map" in check.fix  # no Server header: every host's fix


def test_refusing_robots_txt_too_fails(built):
    with refusing(built, exempt=()) as url:
        report = audit(url)
    check = report.get("refusal")
    assert check.status is Status.FAIL
    assert "GPTBot is refused /robots.txt, /ai.txt, /.well-known/tdmrep.json" in check.detail
    assert "(HTTP 403): a refused crawler cannot read why" in check.detail


def test_refusing_the_browser_fails(built):
    pattern = re.compile(agent_regex([*AI_TOKENS, "Chrome"]), re.IGNORECASE)
    with refusing(built, pattern=pattern) as url:
        report = audit(url)
    check = report.get("refusal")
    assert check.status is Status.FAIL and check.detail.startswith("Chrome is refused / (HTTP 403)")
    assert "Googlebot" not in check.detail


def test_a_server_refusing_search_engines_fails(built):
    pattern = re.compile(agent_regex([*AI_TOKENS, "Googlebot"]), re.IGNORECASE)
    with refusing(built, pattern=pattern) as url:
        check = audit(url).get("refusal")
    assert check.status is Status.FAIL and "Googlebot is refused /" in check.detail


@pytest.mark.parametrize(("status", "verdict"), [(401, Status.PASS), (451, Status.PASS), (404, Status.WARN)])
def test_what_counts_as_a_refusal(built, status, verdict):
    with refusing(built, status=status) as url:
        check = audit(url).get("refusal")
    assert check.status is verdict, check.detail
    if verdict is Status.PASS:
        assert f"(HTTP {status})" in check.detail
    if verdict is Status.WARN:
        assert f"GPTBot gets HTTP {status} for /" in check.detail and "answer 403" in check.detail


def test_github_pages_cannot_refuse_and_is_told_so(built):
    nobody = re.compile(r"(?!)")
    with refusing(built, pattern=nobody, server_name="GitHub.com") as url:
        check = audit(url).get("refusal")
    assert check.status is Status.INFO
    assert check.detail.startswith("GitHub Pages cannot refuse requests by User-Agent: GPTBot, ClaudeBot, CCBot")
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    assert "Nor can GitHub Pages refuse\nrequests by User-Agent" in readme  # the Deploying section says the same
    assert 'INFO "GitHub Pages cannot refuse\nrequests by User-Agent"' in readme


def test_nobody_refused_is_information_while_sitegen_has_no_switch(built, monkeypatch):
    monkeypatch.setattr(expect, "_switch_exists", lambda: False)  # a sitegen before issue 12 §1
    with refusing(built, pattern=re.compile(r"(?!)")) as url:
        report = audit(url)
    check = report.get("refusal")
    assert check.status is Status.INFO and "refuse_agents is not in this sitegen" in check.detail
    assert "INFO       Server refuses AI agents" in format_table(report)


def test_with_the_switch_on_nobody_refused_fails_with_the_hosts_fix(built):
    with refusing(built, pattern=re.compile(r"(?!)"), server_name="Apache/2.4.62 (Debian)") as url:
        source = HttpSource(url)
        want = replace(expected(None), server_refuse=tuple(AI_TOKENS))
        check = refusal_check(source, want, gather(source))
    assert check.status is Status.FAIL
    assert "ChatGPT-User gets" in check.detail  # an AI-use agent is asked when the policy refuses those
    assert check.fix.startswith("Apache: ") and "a2enmod rewrite" in check.fix


def test_on_vercel_the_fix_points_at_vercel_json(built):
    with refusing(built, pattern=re.compile(r"(?!)"), server_name="Vercel") as url:
        source = HttpSource(url)
        check = refusal_check(source, replace(expected(None), server_refuse=tuple(AI_TOKENS)), gather(source))
    assert check.status is Status.FAIL
    assert check.fix.startswith("Vercel: Deploy sitegen's vercel.json")


def test_the_refusal_stays_within_the_request_budget(built):
    with refusing(built) as url:
        report = audit(url, AuditOptions(max_requests=20))
    assert report.stats["requests"] <= 20
    assert report.get("refusal").status is Status.UNCHECKED


# --- a built folder: the .htaccess ------------------------------------------------------------------


def htaccess_refusal(
    tokens: list[str],
    exempt: str = r"^/?(robots\.txt|ai\.txt|\.well-known/tdmrep\.json|tdm-policy\.json|license\.xml|licensing/.*)$",
) -> str:
    return (
        "\n<IfModule mod_rewrite.c>\n  RewriteEngine On\n"
        f'  RewriteCond %{{HTTP_USER_AGENT}} "{agent_regex(tokens)}" [NC]\n'
        f"  RewriteRule !{exempt} - [F]\n"
        "</IfModule>\n"
    )


def _folder(output_copy: Path, refusal: str, **want_changes: object):
    """The folder's .htaccess with sitegen's own refusal block replaced by ``refusal``."""
    htaccess = output_copy / ".htaccess"
    own = re.sub(r"<IfModule mod_rewrite\.c>.*?</IfModule>\n?", "", htaccess.read_text("utf-8"), flags=re.S)
    htaccess.write_text(own + refusal, "utf-8")
    source = FolderSource(output_copy)
    want = replace(expected(None), **want_changes)
    return refusal_check(source, want, gather(source))


def test_the_example_folder_is_information_until_sitegen_writes_refusal_rules(built):
    report = run_audit(FolderSource(built))
    # Without the [protect] switch (before issue 12 §1 is merged) the build has no rules: INFO, not a failure.
    assert report.get("refusal").status is (Status.PASS if expect._switch_exists() else Status.INFO)
    assert report.ok


def test_a_folder_refusing_every_agent_passes(output_copy):
    check = _folder(output_copy, htaccess_refusal(AI_TOKENS), server_refuse=tuple(AI_TOKENS))
    assert check.status is Status.PASS, check.detail
    assert f"refuse all {len(AI_TOKENS)} AI agents" in check.detail and "audit the deployed URL" in check.detail


def test_a_folder_forgetting_an_agent_fails_by_name(output_copy):
    check = _folder(
        output_copy, htaccess_refusal([t for t in AI_TOKENS if t != "CCBot"]), server_refuse=tuple(AI_TOKENS)
    )
    assert check.status is Status.FAIL and f"1 of {len(AI_TOKENS)} AI agents not refused: CCBot" in check.detail


def test_a_folder_refusing_robots_txt_fails(output_copy):
    check = _folder(output_copy, htaccess_refusal(AI_TOKENS, exempt="^nothing$"), server_refuse=tuple(AI_TOKENS))
    assert check.status is Status.FAIL and "refuses /robots.txt, /ai.txt" in check.detail


def test_substring_matching_refuses_old_browsers(output_copy):
    """ai.robots.txt issue #208: without \\b, the token LCC refused Internet Explorer (SLCC1)."""
    loose = "(" + "|".join(re.escape(t) for t in AI_TOKENS) + ")"
    refusal = htaccess_refusal(AI_TOKENS).replace(agent_regex(AI_TOKENS), loose)
    check = _folder(output_copy, refusal, server_refuse=tuple(AI_TOKENS))
    assert check.status is Status.FAIL and "Internet Explorer 8" in check.detail


def test_with_the_switch_on_a_folder_without_rules_fails(output_copy):
    check = _folder(output_copy, "", server_refuse=tuple(TRAINING))
    assert check.status is Status.FAIL and check.detail == "the .htaccess refuses no AI agent"


def test_switched_off_is_skipped(output_copy):
    check = _folder(output_copy, "", server_refuse=(), server_off='[protect] policy = "off"')
    assert check.status is Status.SKIP and "switched off" in check.detail


def test_without_rewrite_engine_nothing_is_refused(output_copy):
    refusal = htaccess_refusal(AI_TOKENS).replace("RewriteEngine On", "RewriteEngine Off")
    check = _folder(output_copy, refusal, server_refuse=tuple(AI_TOKENS))
    assert check.status is Status.FAIL and "RewriteEngine On" in check.detail


# --- the .htaccess reader --------------------------------------------------------------------------


def test_rewrite_rules_as_apache_applies_them():
    rules = RewriteRules(htaccess_refusal(["GPTBot", "Brightbot 1.0"]))
    gpt = user_agent("GPTBot")
    assert rules.status("/", gpt) == 403 and rules.status("/media/a.webp", gpt) == 403
    assert rules.status("/robots.txt", gpt) is None and rules.status("/.well-known/tdmrep.json", gpt) is None
    assert rules.status("/", "Brightbot 1.0") == 403 and rules.status("/", "gptbot/1.0") == 403  # [NC]
    assert rules.status("/", CHROME) is None and rules.status("/", "GPTBotX") is None  # whole words only
    for browser in BROWSERS.values():
        assert rules.status("/", browser) is None


def test_the_shape_sitegen_writes_is_read():
    """Unquoted pattern, "\\s" for a space, a word end that is not a domain name, an <If> section inside."""
    pattern = r"\b(GPTBot|Brightbot\s1\.0|OpenAI)(?:[^\w.]|\.[^A-Za-z]|\.?$)"
    text = (
        "<IfModule mod_rewrite.c>\n  RewriteEngine On\n"
        f"  RewriteCond %{{HTTP_USER_AGENT}} {pattern} [NC]\n"
        "  RewriteRule !^(robots\\.txt|\\.well-known\\/tdmrep\\.json|licensing(/.*)?)$ - [F]\n"
        f'  <If "%{{HTTP_USER_AGENT}} =~ m#{pattern}#i">\n    ErrorDocument 403 "No."\n  </If>\n'
        "</IfModule>\n"
    )
    rules = RewriteRules(text)
    assert rules.problems == [] and rules.status("/a/", user_agent("GPTBot")) == 403
    assert rules.status("/", "Brightbot 1.0") == 403 and rules.status("/", user_agent("ChatGPT-User")) is None
    for path in ("/robots.txt", "/.well-known/tdmrep.json", "/licensing/", "/licensing/terms.pdf"):
        assert rules.status(path, user_agent("GPTBot")) is None, path


def test_rewrite_conditions_or_and_exempt_rules():
    text = (
        "RewriteEngine on\n"
        "RewriteRule ^licensing/ - [L]\n"
        "RewriteCond %{HTTP_USER_AGENT} CCBot [OR]\n"
        "RewriteCond %{HTTP_USER_AGENT} GPTBot\n"
        "RewriteCond %{REQUEST_URI} !^/robots\\.txt$\n"
        "RewriteRule ^ - [R=451,L]\n"
        "<IfModule !mod_rewrite.c>\nRewriteRule ^ - [F]\n</IfModule>\n"
    )
    rules = RewriteRules(text)
    assert rules.status("/", "CCBot/2.0") == 451 and rules.status("/", "GPTBot") == 451
    assert rules.status("/robots.txt", "CCBot/2.0") is None and rules.status("/licensing/", "GPTBot") is None
    assert rules.status("/", CHROME) is None and rules.problems == []


def test_lines_the_reader_cannot_evaluate_are_named():
    rules = RewriteRules("RewriteEngine On\nRewriteCond %{REMOTE_ADDR} ^1\\.2\nRewriteRule ^(.*)$ /blocked.html [L]\n")
    assert len(rules.problems) == 2 and "not evaluate" in rules.problems[0] and "rewrites" in rules.problems[1]


# --- which agents: the config, read defensively ----------------------------------------------------


def _config(**protect: object) -> SimpleNamespace:
    values = {"policy": "no-ai", "block_agents": [], "allow_agents": [], **protect}
    return SimpleNamespace(protect=SimpleNamespace(**values))


def test_without_the_switch_in_sitegen_nothing_is_demanded(monkeypatch):
    monkeypatch.setattr(expect, "_switch_exists", lambda: False)  # a sitegen before issue 12 §1
    assert expect.server_refusal(None) == (None, "this sitegen has no [protect] refuse_agents switch")
    assert expect.server_refusal(_config())[0] is None  # type: ignore[arg-type]


def test_with_the_switch_the_policy_block_and_allow_decide(monkeypatch):
    monkeypatch.setattr(expect, "_switch_exists", lambda: True)
    assert expect.server_refusal(None) == (tuple(TRAINING), "")
    on = _config(refuse_agents=True, block_agents=["NewScraper"], allow_agents=["ChatGPT-User"])
    agents, why = expect.server_refusal(on)  # type: ignore[arg-type]
    assert why == "" and "NewScraper" in agents and "PerplexityBot" in agents and "ChatGPT-User" not in agents
    training_only, _ = expect.server_refusal(_config(refuse_agents=True, policy="no-ai-training"))  # type: ignore[arg-type]
    assert {a.lower() for a in training_only} == {t.lower() for t in TRAINING}  # case duplicates once
    assert expect.server_refusal(_config(refuse_agents=False)) == ((), "[protect] refuse_agents = false")  # type: ignore[arg-type]
    assert expect.server_refusal(_config(refuse_agents=True, policy="off")) == ((), '[protect] policy = "off"')  # type: ignore[arg-type]
