"""The preview's own output folder, updated file by file instead of swapped as a whole.

``sitegen build`` writes a complete new folder and swaps it in; for a preview
that would mean re-linking thousands of image files after every keystroke. A
rebuild here renders into a :class:`StagedOutput` (what each site path should
hold, kept in memory) and :meth:`PreviewFolder.apply` then touches only the
files whose content differs from what is on disk, and deletes what the site no
longer has. A failed rebuild is never applied, so the folder always holds the
last good site. The folder lives in the site's cache folder (same file system
as the image cache, so derivatives are hard links, not copies), is named after
the server's process and is removed when the server stops; one left behind by
a killed server is removed by the next one, but only when it carries the
marker file the preview writes into it: a folder of that name that sitegen did
not create is never deleted.

Layout: ``serve-<pid>/`` holds the marker, ``site/`` (what is served, so the
marker is not) and ``scratch/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import SitegenError
from ..processes import pid_alive
from .folder import claim, plain_key

PREFIX = "serve-"
_TMP = ".sitegen-tmp-"
MARKER = ".sitegen-preview"


def marker_text(pid: int) -> str:
    return f"sitegen preview folder of process {pid}; deleted by sitegen when that process has ended.\n"


def _marked(folder: Path, pid: int) -> bool:
    """True when ``folder`` (not a symlink) holds the marker the preview of process ``pid`` wrote."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    expected = marker_text(pid).encode()
    try:
        fd = os.open(folder / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(expected) + 1) == expected
    except OSError:
        return False
    finally:
        os.close(fd)


def _remove_marked(folder: Path) -> None:
    """Delete a preview folder, its marker last, so one cut short is still recognised next time."""
    for entry in folder.iterdir():
        if entry.name != MARKER:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


class StagedOutput:
    """What one rebuild produces, site path by site path; what :class:`..folder.Output` writes too."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch  # for writers that need a real file (``path()``); created on first use
        self.entries: dict[str, tuple[str, Any]] = {}
        self.written: dict[str, str] = {}  # site path -> what wrote it

    def _claim(self, site_path: str, origin: str) -> str:
        if plain_key(site_path) and site_path not in self.written:  # the common case, without pathlib (thousands)
            self.written[site_path] = origin
            return site_path
        return claim(self.written, site_path, origin)

    def exists(self, site_path: str) -> bool:
        return PurePosixPath(site_path).as_posix() in self.written

    def write_text(self, site_path: str, text: str, origin: str) -> None:
        self.entries[self._claim(site_path, origin)] = ("bytes", text.encode("utf-8"))

    def write_bytes(self, site_path: str, data: bytes, origin: str) -> None:
        self.entries[self._claim(site_path, origin)] = ("bytes", bytes(data))

    def link(self, site_path: str, source: Path, origin: str) -> None:
        self.entries[self._claim(site_path, origin)] = ("link", source)

    def copy(self, site_path: str, source: Path, origin: str) -> None:
        self.entries[self._claim(site_path, origin)] = ("copy", source)

    def path(self, site_path: str, origin: str) -> Path:
        """A scratch file for a writer that writes itself; its bytes are taken when the rebuild is applied."""
        key = self._claim(site_path, origin)
        self.scratch.mkdir(parents=True, exist_ok=True)
        dest = self.scratch / f"{len(self.entries)}-{PurePosixPath(key).name}"
        self.entries[key] = ("file", dest)
        return dest

    def discard(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def _stamp(kind: str, payload: Any) -> Any:
    """What decides whether a file on disk must be rewritten.

    Linked files are cached derivatives, named after their content's key: the
    same path always holds the same bytes, so the path is enough (and a file
    pruned from the cache since is still in the folder, as a hard link).
    """
    if kind == "bytes":
        return payload
    if kind == "file":
        return Path(payload).read_bytes()
    if kind == "link":
        return payload  # usually the very Path object of the last rebuild: compared by identity
    st = Path(payload).stat()
    return (str(payload), st.st_size, st.st_mtime_ns)


@dataclass
class Applied:
    """Site paths a rebuild changed on disk."""

    written: list[str] = field(default_factory=list)  # new or changed
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.written or self.removed)


class PreviewFolder:
    """The folder the preview server serves; only ever changed by :meth:`apply` while no request reads it."""

    def __init__(self, root: Path, home: Path | None = None) -> None:
        self.root = root
        self.home = home  # the marked serve-<pid> folder holding root, when made by create()
        self.scratch_root = home / "scratch" if home else root.with_name(f"{root.name}.scratch")
        self.on_disk: dict[str, Any] = {}  # site path -> stamp of what the file holds

    @classmethod
    def create(cls, cache_dir: Path) -> PreviewFolder:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for stale in cache_dir.glob(f"{PREFIX}*"):
            match = re.fullmatch(rf"{PREFIX}(\d+)", stale.name)
            if not match:
                continue
            pid = int(match.group(1))
            if pid != os.getpid() and not pid_alive(pid) and _marked(stale, pid):
                with contextlib.suppress(OSError):  # what cannot go now goes next time
                    _remove_marked(stale)
        home = cache_dir / f"{PREFIX}{os.getpid()}"
        if home.exists() or home.is_symlink():
            if not _marked(home, os.getpid()):  # left by an earlier process with our PID, or not ours
                raise SitegenError(f"{home} exists and was not created by sitegen's preview; move it away")
            _remove_marked(home)
        home.mkdir()
        (home / MARKER).write_text(marker_text(os.getpid()), "utf-8")
        root = home / "site"
        root.mkdir()
        return cls(root, home)

    @property
    def built(self) -> bool:
        return bool(self.on_disk)

    def staging(self) -> StagedOutput:
        return StagedOutput(self.scratch_root / secrets.token_hex(4))

    def apply(self, staged: StagedOutput) -> Applied:
        """Make the folder hold exactly what ``staged`` describes, writing only what differs."""
        applied = Applied()
        try:
            on_disk = self.on_disk
            now = {key: _stamp(kind, payload) for key, (kind, payload) in staged.entries.items()}
            # Removals first, so a file that becomes a folder (or the reverse) makes room for it.
            for key in sorted(self.on_disk.keys() - now.keys()):
                self._remove(key)
                applied.removed.append(key)
            for key, (kind, payload) in staged.entries.items():
                stamp, old = now[key], on_disk.get(key)
                if stamp is not old and stamp != old:
                    self._put(key, kind, payload)
                    applied.written.append(key)
        finally:
            staged.discard()
        self.on_disk = now
        return applied

    def update(self, staged: StagedOutput) -> Applied:
        """Write the files ``staged`` holds whose bytes differ, and leave every other file as it is.

        For a rebuild that knows which files it can have changed (``sitegen serve`` after a
        save that changed one page's text): nothing is removed, nothing else compared.
        """
        applied = Applied()
        try:
            for key, (kind, payload) in staged.entries.items():
                stamp, old = _stamp(kind, payload), self.on_disk.get(key)
                if stamp is not old and stamp != old:
                    self._put(key, kind, payload)
                    applied.written.append(key)
                    self.on_disk[key] = stamp
        finally:
            staged.discard()
        return applied

    def _dest(self, key: str) -> Path:
        dest = self.root.joinpath(*PurePosixPath(key).parts)
        # A file where a folder must go (or the reverse) after a rename in static/.
        for parent in reversed(dest.relative_to(self.root).parents[:-1]):
            node = self.root / parent
            if node.is_file() or node.is_symlink():
                node.unlink()
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest

    def _put(self, key: str, kind: str, payload: Any) -> None:
        dest = self._dest(key)
        tmp = dest.with_name(f"{_TMP}{dest.name}")
        tmp.unlink(missing_ok=True)
        if kind == "bytes":
            tmp.write_bytes(payload)
        elif kind == "link":
            try:
                os.link(payload, tmp)
            except OSError:
                shutil.copyfile(payload, tmp)
        else:
            shutil.copyfile(payload, tmp)
        os.replace(tmp, dest)

    def _remove(self, key: str) -> None:
        dest = self.root.joinpath(*PurePosixPath(key).parts)
        if dest.is_file() or dest.is_symlink():
            dest.unlink()
        parent = dest.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def remove(self) -> None:
        """Delete the folder and any scratch space (server shutdown)."""
        if self.home is not None:
            if _marked(self.home, os.getpid()):
                with contextlib.suppress(OSError):  # shutting down: the next start removes what is left
                    _remove_marked(self.home)
            return
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.scratch_root, ignore_errors=True)
