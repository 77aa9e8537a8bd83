"""Reading 20,000 sidecars fast without reading them differently.

libyaml parses the front matter it can take safely and gives the same values as the Python
parser; converted Markdown is kept in the cache between builds, so a ``--force`` build or one
after a template change converts no caption again, and an edited caption is converted anew.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sitegen.content import frontmatter as fm
from sitegen.content import memo as memo_module
from sitegen.content.markup import Markup
from sitegen.errors import Reporter
from sitegen.pipeline.build import build

from .conftest import EXAMPLE, REPO, make_photo

SAMPLES = [
    "title: Plain\nalt: A photo, of something - with a dash, no colon",
    "title: Bad\nalt: a colon: inside",  # invalid for both parsers
    "date: 2021-03-04\ntime: 2021-03-04T05:06:07Z\nweight: -3\nratio: 1.5\ndraft: yes\nnothing: ~",
    "keywords: [a, 'b c', \"d\\te\"]\nnested: {x: 1, y: [2, 3]}",
    "caption: |\n  Two lines\n  of text\nfolded: >\n  one\n  two",
    'title: "Ünïcödé — “quotes” ✓"\nalt: 日本語の説明',
    "base: &b {licence: CC0-1.0}\nother: *b",
    "order:\n  - a.jpg\n  - b.jpg\n  -   c.jpg",
    "empty:\nlist: []\nmap: {}",
    "0777: octal key\n1e3: float key\n? complex\n: value",
]


def _front_matters() -> list[str]:
    found = []
    for root in (EXAMPLE / "content", REPO / "content"):
        for path in sorted(root.rglob("*.md")):
            text = fm.read_text(path)
            if text.startswith("---\n"):
                found.append(text.split("\n---", 1)[0][4:])
    return found


@pytest.mark.parametrize("raw", SAMPLES + _front_matters())
def test_libyaml_reads_front_matter_as_the_python_parser_does(raw):
    # PyYAML's wheels carry libyaml; without it the fast path this compares does not exist (a failure, not a skip).
    assert fm._FAST_LOADER is not None, "PyYAML without libyaml: reinstall PyYAML from its wheel"
    assert fm._shallow(raw)
    assert _outcome(raw, fm._FAST_LOADER) == _outcome(raw, fm._BoundedLoader)


def _outcome(raw: str, loader: object) -> object:
    try:
        return yaml.load(raw, Loader=loader)  # type: ignore[arg-type]
    except yaml.YAMLError:
        return "invalid"


@pytest.mark.parametrize(
    "deep", ["- " * 500 + "x", "[" * 500 + "]" * 500, "".join(f"{' ' * i}k:\n" for i in range(200))]
)
def test_deep_documents_never_reach_libyaml(deep):
    """Its composer recurses in C: a deep document could overflow the stack instead of raising."""
    assert not fm._shallow(deep)
    with pytest.raises(fm.FrontMatterError, match="nested more than"):
        fm.parse(f"---\n{deep}\n---\n")


def test_bad_yaml_is_reported_in_the_python_parsers_words(monkeypatch):
    raw = "title: [unclosed\nalt: x"
    with pytest.raises(fm.FrontMatterError) as fast:
        fm.parse(f"---\n{raw}\n---\n")
    monkeypatch.setattr(fm, "_FAST_LOADER", None)
    with pytest.raises(fm.FrontMatterError) as slow:
        fm.parse(f"---\n{raw}\n---\n")
    assert (fast.value.message, fast.value.line) == (slow.value.message, slow.value.line)


def _captioned_site(site_dir: Path) -> None:
    for i in range(3):
        make_photo(site_dir / f"content/g/p{i}.jpg", colour=(10 * i, 100, 200))
        (site_dir / f"content/g/p{i}.md").write_text(f"---\nalt: Photo {i}\n---\nCaption **{i}**.\n", "utf-8")


def _counting(monkeypatch) -> list[str]:
    converted: list[str] = []
    real = Markup.convert

    def convert(self, text):
        converted.append(text)
        return real(self, text)

    monkeypatch.setattr(Markup, "convert", convert)
    return converted


def _run(site_dir: Path, **kw):
    return build(site_dir, overrides={"build.jobs": 1}, reporter=Reporter(root=site_dir), **kw)


def _pages(site_dir: Path) -> dict[str, bytes]:
    public = site_dir / "public"
    return {str(p.relative_to(public)): p.read_bytes() for p in sorted(public.rglob("*.html"))}


def test_a_forced_build_converts_no_markdown_again_and_writes_the_same_pages(site_dir, monkeypatch):
    _captioned_site(site_dir)
    converted = _counting(monkeypatch)
    _run(site_dir)
    assert sum("Caption" in t for t in converted) == 3
    first = _pages(site_dir)
    converted.clear()
    _run(site_dir, force=True)
    assert converted == []
    assert _pages(site_dir) == first
    (site_dir / "content/g/p1.md").write_text("---\nalt: Photo 1\n---\nCaption *one*.\n", "utf-8")
    _run(site_dir)
    assert [t.strip() for t in converted] == ["Caption *one*."]
    assert "<em>one</em>" in (site_dir / "public/g/p1/index.html").read_text("utf-8")


def test_the_store_keeps_only_what_the_last_build_used(site_dir, monkeypatch):
    _captioned_site(site_dir)
    _run(site_dir)
    (site_dir / "content/g/p2.md").unlink()
    _run(site_dir)
    stored = json.loads((site_dir / ".sitegen-cache/markup-v1.json").read_text("utf-8"))
    assert sorted(e[2] for e in stored["html"] if "Caption" in e[2]) == [
        "<p>Caption <strong>0</strong>.</p>",
        "<p>Caption <strong>1</strong>.</p>",
    ]


@pytest.mark.parametrize("damage", ["not json", json.dumps({"version": {"format": 0}, "html": []})])
def test_a_damaged_or_foreign_store_is_not_used(site_dir, monkeypatch, damage):
    _captioned_site(site_dir)
    _run(site_dir)
    store = site_dir / ".sitegen-cache/markup-v1.json"
    data = json.loads(store.read_text("utf-8"))
    for entry in data["html"]:
        entry[2] = "<p>planted</p>"
    store.write_text(json.dumps(data), "utf-8")
    _run(site_dir, force=True)
    assert "planted" in (site_dir / "public/g/p0/index.html").read_text("utf-8")  # the control: it is read
    store.write_text(damage, "utf-8")
    converted = _counting(monkeypatch)
    _run(site_dir, force=True)
    assert len(converted) >= 3
    assert "planted" not in (site_dir / "public/g/p0/index.html").read_text("utf-8")


def test_the_store_is_of_this_markdown_version(monkeypatch, tmp_path):
    memo = memo_module.ParseMemo.stored(tmp_path)
    memo.convert(Markup("/"), "Some *text*.")
    memo.save()
    assert memo_module.ParseMemo.stored(tmp_path)._stored
    monkeypatch.setitem(memo_module._STORE_VERSION, "markdown", "0.0")
    assert memo_module.ParseMemo.stored(tmp_path)._stored == {}
