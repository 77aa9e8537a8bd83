"""Every protection the audit checks, each as crawlers and dataset tools actually read it.

robots.txt is run through both parsers that matter (protego, which Scrapy
uses, and CPython's ``urllib.robotparser``); headers are read per response,
first ``X-Robots-Tag`` line first, because that is all some readers look at;
image files are opened and their EXIF/XMP read back. A check that fails
names what is wrong where, and one line on how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from .credentials import credentials_check
from .expect import Expected, expected
from .findings import Findings, gather
from .images import image_checks, originals_check
from .labels import obsolete_labels_check
from .model import FIX_UNCHECKED, Check, Report, Status
from .refusal import refusal_check
from .robots import ai_txt_check, robots_checks
from .rsl import rsl_check
from .signals import (
    cache_check,
    header_problems,
    headers_check,
    licence_data_check,
    meta_check,
    tdm_policy_check,
    tdmrep_check,
)
from .source import HttpSource, Response, Source
from .unlisted import their_images, unlisted_pages

SWITCHED_OFF = "switched off in sitegen.toml"


def _off(cid: str, title: str, switch: str) -> Check:
    return Check(cid, title, Status.SKIP, f"{SWITCHED_OFF} ({switch})")


def run_audit(
    source: Source,
    *,
    config: Config | None = None,
    originals: list[Path] | None = None,
    max_size: int | None = None,
    licensing_url: str | None = None,
) -> Report:
    """Check every protection of the site behind ``source``; ``config`` (from --site) sets what is expected."""
    report = Report(source.describe(), source.mode)
    want = expected(config)
    # Crawlers read these at the host root, whatever sub-path the site lives under.
    robots = source.get("/robots.txt")
    ai_txt = source.get("/ai.txt")
    tdmrep = source.get("/.well-known/tdmrep.json")
    findings = gather(source)

    checks = _robots_checks(source, want, robots, findings)
    checks += _signal_checks(source, want, ai_txt, tdmrep, findings)
    checks.append(obsolete_labels_check(robots, ai_txt, findings))
    licensing = licensing_url if licensing_url is not None else want.licensing_url
    found = image_checks(findings, max_size if max_size is not None else want.max_size, licensing)
    if not want.embed_rights:
        found = [_off(c.id, c.title, "[metadata] embed_rights = false") if c.id == "image-rights" else c for c in found]
    checks += found
    checks.append(credentials_check(findings, config))
    checks.append(originals_check(source, findings, list(originals or [])))
    checks.append(rsl_check(source, want, robots))
    checks.append(refusal_check(source, want, findings))
    checks = [
        c
        if c.detail.startswith(SWITCHED_OFF) or c.id == "refusal"
        else _covered(c, *_gap_of(c.id, findings, source.mode == "url", robots, ai_txt, tdmrep))
        for c in checks
    ]
    checks.append(_coverage_check(source, findings))
    report.checks = checks
    report.stats = {
        "pages": len(findings.pages),
        "images": len(findings.images),
        "requests": source.requests_made,
        "pages_not_checked": findings.skipped_pages,
        "images_not_checked": findings.skipped_images,
        "not_checked": findings.skipped_pages + findings.skipped_images,
    }
    return report


def _robots_checks(source: Source, want: Expected, robots: Response, findings: Findings) -> list[Check]:
    origin = source.origin if isinstance(source, HttpSource) else "http://localhost"
    where = "/robots.txt" + (" (the host root, where crawlers look)" if source.base_path != "/" else "")
    text = robots.body.decode("utf-8", "replace") if robots.ok else None
    admit = list(want.admit)
    if want.policy_on:
        return robots_checks(text, where, findings.url_paths, list(want.refuse), admit, origin)
    plain = robots_checks(text, where, findings.url_paths, [], admit, origin)
    return [c if c.id == "robots-search" else _off(c.id, c.title, '[protect] policy = "off"') for c in plain]


def _signal_checks(
    source: Source, want: Expected, ai_txt: Response, tdmrep: Response, findings: Findings
) -> list[Check]:
    """ai.txt, TDMRep, meta tags, licence data, the TDM policy and the headers, as the config asks for them."""
    checks: list[Check] = []
    if not want.ai_txt:
        checks.append(_off("ai-txt", "ai.txt refuses AI training", "[protect] ai_txt or policy"))
    else:
        checks.append(ai_txt_check(ai_txt))
    policy_urls: set[str] = set()
    if want.tdmrep:
        tdm_check, policies = tdmrep_check(tdmrep, [source.base_path, *findings.image_paths_seen[:1]])
        checks.append(tdm_check)
        policy_urls.update(policies)
    else:
        checks.append(_off("tdmrep", "TDMRep reserves mining rights", "[protect] tdmrep or policy"))
    unlisted = unlisted_pages(findings, source.get(source.base_path + "sitemap.xml"))
    meta, visible, meta_policies = meta_check(findings, unlisted, their_images(findings, unlisted))
    if not (want.noai and want.tdmrep):
        meta = _off("meta-tags", meta.title, "[protect] noai, tdmrep or policy")
    checks += [meta, visible]
    if not want.json_ld:
        checks.append(_off("licence-data", "Licence data for search engines", "[licensing] json_ld = false"))
    else:
        checks.append(licence_data_check(findings))
    if want.tdmrep:
        for response in [*findings.pages.values(), *findings.images.values()]:
            for _, view in response.views():
                policy_urls.update(view.header_values("tdm-policy"))
        checks.append(tdm_policy_check(source, policy_urls | meta_policies))
    if want.policy_on and (want.header_files or source.mode == "url"):
        checks.append(headers_check("headers-page", "Headers on pages", findings.pages, source, "page"))
        checks.append(headers_check("headers-image", "Headers on images", findings.images, source, "image"))
        checks.append(cache_check(findings.images))
    else:
        for cid, title in (("headers-page", "Headers on pages"), ("headers-image", "Headers on images")):
            checks.append(_off(cid, title, "[protect] header_files or policy"))
    return checks


PAGE_CHECKS = {"meta-tags", "search-visible", "licence-data", "headers-page"}
IMAGE_CONTENT_CHECKS = {"image-privacy", "image-rights", "image-size", "image-credentials", "originals"}
IMAGE_RESPONSE_CHECKS = {"headers-image", "image-cache"}


def _reached(response: Response) -> tuple[str, int]:
    """A single file: (why it could not be checked, 0) or ('', 1). A 404 is a finding, not a gap."""
    return (f"{response.url_path}: {response.error}", 0) if response.error else ("", 1)


def _gap_of(
    cid: str, findings: Findings, url_mode: bool, robots: Response, ai_txt: Response, tdmrep: Response
) -> tuple[str, int]:
    """What a check should have seen and did not, and how many things it did see."""
    ok_images = sum(1 for r in findings.images.values() if r.ok)
    if cid in PAGE_CHECKS:
        return findings.page_gap(), sum(1 for r in findings.pages.values() if r.ok)
    # Over HTTP, images are found on the pages: the images of a page not read were never seen.
    unseen = f"the images of {findings.skipped_pages} pages not read" if url_mode and findings.skipped_pages else ""
    if cid in IMAGE_CONTENT_CHECKS:
        gap = ", ".join(filter(None, [findings.image_gap(content=True), unseen]))
        return gap, ok_images - len(findings.images_unreadable)
    if cid in IMAGE_RESPONSE_CHECKS:
        return ", ".join(filter(None, [findings.image_gap(content=False), unseen])), ok_images
    if cid.startswith("robots-"):
        return _reached(robots)
    return {"ai-txt": _reached(ai_txt), "tdmrep": _reached(tdmrep)}.get(cid, ("", 1))


def _covered(check: Check, gap: str, seen: int) -> Check:
    """A check is a pass only for everything it should have seen: anything left unseen makes it UNCHECKED.

    A failure or warning stays (what was seen is wrong), with what was not seen added; a verdict
    reached from seeing nothing at all ("no page found") is no verdict.
    """
    if not gap:
        return check
    if not seen:
        return Check(check.id, check.title, Status.UNCHECKED, f"not checked: {gap}", FIX_UNCHECKED)
    if check.status in (Status.FAIL, Status.WARN):
        return Check(check.id, check.title, check.status, f"{check.detail}; not checked: {gap}", check.fix)
    return Check(check.id, check.title, Status.UNCHECKED, f"{check.detail}; not checked: {gap}", FIX_UNCHECKED)


def _coverage_check(source: Source, findings: Findings) -> Check:
    """Checked N of M: what the audit saw, and what it did not (and why)."""
    pages_found = len(set(findings.pages) | set(findings.pages_missed))
    images_found = len(set(findings.image_paths_seen) | set(findings.images))
    checked_pages = len(findings.page_facts)
    checked_images = sum(1 for f in findings.image_facts.values() if not f.error)
    detail = f"checked {checked_pages} of {pages_found} pages and {checked_images} of {images_found} images"
    if isinstance(source, HttpSource):
        detail += f" with {source.requests_made} requests"
    gaps = [g for g in (findings.page_gap(), findings.image_gap()) if g]
    if not checked_pages:
        gaps.append("no page could be read")
    if not gaps:
        return Check("coverage", "Audit coverage", Status.PASS, detail)
    return Check(
        "coverage", "Audit coverage", Status.UNCHECKED, f"{detail}; not checked: {'; '.join(gaps)}", FIX_UNCHECKED
    )


__all__ = ["header_problems", "run_audit"]
