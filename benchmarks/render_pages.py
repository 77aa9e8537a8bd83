"""Page rendering alone: milliseconds per photo page of a large site, one checkout or two side by side.

The site is generated once per size (``--photos``: small 200x133 JPEGs, half with a sidecar, in
nested galleries with a menu of ten entries) and built once so every image is cached; each
measurement then runs in a fresh interpreter with ``PYTHONPATH`` on the checkout under test,
reads the site, takes the image results from the cache and times only the render phase (every
page, as ``sitegen build --force`` renders them; nothing is written). Printed per checkout: wall
time, CPU time (the process and its render workers) and both per photo page; with ``--before``
the medians of both checkouts and their ratio, rounds alternating which goes first (the machine
is shared: compare the ratios, and CPU time, more than the absolute figures).

    python benchmarks/render_pages.py --photos 5000
    python benchmarks/render_pages.py --photos 20000 --before /tmp/base --after . --rounds 3
    python benchmarks/render_pages.py --photos 5000 --jobs 1     # rendering in one process
    python benchmarks/render_pages.py --photos 1000 --parallel-from 1   # workers even for a small site
    python benchmarks/render_pages.py --photos 2000 --profile   # cProfile of one render in one process

Nothing is asserted. Sites are kept in ``--sites`` (default: a folder in the temp dir) between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Runs inside the checkout under test.
DRIVER = r"""
import json, resource, sys, time
from pathlib import Path

def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

site_dir, mode, jobs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
if len(sys.argv) > 5 and sys.argv[5]:
    try:
        from sitegen.render import parallel  # absent in checkouts before parallel rendering
        parallel.PARALLEL_FROM = int(sys.argv[5])
    except ImportError:
        pass
from sitegen.errors import Reporter
from sitegen.images.probe import ProbeCache
from sitegen.pipeline import phases

reporter = Reporter()
project = phases.load(site_dir, {"build.jobs": jobs} if jobs else None)
theme = phases.load_theme(project)
site = phases.read(project, reporter, ProbeCache(project.cache_dir))
results, _ = phases.images(site, project, reporter, None, None)
photos = len(results.images)
renderer = phases.templates(site, results, theme, reporter, None)
if mode == "profile":
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
    rendered = phases.render(renderer, site, results, reporter)
    if not isinstance(rendered.pages, dict):
        for _ in rendered.pages:
            pass
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(int(sys.argv[4]))
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(int(sys.argv[4]))
    sys.exit(0)
start_wall, start_cpu = time.perf_counter(), cpu()
rendered = phases.render(renderer, site, results, reporter)
# A dict of every page before issue 14's streaming; since, pages render as they are taken.
pages = len(rendered.pages) if isinstance(rendered.pages, dict) else sum(1 for _ in rendered.pages)
wall, used = time.perf_counter() - start_wall, cpu() - start_cpu
print(json.dumps({"wall": wall, "cpu": used, "photos": photos, "pages": pages}))
"""

GALLERY_COUNT = 100  # top-level sections below; every gallery holds photos / GALLERY_COUNT photos
SECTIONS = ["landscapes", "cities", "portraits", "wildlife", "travel", "night", "details", "archive"]


def make_site(root: Path, photos: int) -> None:
    """A portfolio of ``photos`` small JPEGs in nested galleries with a menu of ten entries."""
    sys.path.insert(0, str(HERE))
    from benchsite import make_photo

    content = root / "content"
    content.mkdir(parents=True)
    menu = ",\n".join(f'  {{ title = "{s.title()}", url = "/{s}/" }}' for s in SECTIONS)
    menu += ',\n  { title = "About", url = "/about/" },\n  { title = "Shop", url = "https://shop.example.com/" }'
    (root / "sitegen.toml").write_text(
        '[site]\ntitle = "Rendering benchmark"\nauthor = "Bench Mark"\nbase_url = "https://example.com/"\n'
        f'[theme_options]\naccent = "#0b6e69"\nmenu = [\n{menu}\n]\n',
        "utf-8",
    )
    (content / "index.md").write_text("---\ntitle: Benchmark\n---\nWelcome to the *benchmark* portfolio.\n", "utf-8")
    (content / "about.md").write_text("---\ntitle: About\n---\nAbout the photographer.\n", "utf-8")
    for section in SECTIONS:
        (content / section).mkdir()
        (content / section / "index.md").write_text(f"---\ntitle: {section.title()}\n---\nAll of {section}.\n")
    per_gallery = max(1, photos // GALLERY_COUNT)
    for i in range(photos):
        number = i // per_gallery
        gallery = content / SECTIONS[number % len(SECTIONS)] / f"set-{number:03d}"
        if not gallery.is_dir():
            gallery.mkdir()
            (gallery / "index.md").write_text(f"---\ntitle: Set {number}\n---\nPhotos of set {number}.\n")
        make_photo(gallery / f"photo-{i:05d}.jpg", i, (200, 133))
        if i % 2 == 0:
            (gallery / f"photo-{i:05d}.md").write_text(
                f"---\ntitle: Photo number {i}\nalt: A test photo, number {i}\n---\nCaption for photo **{i}**.\n",
                "utf-8",
            )


def prepared_site(sites: Path, photos: int, checkout: Path) -> Path:
    """The generated site of that size, built once (by ``checkout``) so that its images are cached."""
    site = sites / f"photos-{photos}"
    if not (site / ".built").exists():
        if site.exists():
            subprocess.run(["rm", "-rf", str(site)], check=True)
        print(f"generating a site of {photos} photos in {site} ...", file=sys.stderr)
        make_site(site, photos)
        env = dict(os.environ, PYTHONPATH=str(checkout))
        subprocess.run([sys.executable, "-m", "sitegen", "build", str(site)], env=env, cwd=checkout, check=True)
        (site / ".built").write_text("")
    return site


def run(checkout: Path, site: Path, *extra: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(site), *extra], env=env, cwd=checkout, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"{checkout}: the render failed:\n{out.stderr}")
    return out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--after", type=Path, default=HERE.parent, help="the checkout to measure (default: this)")
    parser.add_argument("--before", type=Path, help="a second checkout, measured side by side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one render of --after")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--jobs", type=int, default=0, help="[build] jobs for the render (1: one process; 0: the site's)"
    )
    parser.add_argument(
        "--parallel-from", type=int, help="pages from which rendering uses workers (default: sitegen's)"
    )
    parser.add_argument("--sites", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-render-sites")
    args = parser.parse_args()
    sides = {"after": args.after.resolve()}
    if args.before:
        sides = {"before": args.before.resolve(), **sides}
    site = prepared_site(args.sites, args.photos, sides["after"])
    if args.profile:
        print(run(sides["after"], site, "profile", "1", str(args.top)))
        return
    figures: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in sides}
    photos = 0
    for round_no in range(args.rounds):
        order = list(sides) if round_no % 2 == 0 else list(reversed(sides))
        for name in order:
            out = run(sides[name], site, "time", str(args.jobs), "0", str(args.parallel_from or ""))
            result = json.loads(out.strip().splitlines()[-1])
            photos = result["photos"]
            figures[name]["wall"].append(result["wall"])
            figures[name]["cpu"].append(result["cpu"])
        print(f"round {round_no + 1} of {args.rounds} done", file=sys.stderr)
    print(f"render phase of {photos} photo pages, median of {args.rounds} rounds, {os.cpu_count()} cores")
    print(f"{'':8}{'wall s':>9}{'cpu s':>9}{'wall ms/photo':>15}{'cpu ms/photo':>14}")
    medians = {}
    for name in sides:
        wall, used = statistics.median(figures[name]["wall"]), statistics.median(figures[name]["cpu"])
        medians[name] = (wall, used)
        print(f"{name:8}{wall:9.2f}{used:9.2f}{wall * 1000 / photos:15.2f}{used * 1000 / photos:14.2f}")
    if "before" in medians:
        (bw, bc), (aw, ac) = medians["before"], medians["after"]
        print(f"{'ratio':8}{'':18}{aw / bw:15.2f}{ac / bc:14.2f}   (after/before)")


if __name__ == "__main__":
    main()
