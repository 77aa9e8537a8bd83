"""Helpers for the browser tests: a local static server and Debian's headless Chromium.

The built site is served from 127.0.0.1 exactly as a static host would serve
it; Chromium is the system's (``/usr/bin/chromium``, installed by ``.ci/run``
with apt-get), driven by Playwright for Python. Playwright's own browser
download (``playwright install``) is never used.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
# Flags for a closed network: without the background-networking ones Chromium keeps
# trying to reach Google's services, and those attempts show up as failed requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Playwright's default is 30 s per wait; on a loaded 2-core machine (CI, or the suite next to other
# work) a page with a dozen images can take longer than that. Waits end as soon as their condition
# holds, so a generous bound costs nothing when all is well.
TIMEOUT_MS = 120_000

# Chromium cancels requests it no longer needs: a srcset candidate it dropped for a better one once
# layout (or the device pixel ratio) was known, an image prefetch overtaken by a navigation. Such a
# request ends as "net::ERR_ABORTED" without any error on the server's side; whether the page really
# got its images is checked on the images themselves (complete, naturalWidth > 0).
CANCELLED = "net::ERR_ABORTED"


def new_context(browser: Any, **options: Any) -> Any:
    """A fresh browser context (empty cache) whose waits are bounded by :data:`TIMEOUT_MS`."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a plain class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".css": "text/css",
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that navigates away mid-download closes the connection: not a server problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) and yield its base URL, "http://127.0.0.1:PORT"."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Traffic:
    """Everything a page did on the network and the console that a clean page must not do."""

    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # dropped by the browser itself: not a failure
    external: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
        page.on("request", self._request)

    def _failed(self, request: Any) -> None:
        (self.cancelled if request.failure == CANCELLED else self.failed).append(f"{request.url} ({request.failure})")

    def _request(self, request: Any) -> None:
        url = request.url
        if url.startswith("data:"):
            return
        self.requests.append(url)
        if not url.startswith(self.base + "/"):
            self.external.append(url)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed]
            + [f"external request: {m}" for m in self.external]
        )


def load_everything(page: Any) -> None:
    """Scroll to the bottom and back so lazy images load, then wait until the network is quiet."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """async () => {
            const step = Math.max(200, window.innerHeight / 2);
            for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
                window.scrollTo(0, y);
                await new Promise((r) => setTimeout(r, 50));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every((i) => i.complete)")
