"""A small static host on 127.0.0.1 that applies a Netlify/Cloudflare ``_headers`` file, like those hosts do.

Deliberately independent of the generator and of the audit's own ``_headers``
reader (``sitegen/audit/hostrules.py``), so a bug in either cannot hide a bug in
the generated file. Rules: a
line starting without whitespace is a URL pattern (``*`` matches anything,
``:name`` one path segment); indented ``Name: value`` lines below it are its
headers; every matching rule applies, and a header named by several rules is
joined with ", " (Cloudflare's documented behaviour).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path


def load_rules(text: str) -> list[tuple[re.Pattern[str], list[tuple[str, str]]]]:
    rules: list[tuple[re.Pattern[str], list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        if not line[0].isspace():
            parts = re.split(r"(\*|:[A-Za-z_]\w*)", line.strip())
            regex = "".join(".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in parts)
            rules.append((re.compile(regex + "$"), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


class _Handler(http.server.SimpleHTTPRequestHandler):
    drop_for: Callable[[str], bool] = staticmethod(lambda path: False)  # simulate a host losing headers
    refuse_for: Callable[[str, str], bool] = staticmethod(lambda agent, path: False)  # the host's edge function

    def send_head(self):  # type: ignore[no-untyped-def]
        if self.refuse_for(self.headers.get("User-Agent", ""), self.path.split("?", 1)[0]):
            body = b"This site does not serve AI crawlers.\n"
            self.send_response(403)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def _rule_headers(self) -> dict[str, tuple[str, str]]:
        path = self.path.split("?", 1)[0]
        # Read on every request, as the site may be (re)built while the server runs.
        headers_file = Path(self.directory) / "_headers"
        rules = load_rules(headers_file.read_text("utf-8")) if headers_file.is_file() else []
        merged: dict[str, tuple[str, str]] = {}
        if not self.drop_for(path):
            for pattern, headers in rules:
                if pattern.match(path):
                    for name, value in headers:
                        key = name.lower()
                        merged[key] = (name, merged[key][1] + ", " + value) if key in merged else (name, value)
        return merged

    def send_header(self, keyword: str, value: str) -> None:
        # The hosts' own Content-Type (by extension) gives way to one that _headers sets, as on both hosts.
        if keyword.lower() == "content-type" and "content-type" in self._rule_headers():
            return
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        for name, value in self._rule_headers().values():
            super().send_header(name, value)
        super().end_headers()

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(404)
        return None

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(
    root: Path,
    drop_for: Callable[[str], bool] | None = None,
    refuse_for: Callable[[str, str], bool] | None = None,
) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1; yields the base URL.

    ``drop_for(path)`` returning True makes the server leave out the ``_headers`` headers for that path,
    like a host whose configuration loses them (the nginx add_header trap). ``refuse_for(user_agent,
    path)`` returning True answers 403, as the edge function sitegen writes for Netlify and
    Cloudflare Pages does (that JavaScript is tested under node in test_refusal_edge.py).
    """
    handler = type(
        "Handler",
        (_Handler,),
        {
            "drop_for": staticmethod(drop_for or (lambda path: False)),
            "refuse_for": staticmethod(refuse_for or (lambda agent, path: False)),
        },
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    with running(server) as url:
        yield url


@contextlib.contextmanager
def running(server: http.server.HTTPServer) -> Iterator[str]:
    """Serve with ``server`` (bound to 127.0.0.1) in a thread; yields its base URL, stops it on exit."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
