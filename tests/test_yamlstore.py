"""The front matter store: the values a fresh parse gives, for exactly the text that gave them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sitegen.content import frontmatter as fm
from sitegen.content import yamlstore
from sitegen.content.memo import ParseMemo
from sitegen.content.yamlstore import STORE_NAME, YamlStore

RAW = "title: Harbour\nalt: Boats at dusk\nkeywords: [sea, dusk]\nrating: 4\nextra:\n  lens: 35 mm\n  f: 1.8"
SIDECAR = f"---\n{RAW}\n---\nBody\n"


def build_read(cache_dir, text: str) -> tuple[fm.Document, int]:
    """One build's read of one file: the memo the build uses, saved at the end as the build saves it."""
    memo = ParseMemo.stored(cache_dir)
    doc = memo.parse(text)
    hits = memo._yaml.hits if memo._yaml is not None else 0
    memo.save()
    return doc, hits


def test_a_stored_sidecar_gives_the_values_of_a_fresh_parse(tmp_path):
    first, hits = build_read(tmp_path, SIDECAR)
    assert hits == 0 and (tmp_path / STORE_NAME).is_file()
    second, hits = build_read(tmp_path, SIDECAR)
    assert hits == 1
    assert second == first == fm.parse(SIDECAR)
    assert type(second.meta["rating"]) is int and type(second.meta["extra"]["f"]) is float


def test_a_changed_sidecar_is_parsed_again(tmp_path):
    build_read(tmp_path, SIDECAR)
    changed = SIDECAR.replace("Harbour", "Quay")
    doc, hits = build_read(tmp_path, changed)
    assert hits == 0 and doc.meta["title"] == "Quay"
    # The store keeps what the last build used, nothing older.
    stored = json.loads((tmp_path / STORE_NAME).read_text("utf-8"))["values"]
    assert [v["title"] for v in stored.values()] == ["Quay"]


def test_values_json_would_change_are_parsed_every_time(tmp_path):
    """A date comes back from JSON as a text; a set as a list: such front matter is never stored."""
    text = "---\ndate: 2021-05-01 10:00:00\ntags: !!set {a: null}\n---\n"
    build_read(tmp_path, text)
    doc, hits = build_read(tmp_path, text)
    assert hits == 0 and doc.meta["date"] == dt.datetime(2021, 5, 1, 10) and doc.meta["tags"] == {"a"}


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all {",
        json.dumps({"version": "other", "values": {}}),
        json.dumps(["a list"]),
        None,  # a store written by other code: same layout, another version
    ],
)
def test_a_damaged_or_foreign_store_is_ignored(tmp_path, damage):
    build_read(tmp_path, SIDECAR)
    store = tmp_path / STORE_NAME
    if damage is None:
        data = json.loads(store.read_text("utf-8"))
        data["version"]["code"] = "0" * 32
        data["values"] = {k: {"title": "Planted"} for k in data["values"]}
        damage = json.dumps(data)
    store.write_text(damage, "utf-8")
    doc, hits = build_read(tmp_path, SIDECAR)
    assert hits == 0 and doc == fm.parse(SIDECAR)
    assert build_read(tmp_path, SIDECAR) == (doc, 1)  # and rewritten whole by that build


def test_a_stored_value_that_is_not_json_exact_is_not_used(tmp_path):
    """A store edited by hand to hold a non-finite number for a digest: parsed again instead."""
    store = YamlStore(tmp_path / STORE_NAME)
    store.load("title: A")
    store.save()
    data = json.loads((tmp_path / STORE_NAME).read_text("utf-8"))
    data["values"] = {k: {"title": float("inf")} for k in data["values"]}
    (tmp_path / STORE_NAME).write_text(json.dumps(data), "utf-8")
    again = YamlStore(tmp_path / STORE_NAME)
    assert again.load("title: A") == {"title": "A"} and again.hits == 0


def test_errors_are_never_stored_and_say_the_same(tmp_path):
    bad = "---\ntitle: [unclosed\n---\n"
    with pytest.raises(fm.FrontMatterError) as fresh:
        fm.parse(bad)
    for _ in range(2):
        memo = ParseMemo.stored(tmp_path)
        with pytest.raises(fm.FrontMatterError) as stored:
            memo.parse(bad)
        memo.save()
        assert (stored.value.message, stored.value.line) == (fresh.value.message, fresh.value.line)


def test_one_files_change_to_its_values_reaches_no_other(tmp_path):
    """Two sidecars with the same front matter get values of their own, as two parses give."""
    fresh = fm.load_yaml_text(RAW)
    new = YamlStore(tmp_path / STORE_NAME)
    parsed = new.load(RAW)  # a miss: parsed, and a copy kept
    parsed["keywords"].append("changed")
    new.save()
    store = YamlStore(tmp_path / STORE_NAME)
    first = store.load(RAW)
    first["keywords"].append("changed")
    first["extra"]["lens"] = "changed"
    assert store.load(RAW) == fresh and store.hits == 2


def test_only_json_exact_values_are_stored():
    assert yamlstore.json_exact({"a": [1, 2.5, True, None, "x", {"b": []}]})
    for value in ({1: "int key"}, [dt.date(2020, 1, 1)], {"a": float("nan")}, {"a": b"bytes"}, {"a": {1}}, ("t",)):
        assert not yamlstore.json_exact(value)


def test_no_store_when_the_code_it_is_keyed_on_cannot_be_read(tmp_path, monkeypatch):
    """An installation without its source files cannot tell which code wrote a store: none is used."""
    monkeypatch.setitem(yamlstore._VERSION, "code", None)
    for _ in range(2):
        doc, hits = build_read(tmp_path, SIDECAR)
        assert hits == 0 and doc == fm.parse(SIDECAR)
    assert not (tmp_path / STORE_NAME).exists()
