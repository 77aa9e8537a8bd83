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

``sitegen build`` keeps the HTML between runs too (:meth:`ParseMemo.stored`), in
the cache folder, keyed by the base path and a digest of the Markdown, and only
for the sitegen and python-markdown versions that wrote it: 20,000 captions
convert in tens of seconds, and a ``--force`` build, or one after a template
change, would convert them all again to the same HTML. It holds what the last
build used, nothing older. The front matter's values are kept the same way, those
JSON gives back exactly (:mod:`sitegen.content.yamlstore`): a sidecar with a date in
it is parsed again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import markdown

from .. import __version__
from ..atomic import read_store, write_store
from ..errors import environment_failure
from ..untrusted import Untrusted
from . import frontmatter as fm
from .markup import EXTENSIONS, Markup
from .yamlstore import STORE_NAME, YamlStore

# What the stored HTML depends on besides its key: a store written by another version is not read.
_STORE_VERSION = {"format": 1, "sitegen": __version__, "markdown": markdown.__version__, "extensions": EXTENSIONS}


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _read_store(file: Path) -> dict[tuple[str, str], str]:
    """The stored HTML by (base path, digest of the Markdown); empty for a missing, old or damaged store."""
    stored = {}
    for entry in read_store(file, _STORE_VERSION, "html", list) or []:
        if isinstance(entry, list) and len(entry) == 3 and all(isinstance(v, str) for v in entry):
            stored[(entry[0], entry[1])] = entry[2]
    return stored


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
        self._store: Path | None = None
        self._stored: dict[tuple[str, str], str] = {}  # (base path, digest of the Markdown) -> HTML
        self._yaml: YamlStore | None = None  # the last build's front matter values

    @classmethod
    def stored(cls, cache_dir: Path) -> ParseMemo:
        """A memo that starts from the HTML the last build kept in ``cache_dir``; :meth:`save` keeps this one's."""
        memo = cls()
        memo._store = cache_dir / "markup-v1.json"
        memo._stored = _read_store(memo._store)
        memo._yaml = YamlStore(cache_dir / STORE_NAME)
        return memo

    def save(self) -> None:
        """Keep the HTML this read used (nothing else) for the next build; unchanged, nothing is written."""
        if self._yaml is not None:
            self._yaml.save()
        if self._store is None:
            return
        used = {(base, _digest(text)): self._html[(base, text)] for base, text in self._used_html}
        if used == self._stored:
            return
        entries = [[base, digest, html] for (base, digest), html in sorted(used.items())]
        try:
            write_store(self._store, _STORE_VERSION, "html", entries)
        except OSError as exc:
            raise environment_failure(exc, doing="write", path=self._store) from None
        self._stored = used

    def parse(self, text: str) -> fm.Document:
        """:func:`frontmatter.parse`, memoised; errors are raised again on every call, never cached."""
        self._used_docs.add(text)
        doc = self._docs.get(text)
        if doc is None:
            self.misses += 1
            doc = self._docs[text] = fm.parse(text, self._yaml.load if self._yaml is not None else None)
        else:
            self.hits += 1
        return doc

    def convert(self, markup: Markup, text: str) -> str:
        if isinstance(text, Untrusted):  # checked before the memo, which could hold the same text as Markdown
            raise TypeError("text from a photo's metadata is plain text; use untrusted.plain_html()")
        key = (markup.base_path, text)
        self._used_html.add(key)
        html = self._html.get(key)
        if html is None and self._stored:
            html = self._stored.get((markup.base_path, _digest(text)))
            if html is not None:
                self.hits += 1
                self._html[key] = html
                return html
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
