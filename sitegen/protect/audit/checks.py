"""Every protection the audit checks, each as crawlers and dataset tools actually read it.

robots.txt is run through both parsers that matter (protego, which Scrapy
uses, and CPython's ``urllib.robotparser``); headers are read per response,
first ``X-Robots-Tag`` line first, because that is all some readers look at;
image files are opened and their EXIF/XMP read back. A check that fails
names what is wrong where, and one line on how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from protego import Protego

from .. import crawlers
from ..policy import signals_for
from .html import PageFacts, read_page, sitemap_images
from .imagemeta import ImageFacts, read_facts
from .model import Check, Report, Status
from .source import IMAGE_SUFFIXES, MB, FolderSource, HttpSource, Response, Source

if TYPE_CHECKING:
    from ...config import Config

# Checked against every URL; the full list is checked against a sample (see _robots_checks).
CORE_AI_AGENTS = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "Bytespider",
    "meta-externalagent",
    "img2dataset",
    "cohere-training-data-crawler",
)
ROBOTS_SAMPLE = 24
HIDING = {"noindex", "noimageindex", "none"}  # take the photographer out of search; no AI opt-out needs them
IMAGE_LIMIT = 40 * MB  # an image larger than this is certainly not a web derivative
ORIGINAL_SUFFIXES = (".tif", ".tiff", ".heic", ".heif", ".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2")
FIX = {
    "robots": "Build with [protect] robots_txt = true and publish robots.txt at the root of the host: "
    "crawlers only read /robots.txt.",
    "headers": "Publish the generated _headers (Netlify, Cloudflare Pages) or .htaccess (Apache), or include "
    "server-config/nginx-site.conf or sitegen.caddy; see the README's deploy recipes.",
}


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


def _short(items: Iterable[str], n: int = 3) -> str:
    items = list(items)
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


# --- robots.txt ------------------------------------------------------------------------------------


def _robots_groups(text: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """(agents, rules) per group, as RFC 9309 groups them (rule lines end a run of User-agent lines)."""
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    agents: list[str] = []
    rules: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name in ("user-agent", "useragent", "user agent"):
            if rules:
                groups.append((agents, rules))
                agents, rules = [], []
            agents.append(value)
        elif agents:
            rules.append((name, value))
    if agents:
        groups.append((agents, rules))
    return groups


def _robots_checks(
    text: str | None, where: str, url_paths: list[str], refuse: list[str], admit: list[str], origin: str
) -> list[Check]:
    titles = {
        "robots-ai": "robots.txt refuses AI crawlers",
        "robots-search": "robots.txt admits search engines",
        "robots-usage": "robots.txt states AI usage preferences",
    }
    if text is None:
        return [
            Check(cid, title, Status.FAIL, f"no robots.txt at {where}", FIX["robots"]) for cid, title in titles.items()
        ]
    protego = Protego.parse(text)
    legacy = urllib.robotparser.RobotFileParser()
    legacy.parse(text.splitlines())
    legacy.modified()

    def allowed(agent: str, path: str) -> dict[str, bool]:
        url = origin + path
        return {"protego": protego.can_fetch(url, agent), "urllib.robotparser": legacy.can_fetch(agent, url)}

    paths = url_paths or ["/"]
    step = max(1, len(paths) // ROBOTS_SAMPLE)
    sample = paths[::step][:ROBOTS_SAMPLE]
    core = [a for a in CORE_AI_AGENTS if a in refuse] or refuse[:10]
    admitted: list[str] = []
    for agent in refuse:
        for path in paths if agent in core else sample:
            answers = allowed(agent, path)
            if any(answers.values()):
                parsers = " and ".join(p for p, ok in answers.items() if ok)
                admitted.append(f"{agent} on {path} ({parsers})")
                break
    checks = []
    if admitted:
        checks.append(
            Check(
                "robots-ai",
                titles["robots-ai"],
                Status.FAIL,
                f"{len(admitted)} of {len(refuse)} AI agents are let in: {_short(admitted)}",
                "List every AI agent in ONE group ending with 'Disallow: /', with no blank line inside it "
                "(sitegen's robots.txt does this).",
            )
        )
    else:
        checks.append(
            Check(
                "robots-ai",
                titles["robots-ai"],
                Status.PASS,
                f"{len(refuse)} AI agents refused on {len(paths)} URLs by protego and urllib.robotparser",
            )
        )
    refused = []
    for agent in admit:
        for path in paths if agent in crawlers.SEARCH_ENGINES else sample:
            answers = allowed(agent, path)
            if not all(answers.values()):
                parsers = " and ".join(p for p, ok in answers.items() if not ok)
                refused.append((agent, f"{agent} on {path} ({parsers})"))
                break
    core_refused = [text for agent, text in refused if agent in crawlers.SEARCH_ENGINES]
    if core_refused:
        status, detail = Status.FAIL, f"search engines are refused: {_short(core_refused)}"
    elif refused:
        status, detail = Status.WARN, f"refused, though usually wanted: {_short(t for _, t in refused)}"
    else:
        status, detail = Status.PASS, f"{_short(admit, 6)} admitted on every URL by both parsers"
    checks.append(
        Check(
            "robots-search",
            titles["robots-search"],
            status,
            detail,
            "Remove search engines from [protect] block_agents and never add a group for Googlebot: "
            "it would detach Googlebot from every '*' rule.",
        )
    )
    star = [rules for agents, rules in _robots_groups(text) if "*" in agents]
    lines = [(name, value) for rules in star for name, value in rules]
    signal = " ".join(v for n, v in lines if n == "content-signal").replace(" ", "")
    usage = " ".join(v for n, v in lines if n == "content-usage").replace(" ", "")
    missing = []
    if "ai-train=no" not in signal:
        missing.append("'Content-Signal: ... ai-train=no'")
    if "train-ai=n" not in usage:
        missing.append("'Content-Usage: train-ai=n'")
    sitemaps = [
        v
        for n, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)
        if n.strip().lower() == "sitemap"
    ]
    sitemap_note = ""
    if not sitemaps:
        sitemap_note = "; no Sitemap line"
    elif not all(s.strip().startswith(("http://", "https://")) for s in sitemaps):
        sitemap_note = "; the Sitemap URL is not absolute"
    checks.append(
        Check(
            "robots-usage",
            titles["robots-usage"],
            Status.FAIL if missing else (Status.WARN if sitemap_note else Status.PASS),
            (
                f"the User-agent: * group lacks {' and '.join(missing)}"
                if missing
                else "Content-Signal and Content-Usage in the User-agent: * group"
            )
            + sitemap_note,
            'Rebuild with sitegen (policy other than "off"), and set [site] base_url so the Sitemap line is absolute.',
        )
    )
    return checks


# --- ai.txt and TDMRep -----------------------------------------------------------------------------


def _ai_txt_check(response: Response) -> Check:
    title, fix = "ai.txt refuses AI training", "Build with [protect] ai_txt = true and publish ai.txt at the host root."
    if not response.ok:
        return Check("ai-txt", title, Status.FAIL, f"no ai.txt at {response.url_path} ({_why(response)})", fix)
    groups = _robots_groups(response.body.decode("utf-8", "replace"))
    everyone = [rules for agents, rules in groups if "*" in agents]
    disallows = {v for rules in everyone for n, v in rules if n == "disallow"}
    if "/" in disallows or "*" in disallows:
        return Check("ai-txt", title, Status.PASS, "User-Agent: * with Disallow: / (Spawning format)")
    return Check("ai-txt", title, Status.FAIL, "ai.txt does not disallow everything for User-Agent: *", fix)


def _tdm_location_matches(pattern: str, path: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*")
    if regex.endswith(r"\$"):
        regex = regex[:-2] + "$"
    return re.match(regex, path) is not None


def _tdmrep_check(response: Response, probe_paths: list[str]) -> tuple[Check, list[str]]:
    title = "TDMRep reserves mining rights"
    fix = "Build with [protect] tdmrep = true; on GitHub Pages keep .nojekyll and upload hidden files (README)."
    if not response.ok:
        return Check("tdmrep", title, Status.FAIL, f"no {response.url_path} ({_why(response)})", fix), []
    try:
        rules = json.loads(response.body)
    except ValueError as exc:
        return Check("tdmrep", title, Status.FAIL, f"tdmrep.json is not valid JSON ({exc})", fix), []
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        return Check("tdmrep", title, Status.FAIL, "tdmrep.json must be a JSON array of objects", fix), []
    problems, policies = [], []
    for path in probe_paths:
        rule = next((r for r in rules if _tdm_location_matches(str(r.get("location", "")), path)), None)
        if rule is None:
            problems.append(f"no rule covers {path}")
        elif rule.get("tdm-reservation") != 1 or isinstance(rule.get("tdm-reservation"), bool):
            problems.append(f"{path}: tdm-reservation is {rule.get('tdm-reservation')!r}, not the number 1")
        elif not rule.get("tdm-policy"):
            problems.append(f"{path}: no tdm-policy")
        else:
            policies.append(str(rule["tdm-policy"]))
    if problems:
        return Check("tdmrep", title, Status.FAIL, "; ".join(problems[:3]), fix), policies
    return Check("tdmrep", title, Status.PASS, f"tdm-reservation 1 for {_short(probe_paths, 2)}"), policies


def _tdm_policy_check(source: Source, policy_urls: set[str]) -> Check:
    title = "TDM policy reachable"
    fix = "Publish tdm-policy.json with the site (sitegen writes it when [protect] tdmrep is on)."
    if not policy_urls:
        return Check("tdm-policy", title, Status.FAIL, "no tdm-policy URL is given anywhere", fix)
    problems, checked = [], 0
    for url in sorted(policy_urls):
        path = _own_path(source, url)
        if path is None:
            continue
        checked += 1
        response = source.get(path)
        if not response.ok:
            problems.append(f"{url} ({_why(response)})")
            continue
        if path.endswith(".json"):
            try:
                policy = json.loads(response.body)
            except ValueError:
                problems.append(f"{url} is not valid JSON")
                continue
            if not isinstance(policy, dict) or policy.get("profile") != "http://www.w3.org/ns/tdmrep":
                problems.append(f"{url} is not a TDMRep ODRL policy")
    if problems:
        return Check("tdm-policy", title, Status.FAIL, "; ".join(problems[:3]), fix)
    if not checked:
        return Check("tdm-policy", title, Status.WARN, f"policy on another site, not checked: {_short(policy_urls)}")
    return Check("tdm-policy", title, Status.PASS, f"{_short(policy_urls, 2)} is published")


def _own_path(source: Source, url: str) -> str | None:
    """The site path of a URL this audit may fetch, or None for another origin."""
    if isinstance(source, HttpSource):
        return source.url_path(url)
    if url.startswith("/"):
        return url
    if "://" in url:
        rest = url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return None


def _why(response: Response) -> str:
    return response.error or f"HTTP {response.status}"


# --- pages -----------------------------------------------------------------------------------------


def _meta_check(findings: Findings) -> tuple[Check, Check, set[str]]:
    title = "Meta tags on every page"
    fix = "Keep {{ protection_head }} in every <head> of your templates (base.html) and [protect] noai/tdmrep on."
    bad: list[str] = []
    hidden: list[str] = []
    policies: set[str] = set()
    for path, facts in findings.page_facts.items():
        directives = facts.robots_directives()
        missing = [d for d in ("noai", "noimageai") if d not in directives]
        if facts.meta.get("tdm-reservation", [""])[0].strip() != "1":
            missing.append("tdm-reservation=1")
        policy = facts.meta.get("tdm-policy", [""])[0].strip()
        if not policy:
            missing.append("tdm-policy")
        else:
            policies.add(policy)
        if missing:
            bad.append(f"{path} lacks {', '.join(missing)}")
        if directives & HIDING:
            hidden.append(f"{path} ({', '.join(sorted(directives & HIDING))})")
    for path, response in [*findings.pages.items(), *findings.images.items()]:
        for value in response.header_values("X-Robots-Tag"):
            # "googlebot: noindex" hides from that crawler: the part after a name prefix counts too.
            directives = {d.strip().split(":")[-1].strip().lower() for d in value.split(",")}
            if directives & HIDING:
                hidden.append(f"{path} (X-Robots-Tag: {value})")
                break
    n = len(findings.page_facts)
    if not n:
        meta = Check("meta-tags", title, Status.FAIL, "no HTML page found", fix)
    elif bad:
        meta = Check("meta-tags", title, Status.FAIL, f"{len(bad)} of {n} pages: {_short(bad, 2)}", fix)
    else:
        meta = Check(
            "meta-tags", title, Status.PASS, f"robots noai, noimageai, tdm-reservation, tdm-policy on {n} pages"
        )
    visible = Check(
        "search-visible",
        "Pages stay in search results",
        Status.WARN if hidden else Status.PASS,
        f"hidden from search: {_short(hidden)}" if hidden else "no noindex, noimageindex or none in pages or headers",
        "Remove noindex/noimageindex: no AI opt-out needs them, and they take you out of search.",
    )
    return meta, visible, policies


# --- headers ---------------------------------------------------------------------------------------


def header_problems(response: Response) -> list[str]:
    """What is wrong with the AI opt-out headers of one response (empty: all good)."""
    problems = []
    robots = response.header_values("X-Robots-Tag")
    if not robots:
        problems.append("no X-Robots-Tag")
    else:
        first = robots[0]
        if ":" in first.split(",")[0]:
            problems.append(f"first X-Robots-Tag is aimed at one crawler ({first!r})")
        directives = [d.strip() for d in first.split(",") if d.strip()]
        if "noai" not in directives or "noimageai" not in directives:
            problems.append(f"first X-Robots-Tag is {first!r}, not 'noai, noimageai'")
        elif set(directives) - {"noai", "noimageai"}:
            problems.append(f"first X-Robots-Tag {first!r} carries other directives (some readers drop the line)")
    reservation = response.header_values("tdm-reservation")
    if [v.strip() for v in reservation[:1]] != ["1"]:
        problems.append("no tdm-reservation: 1" if not reservation else f"tdm-reservation is {reservation[0]!r}")
    if not response.header("tdm-policy"):
        problems.append("no tdm-policy")
    usage = (response.header("Content-Usage") or "").replace(" ", "")
    if "train-ai=n" not in usage:
        problems.append("no Content-Usage: train-ai=n")
    return problems


def _headers_check(cid: str, title: str, responses: dict[str, Response], source: Source, kind: str) -> Check:
    ok = {p: r for p, r in responses.items() if r.ok}
    if not ok:
        return Check(cid, title, Status.FAIL, f"no {kind} could be fetched", FIX["headers"])
    if isinstance(source, FolderSource) and source.header_rules is None:
        extra = " (.htaccess present: checked by Apache only)" if source.htaccess else ""
        return Check(
            cid,
            title,
            Status.FAIL,
            f"the folder has no _headers file{extra}; run the audit on the deployed URL",
            FIX["headers"],
        )
    bad = []
    for path, response in ok.items():
        problems = header_problems(response)
        if problems:
            bad.append(f"{path}: {'; '.join(problems)}")
    if bad:
        return Check(cid, title, Status.FAIL, f"{len(bad)} of {len(ok)} {kind}s, e.g. {bad[0]}", FIX["headers"])
    return Check(
        cid,
        title,
        Status.PASS,
        f"X-Robots-Tag noai, noimageai first, tdm-*, Content-Usage on {len(ok)} {kind}s ({source.headers_note})",
    )


def _cache_check(images: dict[str, Response]) -> Check:
    title = "Images cached long-term"
    short = []
    for path, response in images.items():
        if not response.ok:
            continue
        match = re.search(r"max-age=(\d+)", response.header("Cache-Control") or "")
        if not match or int(match.group(1)) < 30 * 86400:
            short.append(path)
    if short:
        return Check(
            "image-cache",
            title,
            Status.WARN,
            f"{len(short)} images without long-lived Cache-Control: {_short(short, 1)}",
            "Publish the generated host file: image names carry a content hash, so a year is safe.",
        )
    return Check("image-cache", title, Status.PASS, "hashed images are cached for a long time")


# --- images ----------------------------------------------------------------------------------------


def _image_checks(findings: Findings, max_size: int, licensing: str | None) -> list[Check]:
    facts = findings.image_facts
    n = len(facts)
    checks = []
    private = [f"{p} ({', '.join(f.private)})" for p, f in facts.items() if f.private]
    checks.append(
        Check(
            "image-privacy",
            "No private data in images",
            Status.FAIL if private else (Status.PASS if n else Status.SKIP),
            f"{len(private)} images carry private data: {_short(private, 2)}"
            if private
            else f"no GPS, serial numbers or maker notes in {n} images",
            "Publish only sitegen's derivatives (it strips GPS, serials and maker notes); remove copies from static/.",
        )
    )
    rights_bad = []
    for path, f in facts.items():
        if f.error:
            rights_bad.append(f"{path}: {f.error}")
            continue
        missing = f.missing_rights()
        problems = [f"no {', '.join(missing)}"] if missing else []
        mining = f.data_mining()
        if f.rights_managed and mining and not mining.startswith("DMI-PROHIBITED"):
            problems.append(f"plus:DataMining says {mining}")
        if f.xmp_error:
            problems.append(f.xmp_error)
        statement = f.first("xmpRights", "WebStatement")
        if licensing and statement and statement != licensing:
            problems.append(f"WebStatement points to {statement}, not {licensing}")
        if problems:
            rights_bad.append(f"{path}: {'; '.join(problems)}")
    checks.append(
        Check(
            "image-rights",
            "Rights and data-mining fields in images",
            Status.FAIL if rights_bad else (Status.PASS if n else Status.SKIP),
            f"{len(rights_bad)} of {n} images, e.g. {rights_bad[0]}"
            if rights_bad
            else f"creator, copyright and WebStatement in {n} images; LicensorURL and data mining prohibited in "
            f"{sum(1 for f in facts.values() if f.rights_managed)} rights-managed ones",
            "Rebuild with sitegen's image pipeline, which embeds these fields in every derivative.",
        )
    )
    large = [f"{p} ({f.width}x{f.height})" for p, f in facts.items() if f.long_edge > max_size]
    large += [f"{p} (over {IMAGE_LIMIT // MB} MB)" for p, r in findings.images.items() if r.truncated]
    checks.append(
        Check(
            "image-size",
            f"No image above {max_size} px",
            Status.FAIL if large else (Status.PASS if n else Status.SKIP),
            f"{len(large)} images are larger: {_short(large, 2)}"
            if large
            else f"largest edge within {max_size} px in {n} images",
            "Publish only the derivatives sitegen builds ([images] max_size); never put photos in static/.",
        )
    )
    return checks


def _originals_check(source: Source, findings: Findings, originals: list[Path], max_size: int) -> Check:
    title = "No original reachable"
    fix = "Remove the file from static/ or the host; publish only what sitegen builds from content/."
    leaks: list[str] = []
    raw = [p for p in findings.image_paths_seen if p.lower().endswith(ORIGINAL_SUFFIXES)]
    if isinstance(source, FolderSource):
        raw += [source.url_path_of(p) for p in source.all_files() if p.suffix.lower() in ORIGINAL_SUFFIXES]
    leaks += [f"{p} (camera/RAW format)" for p in dict.fromkeys(raw)]
    camera = [p for p, f in findings.image_facts.items() if {"maker notes", "camera serial number"} & set(f.private)]
    leaks += [f"{p} (camera maker notes or serial: an unprocessed file)" for p in camera]
    if originals:
        digests = {hashlib.sha256(original.read_bytes()).hexdigest(): original for original in originals}
        if isinstance(source, FolderSource):
            for file in source.all_files():
                original = digests.get(hashlib.sha256(file.read_bytes()).hexdigest())
                if original is not None:
                    leaks.append(f"{source.url_path_of(file)} is the original {original.name}")
        else:
            for path, response in findings.images.items():
                if response.ok and hashlib.sha256(response.body).hexdigest() in digests:
                    leaks.append(f"{path} is an original")
            for path in _original_probes(source, originals):
                if source.budget_left <= 0:
                    break
                response = source.get(path, limit=IMAGE_LIMIT)
                if response.ok and hashlib.sha256(response.body).hexdigest() in digests:
                    leaks.append(f"{path} serves an original")
        compared = f"; compared byte for byte with {len(originals)} originals"
    else:
        compared = "; give --site DIR to compare with your originals byte for byte"
    if leaks:
        return Check("originals", title, Status.FAIL, f"{_short(leaks, 2)}", fix)
    return Check("originals", title, Status.PASS, f"no RAW/TIFF/HEIC file or camera-original image found{compared}")


def _original_probes(source: Source, originals: list[Path]) -> list[str]:
    """Where a careless upload would put an original: under its content path, with and without content/."""
    paths = []
    for original in originals:
        parts = original.parts
        rel = "/".join(parts[parts.index("content") + 1 :]) if "content" in parts else original.name
        for candidate in (rel, f"content/{rel}", original.name):
            path = source.base_path + candidate
            if path not in paths:
                paths.append(path)
    return paths


# --- gathering -------------------------------------------------------------------------------------


def _gather(source: Source, robots_paths: list[str]) -> Findings:
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
        image_paths = [p for p in dict.fromkeys(candidates) if p]
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
    robots_paths.extend(list(findings.pages) + findings.image_paths_seen)
    return findings


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
    signals = signals_for(config) if config is not None else None
    if max_size is None:
        max_size = config.images.max_size if config is not None else 2048
    # Crawlers read these at the host root, whatever sub-path the site lives under.
    robots = source.get("/robots.txt")
    ai_txt = source.get("/ai.txt")
    tdmrep = source.get("/.well-known/tdmrep.json")
    url_paths: list[str] = []
    findings = _gather(source, url_paths)

    if signals is not None and signals.any and signals.robots_txt:
        refuse = list(signals.ai_agents)
    else:  # no config, or the photographer's own robots.txt: at least every training crawler
        refuse = [c.token for c in crawlers.of_class("train")]
    blocked_on_purpose = {a.lower() for a in (config.protect.block_agents if config is not None else [])}
    admit = [a for a in crawlers.kept() if a.lower() not in blocked_on_purpose]
    origin = source.origin if isinstance(source, HttpSource) else "http://localhost"
    where = "/robots.txt" + (" (the host root, where crawlers look)" if source.base_path != "/" else "")
    robots_text = robots.body.decode("utf-8", "replace") if robots.ok else None

    def off(cid: str, title: str, switch: str) -> Check:
        return Check(cid, title, Status.SKIP, f"switched off in sitegen.toml ({switch})")

    checks: list[Check] = []
    if signals is not None and not signals.any:
        robots_checks = _robots_checks(robots_text, where, url_paths, [], admit, origin)
        checks += [
            c if c.id == "robots-search" else off(c.id, c.title, '[protect] policy = "off"') for c in robots_checks
        ]
    else:
        checks += _robots_checks(robots_text, where, url_paths, refuse, admit, origin)
    if signals is not None and not signals.ai_txt:
        checks.append(off("ai-txt", "ai.txt refuses AI training", "[protect] ai_txt or policy"))
    else:
        checks.append(_ai_txt_check(ai_txt))
    tdm_on = signals is None or signals.tdmrep
    policy_urls: set[str] = set()
    if tdm_on:
        probe = [source.base_path, *findings.image_paths_seen[:1]]
        tdm_check, policies = _tdmrep_check(tdmrep, probe)
        checks.append(tdm_check)
        policy_urls.update(policies)
    else:
        checks.append(off("tdmrep", "TDMRep reserves mining rights", "[protect] tdmrep or policy"))
    meta, visible, meta_policies = _meta_check(findings)
    if signals is not None and not (signals.noai and signals.tdmrep):
        meta = off("meta-tags", meta.title, "[protect] noai, tdmrep or policy")
    checks += [meta, visible]
    if tdm_on:
        for response in [*findings.pages.values(), *findings.images.values()]:
            policy_urls.update(response.header_values("tdm-policy"))
        policy_urls.update(meta_policies)
        checks.append(_tdm_policy_check(source, policy_urls))
    headers_expected = signals is None or (signals.any and (signals.header_files or source.mode == "url"))
    if headers_expected:
        checks.append(_headers_check("headers-page", "Headers on pages", findings.pages, source, "page"))
        checks.append(_headers_check("headers-image", "Headers on images", findings.images, source, "image"))
        checks.append(_cache_check(findings.images))
    else:
        for cid, title in (("headers-page", "Headers on pages"), ("headers-image", "Headers on images")):
            checks.append(off(cid, title, "[protect] header_files or policy"))
    if licensing_url is None and config is not None:
        from ...urls import Urls
        from ..licensing import licensing_url as site_licensing_url

        urls = Urls(config.site.base_url)
        licensing_url = site_licensing_url(urls) if urls.absolute else None
    checks += _image_checks(findings, max_size, licensing_url)
    checks.append(_originals_check(source, findings, list(originals or []), max_size))
    skipped = findings.skipped_pages + findings.skipped_images
    coverage = f"{len(findings.pages)} pages and {len(findings.images)} images checked" + (
        f" with {source.requests_made} requests" if isinstance(source, HttpSource) else ""
    )
    checks.append(
        Check(
            "coverage",
            "Audit coverage",
            Status.WARN if skipped else Status.PASS,
            coverage + (f"; {skipped} not checked: request budget used up" if skipped else ""),
            "Raise --max-requests to check everything.",
        )
    )
    report.checks = checks
    report.stats = {
        "pages": len(findings.pages),
        "images": len(findings.images),
        "requests": source.requests_made,
        "not_checked": skipped,
    }
    return report


__all__ = ["IMAGE_SUFFIXES", "header_problems", "run_audit"]
