"""The read phase's cache: parsed front matter and converted Markdown, kept between reads (``sitegen serve``).

The preview re-reads the whole content folder after every save: that keeps
one reader and one set of rules, and reading files is cheap. Parsing is not:
YAML and Markdown take nine tenths of a read. Both are pure functions of what
they are keyed on here:

* ``text -> Document``: the file's whole text (not its path or modification
  time, which can be coarse or lie). Only the YAML is cached; the typed keys
  (:func:`sitegen.content.matter.read_matter`) are read again each time, so
  their warnings are reported on every read, as a build reports them.
* ``(base path, Markdown) -> HTML``: the text and the one setting the HTML
  depends on (site-root links are rewritten for the base path of ``base_url``).

An edit changes the text and is parsed again; every other file costs one read.
The other cache of the read phase is the probe cache of photo headers
(:class:`sitegen.images.probe.ProbeCache`, kept in the cache folder).
"""

from __future__ import annotations

from ..untrusted import Untrusted
from . import frontmatter as fm
from .markup import Markup


class ParseMemo:
    """The read phase's memo of ``text -> Document`` and ``(base path, Markdown) -> HTML``.

    Entries not used since the previous :meth:`sweep` are dropped by it, so an
    editing session does not accumulate every version of every file.
    """

    def __init__(self) -> None:
        self._docs: dict[str, fm.Document] = {}
        self._html: dict[tuple[str, str], str] = {}
        self._used_docs: set[str] = set()
        self._used_html: set[tuple[str, str]] = set()
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
        key = (markup.base_path, text)
        self._used_html.add(key)
        html = self._html.get(key)
        if html is None:
            self.misses += 1
            html = self._html[key] = markup.convert(text)
        else:
            self.hits += 1
        return html

    def sweep(self) -> None:
        """Forget what the last read did not use (deleted files, earlier versions of edited ones)."""
        self._docs = {k: v for k, v in self._docs.items() if k in self._used_docs}
        self._html = {k: v for k, v in self._html.items() if k in self._used_html}
        self._used_docs.clear()
        self._used_html.clear()
