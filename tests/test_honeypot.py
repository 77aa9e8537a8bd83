"""[protect] honeypot: off, nothing of it anywhere; on, a hidden link on every page to a path every
robots.txt group forbids (read by protego and urllib.robotparser), and the server snippets for it."""

from __future__ import annotations

import re
import urllib.robotparser
from html.parser import HTMLParser
from pathlib import Path

import pytest
from protego import Protego

from sitegen.audit.checks import run_audit
from sitegen.audit.source import HttpSource
from sitegen.config import parse_config
from sitegen.errors import ConfigError
from sitegen.protect import honeypot
from sitegen.protect.policy import signals_for
from sitegen.protect.robots import robots_txt
from sitegen.urls import Urls

from .conftest import make_photo
from .headers_server import serve
from .refusal_agents import BINGBOT, CCBOT, CHROME, CLAUDEBOT, GOOGLEBOT, GPTBOT

ORIGIN = "https://example.com"
AGENTS = {
    "Googlebot": GOOGLEBOT,
    "Bingbot": BINGBOT,
    "GPTBot": GPTBOT,
    "ClaudeBot": CLAUDEBOT,
    "CCBot": CCBOT,
    "Chrome": CHROME,
    "an unknown scraper": "SomeScraper/0.1",
    "*": "*",
}


def make_site(site_dir: Path, write, protect: str, base_url: str = f"{ORIGIN}/portfolio/") -> None:
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg")
    write("content/about.md", "---\ntitle: About\n---\nHello.\n")
    write("sitegen.toml", f'[site]\nbase_url = "{base_url}"\n[protect]\n{protect}\n')


class HoneypotLinks(HTMLParser):
    """Each link to ``target``, with its own attributes and those of every element around it."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.found: list[tuple[dict[str, str], list[tuple[str, dict[str, str]]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and self.target in a.get("href", ""):
            self.found.append((a, list(self.stack)))
        if tag not in ("meta", "link", "img", "br", "source", "input", "hr"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass


def trap_links(page: Path, target: str) -> HoneypotLinks:
    parser = HoneypotLinks(target)
    parser.feed(page.read_text("utf-8"))
    return parser


def test_off_by_default_no_link_no_robots_line_no_snippet(site_dir, write, run_build):
    make_site(site_dir, write, "")
    run_build()
    out = site_dir / "public"
    assert honeypot.link(parse_config(""), Urls(f"{ORIGIN}/portfolio/")) is None
    urls = Urls(f"{ORIGIN}/portfolio/")
    trap = urls.url(honeypot.site_path(urls)).rstrip("/")
    for page in out.rglob("*.html"):
        text = page.read_text("utf-8")
        assert trap not in text and "<div hidden" not in text, page
    robots = (out / "robots.txt").read_text("utf-8")
    star = robots.split("User-agent: *", 1)[1]
    assert "Disallow" not in star, robots
    config_dir = site_dir / "server-config"
    assert sorted(p.name for p in config_dir.iterdir()) == [
        "nginx-headers.conf",
        "nginx-map.conf",
        "nginx-site.conf",
        "sitegen.caddy",
    ]
    assert "honeypot" not in (config_dir / "nginx-site.conf").read_text("utf-8")


@pytest.fixture
def trapped_site(site_dir, write, run_build):
    make_site(site_dir, write, "honeypot = true")
    _, reporter = run_build()
    urls = Urls(f"{ORIGIN}/portfolio/")
    return site_dir, urls.url(honeypot.site_path(urls)), reporter


def test_on_a_hidden_link_on_every_page(trapped_site):
    site_dir, trap, _ = trapped_site
    pages = sorted((site_dir / "public").rglob("*.html"))
    assert len(pages) >= 6  # home, gallery, two photos, about, licensing, 404
    for page in pages:
        found = trap_links(page, trap).found
        assert len(found) == 1, (page, found)
        attrs, around = found[0]
        assert attrs["href"] == trap and attrs["tabindex"] == "-1" and "nofollow" in attrs["rel"].split()
        assert attrs["href"].startswith("/portfolio/") and attrs["href"].endswith("/")
        # Not inside <main> or any landmark a person reads; the container is hidden from sight and from AT.
        tag, container = around[-1]
        assert tag == "div" and "hidden" in container and container.get("aria-hidden") == "true", around
        assert [t for t, _ in around] == ["html", "body", "div"], around


def test_on_the_path_is_published_nowhere(trapped_site):
    site_dir, trap, _ = trapped_site
    out = site_dir / "public"
    rel = trap.removeprefix("/portfolio/")
    assert not (out / rel).exists() and not (out / rel.rstrip("/")).exists()
    for listing in ("sitemap.xml", "feed.xml"):
        text = (out / listing).read_text("utf-8")
        assert "/portfolio/g/" in text and trap.rstrip("/") not in text, listing


def test_on_robots_txt_forbids_the_path_to_every_agent(trapped_site):
    site_dir, trap, reporter = trapped_site
    text = (site_dir / "public" / "robots.txt").read_text("utf-8")
    protego = Protego.parse(text)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(text.splitlines())
    legacy.modified()
    for name, agent in AGENTS.items():
        for url in (ORIGIN + trap, ORIGIN + trap.rstrip("/"), ORIGIN + trap + "?page=2"):
            assert not protego.can_fetch(url, agent), (name, url)
            assert not legacy.can_fetch(agent, url), (name, url)
    for name in ("Googlebot", "Bingbot", "Chrome", "an unknown scraper"):
        for path in ("", "g/", "about/"):
            assert protego.can_fetch(f"{ORIGIN}/portfolio/{path}", AGENTS[name]), (name, path)
            assert legacy.can_fetch(AGENTS[name], f"{ORIGIN}/portfolio/{path}"), (name, path)
    assert [w.message for w in reporter.warnings if "honeypot" in w.message] == []


def test_on_server_snippets_name_the_path_and_the_log(trapped_site):
    site_dir, trap, _ = trapped_site
    config_dir = site_dir / "server-config"
    nginx = (config_dir / "nginx-site.conf").read_text("utf-8")
    for path in (trap, trap.rstrip("/")):
        block = re.search(rf"location = {re.escape(path)} \{{(.*?)\n\}}", nginx, re.S)
        assert block, (path, nginx)
        assert "access_log /var/log/nginx/sitegen-honeypot.log combined;" in block.group(1)
        assert "X-Robots-Tag" in block.group(1)  # an add_header here drops the inherited ones: repeat them
    apache = (config_dir / "apache-honeypot.conf").read_text("utf-8")
    assert "CustomLog /var/log/apache2/sitegen-honeypot.log" in apache and "env=sitegen_honeypot" in apache
    assert "CustomLog" not in (site_dir / "public" / ".htaccess").read_text("utf-8")
    caddy = (config_dir / "sitegen-honeypot.caddy").read_text("utf-8")
    assert f"not path {trap.rstrip('/')} {trap}" in caddy and "/var/log/caddy/sitegen-honeypot.log" in caddy
    jail = (config_dir / "fail2ban/jail.d/sitegen-honeypot.local").read_text("utf-8")
    assert "logpath  = /var/log/*/sitegen-honeypot.log" in jail and "filter   = sitegen-honeypot" in jail
    assert "<HOST>" in (config_dir / "fail2ban/filter.d/sitegen-honeypot.conf").read_text("utf-8")


def test_the_path_is_stable_per_site_and_differs_between_sites():
    paths = {honeypot.site_path(Urls(u)) for u in ("https://example.com/", "https://example.org/", "/p/", "")}
    assert len(paths) == 4
    assert honeypot.site_path(Urls("https://example.com/")) == honeypot.site_path(Urls("https://example.com"))
    for path in paths:
        assert re.fullmatch(r"[a-z]+-[0-9a-f]{10}/", path), path
        assert not re.search("sitegen|honeypot|trap|bot", path), path


def test_log_dir_is_used_everywhere_and_checked(site_dir, write, run_build):
    make_site(site_dir, write, 'honeypot = true\nhoneypot_log_dir = "/srv/logs/"')
    run_build()
    config_dir = site_dir / "server-config"
    snippets = ["nginx-site.conf", "apache-honeypot.conf", "sitegen-honeypot.caddy"]
    snippets.append("fail2ban/jail.d/sitegen-honeypot.local")
    for name in snippets:
        assert "/srv/logs/sitegen-honeypot.log" in (config_dir / name).read_text("utf-8"), name
    for bad in ("logs", "/var/log/my logs", "/var/log/x;", "/var/log/{x}"):
        with pytest.raises(ConfigError, match="honeypot_log_dir"):
            parse_config(f'[protect]\nhoneypot_log_dir = "{bad}"\n')


def test_own_robots_txt_gets_a_warning_naming_the_line(site_dir, write, run_build):
    make_site(site_dir, write, "honeypot = true\nrobots_txt = false")
    write("static/robots.txt", "User-agent: *\nAllow: /\n")
    _, reporter = run_build()
    warnings = [w.message for w in reporter.warnings if "honeypot" in w.message]
    urls = Urls(f"{ORIGIN}/portfolio/")
    assert len(warnings) == 1 and f"Disallow: {urls.url(honeypot.site_path(urls)).rstrip('/')}" in warnings[0]


def test_the_audit_following_links_never_requests_the_honeypot(site_dir, write, run_build):
    """Without a sitemap the audit follows the pages' links: as a polite crawler, not the nofollow one."""
    make_site(site_dir, write, "honeypot = true", base_url="")
    requested: list[str] = []

    def record(agent: str, path: str) -> bool:
        requested.append(path)
        return False

    run_build()
    output = site_dir / "public"
    trap = Urls("").url(honeypot.site_path(Urls("")))
    assert trap in (output / "index.html").read_text("utf-8")
    with serve(output, refuse_for=record) as url:
        run_audit(HttpSource(url))
    pages = [p for p in requested if p.endswith("/")]
    assert "/g/" in pages and "/about/" in pages, requested  # it did follow links
    assert not [p for p in requested if p.startswith(trap.rstrip("/"))], requested


@pytest.mark.parametrize("policy", ["no-ai", "no-ai-training", "off"])
def test_every_group_of_every_preset_forbids_the_path(policy: str) -> None:
    """A crawler obeys only its most specific group: each named agent's group must forbid the path too."""
    config = parse_config(
        f'[site]\nbase_url = "{ORIGIN}/"\n[protect]\npolicy = "{policy}"\nhoneypot = true\n'
        'block_agents = ["ExampleDatasetBot"]\n'
    )
    urls = Urls(f"{ORIGIN}/")
    signals = signals_for(config)
    text = robots_txt(signals, urls, None, honeypot.robots_disallow(config, urls))
    named = re.findall(r"^User-agent: (.+)$", text, re.M)
    assert len(named) == len(signals.ai_agents) + 1
    protego = Protego.parse(text)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(text.splitlines())
    legacy.modified()
    trap = ORIGIN + urls.url(honeypot.site_path(urls))
    for agent in [*named, *AGENTS.values()]:
        assert not protego.can_fetch(trap, agent) and not legacy.can_fetch(agent, trap), (policy, agent)
    assert protego.can_fetch(f"{ORIGIN}/g/", GOOGLEBOT) and legacy.can_fetch(GOOGLEBOT, f"{ORIGIN}/g/")
