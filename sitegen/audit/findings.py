"""What the checks share: everything fetched once, and small wording helpers."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .html import PageFacts, read_page, sitemap_images
from .imagemeta import ImageFacts, read_facts
from .source import IMAGE_SUFFIXES, MB, FolderSource, HttpSource, Response, Source

IMAGE_LIMIT = 40 * MB  # an image larger than this is certainly not a web derivative


# Work bounds for a URL audit of a site with a huge number of links: resolving and queueing every link of
# every page made each page cost seconds (100,000 links) and the audit run for a quarter of an hour.
MAX_LINKED_IMAGES = 20_000  # distinct image URLs taken from pages (the rest are counted, not resolved)


@dataclass
class Findings:
    """Everything fetched once and shared by the checks, and what was not (coverage)."""

    pages: dict[str, Response] = field(default_factory=dict)
    page_facts: dict[str, PageFacts] = field(default_factory=dict)
    images: dict[str, Response] = field(default_factory=dict)
    image_facts: dict[str, ImageFacts] = field(default_factory=dict)
    image_paths_seen: list[str] = field(default_factory=list)  # every image URL found (fetched or not)
    pages_missed: dict[str, str] = field(default_factory=dict)  # page found but not checked -> why
    images_missed: dict[str, str] = field(default_factory=dict)  # image found but not fetched -> why
    images_unreadable: dict[str, str] = field(default_factory=dict)  # fetched, but no image could be read
    links_not_followed: int = 0  # distinct links left unread once enough pages were queued
    image_links_not_read: int = 0  # distinct image links beyond MAX_LINKED_IMAGES

    @property
    def url_paths(self) -> list[str]:
        """Every page and image URL found, for the robots.txt checks."""
        return list(self.pages) + self.image_paths_seen

    @property
    def skipped_pages(self) -> int:
        return len(self.pages_missed) + self.links_not_followed

    @property
    def skipped_images(self) -> int:
        return len(self.images_missed) + len(self.images_unreadable) + self.image_links_not_read

    def page_gap(self) -> str:
        """What the page checks did not see ('' when every page found was checked)."""
        return _gap(self.pages_missed, "page", self.links_not_followed)

    def image_gap(self, content: bool = True) -> str:
        """What the image checks did not see; ``content`` adds the files fetched but unreadable."""
        more = f"{self.image_links_not_read} more image links not read" if self.image_links_not_read else ""
        missed = {**self.images_missed, **(self.images_unreadable if content else {})}
        return ", ".join(filter(None, [_gap(missed, "image"), more]))


def _gap(missed: dict[str, str], kind: str, links: int = 0) -> str:
    parts = []
    if missed:
        reasons: dict[str, list[str]] = {}
        for path, reason in missed.items():
            reasons.setdefault(reason, []).append(path)
        parts.append(
            f"{len(missed)} {kind}{'s' if len(missed) != 1 else ''}: "
            + "; ".join(f"{short(paths, 2)} ({reason})" for reason, paths in list(reasons.items())[:3])
        )
    if links:
        parts.append(f"{links} more links not followed")
    return ", ".join(parts)


def short(items: Iterable[str], n: int = 3) -> str:
    items = list(items)
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def why(response: Response) -> str:
    return response.error or f"HTTP {response.status}"


GONE = (404, 410)  # nothing is published there, so nothing there needs protecting: not a gap


def gather(source: Source) -> Findings:
    """Fetch the pages and images to check: all of a folder; for a URL, within the request budget and time."""
    findings = Findings()
    paths = source.page_paths()
    if isinstance(source, HttpSource):
        _gather_url(source, paths, findings)
    else:
        assert isinstance(source, FolderSource)
        for path in paths:
            response = source.get(path)
            findings.pages[path] = response
            findings.page_facts[path] = read_page(response.body)
        findings.image_paths_seen = source.image_paths()
        for path in findings.image_paths_seen:
            findings.images[path] = source.get(path, limit=IMAGE_LIMIT)
    for path, response in findings.images.items():
        if not response.ok:
            if response.error or response.status not in GONE:
                findings.images_missed[path] = why(response)
            continue
        # A body cut at the size limit still has its header and metadata at the start.
        facts = read_facts(response.body)
        findings.image_facts[path] = facts
        if facts.error:
            findings.images_unreadable[path] = facts.error
    return findings


def _gather_url(source: HttpSource, paths: list[str], findings: Findings) -> None:
    page_budget = max(10, source.budget_left // 2)
    queue = deque(paths)
    seen = set(paths)
    unread_links: set[str] = set()
    follow = len(paths) == 1  # no sitemap: follow links inside the site
    while queue and len(findings.pages) < page_budget and (source.budget_left > 10 or source.has(queue[0])):
        path = queue.popleft()
        response = source.get(path)
        findings.pages[path] = response
        if not response.ok:
            if response.error or response.status not in GONE:
                findings.pages_missed[path] = why(response)
            continue
        if "html" not in (response.header("Content-Type") or "text/html"):
            continue
        facts = read_page(response.body)
        findings.page_facts[path] = facts
        if not follow:
            continue
        for n, link in enumerate(facts.links):
            # Only as many pages as can still be fetched are queued; resolving the rest would cost time
            # per link on every page (the superlinear part) and change nothing that is checked.
            if len(findings.pages) + len(queue) >= page_budget:
                unread_links.update(facts.links[n:])
                break
            target = source.url_path(link, path)
            if (
                target
                and target.startswith(source.base_path)
                and target not in seen
                and (target.endswith("/") or target.endswith(".html"))
            ):
                seen.add(target)
                queue.append(target)
    stop = source.limit_reached() or "the rest of --max-requests is kept for images"
    for path in queue:
        findings.pages_missed[path] = stop
    findings.links_not_followed = len(unread_links - seen)
    sitemap = source.get(source.base_path + "sitemap.xml")
    # Sitemap entries may name the production host (see HttpSource.url_path); page links must be this origin.
    raw: dict[tuple[str, str, bool], None] = {}
    if sitemap.ok:
        raw.update(((u, "/", True), None) for u in sitemap_images(sitemap.body))
    for path, facts in findings.page_facts.items():
        raw.update(((link, path, False), None) for link in facts.images)
    candidates = [source.url_path(link, page, any_host) for link, page, any_host in list(raw)[:MAX_LINKED_IMAGES]]
    findings.image_links_not_read = max(0, len(raw) - MAX_LINKED_IMAGES)
    # Vector artwork (a logo, icons) carries no photo rights fields and has no pixel size to cap.
    image_paths = [p for p in dict.fromkeys(candidates) if p and PurePosixPath(p).suffix.lower() in IMAGE_SUFFIXES]
    findings.image_paths_seen = image_paths
    for path in image_paths:
        if source.budget_left <= 5:
            findings.images_missed[path] = source.limit_reached() or f"--max-requests {source.max_requests} used up"
            continue
        findings.images[path] = source.get(path, limit=IMAGE_LIMIT)
