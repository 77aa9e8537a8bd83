"""scripts/refresh_crawlers.py: the maintainer's path from a downloaded robots.json to the shipped list.

Run on a small fixture (tests/data/robots-mini.json) and on a copy of the shipped list: no network.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.rights import crawlers

from .conftest import make_photo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "refresh_crawlers.py"
FIXTURE = Path(__file__).resolve().parent / "data" / "robots-mini.json"
SHIPPED = ROOT / "sitegen" / "data" / "ai-crawlers.tsv"

spec = importlib.util.spec_from_file_location("refresh_crawlers", SCRIPT)
assert spec and spec.loader
refresh_crawlers = importlib.util.module_from_spec(spec)
sys.modules.setdefault("refresh_crawlers", refresh_crawlers)  # dataclasses look their module up
spec.loader.exec_module(refresh_crawlers)


def by_token(text: str) -> dict[str, crawlers.Crawler]:
    return {c.token: c for c in crawlers.parse_list(text)}


@pytest.fixture(scope="module")
def result():
    robots = json.loads(FIXTURE.read_text("utf-8"))
    return refresh_crawlers.refresh(SHIPPED.read_text("utf-8"), robots, "abc1234", "2026-12-01")


def test_new_agents_get_a_proposed_class(result):
    rows = by_token(result.text)
    assert rows["NovaSearchBot"].klass == "ai-use"
    assert rows["HarvestBot"].klass == "train" and rows["HarvestBot"].respects_robots == "no"
    assert rows["PlainFinder"].klass == "keep"
    assert rows["bot"].klass == "generic", "a token that also matches Googlebot must never be refused"
    added = {token: klass for token, klass, _ in result.added}
    assert added == {"NovaSearchBot": "ai-use", "HarvestBot": "train", "PlainFinder": "keep", "bot": "generic"}
    assert any(line.startswith("added NovaSearchBot as ai-use") for line in result.report())


def test_keep_agents_and_vendor_tokens_are_never_dropped(result):
    rows = by_token(result.text)
    shipped = by_token(SHIPPED.read_text("utf-8"))
    for token, crawler in shipped.items():
        if crawler.klass == "keep":
            assert token in rows, token
    assert "Applebot" in result.kept and "Applebot" in rows  # upstream-sourced KEEP agent missing upstream
    for token in ("MistralAI-Training", "MistralAI-Index", "Googlebot", "Bingbot"):
        assert token in rows, token
    assert "AddSearchBot" in result.dropped and "AddSearchBot" not in rows  # an AI agent upstream removed
    assert rows["GPTBot"].klass == "train"


def test_source_date_and_commit_are_updated(result):
    assert crawlers.parse_source_date(result.text) == dt.date(2026, 12, 1)
    assert "robots.json (commit abc1234, 2026-12-01)" in result.text
    assert crawlers.age_note(dt.date(2026, 12, 2), crawlers.parse_source_date(result.text)) is None


def test_unchanged_upstream_gives_the_same_file():
    """The shipped file is in the script's own order, so a refresh diff shows only real changes."""
    text = SHIPPED.read_text("utf-8")
    upstream = {
        c.token: {"function": c.purpose, "operator": c.operator}
        for c in crawlers.parse_list(text)
        if c.token not in {"MistralAI-Training", "MistralAI-Index"} and "738c80d" in line_of(text, c.token)
    }
    again = refresh_crawlers.refresh(text, upstream, "738c80d", "2026-08-22")
    assert again.text == text
    assert again.report() == ["no change in agents"]


def line_of(text: str, token: str) -> str:
    return next(line for line in text.splitlines() if line.split("\t")[0] == token)


def test_vendor_tokens_are_added_when_missing():
    text = "\n".join(
        line for line in SHIPPED.read_text("utf-8").splitlines() if not line.startswith("MistralAI-Training")
    )
    again = refresh_crawlers.refresh(text + "\n", {"GPTBot": {}}, "abc1234", "2026-12-01")
    assert by_token(again.text)["MistralAI-Training"].klass == "train"


def test_command_line_writes_the_list_in_place(tmp_path):
    listing = tmp_path / "ai-crawlers.tsv"
    listing.write_text(SHIPPED.read_text("utf-8"), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, str(SCRIPT), str(FIXTURE), "--commit", "abc1234", "--date", "2026-12-01"]
    done = subprocess.run([*args, "--list", str(listing), "--write"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "added HarvestBot as train" in done.stderr
    assert "HarvestBot" in listing.read_text("utf-8")
    bad = subprocess.run([*args[:-1], "December"], capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr


def test_build_notes_an_old_list_without_warning(site_dir, write, run_build, monkeypatch):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[site]\nbase_url = "https://example.com/"\n')
    monkeypatch.setattr(crawlers, "source_date", lambda: dt.date.today() - dt.timedelta(days=121))
    _, reporter = run_build()
    notes = [p.message for p in reporter.problems if "crawler list is 121 days old" in p.message]
    assert len(notes) == 1 and "block_agents" in notes[0] and "refresh_crawlers.py" in notes[0]
    assert not any("crawler list" in w.message for w in reporter.warnings)


def test_a_fresh_list_gets_no_note():
    assert crawlers.age_note(crawlers.source_date() + dt.timedelta(days=120)) is None
    assert crawlers.age_note(crawlers.source_date() + dt.timedelta(days=121)) is not None
