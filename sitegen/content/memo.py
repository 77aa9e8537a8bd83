"""Parsed front matter and converted Markdown, kept between reads of one site (``sitegen serve``).

The preview re-reads the whole content folder after every save: that keeps
one reader and one set of rules, and reading files is cheap. Parsing is not:
YAML and Markdown take nine tenths of a read. Both are pure functions of a
file's text, so they are memoised on the text itself (not on modification
times, which can be coarse or lie): an edit changes the text and is parsed
again, every other file costs one read.
"""

from __future__ import annotations

from . import frontmatter as fm
from .markup import Markup
from ..untrusted import Untrusted


class ParseMemo:
    """Memo of ``text -> Document`` and ``Markdown -> HTML`` for one configuration.

    Converted HTML depends on the site's base path (site-root links are
    rewritten), so a memo must be dropped when the configuration changes.
    Entries not used since the previous :meth:`sweep` are dropped by it, so an
    editing session does not accumulate every version of every file.
    """

    def __init__(self) -> None:
        self._docs: dict[str, fm.Document] = {}
        self._html: dict[str, str] = {}
        self._used_docs: set[str] = set()
        self._used_html: set[str] = set()
        self.hits = 0
        self.misses = 0

    def parse(self, text: str) -> fm.Document:
        """:func:`frontmatter.parse`, memoised; errors are raised again on every call, never cached."""
        self._used_docs.add(text)
        doc = self._docs.get(text)
        if doc is None:
            self.misses += 1
            doc = self._docs[text] = fm.parse(text)
        else:
            self.hits += 1
        return doc

    def convert(self, markup: Markup, text: str) -> str:
        if isinstance(text, Untrusted):  # checked before the memo, which could hold the same text as Markdown
            raise TypeError("text from a photo's metadata is plain text; use untrusted.plain_html()")
        self._used_html.add(text)
        html = self._html.get(text)
        if html is None:
            self.misses += 1
            html = self._html[text] = markup.convert(text)
        else:
            self.hits += 1
        return html

    def sweep(self) -> None:
        """Forget what the last read did not use (deleted files, earlier versions of edited ones)."""
        self._docs = {k: v for k, v in self._docs.items() if k in self._used_docs}
        self._html = {k: v for k, v in self._html.items() if k in self._used_html}
        self._used_docs.clear()
        self._used_html.clear()
