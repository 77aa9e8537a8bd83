"""From ``[credentials]`` to the signing part of image jobs, checked once before any photo is processed.

Everything that can be wrong with signing is found here, as one line naming the file or the extra
to install, so a build never processes a thousand photos to fail on the first signature.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from ..config import Project
from ..errors import ConfigError
from ..images import credentials
from ..images.credentials import SigningError, SigningSpec
from ..sitefiles import not_a_file

# Credentials already found to sign, by content digests: `sitegen serve` plans on every change.
_CHECKED: set[tuple[str, str]] = set()


def _credential_file(project: Project, value: str, key: str) -> Path:
    path = (project.root / value).resolve()
    if not path.exists():
        raise ConfigError(
            f"[credentials] {key}: file not found: {path} (make a key and certificate with `sitegen keygen`)"
        )
    problem = not_a_file(path)
    if problem:
        raise ConfigError(f"[credentials] {key}: {path}: {problem}")
    for folder in (project.content_dir, project.static_dir, project.output_dir):
        if path.is_relative_to(folder.resolve()):
            raise ConfigError(f"[credentials] {key}: {path} is inside {folder.name}/, which is published; move it")
    return path


def sdk_installed() -> bool:
    """Whether the optional SDK is there, without importing it (16 MB of native code)."""
    return importlib.util.find_spec("c2pa") is not None


def signing_template(project: Project) -> SigningSpec | None:
    """Who signs, with the per-photo fields empty; ``None`` when the site does not sign."""
    section = project.config.credentials
    if not section.sign:
        return None
    if not sdk_installed():
        raise ConfigError(
            f"[credentials] sign = true needs the {credentials.EXTRA} extra: pip install -e '.[{credentials.EXTRA}]' "
            "in the sitegen checkout"
        )
    chain = _credential_file(project, section.certificate, "certificate")
    key = _credential_file(project, section.private_key, "private_key")
    try:
        algorithm = credentials.algorithm_of(key.read_bytes())
        spec = SigningSpec(
            str(chain), str(key), credentials.file_digest(chain), credentials.file_digest(key), "", "", "", algorithm
        )
    except OSError as exc:
        raise ConfigError(f"[credentials] cannot read {exc.filename}: {exc.strerror}") from None
    except SigningError as exc:
        raise ConfigError(f"[credentials] private_key: {key}: {exc}") from None
    if (spec.chain_digest, spec.key_digest) not in _CHECKED:
        try:
            credentials.check(spec)
        except SigningError as exc:
            raise ConfigError(f"[credentials] {exc}") from None
        _CHECKED.add((spec.chain_digest, spec.key_digest))
    return spec


def for_photo(template: SigningSpec, creator: str, notice: str, data_mining: str) -> SigningSpec:
    return dataclasses.replace(template, creator=creator, copyright=notice, data_mining=data_mining)


__all__ = ["for_photo", "signing_template"]
