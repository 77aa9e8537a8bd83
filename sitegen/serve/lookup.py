"""What a request path means: a file inside the preview folder, a redirect, or a refusal.

Separate from the server because this is where the preview's safety lives and
it needs no socket to check: every path is decoded once, refused if any
segment is ``..`` or ``.`` (so ``%2e%2e`` is refused too), mapped under the
folder and resolved with symlinks, and a file whose real path is outside the
folder is refused. Folders are served only through their ``index.html``. MIME
types come from a fixed table (the platform's may lack AVIF or WebP).
"""

from __future__ import annotations

import mimetypes
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from ..rights.addresses import LICENSE_XML_PATH, RSL_MEDIA_TYPE

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}

# Host files without an extension that are text (the preview serves them as a host serves any file).
TEXT_NAMES = {"CNAME", "_headers", "_redirects", "LICENSE"}


# Files typed by where they sit rather than by extension, as every host file sitegen writes types them.
SITE_TYPES = {LICENSE_XML_PATH: RSL_MEDIA_TYPE}  # the RSL licence file at the site root


def content_type(path: Path, site_path: str | None = None) -> str:
    """MIME type by site path (``SITE_TYPES``), then by extension from a fixed table (the platform's may
    lack AVIF or WebP), then the platform's."""
    if site_path is not None and site_path in SITE_TYPES:
        return SITE_TYPES[site_path]
    known = MIME_TYPES.get(path.suffix.lower())
    if known:
        return known
    if path.name in TEXT_NAMES:
        return "text/plain; charset=utf-8"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Target:
    """What a request path means: a file to serve, a redirect, or a refusal."""

    kind: str  # "file", "redirect", "missing", "forbidden", "bad"
    site_path: str = ""  # relative to the site's base path: "about/", "media/x.webp"
    file: Path | None = None
    location: str = ""


def resolve(root: Path, base_path: str, request_target: str) -> Target:
    """Map a request target onto a file inside ``root``; anything that could leave it is "forbidden"."""
    if request_target.startswith("/"):
        raw, _, query = request_target.partition("#")[0].partition("?")
    elif request_target.startswith(("http://", "https://")):
        split = urlsplit(request_target)
        raw, query = split.path or "/", split.query
    else:
        return Target("bad")
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return Target("bad")
    if "\x00" in path or "\\" in path:
        return Target("forbidden")
    segments = path.split("/")
    if any(s in (".", "..") for s in segments):
        return Target("forbidden")
    suffix = f"?{query}" if query else ""
    if not path.startswith(base_path):
        if path in ("/", base_path.rstrip("/")):
            return Target("redirect", location=base_path)
        return Target("missing", site_path=path.lstrip("/"))
    parts = [s for s in path[len(base_path) :].split("/") if s]
    site_path = "/".join(parts) + ("/" if parts and path.endswith("/") else "")
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, *parts))
    if not _inside(candidate, real_root):
        return Target("forbidden", site_path=site_path)
    if os.path.isdir(candidate):
        if not path.endswith("/"):
            return Target("redirect", site_path=site_path, location=quote(path + "/") + suffix)
        index = os.path.realpath(os.path.join(candidate, "index.html"))
        if not _inside(index, real_root):
            return Target("forbidden", site_path=site_path)
        if os.path.isfile(index):
            return Target("file", site_path=site_path, file=Path(index))
        return Target("missing", site_path=site_path)
    if os.path.isfile(candidate):
        return Target("file", site_path=site_path, file=Path(candidate))
    return Target("missing", site_path=site_path)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class TargetMemo:
    """:func:`resolve`, remembered while the folder's generation stays the same (at most 4096 paths).

    A request path is looked up once per version of the folder rather than
    resolved with a dozen ``lstat`` calls every time; the generation changes
    whenever a rebuild changes the files.
    """

    def __init__(self) -> None:
        self._targets: dict[tuple[str, str, str], Target] = {}
        self._targets_generation: int | None = None
        self._targets_lock = threading.Lock()

    def target(self, root: Path, generation_of: Callable[[], int] | None, base: str, request_target: str) -> Target:
        if generation_of is None:
            return resolve(root, base, request_target)
        generation = generation_of()
        key = (str(root), base, request_target)
        with self._targets_lock:
            if generation != self._targets_generation:
                self._targets.clear()
                self._targets_generation = generation
            known = self._targets.get(key)
        if known is not None:
            return known
        found = resolve(root, base, request_target)
        with self._targets_lock:
            if generation == self._targets_generation and len(self._targets) < 4096:
                self._targets[key] = found
        return found
