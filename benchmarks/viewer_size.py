"""What a visitor downloads for the viewer: sitegen's theme against PhotoSwipe 5, gzipped, side by side.

    python benchmarks/viewer_size.py [--photoswipe 5] [--level 9]

PhotoSwipe is fetched with ``npm pack photoswipe@VERSION`` into a temporary folder for the
measurement only (it is never vendored): its minified ES modules ``dist/photoswipe.esm.min.js``
(the core) and ``dist/photoswipe-lightbox.esm.min.js`` (the lightbox that opens it), and its
``dist/photoswipe.css``. sitegen's side is the default theme's files as published: readable,
unminified source (every ``*.js`` in ``themes/default/static``, and ``style.css``, which holds the
whole site's styles, not only the viewer's). Each file is gzipped on its own at ``--level``, as a
static host compresses it; the ratio is sitegen's size over PhotoSwipe's.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "themes" / "default" / "static"
PHOTOSWIPE_JS = ["dist/photoswipe.esm.min.js", "dist/photoswipe-lightbox.esm.min.js"]
PHOTOSWIPE_CSS = ["dist/photoswipe.css"]


def gzipped(data: bytes, level: int) -> int:
    return len(gzip.compress(data, level, mtime=0))


def fetch_photoswipe(version: str, folder: Path) -> tuple[str, dict[str, bytes]]:
    """The package's exact version and the bytes of the files measured, from the npm registry."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing: PhotoSwipe is fetched with `npm pack` (apt-get install npm)")
    done = subprocess.run(
        [npm, "pack", f"photoswipe@{version}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )
    if done.returncode != 0:
        raise SystemExit(f"npm pack photoswipe@{version} failed: {done.stderr.strip()}")
    tarball = next(folder.glob("photoswipe-*.tgz"))
    exact = tarball.name.removeprefix("photoswipe-").removesuffix(".tgz")
    files = {}
    with tarfile.open(tarball) as archive:
        for name in PHOTOSWIPE_JS + PHOTOSWIPE_CSS:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"photoswipe {exact} has no {name}")
            files[name] = member.read()
    return exact, files


def row(label: str, raw: int, zipped: int) -> str:
    return f"  {label:<44} {raw:>9,} {zipped:>9,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photoswipe", default="5", help="npm version or range of photoswipe (default 5)")
    parser.add_argument("--level", type=int, default=9, help="gzip level (default 9)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="viewer-size-") as work:
        version, theirs = fetch_photoswipe(args.photoswipe, Path(work))
    ours_js = {p.name: p.read_bytes() for p in sorted(STATIC.glob("*.js"))}
    ours_css = {"style.css": (STATIC / "style.css").read_bytes()}

    def total(files: dict[str, bytes]) -> tuple[int, int]:
        return sum(len(d) for d in files.values()), sum(gzipped(d, args.level) for d in files.values())

    print(f"{'':46} {'bytes':>9} {'gzipped':>9}   (gzip -{args.level}, each file on its own)")
    print(f"PhotoSwipe {version} (minified, from npm)")
    for name in PHOTOSWIPE_JS + PHOTOSWIPE_CSS:
        print(row(name, len(theirs[name]), gzipped(theirs[name], args.level)))
    print("sitegen default theme (unminified source)")
    for name, data in {**ours_js, **ours_css}.items():
        print(row(name, len(data), gzipped(data, args.level)))

    their_js = total({n: theirs[n] for n in PHOTOSWIPE_JS})
    their_all = total(theirs)
    our_js, our_all = total(ours_js), total({**ours_js, **ours_css})
    print()
    print(f"{'':46} {'PhotoSwipe':>10} {'sitegen':>9} {'ratio':>7}")
    print(f"  {'JavaScript, gzipped':<44} {their_js[1]:>10,} {our_js[1]:>9,} {our_js[1] / their_js[1]:>7.2f}")
    print(
        f"  {'JavaScript + CSS, gzipped':<44} {their_all[1]:>10,} {our_all[1]:>9,} {our_all[1] / their_all[1]:>7.2f}"
        "   (sitegen's CSS styles the whole site)"
    )


if __name__ == "__main__":
    main()
