"""Markdown conversion grows linearly with a page's length, and very long pages are pointed out.

The timing figures are in ``benchmarks/markdown_size.py``; here the mechanism is
checked: the inline pass (python-markdown's ``InlineProcessor.run``, used twice
with ``smarty``) must not scan a parent's children once per child
(``list(parent).index(child)``) nor shift its work list per item
(``list.pop(0)``), which made a 1 MB page take 34 s and a 50 MB one never end.
"""

from __future__ import annotations

import cProfile
import pstats

import markdown
import pytest

from sitegen.content.markup import EXTENSIONS, LARGE_PAGE_BYTES, Markup

ARTICLE = """## Notes from the road

A paragraph with *emphasis*, **strong** words, a [link](/about/) and `code` -- "quotes" it's here.
Another line... with an ellipsis and a footnote[^1] and <span>inline *HTML*</span>.

- a list item with `code`
- another *item* and **bold _nested_ text**

1. first
2. second

> A quote with "marks" and 'single' ones, the '90s.

| a | b |
|---|---|
| *1* | 2 |

```
code block "not smart"
```

Term
:   Definition with *emphasis*.

<div markdown="1">*inside* html</div>

![alt text](/img.jpg "Title") and <https://example.com> and a [ref link][r].

[r]: /ref/
[^1]: The footnote, with a [link](/f/).

"""


def calls_from_inline_pass(text: str, method: str) -> int:
    """How often the inline passes called ``method`` converting ``text`` (counted by cProfile, no timing)."""
    converter = Markup()
    profile = cProfile.Profile()
    profile.runcall(converter.convert, text)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = 0
    for (_, _, name), (_, _, _, _, callers) in stats.items():
        if name == method:
            total += sum(
                counts[0]
                for (file, _, caller), counts in callers.items()
                if caller == "run" and file.endswith(("treeprocessors.py", "markup.py"))
            )
    return total


def test_inline_pass_does_not_rescan_siblings():
    """Before the fix: 2 scans per top-level block (one per inline pass) and one pop(0) per element."""
    text = 'A paragraph with *emphasis* and "quotes".\n\n' * 3000
    assert calls_from_inline_pass(text, "<method 'index' of 'list' objects>") == 0
    # the work queue is a deque (list.pop(0) shifts the whole list for every element)
    assert calls_from_inline_pass(text, "<method 'popleft' of 'collections.deque' objects>") > 3000


@pytest.mark.parametrize("base", ["/", "/portfolio/"])
def test_output_is_identical_to_python_markdown(base):
    """The linear pass is a drop-in: same HTML as stock python-markdown on every construct sitegen supports."""
    text = ARTICLE * 20
    ours = Markup(base).convert(text)
    stock = markdown.Markdown(extensions=EXTENSIONS, output_format="html").convert(text)
    if base == "/":
        assert ours == stock
    else:
        assert ours == stock.replace('href="/', 'href="/portfolio/').replace('src="/', 'src="/portfolio/')
    assert "<em>inside</em>" in ours and "&ldquo;quotes&rdquo;" in ours and 'class="footnote"' in ours


def test_converter_is_reusable():
    converter = Markup()
    first = converter.convert(ARTICLE)
    assert converter.convert(ARTICLE) == first


def test_long_page_gets_a_warning_and_still_builds(site_dir, write, run_build):
    line = "A line of a very long page, with *emphasis*.\n\n"
    write("content/long.md", "---\ntitle: Long\n---\n" + line * (LARGE_PAGE_BYTES // len(line) + 10))
    write("content/short.md", "---\ntitle: Short\n---\n" + line * 10)
    _, reporter = run_build()
    warnings = [w for w in reporter.warnings if "MB of Markdown" in w.message]
    assert len(warnings) == 1
    assert warnings[0].path == site_dir / "content/long.md" and warnings[0].line == 4
    assert "split it" in warnings[0].format(site_dir)
    assert (site_dir / "public/long/index.html").is_file()
