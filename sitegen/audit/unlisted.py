"""Pages a site leaves out of every listing on purpose (unlisted and client galleries).

Such a page says ``noindex`` so that search engines do not list what the site itself does not; that
is no mistake to report. What tells it apart from a page hidden by accident is what a crawler sees:
no indexable page links to it and the sitemap does not name it. A page that is linked from a listed
page (or is in the sitemap) and says ``noindex`` is still reported: that is the accident. The audit
reads this from the published files alone (it shares no code with the generator), and every other
check still applies to these pages and their images.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from .findings import Findings
from .html import sitemap_locations
from .source import Response

NOINDEX = "noindex"


def _path(link: str, page: str) -> str:
    return urlsplit(urljoin("http://site" + page, link)).path


def unlisted_pages(findings: Findings, sitemap: Response | None) -> set[str]:
    """The ``noindex`` pages no indexable page links to and the sitemap leaves out."""
    hidden = {path for path, facts in findings.page_facts.items() if NOINDEX in facts.robots_directives()}
    if not hidden:
        return set()
    listed = (
        {urlsplit(u).path for u in sitemap_locations(sitemap.body)} if sitemap is not None and sitemap.ok else set()
    )
    for path, facts in findings.page_facts.items():
        if path not in hidden:
            listed.update(_path(link, path) for link in facts.links)
    return hidden - listed


def their_images(findings: Findings, unlisted: set[str]) -> set[str]:
    """Images that only unlisted pages show: a noindex header on them is on purpose too."""
    shown_elsewhere: set[str] = set()
    shown_unlisted: set[str] = set()
    for path, facts in findings.page_facts.items():
        target = shown_unlisted if path in unlisted else shown_elsewhere
        target.update(_path(image, path) for image in facts.images)
    return shown_unlisted - shown_elsewhere
