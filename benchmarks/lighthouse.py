"""Lighthouse scores of the example site's home, a gallery and a photo page (median of several runs).

    PYTHONPATH=. python benchmarks/lighthouse.py [--runs 3] [--desktop] [--no-gzip] [--keep FOLDER]

Builds example-site into a temporary copy, serves the output on 127.0.0.1 from a plain static
server that gzips text as every static host does (``--no-gzip`` serves it raw), and runs
Lighthouse on each page ``--runs`` times with its default mobile preset (a mid-range phone on a
throttled 4G link, simulated), printing the median performance, accessibility, best-practices and
SEO scores, and the median of the metrics behind performance.

Lighthouse is not vendored and not a dependency: it is installed with npm into a cache folder
outside the repository (``$SITEGEN_BENCH_CACHE`` or ``~/.cache/sitegen-bench``) on first use.
Lighthouse 12 is used because 13 needs Node 22. The browser is Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``) with the flags the browser tests use
(tests/browser.py: headless, no background network).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitegen.errors import Reporter
from sitegen.pipeline.build import build
from tests.browser import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parent.parent

LIGHTHOUSE = "lighthouse@12"
CACHE = Path(os.environ.get("SITEGEN_BENCH_CACHE", Path.home() / ".cache" / "sitegen-bench"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = {"home": "/", "gallery": "/water/", "photo": "/water/jetty-and-sea/"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {
    "first-contentful-paint": "FCP ms",
    "largest-contentful-paint": "LCP ms",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI ms",
}
TEXT = (".html", ".css", ".js", ".svg", ".xml", ".json", ".txt", ".webmanifest")


def lighthouse_bin() -> Path:
    folder = CACHE / LIGHTHOUSE.replace("@", "-")
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is missing: Lighthouse is installed with npm (apt-get install npm)")
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing {LIGHTHOUSE} into {folder} ...", file=sys.stderr)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", LIGHTHOUSE], cwd=folder, check=True)
    return binary


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; text gzipped when the client accepts it, as a static host does."""

    compress = True
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a plain class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".css": "text/css",
    }

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and wants and path.suffix in TEXT and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Chromium drops connections it no longer needs (a cancelled image): not a server problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path, compress: bool) -> Iterator[str]:
    handler = functools.partial(type("Handler", (_Handler,), {"compress": compress}), directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_example(work: Path) -> Path:
    site = work / "example-site"
    shutil.copytree(REPO / "example-site", site, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    reporter = Reporter(root=site)
    build(site, reporter=reporter)
    return site / "public"


def run_once(binary: Path, url: str, desktop: bool, report: Path) -> dict[str, Any]:
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    if desktop:
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME}
    subprocess.run(command, check=True, env=env, timeout=600)
    result: dict[str, Any] = json.loads(report.read_text("utf-8"))
    return result


def failing_audits(result: dict[str, Any]) -> list[str]:
    """The audits under 1 that count for a category, with the lines they name: what to fix."""
    out = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                out.append(f"{category}: {ref['id']} ({audit['score']:.2f}) {audit.get('displayValue', '')}".rstrip())
                items = (audit.get("details") or {}).get("items") or []
                out.extend(f"    {i['line']}: {i['message']}" for i in items if "line" in i and "message" in i)
    return out


def median_row(name: str, results: list[dict[str, Any]]) -> str:
    scores = [statistics.median(r["categories"][c]["score"] * 100 for r in results) for c in CATEGORIES]
    metrics = {
        label: statistics.median(r["audits"][m]["numericValue"] for r in results) for m, label in METRICS.items()
    }
    shown = [f"{v:>{len(label)}.{3 if label == 'CLS' else 0}f}" for label, v in metrics.items()]
    return f"{name:<8} " + " ".join(f"{s:>14.0f}" for s in scores) + "  " + " ".join(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of mobile")
    parser.add_argument("--no-gzip", action="store_true", help="serve text uncompressed")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()

    binary = lighthouse_bin()
    with tempfile.TemporaryDirectory(prefix="sitegen-lighthouse-") as tmp:
        work = Path(tmp)
        output = build_example(work)
        reports = args.keep or work / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
        preset = "desktop" if args.desktop else "mobile"
        print(f"Lighthouse {version}, {preset} preset, median of {args.runs} runs, {CHROME}")
        header = f"{'page':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES) + "  " + " ".join(METRICS.values())
        rows, problems = [], {}
        with serve(output, compress=not args.no_gzip) as base:
            for name, path in PAGES.items():
                results = [
                    run_once(binary, base + path, args.desktop, reports / f"{name}-{n}.json") for n in range(args.runs)
                ]
                rows.append(median_row(name, results))
                problems[name] = list(dict.fromkeys(line for r in results for line in failing_audits(r)))
        print(header)
        print("\n".join(rows))
        for name, lines in problems.items():
            if lines:
                print(f"\n{name} {PAGES[name]}: audits below 1 in some run")
                print("\n".join(f"  {line}" for line in lines))


if __name__ == "__main__":
    main()
