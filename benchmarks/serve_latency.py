"""Edit-to-reload latency of ``sitegen serve`` on a generated site with several hundred photos.

Measures, through the real preview (watchdog, debounce, incremental rebuild,
folder update, Server-Sent Events), the time from a file being saved to the
reload event arriving on an open event stream:

* a Markdown edit (a page's text, and a photo sidecar's caption; target < 150 ms),
* one changed photo (re-saved with new pixels), at the generated size and at 24 MP,

and, for comparison, a full ``sitegen build`` of the same site with every image
already cached (what a rebuild-everything preview would cost per save).

    python benchmarks/serve_latency.py                    # 400 photos in a temporary folder
    python benchmarks/serve_latency.py --photos 600 --keep /tmp/bench-site   # reuse between runs

Figures are printed, never asserted: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsite import make_photo, make_site

from sitegen.commands.serve import Preview
from sitegen.errors import Reporter
from sitegen.pipeline.build import build


class Stream:
    """The preview's event stream, read as a browser would."""

    def __init__(self, port: int, page: str | None = None) -> None:
        """``page``: the URL path of the open page (its script says it, so the preview renders it first)."""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.conn.request("GET", "/__sitegen/events" + (f"?path={page}" if page else ""))
        self.resp = self.conn.getresponse()

    def next_event(self) -> str:
        name = ""
        while True:
            line = self.resp.fp.readline().decode()
            if not line:
                raise RuntimeError("event stream closed")
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line == "\n" and name:
                return name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_edit(stream: Stream, preview: Preview, change) -> tuple[float, float, float]:
    """(save -> reload event, rebuild alone, rebuild's CPU time) in milliseconds."""
    started = time.perf_counter()
    change()
    event = stream.next_event()
    latency = (time.perf_counter() - started) * 1000
    if event not in ("reload", "css"):
        raise RuntimeError(f"expected a reload, got {event}")
    assert preview.last is not None
    return latency, preview.last.seconds * 1000, preview.last.cpu_seconds * 1000


def summary(label: str, samples: list[tuple[float, float, float]]) -> None:
    latencies = [s[0] for s in samples]
    rebuilds = [s[1] for s in samples]
    cpu = [s[2] for s in samples]
    print(
        f"{label:<40} median {statistics.median(latencies):7.1f} ms  "
        f"min {min(latencies):7.1f}  max {max(latencies):7.1f}  | rebuild alone: median "
        f"{statistics.median(rebuilds):6.1f} ms wall, {statistics.median(cpu):6.1f} ms CPU (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=15, help="Markdown edits per kind")
    parser.add_argument("--photo-repeat", type=int, default=5, help="photo changes per size")
    parser.add_argument("--keep", type=Path, help="generate the site here (or reuse it) and keep it")
    args = parser.parse_args()

    tmp = None
    if args.keep:
        root = args.keep
    else:
        tmp = Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
        root = tmp / "site"
    try:
        if not (root / "content").is_dir():
            t = time.perf_counter()
            make_site(root, args.photos)
            print(f"generated {args.photos} photos in {time.perf_counter() - t:.1f} s")
        photos = sorted((root / "content").rglob("photo-*.jpg"))
        print(f"site: {root} ({len(photos)} photos, {len(list((root / 'content').rglob('*.md')))} Markdown files)")

        t = time.perf_counter()
        build(root, reporter=Reporter(), output_dir=root / "public")
        print(f"sitegen build, first run here (processes every photo not cached yet): {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        report = build(root, reporter=Reporter(), output_dir=root / "public", force=True)  # time the work
        full_ms = (time.perf_counter() - t) * 1000
        print(f"sitegen build, every image cached: {full_ms:.0f} ms ({report.pages + report.photos} pages)")

        with Preview(root, port=free_port(), log=lambda level, message: None) as preview:
            t = time.perf_counter()
            preview.wait_built()
            print(f"sitegen serve, first build: {time.perf_counter() - t:.1f} s\n")
            stream = Stream(preview.server.server_address[1])
            stream.next_event()  # hello
            time.sleep(0.5)

            about = root / "content" / "about.md"
            sidecar = next(p.with_suffix(".md") for p in photos if p.with_suffix(".md").exists())
            page_samples, sidecar_samples = [], []
            for i in range(args.repeat):
                page_samples.append(
                    timed_edit(stream, preview, lambda i=i: about.write_text(f"---\ntitle: About\n---\nEdit {i}.\n"))
                )
                time.sleep(0.1)
                text = sidecar.read_text()
                sidecar_samples.append(
                    timed_edit(stream, preview, lambda t=text, i=i: sidecar.write_text(t + f"\nMore {i}.\n"))
                )
                time.sleep(0.1)

            photo_samples = []
            target = photos[len(photos) // 2]
            for i in range(args.photo_repeat):
                photo_samples.append(timed_edit(stream, preview, lambda i=i: make_photo(target, 10_000 + i)))
                time.sleep(0.1)

            big = root / "content" / "landscapes" / "zz-big.jpg"
            make_photo(big, 20_000, (6000, 4000))
            stream.next_event()  # the new photo's own rebuild
            big_samples = []
            for i in range(max(2, args.photo_repeat // 2)):
                big_samples.append(timed_edit(stream, preview, lambda i=i: make_photo(big, 20_001 + i, (6000, 4000))))
                time.sleep(0.1)

        quiet, settle = preview.queue.quiet * 1000, preview.queue.settle * 1000
        print(f"edit -> reload event, {len(photos)}-photo site, debounce ({settle:.0f}-{quiet:.0f} ms) included:")
        summary("Markdown page edit (target < 150 ms)", page_samples)
        summary("Markdown photo sidecar edit", sidecar_samples)
        summary("one changed photo, 1600x1067", photo_samples)
        summary("one changed photo, 6000x4000 (24 MP)", big_samples)
        md = statistics.median(s[0] for s in page_samples)
        print(
            f"\nfull cached `sitegen build` {full_ms:.0f} ms vs incremental Markdown edit {md:.0f} ms: "
            f"{full_ms / md:.1f}x"
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
