"""Which files under the site's input folders a build may read: one rule, one walker.

Everything sitegen publishes or renders comes from ``content/``, ``static/``,
``templates/`` and the theme. A symlink in those folders could otherwise pull
any file of the computer into a public website (``static/passwd.txt`` ->
``/etc/passwd``), a named pipe would block a read forever, a file name that is
not UTF-8 cannot become a URL, and a link loop or an absurdly deep tree would
never end. The reader, the static copier, the theme (its assets and its
template loader) and the build stamp all ask this module, so they agree on
exactly which files exist.

The rule:

* A file or folder is read only if its real path (symlinks resolved) lies
  inside the site folder, inside the theme folder it belongs to, or inside a
  folder the photographer named in ``[build] follow_links``. Anything else is
  refused with one warning naming the link and its target.
* Only regular files and folders are read (not pipes, sockets or devices).
* A name that is not valid UTF-8 is skipped with a warning (it cannot become a URL).
* A folder that leads back to one of its own parents (a link loop) is skipped,
  and so is anything nested more than :data:`MAX_DEPTH` folders deep.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NOT_READ, Reporter, is_environment_error

MAX_DEPTH = 32
"""Folder levels below an input folder. Galleries nest a handful deep; 32 is far beyond any real
site and keeps every recursive step of the build (reader, menus, breadcrumbs) well within bounds."""

Ident = tuple[int, int]
_BAD_NAME = "the file name is not valid UTF-8 (it cannot become a URL); rename the file"


def shown(path: Path) -> Path:
    """``path`` with undecodable bytes written as ``\\xe9``, safe to print and to store as JSON."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return Path(text)


def name_is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def not_a_file(path: Path) -> str | None:
    """Why ``path`` (which exists, possibly as a broken link) cannot be read as a file, or None.

    For single files outside the walked folders (``sitegen.toml``): opening a named pipe would
    block forever, and treating it as absent would silently build with other settings.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _unreadable(exc, path)
    if stat.S_ISREG(mode):
        return None
    return "a folder, not a file" if stat.S_ISDIR(mode) else f"{_kind(mode)}, not a regular file"


def _unreadable(exc: OSError, path: Path | str) -> str:
    """Why a file cannot be read, when that is the file's problem; the machine's stop the build.

    A refused permission or a failing disk would fail other files the same way: skipping the
    file would publish a site with a hole and call it a success (see ``is_environment_error``).
    """
    if is_environment_error(exc):
        if exc.filename is None:
            exc.filename = str(path)
        raise exc
    return f"cannot read it ({exc.strerror or exc})"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True)
class Entry:
    """A readable file or folder: its path as the user wrote it, and what it really is."""

    fspath: str  # a string: building a Path per file is most of a walk's cost, and the stamp needs none
    is_dir: bool
    st: os.stat_result
    trail: tuple[Ident, ...] = ()  # folders from the input folder down to this one (itself included)

    @functools.cached_property
    def path(self) -> Path:
        return Path(self.fspath)

    @property
    def name(self) -> str:
        return os.path.basename(self.fspath)

    @property
    def ident(self) -> Ident:
        return (self.st.st_dev, self.st.st_ino)


@dataclass
class SiteFiles:
    """The rule above, bound to one site; ``reporter`` None checks silently (the build stamp)."""

    allowed: tuple[Path, ...]  # real folders a file's real path may lie in
    reporter: Reporter | None = None
    on_refuse: Callable[[Path, str], None] | None = None  # told of every refusal (the build stamp counts them)
    _reported: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def for_site(cls, root: Path, follow_links: list[str], reporter: Reporter | None = None) -> SiteFiles:
        """The site folder plus the ``[build] follow_links`` folders (relative to it, ``~`` expanded)."""
        folders = [root.resolve()]
        for name in follow_links:
            folders.append((root / os.path.expanduser(name)).resolve())
        return cls(tuple(folders), reporter)

    def within(self, *extra: Path) -> SiteFiles:
        """The same rule, also admitting files inside ``extra`` (a theme's own folder)."""
        folders = self.allowed + tuple(Path(os.path.realpath(f)) for f in extra)
        return SiteFiles(folders, self.reporter, self.on_refuse, self._reported)

    # -- reporting ------------------------------------------------------------------

    def refuse(self, path: Path, reason: str) -> None:
        """One warning per file and reason, however many times the file is looked at."""
        if self.on_refuse is not None:
            self.on_refuse(path, reason)
        key = (os.fsencode(path).decode("latin-1"), reason)
        if self.reporter is None or key in self._reported:
            return
        self._reported.add(key)
        self.reporter.warning(f"skipped: {reason}", shown(path), kind=NOT_READ)

    # -- single files ---------------------------------------------------------------

    def inspect(self, path: Path, linked_only: bool = False) -> Entry | str:
        """The entry for ``path``, or why it may not be read.

        ``linked_only``: the parent folder was already found acceptable, so only a
        symlink at ``path`` itself can lead elsewhere (saves resolving every file).
        """
        if not name_is_text(path.name):
            return _BAD_NAME
        try:
            is_link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError as exc:
            return _unreadable(exc, path)
        return self._judge(str(path), is_link or not linked_only, lambda: os.stat(path))

    def _judge(self, path: str, resolve: bool, get_stat: Callable[[], os.stat_result]) -> Entry | str:
        if resolve:
            problem = self._outside(path)
            if problem:
                return problem
        try:
            st = get_stat()
        except OSError as exc:
            return _unreadable(exc, path)
        if stat.S_ISDIR(st.st_mode):
            return Entry(path, True, st)
        if stat.S_ISREG(st.st_mode):
            return Entry(path, False, st)
        return f"{_kind(st.st_mode)}, not a regular file"

    def _outside(self, path: str) -> str | None:
        """Why the real path of ``path`` may not be read (broken, a loop, outside), or None."""
        try:
            real = Path(os.path.realpath(path, strict=True))
        except FileNotFoundError:
            try:
                return f"cannot read it: broken symlink (it points to {os.readlink(path)!r}, which does not exist)"
            except OSError:
                return "cannot read it: broken symlink (a folder on its way does not exist)"
        except (OSError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
                return "symlink loop (the link leads back to itself)"
            return _unreadable(exc, path)
        if any(_inside(real, folder) for folder in self.allowed):
            return None
        return (
            f"symlink to {shown(real)}, outside the site folder; sitegen publishes nothing from "
            "outside the site unless that folder is listed in [build] follow_links"
        )

    def _admitted(self, path: Path) -> Entry | None:
        """The entry for ``path`` under the rule; None if absent (silently) or refused (warned)."""
        if not os.path.lexists(path):
            return None
        entry = self.inspect(path)
        if isinstance(entry, str):
            self.refuse(path, entry)
            return None
        return entry

    def file(self, path: Path) -> Path | None:
        """``path`` if it is a readable regular file under the rule; absent files are None silently."""
        entry = self._admitted(path)
        return None if entry is None or entry.is_dir else path

    # -- folders --------------------------------------------------------------------

    def root(self, folder: Path) -> Entry | None:
        """An input folder itself (``content/``); None if absent or refused (with a warning)."""
        entry = self._admitted(folder)
        if entry is None or not entry.is_dir:
            return None
        return Entry(entry.fspath, True, entry.st, (entry.ident,))

    def entries(self, folder: Entry, skip: Callable[[str], bool] | None = None) -> list[Entry] | None:
        """The readable entries of ``folder``, sorted by name; None if it cannot be listed (warned).

        Names for which ``skip`` is true (hidden files) are left out before anything else is
        looked at, so a stray ``._café.jpg`` costs nothing but an info line.
        """
        try:
            with os.scandir(folder.fspath) as it:
                listed = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.refuse(folder.path, _unreadable(exc, folder.path).replace("cannot read it", "cannot read folder"))
            return None
        found: list[Entry] = []
        for item in listed:
            name, path = item.name, item.path
            if skip is not None and skip(name):
                if self.reporter is not None:
                    self.reporter.info("hidden file skipped", shown(Path(path)))
                continue
            if not name_is_text(name):
                self.refuse(Path(path), _BAD_NAME)
                continue
            try:
                is_link = item.is_symlink()
            except OSError:
                is_link = True  # cannot tell: check it the careful way
            entry = self._judge(path, is_link, item.stat)  # scandir's stat: one system call, cached
            if isinstance(entry, str):
                self.refuse(Path(path), entry)
                continue
            if entry.is_dir:
                if entry.ident in folder.trail:
                    self.refuse(Path(path), "symlink loop (this folder leads back to one of its parents)")
                    continue
                if len(folder.trail) > MAX_DEPTH:
                    self.refuse(Path(path), f"folders nested more than {MAX_DEPTH} levels deep are not read")
                    continue
                entry = Entry(entry.fspath, True, entry.st, (*folder.trail, entry.ident))
            found.append(entry)
        return found

    def walk(self, folder: Path, skip: Callable[[str], bool] | None = None) -> Iterator[Entry]:
        """Every readable regular file below ``folder``, depth first in name order."""
        top = self.root(folder)
        if top is None:
            return
        stack = [top]
        while stack:
            current = stack.pop()
            listing = self.entries(current, skip)
            if listing is None:
                continue
            for entry in listing:
                if not entry.is_dir:
                    yield entry
            stack.extend(reversed([e for e in listing if e.is_dir]))


def is_hidden(name: str) -> bool:
    """The content folder's rule: dot files and ``_drafts`` are the photographer's, not the site's."""
    return name.startswith((".", "_"))
