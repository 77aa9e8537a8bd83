"""`sitegen audit` benchmark: how long a photographer waits after a deploy, by site size.

Run from the repository root:

    python benchmarks/audit.py                # example-site, then 10x and 50x copies of its output
    python benchmarks/audit.py --scales 1 100

Builds example-site once into a temporary folder, then measures:

1. a folder audit of the build, and of synthetic larger outputs made by copying
   its pages and images N times into sub-folders (every page's meta tags, every
   image's headers, metadata and size, robots.txt on every URL);
2. a URL audit of the build served by a local test host on 127.0.0.1 (sitemap
   pages, the largest file of every <picture>, originals probed), with the
   number of requests it sent;
3. hostile hosts (``--hostile``, on by default): a home page whose headers or body
   drip one byte every 2 s (with ``--timeout 2``: how long until the audit gives
   up), pages that each take 0.5 s (with ``--max-time 5``), and a site whose every
   page has 100,000 same-origin links (default options), with what was checked.

Figures are printed, never asserted: the machine this runs on is noisy.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.commands.audit import AuditOptions, audit  # noqa: E402
from sitegen.errors import Reporter  # noqa: E402
from sitegen.pipeline.build import build  # noqa: E402
from tests.headers_server import serve  # noqa: E402


def replicate(output: Path, target: Path, times: int) -> None:
    """An output folder with the site's pages and images ``times`` over (copies under copy-N/)."""
    shutil.copytree(output, target)
    for n in range(1, times):
        for folder in [p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")]:
            shutil.copytree(folder, target / f"copy-{n}" / folder.name)


def timed(label: str, target: str, options: AuditOptions) -> None:
    started = time.perf_counter()
    report = audit(target, options)
    seconds = time.perf_counter() - started
    s = report.stats
    print(
        f"{label:<28} {seconds:7.2f} s   {s['pages']:>5} pages  {s['images']:>6} images  "
        f"{s['requests']:>4} requests   {'ok' if report.ok else 'FAILED: ' + ', '.join(c.id for c in report.failed)}"
    )


def hostile(label: str, answer, options: AuditOptions) -> None:  # type: ignore[no-untyped-def]
    """Audit a scripted host; print the time, the verdict and the coverage line (or the error)."""
    from sitegen.errors import SitegenError
    from tests.test_audit_bounds import scripted

    with scripted(answer) as (url, _):
        started = time.perf_counter()
        try:
            report = audit(url, options)
        except SitegenError as exc:
            print(f"{label:<28} {time.perf_counter() - started:7.2f} s   error: {exc}")
            return
        seconds = time.perf_counter() - started
    s = report.stats
    print(
        f"{label:<28} {seconds:7.2f} s   {s['pages']:>5} pages  {s['requests']:>4} requests   "
        f"{len(report.failed)} failed, {len(report.unchecked)} unchecked"
    )
    print(f"{'':<28} coverage: {report.get('coverage').detail[:160]}")


def hostile_cases() -> None:
    from tests import test_audit_bounds as hosts

    hosts.DRIP_EVERY, hosts.DRIP_BYTES = 2.0, 300  # 1 byte every 2 s: 10 minutes when nobody hangs up
    for drip in ("headers", "body"):
        hostile(
            f"drip {drip}, --timeout 2",
            lambda path, drip=drip: hosts.site_files(path) or (200, [], b"", drip),
            AuditOptions(timeout=2),
        )
    pages = [f"/p{i}/" for i in range(100)]

    def slow(path: str):  # type: ignore[no-untyped-def]
        if path == "/sitemap.xml":
            return 200, [], hosts.sitemap(["/", *pages]), None
        if path in pages:
            time.sleep(0.5)
        return hosts.site_files(path) or (200, [("Content-Type", "text/html")], hosts.html(), None)

    hostile("100 pages at 0.5 s, --max-time 5", slow, AuditOptions(max_time=5))
    body = hosts.html("".join(f'<a href="/p{i}/">{i}</a>' for i in range(100_000)))

    def links(path: str):  # type: ignore[no-untyped-def]
        if path == "/sitemap.xml":
            return 404, [], b"", None
        return hosts.site_files(path) or (200, [("Content-Type", "text/html")], body, None)

    hostile("100k links a page, --max-time 60", links, AuditOptions(max_time=60))
    # Where a page's time goes now: reading it (linear in its size); its links are resolved only while
    # pages can still be queued (before: all 100,000 on every page, about 5 s more per page).
    from sitegen.audit import HttpSource
    from sitegen.audit.html import read_page

    started = time.perf_counter()
    facts = read_page(body)
    parse = time.perf_counter() - started
    source = HttpSource("http://127.0.0.1:9/")
    started = time.perf_counter()
    for link in facts.links:
        source.url_path(link, "/")
    resolve = time.perf_counter() - started
    print(
        f"{'one 100k-link page':<28} read {parse:.2f} s ({len(body) / 1e6:.1f} MB); resolving all its links "
        f"would add {resolve:.2f} s (now resolved: only as many as pages can still be queued)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50], help="copies of the output")
    parser.add_argument("--no-hostile", dest="hostile", action="store_false", help="skip the hostile hosts")
    parser.add_argument("--only-hostile", action="store_true", help="only the hostile hosts")
    args = parser.parse_args()
    if args.only_hostile:
        hostile_cases()
        return
    with tempfile.TemporaryDirectory(prefix="sitegen-audit-bench-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(ROOT / "example-site", site, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
        build(site, reporter=Reporter())
        output = site / "public"
        print(f"{'what':<28} {'time':>9}")
        for times in args.scales:
            folder = Path(tmp) / f"x{times}"
            replicate(output, folder, times)
            timed(f"folder audit, {times}x", str(folder), AuditOptions(site=site))
        with serve(output) as url:
            timed("URL audit (local host)", url, AuditOptions(site=site))
    if args.hostile:
        hostile_cases()


if __name__ == "__main__":
    main()
