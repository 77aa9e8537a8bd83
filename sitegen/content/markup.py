"""Markdown to HTML, with site-root links that keep working under a sub-path.

Authors write ``[About](/about/)`` and ``![](/files/cv.pdf)`` as if the site
lived at a domain root; when ``base_url`` puts it under ``/portfolio/`` those
links are rewritten here, so content never has to know where it is deployed.

Conversion time must grow linearly with a page's length. python-markdown's
inline pass (``InlineProcessor.run``, used by the core and again by
``smarty``) takes quadratic time in the number of children of one element:
it pops its work list from the front (``list.pop(0)``) and finds each child's
position with ``list(parent).index(child)``. ``smarty`` runs after the
prettifier has given every block a ``"\\n"`` tail, so on a long page every
top-level block pays for a scan of all the others (1 MB took 34 s, 50 MB never
finished). :class:`_LinearInlineProcessor` is the same pass with a queue and
a running index.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque

import markdown
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

from ..untrusted import Untrusted

EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]

# Pages above this many bytes of Markdown get a warning (see README, "Front matter"):
# a portfolio page that long is almost certainly a mistake (a pasted log, a generated file)
# and each one costs seconds on every build.
LARGE_PAGE_BYTES = 1_000_000


class _LinearInlineProcessor(InlineProcessor):
    """python-markdown's inline pass with its two quadratic steps made linear; output is identical."""

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        handle = self._InlineProcessor__handleInline  # type: ignore[attr-defined]
        placeholders = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        self.stashed_nodes = {}
        self.parent_map = {c: p for p in tree.iter() for c in p}
        tree_parents = [] if ancestors is None else ancestors[:]
        node = self.parent_map.get(tree)
        above: list[str] = []
        while node is not None:
            above.append(node.tag.lower())
            node = self.parent_map.get(node)
        tree_parents.extend(reversed(above))
        stack: deque[tuple[ET.Element, list[str]]] = deque([(tree, tree_parents)])
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            insert_queue = []
            # Elements inserted after the child being handled are visited next, as the
            # original's ``for child in current`` (index-based over a growing list) does.
            index = 0
            while index < len(current):
                child = current[index]
                if child.text and not isinstance(child.text, AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    found = placeholders(handle(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    stack.extend(found)
                    insert_queue.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dummy = ET.Element("d")
                    child.tail = None
                    tail_result = placeholders(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    position = index + 1
                    tail_result.reverse()
                    for new_child in tail_result:
                        self.parent_map[new_child[0]] = current
                        current.insert(position, new_child[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
                index += 1
            for element, found in insert_queue:
                for i, obj in enumerate(found):
                    element.insert(i, obj[0])
        return tree


class _RootLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attr, self.base_path + value[1:])


class Markup:
    """A reusable converter; python-markdown instances are stateful, so one per thread."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path  # the one setting the HTML depends on (site-root links), part of memo keys
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        for processor in self._md.treeprocessors:
            if type(processor) is InlineProcessor:
                processor.__class__ = _LinearInlineProcessor
        if base_path != "/":
            self._md.treeprocessors.register(_RootLinks(self._md, base_path), "sitegen-root-links", 1)

    def convert(self, text: str) -> str:
        """HTML of the photographer's own Markdown (raw HTML kept: their files are trusted)."""
        if isinstance(text, Untrusted):
            # A photo's metadata is never Markdown: it would keep raw HTML (stored XSS). See untrusted.plain_html.
            raise TypeError("text from a photo's metadata is plain text; use untrusted.plain_html()")
        self._md.reset()
        return self._md.convert(text)
