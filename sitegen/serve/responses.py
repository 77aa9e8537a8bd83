"""The answer to a GET or HEAD, prepared while the preview folder is stable.

Separate from the handler because preparing and sending are two moments: a
:class:`Reply` is built under the rebuild lock (files opened, small ones
read, HTML given the live-reload script and ``no-store``), and the handler
sends it after letting rebuilds go on, so a client that stops reading stalls
only its own connection.
"""

from __future__ import annotations

import email.utils
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .livereload import inject
from .lookup import Target, content_type
from .view import SiteView

SMALL_FILE = 256 * 1024  # files up to this size are read into memory; larger ones are streamed from an open file


@dataclass
class Reply:
    """A response prepared while the folder is stable, sent after letting rebuilds go on.

    ``file`` is an open file: on POSIX it keeps the bytes it was opened with
    even when a rebuild replaces or deletes the file meanwhile.
    """

    status: int
    ctype: str = ""
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    file: BinaryIO | None = None
    length: int = 0  # of ``file``
    site_path: str = ""

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def text_reply(status: int, text: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", text.encode("utf-8"))


def reply_for(view: SiteView, target: Target, base: str, if_none_match: str | None, head: bool) -> Reply:
    """What to answer for ``target``; ``base`` is the site's base path, ``head`` a HEAD request."""
    if target.kind == "bad":
        reply = text_reply(400, "Bad request\n")
    elif target.kind == "forbidden":
        reply = text_reply(403, "Forbidden\n")
    elif target.kind == "redirect":
        reply = Reply(302, "text/plain; charset=utf-8", headers=[("Location", target.location)])
    elif target.kind == "missing":
        reply = not_found(view)
    else:
        assert target.file is not None
        reply = file_reply(view, target.file, base + target.site_path, if_none_match, head, target.site_path)
    reply.site_path = target.site_path
    return reply


def html_reply(view: SiteView, status: int, html: str, served_path: str) -> Reply:
    body = inject(html, view.live.script_tag(served_path)).encode("utf-8")
    return Reply(status, "text/html; charset=utf-8", body, [("Cache-Control", "no-store")])


def not_found(view: SiteView) -> Reply:
    page = view.root / "404.html"
    if page.is_file():
        return html_reply(view, 404, page.read_text("utf-8", errors="replace"), view.base_path() + "404.html")
    return text_reply(404, "Not found\n")


def file_reply(
    view: SiteView, file: Path, url_path: str, if_none_match: str | None, head: bool, site_path: str | None = None
) -> Reply:
    ctype = content_type(file, site_path)
    try:
        if ctype.startswith("text/html"):
            return html_reply(view, 200, file.read_text("utf-8", errors="replace"), url_path)
        fh = file.open("rb")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # removed behind the preview's back
        return not_found(view)
    try:
        st = os.fstat(fh.fileno())
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        validators = [
            ("ETag", etag),
            ("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True)),
            ("Cache-Control", "no-cache"),
        ]
        if if_none_match == etag:
            fh.close()
            return Reply(304, headers=validators)
        if head:
            fh.close()
            return Reply(200, ctype, headers=validators, length=st.st_size)
        if st.st_size <= SMALL_FILE:
            body = fh.read(st.st_size)
            fh.close()
            return Reply(200, ctype, body, validators)
        return Reply(200, ctype, headers=validators, file=fh, length=st.st_size)
    except BaseException:
        fh.close()
        raise
