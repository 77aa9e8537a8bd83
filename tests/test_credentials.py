"""Content Credentials: every published file signed, read back with the C2PA SDK's own reader."""

from __future__ import annotations

import io
import json
import stat

import c2pa
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from sitegen.audit import Status
from sitegen.cli import cli
from sitegen.commands.audit import audit
from sitegen.errors import ConfigError
from sitegen.images import credentials
from sitegen.pipeline import signing

from .conftest import make_photo
from .rights_images import rights_xmp, write_rights_image

MIME = {".jpg": "image/jpeg", ".webp": "image/webp", ".avif": "image/avif"}
PLUS_PROHIBITED = b"ns.useplus.org/ldf/vocab/DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"


def read_manifest(data: bytes, mime: str) -> tuple[str, list[str], dict]:
    """(validation state, status codes, active manifest) as the SDK reports them."""
    report = json.loads(c2pa.Reader(mime, io.BytesIO(data)).json())
    codes = [s["code"] for s in report.get("validation_status", [])]
    return report.get("validation_state", ""), codes, report["manifests"][report["active_manifest"]]


def assertion(manifest: dict, label: str) -> dict:
    return next(a["data"] for a in manifest["assertions"] if a["label"] == label)


@pytest.fixture
def signed_site(site_dir, write):
    write(
        "sitegen.toml",
        '[site]\ntitle = "T"\nauthor = "Ada Example"\nbase_url = "https://example.com/"\n'
        '[images]\nwidths = [160, 320]\nmax_size = 320\nformats = ["jpeg", "webp", "avif"]\n'
        "[credentials]\nsign = true\n",
    )
    make_photo(site_dir / "content/g/reserved.jpg", (480, 320))
    make_photo(site_dir / "content/g/free.jpg", (480, 320), (30, 90, 200))
    write("content/g/free.md", "---\nlicence: CC0-1.0\n---\n")
    result = CliRunner().invoke(cli, ["keygen", str(site_dir), "--name", "Ada Example"])
    assert result.exit_code == 0, result.output
    return site_dir


def test_keygen_writes_a_private_key_and_a_chain_the_sdk_accepts(signed_site):
    key, chain = signed_site / "credentials/key.pem", signed_site / "credentials/chain.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    leaf, root = x509.load_pem_x509_certificates(chain.read_bytes())
    assert leaf.issuer == root.subject and "Ada Example" in leaf.subject.rfc4514_string()
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    before = key.read_bytes()
    again = CliRunner().invoke(cli, ["keygen", str(signed_site)])
    assert again.exit_code == 1 and "never replaces a key" in again.stderr
    assert key.read_bytes() == before


def test_every_published_file_is_signed_with_both_training_labels_and_keeps_its_xmp(signed_site, run_build):
    run_build()
    files = sorted(p for p in (signed_site / "public/media").rglob("*") if p.suffix in MIME)
    assert {p.suffix for p in files} == set(MIME) and len(files) >= 12
    for path in files:
        data = path.read_bytes()
        state, codes, manifest = read_manifest(data, MIME[path.suffix])
        assert state == "Valid" and codes == ["signingCredential.untrusted"], (path.name, state, codes)
        free = path.name.startswith("free")
        use = "allowed" if free else "notAllowed"
        for prefix in ("cawg", "c2pa"):
            entries = assertion(manifest, f"{prefix}.training-mining")["entries"]
            assert set(entries) == {f"{prefix}.{e}" for e in credentials.ENTRIES}
            assert {v["use"] for v in entries.values()} == {use}, (path.name, entries)
        action = assertion(manifest, "c2pa.actions.v2")["actions"][0]
        assert action["action"] == "c2pa.created"
        assert action["digitalSourceType"] == credentials.DEFAULT_SOURCE_TYPE
        work = assertion(manifest, "stds.schema-org.CreativeWork")
        assert work["author"][0]["name"] == "Ada Example"
        assert not [a for a in manifest["assertions"] if "thumbnail" in a["label"]]
        assert (PLUS_PROHIBITED in data) != free, "the XMP rights survive signing"
        assert b"<dc:identifier>ISCC:" in data


def test_a_changed_byte_fails_validation(signed_site, run_build):
    run_build()
    path = next((signed_site / "public/media").rglob("reserved-320.*.jpg"))
    data = bytearray(path.read_bytes())
    data[len(data) * 2 // 3] ^= 0x5A  # inside the entropy-coded image data
    state, codes, _ = read_manifest(bytes(data), "image/jpeg")
    assert state == "Invalid" and "assertion.dataHash.mismatch" in codes


def test_the_source_type_comes_from_the_originals_xmp_when_it_is_an_iptc_code():
    composite = credentials.SOURCE_TYPES + "compositeCapture"
    xmp = f'<rdf:Description Iptc4xmpExt:DigitalSourceType="{composite}"/>'.encode()
    assert credentials.source_type(xmp) == composite
    element = f"<Iptc4xmpExt:DigitalSourceType>{composite}</Iptc4xmpExt:DigitalSourceType>".encode()
    assert credentials.source_type(element) == composite
    for hostile in (b'DigitalSourceType="javascript:alert(1)"', b'DigitalSourceType="http://evil.example/x"', None):
        assert credentials.source_type(hostile) == credentials.DEFAULT_SOURCE_TYPE


def test_the_training_entries_follow_the_plus_code():
    assert set(credentials.training_entries("DMI-PROHIBITED").values()) == {"notAllowed"}
    training = credentials.training_entries("DMI-PROHIBITED-AIMLTRAINING")
    assert training["ai_training"] == training["ai_generative_training"] == "notAllowed"
    assert training["data_mining"] == training["ai_inference"] == "allowed"
    assert set(credentials.training_entries("DMI-UNSPECIFIED").values()) == {"allowed"}


def test_without_the_extra_the_build_says_which_to_install(signed_site, run_build, monkeypatch):
    monkeypatch.setattr(signing, "sdk_installed", lambda: False)
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[c2pa\]' in the sitegen checkout"):
        run_build()
    assert not (signed_site / "public").exists()


def test_missing_or_published_credentials_stop_the_build_before_any_photo(signed_site, run_build):
    key = signed_site / "credentials/key.pem"
    key.rename(signed_site / "key.pem")
    with pytest.raises(ConfigError, match=r"private_key: file not found: .*sitegen keygen"):
        run_build()
    (signed_site / "key.pem").rename(signed_site / "content/key.pem")
    with pytest.raises(ConfigError, match=r"inside content/, which is published"):
        run_build(credentials__private_key="content/key.pem")
    (signed_site / "content/key.pem").write_text("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    (signed_site / "content/key.pem").rename(key)
    with pytest.raises(ConfigError, match=r"private_key: .*key.pem: not a PEM private key"):
        run_build()
    assert not (signed_site / "public").exists()


def test_new_credentials_sign_again_and_the_same_ones_reuse_the_cache(signed_site, run_build):
    first, _ = run_build()
    assert first.images_processed == 2
    again, _ = run_build()
    assert again.images_processed == 0
    for name in ("key.pem", "chain.pem"):
        (signed_site / "credentials" / name).unlink()
    assert CliRunner().invoke(cli, ["keygen", str(signed_site)]).exit_code == 0
    resigned, _ = run_build()
    assert resigned.images_processed == 2


# --- the audit reads them back -----------------------------------------------------------------------


def test_the_audit_passes_a_signed_site_and_fails_a_tampered_or_unsigned_file(signed_site, run_build):
    run_build()
    report = audit(str(signed_site))
    check = report.get("image-credentials")
    n = sum(1 for p in (signed_site / "public/media").rglob("*") if p.suffix in MIME)
    assert check.status is Status.PASS and f"in {n} of {n} images" in check.detail, check.detail
    path = next((signed_site / "public/media").rglob("reserved-320.*.jpg"))
    data = bytearray(path.read_bytes())
    data[len(data) * 2 // 3] ^= 0x5A
    path.write_bytes(bytes(data))
    failed = audit(str(signed_site)).get("image-credentials")
    assert failed.status is Status.FAIL and path.name in failed.detail and "Invalid" in failed.detail
    write_rights_image(path, xmp=rights_xmp(statement="https://example.com/licensing/"))
    unsigned = audit(str(signed_site)).get("image-credentials")
    assert unsigned.status is Status.FAIL and "1 images are not signed" in unsigned.detail


def test_the_algorithm_follows_the_key_a_ca_issued():
    def pem(key):
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    assert credentials.algorithm_of(pem(ec.generate_private_key(ec.SECP256R1()))) == "es256"
    assert credentials.algorithm_of(pem(ec.generate_private_key(ec.SECP384R1()))) == "es384"
    assert credentials.algorithm_of(pem(rsa.generate_private_key(65537, 2048))) == "ps256"
    with pytest.raises(credentials.SigningError, match="ES256/384/512, PS256 or Ed25519"):
        credentials.algorithm_of(pem(ec.generate_private_key(ec.SECP256K1())))
