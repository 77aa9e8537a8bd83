"""Hash every published file of example-site and of the repository's own content/ build.

A restructuring that claims "behaviour unchanged" proves it here: record a manifest
before moving code, build again after, and compare. The two builds run from fresh
copies with no cache, in temporary folders, so nothing in the checkout is touched.

    python benchmarks/output_manifest.py --write /tmp/before.json
    python benchmarks/output_manifest.py --compare /tmp/before.json   # lists every difference

The output marker holds a random build token and is left out; everything else a
build publishes (pages, images, feeds, host files, server-config snippets) counts.
Builds are reproducible on one day: the copyright year comes from the clock.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from sitegen.errors import Reporter
from sitegen.output.folder import MARKER
from sitegen.pipeline.build import build

ROOT = Path(__file__).resolve().parent.parent
# name -> (folder, what of it is the site; None: all but build products)
SITES: dict[str, tuple[Path, set[str] | None]] = {
    "example-site": (ROOT / "example-site", None),
    "content": (ROOT, {"content", "static", "templates", "sitegen.toml"}),  # the checkout holds much more
}
BUILT = {"public", ".sitegen-cache", "server-config"}


def _copy_site(source: Path, dest: Path, only: set[str] | None) -> None:
    dest.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.name in BUILT or (only is not None and entry.name not in only):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, dest / entry.name)


def manifest(jobs: int) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="sitegen-manifest-") as tmp:
        for name, (source, only) in SITES.items():
            site = Path(tmp) / name
            _copy_site(source, site, only)
            report = build(site, overrides={"build.jobs": jobs}, reporter=Reporter(root=site))
            files: dict[str, str] = {}
            for top in (report.output_dir, report.output_dir.parent / "server-config"):
                if not top.is_dir():
                    continue
                for path in sorted(top.rglob("*")):
                    if path.is_file() and path.name != MARKER:
                        key = path.relative_to(report.output_dir.parent).as_posix()
                        files[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            result[name] = files
    return result


def compare(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    lines = []
    for site in sorted(set(before) | set(after)):
        old, new = before.get(site, {}), after.get(site, {})
        for path in sorted(set(old) | set(new)):
            if path not in new:
                lines.append(f"{site}: removed {path}")
            elif path not in old:
                lines.append(f"{site}: added {path}")
            elif old[path] != new[path]:
                lines.append(f"{site}: changed {path}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the manifest to this file")
    group.add_argument("--compare", type=Path, help="compare a fresh build with this manifest")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="image workers (0: one per core)")
    args = parser.parse_args()
    now = manifest(args.jobs)
    counts = ", ".join(f"{site}: {len(files)} files" for site, files in now.items())
    if args.write:
        args.write.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {args.write} ({counts})")
        return 0
    differences = compare(json.loads(args.compare.read_text("utf-8")), now)
    for line in differences:
        print(line)
    print(f"{len(differences)} difference(s) ({counts})")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
