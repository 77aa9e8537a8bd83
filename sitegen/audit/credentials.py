"""Content Credentials (C2PA) in the published images, read with the C2PA SDK's own reader.

A manifest is only worth something if a verifier accepts it, so the audit does not parse JUMBF
itself: it asks the SDK (the optional ``c2pa`` extra) for the validation state and the
assertions. "Valid" with ``signingCredential.untrusted`` is what a self-made certificate gives
and is a pass; a manifest that does not match its file, or one that allows AI training on a
rights-managed photo, is a failure.
"""

from __future__ import annotations

import io
import json
from typing import Any

from ..config import Config
from .findings import Findings, short
from .model import Check, Status

ID = "image-credentials"
TITLE = "Content Credentials (C2PA) in images"
FIX_EXTRA = "pip install -e '.[c2pa]' in the sitegen checkout, so the audit can read Content Credentials."
FIX_SIGN = "Set [credentials] sign = true (after `sitegen keygen`) and rebuild."
TRAINING = ("ai_training", "ai_generative_training")


def _mime(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis", b"mif1"):
        return "image/avif"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return None


def read(sdk: Any, data: bytes) -> tuple[str, list[str], dict[str, Any]] | None:
    """(validation state, status codes, active manifest), or None for a file without a manifest."""
    mime = _mime(data)
    if mime is None:
        return None
    try:
        report = json.loads(sdk.Reader(mime, io.BytesIO(data)).json())
    except sdk.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in str(exc) or "not found" in str(exc).lower():
            return None
        return ("Invalid", [f"unreadable ({type(exc).__name__})"], {})
    manifest = report.get("manifests", {}).get(report.get("active_manifest", ""), {})
    codes = [s.get("code", "") for s in report.get("validation_status", [])]
    return str(report.get("validation_state", "")), codes, manifest


def _uses(manifest: dict[str, Any], prefix: str) -> dict[str, str] | None:
    for item in manifest.get("assertions", []):
        if item.get("label") == f"{prefix}.training-mining":
            entries = item.get("data", {}).get("entries", {})
            return {k.removeprefix(prefix + "."): str(v.get("use")) for k, v in entries.items()}
    return None


def problems(state: str, codes: list[str], manifest: dict[str, Any], rights_managed: bool) -> list[str]:
    out = []
    if state not in ("Valid", "Trusted"):
        out.append(f"{state or 'no'} validation ({', '.join(codes[:2]) or 'no status'})")
    for prefix in ("cawg", "c2pa"):
        uses = _uses(manifest, prefix)
        if uses is None:
            out.append(f"no {prefix}.training-mining assertion")
        elif rights_managed and any(uses.get(e) not in ("notAllowed", "constrained") for e in TRAINING):
            out.append(f"{prefix}.training-mining allows AI training")
    return out


def credentials_check(findings: Findings, config: Config | None) -> Check:
    signing = config is not None and config.credentials.sign
    bodies = {p: r.body for p, r in findings.images.items() if r.ok and r.body and not r.truncated}
    if not bodies:
        return Check(ID, TITLE, Status.SKIP, "no image read")
    try:
        import c2pa  # the optional extra; the audit reads manifests only when it is there
    except ImportError:
        status = Status.UNCHECKED if signing else Status.INFO
        return Check(ID, TITLE, status, "not read: the c2pa extra is not installed", FIX_EXTRA)
    signed, bad = [], []
    for path, body in bodies.items():
        found = read(c2pa, body)
        if found is None:
            continue
        signed.append(path)
        facts = findings.image_facts.get(path)
        wrong = problems(*found, rights_managed=bool(facts and facts.rights_managed))
        if wrong:
            bad.append(f"{path}: {'; '.join(wrong)}")
    unsigned = [p for p in bodies if p not in signed]
    if bad:
        return Check(ID, TITLE, Status.FAIL, f"{len(bad)} of {len(bodies)} images, e.g. {bad[0]}", FIX_SIGN)
    if signing and unsigned:
        return Check(ID, TITLE, Status.FAIL, f"{len(unsigned)} images are not signed: {short(unsigned, 2)}", FIX_SIGN)
    if not signed:
        return Check(ID, TITLE, Status.INFO, f"none of {len(bodies)} images carries Content Credentials", FIX_SIGN)
    detail = f"valid manifest with both training-mining assertions in {len(signed)} of {len(bodies)} images"
    return Check(ID, TITLE, Status.PASS if not unsigned else Status.INFO, detail)
