"""Every cache answers for what its value depends on, never for an object's identity or a path alone."""

from __future__ import annotations

from sitegen.config import parse_config
from sitegen.protect.policy import signals_for


def test_signals_follow_the_protect_section_value_not_the_config_object():
    """A config's lists can change under the same object; an identity-keyed memo kept the old agents."""
    config = parse_config('[protect]\nblock_agents = ["FirstScraper"]')
    assert "FirstScraper" in signals_for(config).ai_agents
    config.protect.block_agents.append("LaterScraper")
    assert "LaterScraper" in signals_for(config).ai_agents


def test_equal_protect_sections_share_one_answer():
    """Two loads of the same [protect] (serve reloads the config on every save) are one computation."""
    first, second = parse_config('[site]\ntitle = "A"'), parse_config('[site]\ntitle = "B"')
    assert signals_for(first) is signals_for(second) is signals_for(first)
    other = parse_config('[protect]\npolicy = "off"')
    assert signals_for(other) is not signals_for(first) and not signals_for(other).ai_agents
