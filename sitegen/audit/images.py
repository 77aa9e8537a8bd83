"""The published image files: private data, rights and data-mining fields, size, originals."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .findings import IMAGE_LIMIT, Findings, short
from .model import FIX_UNCHECKED, Check, Status
from .source import MB, FolderSource, Source

ORIGINAL_SUFFIXES = (".tif", ".tiff", ".heic", ".heif", ".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2")


def image_checks(findings: Findings, max_size: int, licensing: str | None) -> list[Check]:
    # Unreadable files are left out here: they are reported as not checked (findings.image_gap), never as clean.
    facts = {p: f for p, f in findings.image_facts.items() if not f.error}
    n = len(facts)
    checks = []
    private = [f"{p} ({', '.join(f.private)})" for p, f in facts.items() if f.private]
    checks.append(
        Check(
            "image-privacy",
            "No private data in images",
            Status.FAIL if private else (Status.PASS if n else Status.SKIP),
            f"{len(private)} images carry private data: {short(private, 2)}"
            if private
            else f"no GPS, serial numbers or maker notes in {n} images",
            "Publish only sitegen's derivatives (it strips GPS, serials and maker notes); remove copies from static/.",
        )
    )
    rights_bad = []
    for path, f in facts.items():
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
            f"{len(large)} images are larger: {short(large, 2)}"
            if large
            else f"largest edge within {max_size} px in {n} images",
            "Publish only the derivatives sitegen builds ([images] max_size); never put photos in static/.",
        )
    )
    return checks


def originals_check(source: Source, findings: Findings, originals: list[Path]) -> Check:
    title = "No original reachable"
    fix = "Remove the file from static/ or the host; publish only what sitegen builds from content/."
    leaks: list[str] = []
    untried = ""
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
            probes = _original_probes(source, originals)
            for n, path in enumerate(probes):
                response = source.get(path, limit=IMAGE_LIMIT)
                if response.limited:
                    untried = f"{len(probes) - n} of {len(probes)} places an original could be ({response.error})"
                    break
                if response.ok and hashlib.sha256(response.body).hexdigest() in digests:
                    leaks.append(f"{path} serves an original")
        compared = f"; compared byte for byte with {len(originals)} originals"
    else:
        compared = "; give --site DIR to compare with your originals byte for byte"
    if leaks:
        return Check(
            "originals", title, Status.FAIL, f"{short(leaks, 2)}" + (f"; not tried: {untried}" if untried else ""), fix
        )
    found = f"no RAW/TIFF/HEIC file or camera-original image found{compared}"
    if untried:
        return Check("originals", title, Status.UNCHECKED, f"{found}; not tried: {untried}", FIX_UNCHECKED)
    return Check("originals", title, Status.PASS, found)


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
