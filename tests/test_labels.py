"""One table of every usage label (rights.labels): the presets spell their values from it, old drafts' labels
are marked obsolete for the audit, and the README's table is the same table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.config.sections import DATA_MINING_VALUES
from sitegen.rights import labels
from sitegen.rights.labels import AIPREF, CONTENT_SIGNAL, LABELS, OBSOLETE, RSL, VOCABULARIES
from sitegen.rights.presets import NOAI, PRESETS

README = Path(__file__).resolve().parent.parent / "README.md"


def _keys(dictionary: str) -> list[str]:
    return [item.split("=")[0].strip() for item in dictionary.split(",")]


def test_presets_send_vocab_08_content_usage():
    # draft-ietf-aipref-vocab-08: ai-use is a label again (reference §12.1).
    assert PRESETS["no-ai"].content_usage == "train-ai=n, ai-use=n, search=y"
    assert PRESETS["no-ai-training"].content_usage == "train-ai=n, search=y"
    assert PRESETS["off"].content_usage is None


@pytest.mark.parametrize("preset", ["no-ai", "no-ai-training"])
def test_every_label_a_preset_writes_is_a_current_emitted_row(preset):
    current = {(r.vocabulary, r.label) for r in LABELS if r.status != OBSOLETE and r.emitted}
    p = PRESETS[preset]
    assert p.content_usage and p.content_signal
    written = [(AIPREF, k) for k in _keys(p.content_usage)] + [(CONTENT_SIGNAL, k) for k in _keys(p.content_signal)]
    written += [(RSL, u) for u in p.rsl_permits + p.rsl_prohibits]
    written += [(labels.NOAI, k.strip()) for k in NOAI.split(",")]
    assert written and set(written) <= current


def test_the_obsolete_labels_the_audit_flags():
    assert {"tdm", "genai", "train-genai", "bots", "inference"} <= set(labels.obsolete(AIPREF))
    assert "ai-use" not in labels.obsolete(AIPREF) and "train-ai" not in labels.obsolete(AIPREF)
    for row in LABELS:
        assert row.vocabulary in VOCABULARIES
        assert not (row.status == OBSOLETE and row.emitted), row


def test_an_obsolete_or_unknown_label_cannot_be_written():
    assert labels.label(AIPREF, "ai-use") == "ai-use"
    for bad in ("train-genai", "tdm", "Train-AI", "ai-train"):
        with pytest.raises(KeyError):
            labels.label(AIPREF, bad)


def test_every_plus_value_the_config_accepts_is_in_the_table():
    plus = {r.label for r in LABELS if r.vocabulary == labels.PLUS}
    assert set(DATA_MINING_VALUES) <= plus


def test_no_label_is_listed_twice():
    keys = [(r.vocabulary, r.label) for r in LABELS]
    assert len(keys) == len(set(keys))


def _readme_table() -> list[tuple[str, str, str]]:
    text = README.read_text("utf-8")
    start = text.index("<!-- labels-table -->")
    end = text.index("<!-- /labels-table -->")
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[1].startswith("`"):
            rows.append((cells[0], cells[1].strip("`"), cells[3]))
    return rows


def test_readme_labels_table_is_the_data_table():
    want = [(VOCABULARIES[r.vocabulary].name, r.label, r.status) for r in LABELS]
    got = _readme_table()
    assert [(re.sub(r"\\\|", "|", v), lab, s) for v, lab, s in got] == want, (
        "README labels table differs from sitegen/rights/labels.py: regenerate it with "
        "`python3 -c 'from sitegen.rights.labels import markdown_table; print(markdown_table())'`"
    )
