"""What the checks share: everything fetched once, and small wording helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .html import PageFacts, read_page, sitemap_images
from .imagemeta import ImageFacts, read_facts
from .source import IMAGE_SUFFIXES, MB, FolderSource, HttpSource, Response, Source

IMAGE_LIMIT = 40 * MB  # an image larger than this is certainly not a web derivative


@dataclass
class Findings:
    """Everything fetched once and shared by the checks."""

    pages: dict[str, Response] = field(default_factory=dict)
    page_facts: dict[str, PageFacts] = field(default_factory=dict)
    images: dict[str, Response] = field(default_factory=dict)
    image_facts: dict[str, ImageFacts] = field(default_factory=dict)
    image_paths_seen: list[str] = field(default_factory=list)  # every image URL found (fetched or not)
    skipped_pages: int = 0
    skipped_images: int = 0

    @property
    def url_paths(self) -> list[str]:
        """Every page and image URL found, for the robots.txt checks."""
        return list(self.pages) + self.image_paths_seen


def short(items: Iterable[str], n: int = 3) -> str:
    items = list(items)
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def why(response: Response) -> str:
    return response.error or f"HTTP {response.status}"


def gather(source: Source) -> Findings:
    """Fetch the pages and images to check: all of a folder; for a URL, within the request budget."""
    findings = Findings()
    paths = source.page_paths()
    if isinstance(source, HttpSource):
        page_budget = max(10, source.budget_left // 2)
        queue = list(paths)
        seen = set(queue)
        while queue and len(findings.pages) < page_budget and source.budget_left > 10:
            path = queue.pop(0)
            response = source.get(path)
            findings.pages[path] = response
            if response.ok and "html" in (response.header("Content-Type") or "text/html"):
                facts = read_page(response.body)
                findings.page_facts[path] = facts
                if len(paths) == 1:  # no sitemap: follow links inside the site
                    for link in facts.links:
                        target = source.url_path(link, path)
                        if (
                            target
                            and target.startswith(source.base_path)
                            and target not in seen
                            and (target.endswith("/") or target.endswith(".html"))
                        ):
                            seen.add(target)
                            queue.append(target)
        findings.skipped_pages = len(queue)
        sitemap = source.get(source.base_path + "sitemap.xml")
        candidates = [source.url_path(u, any_host=True) for u in sitemap_images(sitemap.body)] if sitemap.ok else []
        for path, facts in findings.page_facts.items():
            candidates += [source.url_path(link, path) for link in facts.images]
        # Vector artwork (a logo, icons) carries no photo rights fields and has no pixel size to cap.
        image_paths = [p for p in dict.fromkeys(candidates) if p and PurePosixPath(p).suffix.lower() in IMAGE_SUFFIXES]
        findings.image_paths_seen = image_paths
        for path in image_paths:
            if source.budget_left <= 5:
                findings.skipped_images += 1
                continue
            findings.images[path] = source.get(path, limit=IMAGE_LIMIT)
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
        if response.ok and not response.truncated:
            findings.image_facts[path] = read_facts(response.body)
    return findings
