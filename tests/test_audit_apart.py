"""The audit catches a deliberately broken generator.

Each case builds a real site with one generator function monkeypatched to be wrong in a way that
code shared with the generator would agree with: robots.txt's AI group computed without one agent,
a ``_headers`` file whose every-path rule is written as a glob, or that detaches ``X-Robots-Tag`` for
images, an ``.htaccess`` that unsets it for images. The audit must FAIL and name the agent or header.

Written against ``sitegen.commands.audit.audit`` and the generator's module attributes only, so the
same file runs against an older checkout (where the audit still asked the generator) to show that
it did not catch these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import sitegen.protect.hostfiles as hostfiles
import sitegen.protect.policy as policy
from sitegen.commands.audit import audit

from .conftest import make_photo

Breakage = Callable[[pytest.MonkeyPatch], None]


def _ai_group_without_gptbot(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crawler lookup the generator uses loses one agent (as a bad merge of the list would)."""
    real = policy.crawlers.ai_group
    monkeypatch.setattr(policy.crawlers, "ai_group", lambda *args: [a for a in real(*args) if a.lower() != "gptbot"])


def _headers_rule_as_glob(monkeypatch: pytest.MonkeyPatch) -> None:
    """``*`` for every path: the generator's reader matches it; Netlify and Cloudflare need a path (``/*``)."""
    real = hostfiles.netlify_headers
    monkeypatch.setattr(hostfiles, "netlify_headers", lambda *args: real(*args).replace("\n/*\n", "\n*\n"))


def _headers_detached_for_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """A media rule that detaches the site-wide X-Robots-Tag (to give images their own) and never re-adds it."""
    real = hostfiles.netlify_headers

    def broken(*args: object) -> str:
        text = real(*args)
        return text.replace("\n  Cache-Control:", "\n  ! X-Robots-Tag\n  Cache-Control:", 1)

    monkeypatch.setattr(hostfiles, "netlify_headers", broken)


def _htaccess_unset_for_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """The .htaccess section for hashed files removes X-Robots-Tag (Apache applies it after the site-wide lines)."""
    real = hostfiles.htaccess

    def broken(*args: object) -> str:
        text = real(*args)
        return text.replace("  </FilesMatch>", "    Header always unset X-Robots-Tag\n  </FilesMatch>", 1)

    monkeypatch.setattr(hostfiles, "htaccess", broken)


@dataclass(frozen=True)
class Case:
    breakage: Breakage
    file: str  # the published file it breaks
    line: str  # a line that shows it broken: absent from the file when ``missing``
    missing: bool
    check: str  # the audit check that must fail
    words: tuple[str, ...]  # what its detail must name


CASES = {
    "robots-drops-gptbot": Case(
        _ai_group_without_gptbot, "robots.txt", "User-agent: GPTBot\n", True, "robots-ai", ("GPTBot",)
    ),
    "headers-rule-as-glob": Case(
        _headers_rule_as_glob,
        "_headers",
        "\n*\n  X-Robots-Tag: noai, noimageai\n",
        False,
        "headers-page",
        ("no X-Robots-Tag", "Netlify", "Cloudflare Pages", "_headers line"),
    ),
    "headers-detached-for-images": Case(
        _headers_detached_for_images,
        "_headers",
        "\n  ! X-Robots-Tag\n",
        False,
        "headers-image",
        ("no X-Robots-Tag (Cloudflare Pages)", "detaches X-Robots-Tag"),
    ),
    "htaccess-unset-for-images": Case(
        _htaccess_unset_for_images,
        ".htaccess",
        "Header always unset X-Robots-Tag\n  </FilesMatch>",
        False,
        "headers-image",
        ("no X-Robots-Tag (Apache)",),
    ),
}


@pytest.fixture
def small_site(site_dir: Path, write: Callable[[str, str], Path]) -> Path:
    make_photo(site_dir / "content/water/a.jpg")
    make_photo(site_dir / "content/water/b.jpg", colour=(20, 90, 200))
    write("content/about.md", "# About\n\nA photographer.\n")
    write("sitegen.toml", '[site]\ntitle = "Test"\nbase_url = "https://example.com/"\n')
    return site_dir


def _status(report: object, cid: str) -> tuple[str, str]:
    check = report.get(cid)  # type: ignore[attr-defined]
    return str(check.status), check.detail


def test_the_unbroken_generator_passes(small_site: Path, run_build: Callable[..., object]) -> None:
    """So that a FAIL below is the breakage, not the small site."""
    run_build()
    report = audit(str(small_site))
    for case in CASES.values():
        assert _status(report, case.check)[0] == "pass", _status(report, case.check)


@pytest.mark.parametrize("case", list(CASES))
def test_the_audit_catches_a_broken_generator(
    small_site: Path, run_build: Callable[..., object], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    broken = CASES[case]
    broken.breakage(monkeypatch)
    run_build()
    published = (small_site / "public" / broken.file).read_text("utf-8")
    # The generator really is broken as the case says (a robots.txt without GPTBot, a host file with the bad line).
    assert (broken.line in published) is not broken.missing, published
    status, detail = _status(audit(str(small_site)), broken.check)
    assert status == "fail", detail
    for word in broken.words:
        assert word in detail, detail
