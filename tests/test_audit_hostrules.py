"""The audit's own readers of host files and its own expectations, against the hosts' and standards' rules."""

from __future__ import annotations

import pytest

from sitegen.audit.expect import expected, refused_agents
from sitegen.audit.hostrules import APACHE, CLOUDFLARE, NETLIFY, HeadersFile, HostFiles, Htaccess
from sitegen.config import Config
from sitegen.rights import crawlers

# --- _headers ----------------------------------------------------------------------------------------


def names(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


def test_a_header_named_by_two_rules_is_joined_on_cloudflare_and_replaced_on_netlify():
    text = "/*\n  X-Robots-Tag: noai, noimageai\n/media/*\n  X-Robots-Tag: noarchive\n"
    rules = HeadersFile(text)
    assert names(rules.cloudflare("/media/a.jpg"))["x-robots-tag"] == "noai, noimageai, noarchive"
    assert names(rules.netlify("/media/a.jpg"))["x-robots-tag"] == "noarchive"
    assert names(rules.netlify("/about/"))["x-robots-tag"] == "noai, noimageai"


def test_detaching_is_cloudflare_only():
    rules = HeadersFile("/*\n  X-Robots-Tag: noai\n/media/*\n  ! X-Robots-Tag\n  Cache-Control: max-age=60\n")
    assert "x-robots-tag" not in names(rules.cloudflare("/media/a.jpg"))
    assert names(rules.netlify("/media/a.jpg"))["x-robots-tag"] == "noai"
    assert any("detaches X-Robots-Tag" in p for p in rules.problems)


@pytest.mark.parametrize(
    ("pattern", "path", "netlify", "cloudflare"),
    [
        ("/*", "/", True, True),
        ("/*", "/water/deep/a.webp", True, True),
        ("/media/*", "/media/g/a.webp", True, True),
        ("/media/*", "/water/", False, False),
        ("/media/:file", "/media/a.webp", True, True),
        ("/media/:file", "/media/g/a.webp", False, False),  # a placeholder is one segment
        ("/About", "/about/", True, False),  # Netlify: any case, optional trailing slash
        ("/*.webp", "/media/a.webp", True, True),
        ("/a.b", "/aXb", False, False),  # a dot is a dot
    ],
)
def test_patterns_match_as_each_host_matches(pattern, path, netlify, cloudflare):
    rules = HeadersFile(f"{pattern}\n  X-Test: 1\n")
    assert bool(rules.netlify(path)) is netlify
    assert bool(rules.cloudflare(path)) is cloudflare


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("*\n  X-Robots-Tag: noai\n", "neither a path"),
        ("  X-Robots-Tag: noai\n/*\n  X-Other: 1\n", "a header before any path"),
        ("/*\n  X Robots Tag: noai\n", "not a header"),
        ("/*\n  X-Robots-Tag:\n", "not a header"),
        ("https://example.pages.dev/*\n  X-Robots-Tag: noai\n", "one named host"),
    ],
)
def test_lines_no_host_applies_are_named_and_send_nothing(text, problem):
    rules = HeadersFile(text)
    assert "x-robots-tag" not in names(rules.cloudflare("/")), rules.cloudflare("/")
    assert "x-robots-tag" not in names(rules.netlify("/")), rules.netlify("/")
    assert any(problem in p for p in rules.problems), rules.problems


def test_cloudflare_reads_at_most_100_rules():
    text = "".join(f"/page-{n}/\n  X-N: {n}\n" for n in range(100)) + "/*\n  X-Robots-Tag: noai\n"
    rules = HeadersFile(text)
    assert "x-robots-tag" not in names(rules.cloudflare("/"))
    assert names(rules.netlify("/"))["x-robots-tag"] == "noai"


# --- .htaccess ---------------------------------------------------------------------------------------


GENERATED_STYLE = """<IfModule mod_headers.c>
  Header onsuccess unset X-Robots-Tag
  Header always set X-Robots-Tag "noai, noimageai"
  <FilesMatch "\\.[0-9a-f]{8,}\\.(jpe?g|webp)$">
    Header always set Cache-Control "max-age=31536000"
  </FilesMatch>
</IfModule>
<IfModule !mod_headers.c>
  Header set X-Robots-Tag "none"
</IfModule>
"""


def test_htaccess_headers_as_apache_sends_them():
    rules = Htaccess(GENERATED_STYLE)
    assert rules.apache("/water/") == [("X-Robots-Tag", "noai, noimageai")]
    assert rules.apache("/media/g/a-800.0123456789.webp") == [
        ("X-Robots-Tag", "noai, noimageai"),
        ("Cache-Control", "max-age=31536000"),
    ]
    assert rules.apache("/media/g/plain.webp") == [("X-Robots-Tag", "noai, noimageai")]
    assert rules.problems == []


def test_files_sections_apply_after_the_lines_outside_them():
    text = '<Files "*.jpg">\n  Header always unset X-Robots-Tag\n</Files>\nHeader always set X-Robots-Tag "noai"\n'
    rules = Htaccess(text)
    assert rules.apache("/a.jpg") == []
    assert rules.apache("/a.webp") == [("X-Robots-Tag", "noai")]


def test_htaccess_actions():
    text = (
        'Header set X-A "1"\nHeader append X-A "2"\nHeader merge X-A "2"\nHeader add X-B "1"\nHeader add X-B "2"\n'
        'Header always set X-C "c"\nHeader setifempty X-C "other"\n'
    )
    # "always" (err_headers_out) go out first; setifempty looks at its own table only.
    assert Htaccess(text).apache("/") == [
        ("X-C", "c"),
        ("X-A", "1, 2"),
        ("X-B", "1"),
        ("X-B", "2"),
        ("X-C", "other"),
    ]


def test_conditional_header_lines_are_named_not_guessed():
    rules = Htaccess('Header set X-Robots-Tag "noai" env=PRODUCTION\n<If "%{HTTPS}">\nHeader set X-A "1"\n</If>\n')
    assert rules.apache("/") == []
    assert len(rules.problems) == 2
    assert rules.problems[1].startswith(".htaccess line 3 'Header set X-A \"1\"': inside <If>/<ElseIf>/<Else>")


def test_the_htaccess_sitegen_writes_is_read_whole(example_build):
    """Its <If> (the refusal's ErrorDocument), <Files "license.xml"> (ForceType) and IfModule blocks: nothing unread."""
    text = (example_build[0] / ".htaccess").read_text("utf-8")
    assert "<If " in text and '<Files "license.xml">' in text
    assert Htaccess(text).problems == []


def test_host_files_name_the_hosts_of_the_files_present():
    assert HostFiles("/*\n  X-A: 1\n", None).hosts == [NETLIFY, CLOUDFLARE]
    assert HostFiles(None, 'Header set X-A "1"\n').hosts == [APACHE]
    assert set(HostFiles("/*\n  X-A: 1\n", 'Header set X-A "1"\n').views("/")) == {NETLIFY, CLOUDFLARE, APACHE}


# --- expectations --------------------------------------------------------------------------------------


def tokens(*classes: str) -> list[str]:
    """The list's agents of these classes, each once (it spells "Meta-ExternalAgent" two ways)."""
    once: dict[str, str] = {}
    for crawler in crawlers.load():
        if crawler.klass in classes:
            once.setdefault(crawler.token.lower(), crawler.token)
    return list(once.values())


def test_refused_agents_follow_the_preset_block_and_allow():
    assert refused_agents("no-ai", [], []) == tokens("train", "ai-use")
    assert refused_agents("no-ai-training", [], []) == tokens("train")
    assert "GPTBot" in refused_agents("no-ai-training", [], [])
    assert "GPTBot" not in refused_agents("no-ai", [], ["gptbot"])  # robots.txt names compare without case
    assert refused_agents("no-ai", ["NewBot", "newbot", "gptbot"], [])[-1:] == ["NewBot"]  # each agent once
    assert refused_agents("off", ["NewBot"], []) == ["NewBot"]


def test_expected_without_config_is_every_protection():
    want = expected(None)
    # What a robots.txt of the photographer's own must refuse at least: every training crawler of the list.
    assert (
        want.refuse == tuple(c.token for c in crawlers.of_class("train"))
        and want.policy_on
        and want.header_files
        and want.embed_rights
    )


def test_expected_follows_the_config():
    config = Config()
    want = expected(config)
    assert want.refuse == tuple(tokens("train", "ai-use")) and want.tdmrep and want.noai
    assert want.max_size == config.images.max_size
