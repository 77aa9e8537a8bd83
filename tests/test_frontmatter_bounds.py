"""Front matter cannot make sitegen hang or eat memory: aliases, nesting, size and messages are bounded."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sitegen.content import frontmatter as fm
from sitegen.content.matter import GalleryMatter, read_matter
from sitegen.errors import Reporter

from .conftest import REPO, make_photo


def laughs(levels: int = 9, key: str = "sort") -> str:
    """The "billion laughs" document: ``levels`` anchors of nine aliases each; 9**levels strings once expanded."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    lines.append(f"{key}: *l{levels - 1}")
    return "\n".join(lines)


def run_bounded(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child with 1 GB of address space, so an unbounded expansion fails instead of swapping."""
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard only: the bounded code answers in well under a second
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_billion_laughs_in_a_gallery_sort_is_one_error(site_dir, write):
    """The reproduction: before, one_of() called str() on the expanded value (1.9 GB and rising).

    Now it is broken front matter: one file:line error, and the build stops (see test_broken_front_matter).
    """
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/index.md", "---\ntitle: Bomb\n" + laughs() + "\n---\nText.\n")
    result = run_bounded(
        f"""
        from pathlib import Path
        from sitegen.pipeline.build import build
        from sitegen.errors import Reporter, SitegenError
        reporter = Reporter(root=Path({str(site_dir)!r}))
        try:
            build(Path({str(site_dir)!r}), overrides={{"build.jobs": 1}}, reporter=reporter)
        except SitegenError:
            pass
        for e in reporter.errors:
            print("ERROR", e.format(Path({str(site_dir)!r})))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, result.stdout
    assert "content/g/index.md:" in errors[0] and "more than 100,000 values" in errors[0]


@pytest.mark.parametrize("key", ["sort", "title", "extra", "order", "watermark"])
def test_alias_bomb_is_refused_under_any_key(key):
    with pytest.raises(fm.FrontMatterError, match="more than 100,000 values") as info:
        fm.parse("---\n" + laughs(key=key) + "\n---\n")
    assert info.value.line is not None


def test_converters_never_stringify_a_huge_value():
    """Even a value that got past the loader (shared references, as aliases make) is never str()-ed."""
    result = run_bounded(
        """
        from sitegen.configschema import SchemaError, coerce
        from sitegen.content.matter import KINDS_OF_FILE, declared_keys
        value = ["lol"]
        for _ in range(40):
            value = [value, value]  # 2**40 strings when printed
        for cls in KINDS_OF_FILE:
            for name, _, tp in declared_keys(cls):
                try:
                    coerce(value, tp, name)
                except SchemaError as exc:
                    assert len(exc.message) < 300, name
        print("ok")
        """
    )
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_aliases_within_bounds_still_work():
    doc = fm.parse("---\nkeywords: &k [sea, dusk]\nextra:\n  tags: *k\n---\n")
    assert doc.meta["extra"]["tags"] == ["sea", "dusk"]


def test_self_referencing_value_is_refused():
    with pytest.raises(fm.FrontMatterError, match="refers to itself") as info:
        fm.parse("---\ntitle: x\nextra: &a {inner: *a}\n---\n")
    assert info.value.line == 3


@pytest.mark.parametrize("depth", [150, 5000])
def test_deep_nesting_is_refused_without_a_traceback(depth):
    with pytest.raises(fm.FrontMatterError, match="nested more than 100 levels"):
        fm.parse("---\nextra: " + "[" * depth + "]" * depth + "\n---\n")


def test_oversized_front_matter_is_refused():
    with pytest.raises(fm.FrontMatterError, match="longer than 256 KB") as info:
        fm.parse("---\n" + "".join(f"k{i}: {'x' * 60}\n" for i in range(5000)) + "---\nBody")
    assert info.value.line == 1


def test_messages_quote_bad_values_briefly(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("---\nsort: " + "nam" * 1000 + "\n---\n", "utf-8")
    reporter = Reporter()
    read_matter(GalleryMatter, fm.load(path).meta, path, reporter)
    (warning,) = reporter.warnings
    assert len(warning.message) < 200 and "…" in warning.message
    assert warning.line == 2
