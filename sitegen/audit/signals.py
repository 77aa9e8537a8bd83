"""The per-page and per-response signals: TDMRep, the TDM policy, meta tags and HTTP headers."""

from __future__ import annotations

import json
import re

from .findings import Findings, short, why
from .model import Check, Status
from .source import FolderSource, HttpSource, Response, Source

HIDING = {"noindex", "noimageindex", "none"}  # take the photographer out of search; no AI opt-out needs them
FIX_HEADERS = (
    "Publish the generated _headers (Netlify, Cloudflare Pages), .htaccess (Apache) or vercel.json (Vercel), or "
    "include server-config/nginx-site.conf or sitegen.caddy; see the README's deploy recipes."
)


def _tdm_location_matches(pattern: str, path: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*")
    if regex.endswith(r"\$"):
        regex = regex[:-2] + "$"
    return re.match(regex, path) is not None


def tdmrep_check(response: Response, probe_paths: list[str]) -> tuple[Check, list[str]]:
    title = "TDMRep reserves mining rights"
    fix = "Build with [protect] tdmrep = true; on GitHub Pages keep .nojekyll and upload hidden files (README)."
    if not response.ok:
        return Check("tdmrep", title, Status.FAIL, f"no {response.url_path} ({why(response)})", fix), []
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
    return Check("tdmrep", title, Status.PASS, f"tdm-reservation 1 for {short(probe_paths, 2)}"), policies


def tdm_policy_check(source: Source, policy_urls: set[str]) -> Check:
    title = "TDM policy reachable"
    fix = "Publish tdm-policy.json with the site (sitegen writes it when [protect] tdmrep is on)."
    if not policy_urls:
        return Check("tdm-policy", title, Status.FAIL, "no tdm-policy URL is given anywhere", fix)
    problems, checked, unreached = [], 0, []
    for url in sorted(policy_urls):
        path = own_path(source, url)
        if path is None:
            continue
        checked += 1
        response = source.get(path)
        if response.error:  # no answer from the host (timeout, loop, limits): not a verdict on the policy
            unreached.append(f"{url} ({response.error})")
            continue
        if not response.ok:
            problems.append(f"{url} ({why(response)})")
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
    if unreached:
        return Check("tdm-policy", title, Status.UNCHECKED, f"not checked: {short(unreached, 2)}", fix)
    if not checked:
        return Check("tdm-policy", title, Status.WARN, f"policy on another site, not checked: {short(policy_urls)}")
    return Check("tdm-policy", title, Status.PASS, f"{short(policy_urls, 2)} is published")


def own_path(source: Source, url: str) -> str | None:
    """The site path of a URL this audit may fetch, or None for another origin."""
    if isinstance(source, HttpSource):
        return source.url_path(url)
    if url.startswith("/"):
        return url
    if "://" in url:
        rest = url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return None


def meta_check(
    findings: Findings, unlisted: set[str] | frozenset[str] = frozenset(), unlisted_images: set[str] | None = None
) -> tuple[Check, Check, set[str]]:
    """``unlisted``: pages left out of every listing on purpose (:mod:`.unlisted`): their noindex is not
    reported, every other signal is checked as on any page; ``unlisted_images``: the images only they show."""
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
        if directives & HIDING and path not in unlisted:
            hidden.append(f"{path} ({', '.join(sorted(directives & HIDING))})")
    on_purpose = set(unlisted) | (unlisted_images or set())
    for path, response in [*findings.pages.items(), *findings.images.items()]:
        if path in on_purpose:
            continue
        values = dict.fromkeys(v for _, view in response.views() for v in view.header_values("X-Robots-Tag"))
        for value in values:
            # "googlebot: noindex" hides from that crawler: the part after a name prefix counts too.
            directives = {d.strip().split(":")[-1].strip().lower() for d in value.split(",")}
            if directives & HIDING:
                hidden.append(f"{path} (X-Robots-Tag: {value})")
                break
    n = len(findings.page_facts)
    if not n:
        meta = Check("meta-tags", title, Status.FAIL, "no HTML page found", fix)
    elif bad:
        meta = Check("meta-tags", title, Status.FAIL, f"{len(bad)} of {n} pages: {short(bad, 2)}", fix)
    else:
        meta = Check(
            "meta-tags", title, Status.PASS, f"robots noai, noimageai, tdm-reservation, tdm-policy on {n} pages"
        )
    visible = Check(
        "search-visible",
        "Pages stay in search results",
        Status.WARN if hidden else Status.PASS,
        f"hidden from search: {short(hidden)}"
        if hidden
        else "no noindex, noimageindex or none in pages or headers"
        + (f" (but on {len(unlisted)} unlisted pages, in no listing or sitemap: on purpose)" if unlisted else ""),
        "Remove noindex/noimageindex: no AI opt-out needs them, and they take you out of search.",
    )
    return meta, visible, policies


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


def problems_by_host(response: Response) -> str:
    """What is wrong with one response's headers, naming the hosts when they would not all send the same."""
    views = response.views()
    found: dict[tuple[str, ...], list[str]] = {}
    seen: dict[tuple[tuple[str, str], ...], tuple[str, ...]] = {}  # hosts usually send the same: judged once
    for host, view in views:
        key = tuple(view.headers)
        problems = seen[key] if key in seen else seen.setdefault(key, tuple(header_problems(view)))
        if problems:
            found.setdefault(problems, []).append(host)
    if len(found) == 1 and len(next(iter(found.values()))) == len(views):
        return "; ".join(next(iter(found)))
    return "; ".join(f"{'; '.join(problems)} ({', '.join(hosts)})" for problems, hosts in found.items())


def headers_check(cid: str, title: str, responses: dict[str, Response], source: Source, kind: str) -> Check:
    ok = {p: r for p, r in responses.items() if r.ok}
    if not ok:
        return Check(cid, title, Status.FAIL, f"no {kind} could be fetched", FIX_HEADERS)
    if isinstance(source, FolderSource) and not source.host_files.hosts:
        return Check(
            cid,
            title,
            Status.FAIL,
            "the folder has no _headers or .htaccess file; run the audit on the deployed URL",
            FIX_HEADERS,
        )
    bad = []
    for path, response in ok.items():
        problems = problems_by_host(response)
        if problems:
            bad.append(f"{path}: {problems}")
    if bad:
        detail = f"{len(bad)} of {len(ok)} {kind}s, e.g. {bad[0]}"
        if isinstance(source, FolderSource) and source.host_files.problems:
            detail += f"; {short(source.host_files.problems, 2)}"
        return Check(cid, title, Status.FAIL, detail, FIX_HEADERS)
    return Check(
        cid,
        title,
        Status.PASS,
        f"X-Robots-Tag noai, noimageai first, tdm-*, Content-Usage on {len(ok)} {kind}s ({source.headers_note})",
    )


def cache_check(images: dict[str, Response]) -> Check:
    title = "Images cached long-term"
    uncached = []
    for path, response in images.items():
        if not response.ok:
            continue
        for _, view in response.views():
            match = re.search(r"max-age=(\d+)", view.header("Cache-Control") or "")
            if not match or int(match.group(1)) < 30 * 86400:
                uncached.append(path)
                break
    if uncached:
        return Check(
            "image-cache",
            title,
            Status.WARN,
            f"{len(uncached)} images without long-lived Cache-Control: {short(uncached, 1)}",
            "Publish the generated host file: image names carry a content hash, so a year is safe.",
        )
    return Check("image-cache", title, Status.PASS, "hashed images are cached for a long time")


IMAGE_OBJECT_FIELDS = ("contentUrl", "license", "acquireLicensePage", "creditText", "creator", "copyrightNotice")


def _image_objects(data: object) -> list[dict]:
    """Every schema.org ImageObject in one JSON-LD block (top level, a list, or an @graph)."""
    items = data if isinstance(data, list) else [data]
    found: list[dict] = []
    for item in items:
        if isinstance(item, dict):
            if item.get("@type") == "ImageObject":
                found.append(item)
            found += _image_objects(item.get("@graph", []))
    return found


def licence_data_check(findings: Findings) -> Check:
    """schema.org ImageObject on photo pages: what Google Images needs for its "Licensable" badge.

    A photo page is one whose og:type is "article" (as the default theme marks them); any page
    with an ImageObject is checked for the fields Google reads, and broken JSON-LD always fails.
    """
    title = "Licence data for search engines"
    fix = "Keep {{ protection_head }} in every <head> and [licensing] json_ld on."
    problems: list[str] = []
    objects = 0
    for path, facts in findings.page_facts.items():
        if facts.json_ld_errors:
            problems.append(f"{path}: JSON-LD that is not valid JSON")
        found = [obj for block in facts.json_ld for obj in _image_objects(block)]
        objects += len(found)
        if not found and "article" in facts.meta.get("og:type", []):
            problems.append(f"{path}: photo page without an ImageObject")
        for obj in found:
            missing = [k for k in IMAGE_OBJECT_FIELDS if not obj.get(k)]
            if missing:
                problems.append(f"{path}: ImageObject lacks {', '.join(missing)}")
    if problems:
        return Check("licence-data", title, Status.FAIL, f"{len(problems)} problems: {short(problems, 2)}", fix)
    if not objects:
        return Check("licence-data", title, Status.WARN, "no page carries a schema.org ImageObject", fix)
    return Check(
        "licence-data", title, Status.PASS, f"{objects} ImageObjects with licence, creator and where to license"
    )
