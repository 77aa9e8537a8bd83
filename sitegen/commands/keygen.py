"""``sitegen keygen [SITE]``: an ES256 key and a certificate chain for Content Credentials.

A self-made root certificate signs one end-entity certificate with what the C2PA SDK requires
(digitalSignature, the emailProtection extended key usage, subject and authority key
identifiers; c2pa-python 0.38 refuses a certificate without them). The root's private key is
discarded once it has signed: nothing else is ever signed with it, and a new ``keygen`` makes a
new chain. Verifiers report such a signature as valid but ``signingCredential.untrusted``: the
root is on no trust list (see the README on what a certificate from a trust-listed CA changes).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import load_project
from ..errors import SitegenError


@dataclass(frozen=True)
class Keys:
    chain: Path
    key: Path
    subject: str
    not_after: dt.datetime


def keygen(site: Path, name: str | None = None, years: int = 3) -> Keys:
    """Write the key and chain where ``[credentials]`` points; never over existing files."""
    try:
        from cryptography import x509  # the c2pa extra
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        raise SitegenError(
            "sitegen keygen needs the c2pa extra: pip install -e '.[c2pa]' in the sitegen checkout"
        ) from None
    project = load_project(site)
    section = project.config.credentials
    chain_path = (project.root / section.certificate).resolve()
    key_path = (project.root / section.private_key).resolve()
    for path in (chain_path, key_path):
        if path.exists() or path.is_symlink():
            raise SitegenError(f"{path} exists; sitegen keygen never replaces a key (move it away first)")
    subject = name or project.config.site.rights_holder
    now = dt.datetime.now(dt.UTC)

    def dn(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def usage(sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=not sign,
            crl_sign=not sign,
            encipher_only=False,
            decipher_only=False,
        )

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(dn(f"{subject} (sitegen self-made root)"))
        .issuer_name(dn(f"{subject} (sitegen self-made root)"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=365 * (years + 1)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    not_after = now + dt.timedelta(days=365 * years)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(dn(subject))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_bytes = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        key_path.parent.mkdir(parents=True, exist_ok=True)
        chain_path.parent.mkdir(parents=True, exist_ok=True)
        # The key is readable by its owner only, from its first byte on disk.
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key_bytes)
        with open(chain_path, "xb") as out:
            out.write(leaf.public_bytes(pem) + root.public_bytes(pem))
    except OSError as exc:
        raise SitegenError(f"{exc.filename}: cannot write ({exc.strerror})") from None
    return Keys(chain_path, key_path, subject, not_after)
