"""``sitegen audit`` flags usage labels an earlier draft had (rights/labels.py marks them obsolete)."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.audit import Status
from sitegen.audit.labels import labels_in
from sitegen.commands.audit import audit

from .headers_server import serve


def test_the_build_passes(example_build) -> None:
    check = audit(str(example_build[0])).get("obsolete-labels")
    assert check.status is Status.PASS, check.detail
    assert "robots.txt, ai.txt, the headers of" in check.detail


def test_an_obsolete_label_in_robots_txt_fails(output_copy: Path) -> None:
    robots = output_copy / "robots.txt"
    text = robots.read_text("utf-8")
    robots.write_text(re.sub(r"(?m)^Content-Usage: .*$", "Content-Usage: train-genai=n", text), "utf-8")
    check = audit(str(output_copy)).get("obsolete-labels")
    assert check.status is Status.FAIL
    assert "robots.txt Content-Usage: 'train-genai' (vocab-03)" in check.detail
    assert check.fix.startswith("Replace each with the current label")


def test_obsolete_labels_in_ai_txt_and_in_headers_fail(output_copy: Path) -> None:
    with (output_copy / "ai.txt").open("a", encoding="utf-8") as fh:
        fh.write("Content-Usage: /media/ genai=n, bots=n\n")
    headers = output_copy / "_headers"
    headers.write_text(
        headers.read_text("utf-8").replace("Content-Usage: train-ai=n", "Content-Usage: tdm=n, train-ai=n")
    )
    check = audit(str(output_copy)).get("obsolete-labels")
    assert check.status is Status.FAIL
    found_in_folder = ["ai.txt Content-Usage: 'genai' (vocab-01)", "ai.txt Content-Usage: 'bots' (vocab-05)"]
    for found in [*found_in_folder, "Content-Usage header: 'tdm' (vocab-01)"]:
        assert found in check.detail
    with serve(output_copy) as url:  # and over HTTP, on the response itself
        live = audit(url).get("obsolete-labels")
    assert live.status is Status.FAIL and "Content-Usage header: 'tdm' (vocab-01) (on /" in live.detail


def test_labels_are_read_as_fields_say_them() -> None:
    assert labels_in("content-usage", "/photos/ train-ai=n, ai-use=n;p=1, search=y") == ["train-ai", "ai-use", "search"]
    assert labels_in("x-robots-tag", "googlebot: noai, noimageai") == ["noai", "noimageai"]
    assert labels_in("content-signal", "search=yes, ai-train=no") == ["search", "ai-train"]
