"""Content Credentials (C2PA): a signed "do not train" inside every published file.

Each derivative is signed after its final encode (a re-encode or resize would break the
signature), with a manifest carrying what a verifier and a dataset builder read:

- ``c2pa.actions.v2`` with ``c2pa.created`` and the IPTC digital source type (the SDK refuses a
  manifest without a created/opened action);
- the training-and-data-mining assertion twice: ``cawg.training-mining`` (the current CAWG
  label) and the legacy ``c2pa.training-mining``, because readers disagree (Adobe's verify site
  and datadiligence read only the legacy label, CAWG tools the new one);
- ``stds.schema-org.CreativeWork`` with the creator and the copyright notice.

No thumbnail assertion: it would more than double a small file. The XMP written by the encoder
survives signing. The SDK is the optional ``c2pa`` extra (a 16 MB wheel), imported only when a
site signs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import SitegenError

SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
DEFAULT_SOURCE_TYPE = SOURCE_TYPES + "digitalCapture"
_SOURCE_TYPE = re.compile(re.escape(SOURCE_TYPES) + r"[A-Za-z]{3,60}")
_XMP_SOURCE_TYPE = re.compile(
    rb"DigitalSourceType(?:>|=\")\s*(" + re.escape(SOURCE_TYPES.encode()) + rb"[A-Za-z]{3,60})"
)
ENTRIES = ("data_mining", "ai_inference", "ai_generative_training", "ai_training")
EXTRA = "c2pa"  # pip install -e '.[c2pa]' in the sitegen checkout

# What each PLUS Data Mining code (the one already written into XMP) says about each entry.
_NOT_ALLOWED: dict[str, frozenset[str]] = {
    "DMI-PROHIBITED": frozenset(ENTRIES),
    "DMI-PROHIBITED-SEECONSTRAINT": frozenset(ENTRIES),
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": frozenset(ENTRIES),  # search indexing is none of the four
    "DMI-PROHIBITED-AIMLTRAINING": frozenset({"ai_training", "ai_generative_training"}),
    "DMI-PROHIBITED-GENAIMLTRAINING": frozenset({"ai_generative_training"}),
}


@dataclass(frozen=True)
class SigningSpec:
    """Who signs and what the manifest says: plain values, so a job pickles and keys stably.

    The key's and certificate chain's contents are named by digest (the job key covers who
    signed); the worker reads the files and refuses them if they changed since planning.
    """

    chain: str  # PEM file: end-entity certificate, then its issuers
    key: str  # PEM file: the PKCS#8 private key
    chain_digest: str
    key_digest: str
    creator: str
    copyright: str
    data_mining: str  # the PLUS code of the photo's XMP
    algorithm: str = "es256"  # C2PA signing algorithm, from the key's type (see pipeline.signing)

    def looks(self) -> tuple[str, ...]:
        """Everything but the paths, for the job key (a moved site keeps its cache)."""
        return (self.chain_digest, self.key_digest, self.creator, self.copyright, self.data_mining, self.algorithm)


class SigningError(SitegenError):
    """The credentials cannot sign: a stop for the build, not a skipped photo."""


def file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def algorithm_of(key_pem: bytes) -> str:
    """The C2PA algorithm for a PEM private key: ES256/384/512 by curve, PS256 for RSA, Ed25519.

    A certificate bought from a trust-listed CA is often not ES256, and the SDK must be told.
    """
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # the c2pa extra
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"not a PEM private key without a password ({exc})") from None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    elif isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise SigningError("C2PA signs with ES256/384/512, PS256 or Ed25519 keys; this key is none of them")


def training_entries(data_mining: str) -> dict[str, str]:
    """``entry -> "allowed" | "notAllowed"`` for a photo's PLUS code (public domain photos say allowed)."""
    refused = _NOT_ALLOWED.get(data_mining, frozenset())
    return {entry: "notAllowed" if entry in refused else "allowed" for entry in ENTRIES}


def source_type(xmp: bytes | None) -> str:
    """The IPTC digital source type the photo's own XMP declares, if it is a well-formed IPTC code."""
    found = _XMP_SOURCE_TYPE.search(xmp or b"")
    value = found.group(1).decode("ascii") if found else ""
    return value if _SOURCE_TYPE.fullmatch(value) else DEFAULT_SOURCE_TYPE


def manifest(spec: SigningSpec, title: str, digital_source_type: str) -> dict[str, Any]:
    entries = training_entries(spec.data_mining)
    work: dict[str, Any] = {"@context": "https://schema.org", "@type": "CreativeWork"}
    if spec.creator:
        work["author"] = [{"@type": "Person", "name": spec.creator}]
    if spec.copyright:
        work["copyrightNotice"] = spec.copyright
    return {
        "claim_generator_info": [{"name": "sitegen"}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": digital_source_type}]},
            },
            {"label": "cawg.training-mining", "data": {"entries": _entries("cawg", entries)}},
            {"label": "c2pa.training-mining", "data": {"entries": _entries("c2pa", entries)}},
            {"label": "stds.schema-org.CreativeWork", "data": work},
        ],
    }


def _entries(prefix: str, entries: dict[str, str]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{name}": {"use": use} for name, use in entries.items()}


_SIGNERS: dict[tuple[int, str, str], Any] = {}


def _signer(spec: SigningSpec) -> Any:
    """One signer per process and credentials (loading the key costs more than a signature).

    Keyed by process id too: a signer made before a fork is closed in the child (the SDK's
    native handle does not survive it), so each image worker makes its own.
    """
    import c2pa  # the optional extra, present whenever a job asks for signing (checked at planning)

    slot = (os.getpid(), spec.chain_digest, spec.key_digest)
    found = _SIGNERS.get(slot)
    if found is None:
        chain, key = Path(spec.chain).read_bytes(), Path(spec.key).read_bytes()
        if (file_digest(Path(spec.chain)), file_digest(Path(spec.key))) != (spec.chain_digest, spec.key_digest):
            raise SigningError(f"{spec.chain} or {spec.key} changed during the build; build again")
        try:
            found = c2pa.Signer.from_info(c2pa.C2paSignerInfo(spec.algorithm.encode(), chain, key, None))
        except c2pa.C2paError as exc:
            raise SigningError(f"{spec.chain}: cannot sign with this certificate and key ({exc})") from None
        _SIGNERS[slot] = found
    return found


def check(spec: SigningSpec) -> None:
    """Sign a tiny image once, so bad credentials stop the build before any photo is processed."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (128, 128, 128)).save(buffer, "JPEG")
    sign(buffer.getvalue(), "image/jpeg", spec, "check.jpg", DEFAULT_SOURCE_TYPE)


def sign(data: bytes, mime: str, spec: SigningSpec, title: str, digital_source_type: str) -> bytes:
    """``data`` with a C2PA manifest signed by ``spec``'s credentials embedded."""
    import c2pa  # the optional extra

    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    builder = c2pa.Builder.from_json(json.dumps(manifest(spec, title, digital_source_type)), context)
    out = io.BytesIO()
    try:
        builder.sign(_signer(spec), mime, io.BytesIO(data), out)
    except c2pa.C2paError as exc:
        raise SigningError(f"signing {title} failed: {exc}") from None
    return out.getvalue()


__all__ = [
    "DEFAULT_SOURCE_TYPE",
    "EXTRA",
    "SigningError",
    "SigningSpec",
    "check",
    "file_digest",
    "manifest",
    "sign",
    "source_type",
    "training_entries",
]
