"""robots.txt as crawlers read it: protego (Scrapy) and CPython's urllib.robotparser, on the real build."""

from __future__ import annotations

import urllib.robotparser

import pytest
from protego import Protego

from sitegen.config import parse_config
from sitegen.errors import ConfigError
from sitegen.protect.policy import signals_for
from sitegen.protect.robots import robots_txt
from sitegen.rights import crawlers
from sitegen.urls import Urls

ORIGIN = "https://example.com"
SEARCH = ["Googlebot", "Googlebot-Image", "Bingbot", "DuckDuckBot", "Applebot", "YandexBot"]


def parsers(text: str):
    protego = Protego.parse(text)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(text.splitlines())
    legacy.modified()
    return protego, legacy


def site_urls(output) -> list[str]:
    """Every URL of the built site: each file, and each folder with an index.html as its "/" URL."""
    urls = []
    for path in sorted(output.rglob("*")):
        if path.is_file():
            rel = path.relative_to(output).as_posix()
            urls.append(ORIGIN + "/" + rel)
            if rel.endswith("index.html"):
                urls.append(ORIGIN + "/" + rel.removesuffix("index.html"))
    return urls


def listed_tokens(text: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("User-agent:")]


def test_both_parsers_refuse_every_ai_token_on_every_url_and_admit_search(example_build):
    output, _, _ = example_build
    text = (output / "robots.txt").read_text("utf-8")
    protego, legacy = parsers(text)
    tokens = [t for t in listed_tokens(text) if t != "*"]
    assert len(tokens) > 150 and "GPTBot" in tokens and "ExampleDatasetBot" in tokens  # block_agents works
    urls = site_urls(output)
    assert len(urls) > 100
    for url in urls:
        for token in tokens:
            if url.endswith("/robots.txt"):
                continue  # RFC 9309: robots.txt itself is always fetchable (protego implements that)
            assert not protego.can_fetch(url, token), (token, url)
            assert not legacy.can_fetch(token, url), (token, url)
        for agent in [*SEARCH, *crawlers.kept()]:
            assert protego.can_fetch(url, agent), (agent, url)
            assert legacy.can_fetch(agent, url), (agent, url)
    # A crawler sending its whole User-Agent header is matched too (protego reads the product token in it).
    assert not protego.can_fetch(urls[0], "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)")
    assert list(protego.sitemaps) == [f"{ORIGIN}/sitemap.xml"]


def test_layout_one_group_no_blank_line_inside_signals_in_star_group(example_build):
    output, _, _ = example_build
    lines = (output / "robots.txt").read_text("utf-8").splitlines()
    agents = [i for i, line in enumerate(lines) if line.startswith("User-agent:") and not line.endswith("*")]
    first, last = agents[0], agents[-1]
    assert agents == list(range(first, last + 1)), "AI agents must be consecutive lines of one group"
    assert lines[last + 1] == "Disallow: /" and lines[last + 2] == ""
    star = lines.index("User-agent: *")
    group = lines[star : lines.index("", star)]
    assert group == [
        "User-agent: *",
        "Content-Signal: search=yes, ai-input=no, ai-train=no",
        "Content-Usage: train-ai=n, ai-use=n, search=y",
        "Allow: /",
    ]
    assert lines[-2:] == [f"Sitemap: {ORIGIN}/sitemap.xml", f"License: {ORIGIN}/license.xml"]
    tokens = [t.lower() for t in listed_tokens("\n".join(lines))]
    assert len(tokens) == len(set(tokens)), "no agent may get two groups (or two lines)"
    assert not any(t in tokens for t in ("googlebot", "bingbot", "applebot", "spider", "facebookexternalhit"))


def robots_for(toml: str, base_url: str = ORIGIN + "/") -> str:
    config = parse_config(toml)
    return robots_txt(signals_for(config), Urls(base_url))


def test_no_ai_training_preset_admits_ai_search_but_refuses_training():
    text = robots_for('[protect]\npolicy = "no-ai-training"')
    protego, legacy = parsers(text)
    for agent in ("GPTBot", "ClaudeBot", "CCBot", "Google-Extended", "Applebot-Extended", "Bytespider"):
        assert not protego.can_fetch(ORIGIN + "/a/", agent) and not legacy.can_fetch(agent, ORIGIN + "/a/")
    for agent in ("OAI-SearchBot", "Claude-SearchBot", "PerplexityBot", "ChatGPT-User", *SEARCH):
        assert protego.can_fetch(ORIGIN + "/a/", agent) and legacy.can_fetch(agent, ORIGIN + "/a/"), agent
    assert "Content-Signal: search=yes, ai-input=yes, ai-train=no" in text
    assert "Content-Usage: train-ai=n, search=y" in text


def test_off_preset_has_no_ai_group_and_no_signals():
    text = robots_for('[protect]\npolicy = "off"')
    protego, legacy = parsers(text)
    assert protego.can_fetch(ORIGIN + "/", "GPTBot") and legacy.can_fetch("GPTBot", ORIGIN + "/")
    assert "Content-Signal" not in text and "Content-Usage" not in text and "Disallow" not in text
    assert text.rstrip().endswith(f"Sitemap: {ORIGIN}/sitemap.xml")


def test_allow_and_block_agents():
    text = robots_for('[protect]\nallow_agents = ["DuckAssistBot", "ccbot"]\nblock_agents = ["NewScraper"]')
    protego, legacy = parsers(text)
    assert protego.can_fetch(ORIGIN + "/", "DuckAssistBot") and legacy.can_fetch("CCBot", ORIGIN + "/")
    assert not protego.can_fetch(ORIGIN + "/", "NewScraper") and not legacy.can_fetch("NewScraper", ORIGIN + "/")


def test_no_sitemap_line_without_a_host():
    assert "Sitemap" not in robots_for("", base_url="")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[protect]\nblock_agents = ["Spider"]', "would also refuse Baiduspider"),
        ('[protect]\nblock_agents = ["Google"]', "Googlebot"),
        ('[protect]\nblock_agents = ["bad agent:x"]', "not a user-agent token"),
        ('[protect]\nallow_agents = ["GPTBott"]', 'did you mean "GPTBot"?'),
        ('[protect]\npolicy = "no-ai-train"', 'did you mean "no-ai-training"?'),
    ],
)
def test_bad_agent_settings_are_one_line_errors(toml, message):
    with pytest.raises(ConfigError) as exc:
        parse_config(toml)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_blocking_a_search_engine_by_its_full_name_is_deliberate_and_allowed():
    text = robots_for('[protect]\nblock_agents = ["YandexBot"]')
    protego, _ = parsers(text)
    assert not protego.can_fetch(ORIGIN + "/", "YandexBot") and protego.can_fetch(ORIGIN + "/", "Googlebot")


# --- the shipped list ------------------------------------------------------------------------------


def test_shipped_list_is_curated_so_no_listed_token_catches_a_kept_crawler():
    listed = crawlers.of_class("train", "ai-use")
    assert len(listed) > 150
    for crawler in listed:
        assert crawlers.shadowed(crawler.token) == [], crawler.token
    kept = set(crawlers.kept())
    assert {"Googlebot", "Applebot", "Bravebot", "PetalBot", "facebookexternalhit", "Baiduspider"} <= kept
    assert [c.token for c in crawlers.of_class("generic")] == ["Spider"]
    assert crawlers.shadowed("Spider") == ["Baiduspider"]


def test_matching_rules_mirror_the_parsers():
    # protego needs a word start; urllib a bare substring of the part before "/".
    assert crawlers.protego_matches("GPTBot", "Mozilla/5.0 (compatible; GPTBot/1.2)")
    assert not crawlers.protego_matches("bot", "mybot")
    assert crawlers.urllib_matches("spider", "Baiduspider/2.0")
    assert not crawlers.urllib_matches("GPTBot", "Mozilla/5.0 (compatible; GPTBot/1.2)")


def test_list_parser_rejects_bad_rows():
    header = "user_agent\tclass\toperator\tpurpose\trespects_robots\n"
    with pytest.raises(ValueError, match=r":3: class must be one of"):
        crawlers.parse_list("# comment\n" + header + "X\tmaybe\to\tp\tyes\n")
    with pytest.raises(ValueError, match="listed twice"):
        crawlers.parse_list(header + "X\ttrain\to\tp\tyes\nX\ttrain\to\tp\tyes\n")
    with pytest.raises(ValueError, match="header must start"):
        crawlers.parse_list("agent\tclass\n")
