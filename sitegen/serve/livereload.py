"""Live reload: open pages learn about rebuilds over Server-Sent Events.

SSE rather than a WebSocket: one plain HTTP response the standard library's
server can stream, which browsers reconnect by themselves after a restart.
The client script is added to HTML responses by the preview server only; it
is never written into the build output. Each page carries the number of the
build it shows, so a page loaded just before a rebuild finished still reloads
when it connects.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import threading
from collections.abc import Iterator
from importlib import resources
from typing import Any

from markupsafe import escape

SCRIPT_PATH = "/__sitegen/livereload.js"
EVENTS_PATH = "/__sitegen/events"
_KEEP = 64  # events kept for connections that are between two reads

_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def inject(html: str, tag: str) -> str:
    """``tag`` before the last ``</body>`` (or at the end of a page without one)."""
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class LiveReload:
    """The preview's side of live reload: the current build, the last error, and the event streams."""

    def __init__(self, keepalive: float = 15.0) -> None:
        self.script = resources.files("sitegen.serve").joinpath("livereload.js").read_bytes()
        self.keepalive = keepalive
        self._session = secrets.token_hex(4)  # a restarted server is a new session: pages reload
        self._cond = threading.Condition()
        self._events: list[tuple[int, bytes]] = []
        self._seq = 0
        self._build = 0
        self._error: str | None = None
        self._closed = False
        self.listeners = 0  # open pages (event streams) right now
        self._open: dict[str, int] = {}  # URL path of each open page -> its event streams

    @property
    def build_id(self) -> str:
        return f"{self._session}-{self._build}"

    @property
    def error(self) -> str | None:
        return self._error

    def script_tag(self, served_path: str) -> str:
        return (
            f'<script src="{SCRIPT_PATH}" data-events="{EVENTS_PATH}" '
            f'data-build="{escape(self.build_id)}" data-path="{escape(served_path)}"></script>'
        )

    def _publish(self, name: str, data: dict[str, Any]) -> None:
        with self._cond:
            self._seq += 1
            self._events.append((self._seq, _event(name, data)))
            del self._events[:-_KEEP]
            self._cond.notify_all()

    def reload(self, number: int, pages: list[str], everything: bool) -> None:
        """A rebuild changed ``pages`` (URL paths), or files every page may use (``everything``)."""
        with self._cond:
            self._build, self._error = number, None
        self._publish("reload", {"build": self.build_id, "pages": sorted(pages), "all": everything})

    def stylesheets(self, number: int, renamed: dict[str, str]) -> None:
        """Only stylesheets changed: pages swap them in place (``renamed`` maps old URL paths to new)."""
        with self._cond:
            self._build, self._error = number, None
        self._publish("css", {"build": self.build_id, "renamed": renamed})

    def failed(self, message: str) -> None:
        with self._cond:
            self._error = message
        self._publish("failed", {"message": message})

    def _news_since(self, seen: int) -> bool:
        return self._seq > seen or self._closed

    @property
    def open_pages(self) -> list[str]:
        """URL paths of the pages open right now (their script says which page it is in)."""
        with self._cond:
            return list(self._open)

    def stream(self, page: str | None = None) -> Iterator[bytes]:
        """The bytes of the event stream of one open ``page`` (URL path), until :meth:`close`."""
        with self._cond:
            last = self._seq
            hello = {"build": self.build_id, "error": self._error}
            self.listeners += 1
            if page is not None:
                self._open[page] = self._open.get(page, 0) + 1
        try:
            yield b"retry: 1000\n" + _event("hello", hello)
            while True:
                with self._cond:
                    self._cond.wait_for(functools.partial(self._news_since, last), timeout=self.keepalive)
                    if self._closed:
                        return
                    new = [data for seq, data in self._events if seq > last]
                    last = self._seq
                yield b"".join(new) if new else b": keep-alive\n\n"
        finally:
            with self._cond:
                self.listeners -= 1
                if page is not None:
                    self._open[page] -= 1
                    if not self._open[page]:
                        del self._open[page]

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
