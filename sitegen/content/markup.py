"""Markdown to HTML, with site-root links that keep working under a sub-path.

Authors write ``[About](/about/)`` and ``![](/files/cv.pdf)`` as if the site
lived at a domain root; when ``base_url`` puts it under ``/portfolio/`` those
links are rewritten here, so content never has to know where it is deployed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]


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
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        if base_path != "/":
            self._md.treeprocessors.register(_RootLinks(self._md, base_path), "sitegen-root-links", 1)

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
