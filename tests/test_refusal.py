"""The refusal core: which agents get a 403, the one matching rule, and what stays readable."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sitegen.config import Config
from sitegen.protect.refusal import WORD_END, Refusal, _covered, escape, refusal_for, refused_tokens
from sitegen.rights import crawlers
from sitegen.urls import Urls

from .refusal_agents import BROWSERS, KEEP, PREVIEWS, REFUSED_AI_USE, REFUSED_TRAIN


def _config(**protect: object) -> Config:
    config = Config()
    return replace(config, protect=replace(config.protect, **protect))


URLS = Urls("https://example.com/portfolio/")
NO_AI = refusal_for(_config(), URLS)
NO_AI_TRAINING = refusal_for(_config(policy="no-ai-training"), URLS)


def test_every_keep_agent_of_the_shipped_list_has_real_strings_here() -> None:
    assert sorted(KEEP) == sorted(crawlers.kept())


@pytest.mark.parametrize("refusal", [NO_AI, NO_AI_TRAINING], ids=["no-ai", "no-ai-training"])
def test_search_engines_link_previews_and_browsers_are_never_matched(refusal: Refusal) -> None:
    agents = [ua for strings in KEEP.values() for ua in strings] + PREVIEWS + BROWSERS
    matched = [ua for ua in agents if refusal.refuses_agent(ua)]
    assert matched == []


def test_training_agents_are_refused_under_both_presets() -> None:
    for token, strings in REFUSED_TRAIN.items():
        for ua in strings:
            assert NO_AI.refuses_agent(ua), (token, ua)
            assert NO_AI_TRAINING.refuses_agent(ua), (token, ua)


def test_ai_use_agents_are_refused_only_under_no_ai() -> None:
    for token, strings in REFUSED_AI_USE.items():
        for ua in strings:
            assert NO_AI.refuses_agent(ua), (token, ua)
            assert not NO_AI_TRAINING.refuses_agent(ua), (token, ua)


def test_every_refused_token_matches_its_own_user_agent_in_any_case() -> None:
    for token in crawlers.ai_group(("train", "ai-use"), [], []):
        for ua in (f"Mozilla/5.0 (compatible; {token}/1.0; +https://example.org/bot)", token.upper(), token.lower()):
            assert NO_AI.refuses_agent(ua), (token, ua)


def test_matching_is_whole_word() -> None:
    assert not NO_AI.refuses_agent("Mozilla/5.0 (compatible; GPTBotanist/1.0)")
    assert not NO_AI.refuses_agent("Mozilla/5.0 (compatible; MyGPTBot/1.0)")
    assert NO_AI.refuses_agent("gptbot")
    assert NO_AI.refuses_agent("GPTBot.")


def test_a_domain_name_in_a_contact_url_is_not_an_agent_name() -> None:
    # "OpenAI" is an upstream token; ChatGPT-User's string holds "openai.com" (found by the test above).
    chatgpt_user = REFUSED_AI_USE["ChatGPT-User"][0]
    assert not NO_AI_TRAINING.refuses_agent(chatgpt_user)
    assert NO_AI.refuses_agent("OpenAI/1.0") and NO_AI.refuses_agent("Mozilla/5.0 (compatible; OpenAI)")


def test_off_and_switched_off_refuse_nothing() -> None:
    for config in (_config(policy="off"), _config(refuse_agents=False)):
        refusal = refusal_for(config, URLS)
        assert not refusal.active
        assert not refusal.refuses("GPTBot/1.2", "/portfolio/")


def test_block_and_allow_lists_apply() -> None:
    refusal = refusal_for(_config(block_agents=["NewAIBot"], allow_agents=["GPTBot"]), URLS)
    assert refusal.refuses_agent("Mozilla/5.0 (compatible; NewAIBot/0.1)")
    assert not refusal.refuses_agent(REFUSED_TRAIN["GPTBot"][0])
    assert refusal.refuses_agent(REFUSED_TRAIN["ClaudeBot"][0])


def test_metacharacters_are_escaped() -> None:
    assert escape("bigsur.ai") == r"bigsur\.ai"
    assert escape("a+b(c)") == r"a\+b\(c\)"
    assert escape("Kangaroo Bot") == r"Kangaroo\sBot"
    refusal = refusal_for(_config(block_agents=["Foo.Bot"]), URLS)
    assert refusal.refuses_agent("Foo.Bot/1.0")
    assert not refusal.refuses_agent("FooXBot/1.0")  # "." is literal, not any character


def test_tokens_another_covers_are_left_out_and_none_is_listed_twice() -> None:
    tokens = refused_tokens(("train", "ai-use"), [], [])
    assert "Brightbot" in tokens and "Brightbot 1.0" not in tokens
    assert len({t.lower() for t in tokens}) == len(tokens)
    assert "Spider" not in tokens and "Applebot" not in tokens and "facebookexternalhit" not in tokens


def test_the_pattern_is_plain_enough_for_every_dialect() -> None:
    # No look-around (Go's RE2 in Caddy has none), no inline flags, nothing but escapes and words.
    assert not re.search(r"\(\?[=!<]", NO_AI.pattern)
    assert NO_AI.pattern.startswith(r"\b(")


def test_the_terms_stay_readable_for_refused_agents() -> None:
    gpt = REFUSED_TRAIN["GPTBot"][0]
    for path in (
        "/portfolio/robots.txt",
        "/portfolio/ai.txt",
        "/portfolio/.well-known/tdmrep.json",
        "/portfolio/tdm-policy.json",
        "/portfolio/license.xml",
        "/portfolio/licensing/",
        "/portfolio/licensing",
        "/portfolio/licensing/index.html",
    ):
        assert not NO_AI.refuses(gpt, path), path
    for path in (
        "/portfolio/",
        "/portfolio/media/a.1234abcd.webp",
        "/portfolio/licensingx",
        "/robots.txt.html",
        "/portfolio/licensing/../travel/",  # dot segments resolved before the path is judged
        "/portfolio/licensing/../media/a.webp",
    ):
        assert NO_AI.refuses(gpt, path), path


def test_the_message_is_one_sentence_naming_the_absolute_terms() -> None:
    assert NO_AI.message.count("\n") == 1 and len(NO_AI.message) < 200
    assert "https://example.com/portfolio/licensing/" in NO_AI.message
    assert "/licensing/" in refusal_for(_config(), Urls("")).message


def _covered_by_regex_alone(token: str, others: list[str]) -> bool:
    """The rule as first written: a regex for every pair (the substring test only skips some)."""
    return any(
        o.lower() != token.lower() and re.search(rf"\b{escape(o)}{WORD_END}", token, re.I | re.A) for o in others
    )


def test_the_quick_covered_check_answers_as_the_regex_alone() -> None:
    """The substring test in front of the regex may only spare work, never change an answer."""
    shipped = [t for t in crawlers.ai_group(("train", "ai-use"), [], []) if t]
    tricky = ["Bot", "bot", "Foo Bar", "Foo\tBar 2", "foo bar/1.0", "ΣBot", "σbot x", "Brightbot", "Brightbot 1.0"]
    tokens = shipped + tricky
    for token in tokens:
        assert _covered(token, tokens) == _covered_by_regex_alone(token, tokens), token
