"""Image pipeline benchmark: sitegen against the pure-Pillow floor and against Sigal, side by side.

Run from the repository root:

    python benchmarks/images.py                 # 24 camera-sized photos, both comparisons
    python benchmarks/images.py --photos 48 --noop-photos 1000

It generates (once, cached in benchmarks/.corpus/) a corpus of 24 MP JPEGs with
EXIF and GPS made from the demo photos in content/, then measures in one run:

1. the floor: a minimal script doing the same derivatives with plain Pillow
   (draft decode, the same widths, formats and qualities, the same number of
   processes), against a sitegen cold build with the same settings;
2. sitegen's no-op rebuild and one-photo-changed rebuild;
3. peak memory (RSS) of the largest process for N and 2N photos;
4. the same job with Sigal (installed for the benchmark only, in its own
   virtualenv: pip install sigal into benchmarks/.venv-sigal or pass --sigal);
   Sigal makes one large image and one thumbnail per photo, so sitegen runs with
   matching settings for that row (one 2048 px JPEG and one 480 px JPEG);
5. a no-op rebuild of --noop-photos small photos (the figure the cache exists for);
6. encode cost and size per format at 2048 px, which chose the default formats;
7. the watermark by role against the old width rule, per photo and in one process
   (``--roles`` runs only this section): the old rule marked only files at least
   ``min_width`` wide and published no other copy; the role rule marks every
   full view and, with ``thumbnails = "clean"``, encodes clean thumbnails below
   ``min_width`` as well. Same decode, resize, mark and encode functions as the
   pipeline, so the difference is the extra marks and encodes.

Figures are printed, never asserted: the machine this runs on is noisy.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import ExifTags, Image, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".corpus"
WIDTHS = (480, 800, 1200, 1600, 2048)
QUALITY = {"jpeg": 82, "webp": 80, "avif": 60}


# --- corpus ----------------------------------------------------------------------------------


def camera_exif(i: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R6"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, float(i % 60))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 0.0)
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = f"2025:06:{1 + i % 28:02d} 10:00:00"
    sub[ExifTags.Base.BodySerialNumber] = f"0{i:08d}"
    return exif.tobytes()


def _make_one(args: tuple[Path, Path, int, tuple[int, int]]) -> None:
    base, dest, i, size = args
    with Image.open(base) as src:
        image = ImageOps.fit(src.convert("RGB"), size, Image.Resampling.BICUBIC)
    # Sensor-like grain, so files compress like camera JPEGs rather than smooth upscales.
    noise = Image.effect_noise(size, 12).convert("RGB")
    image = Image.blend(image, noise, 0.06).filter(ImageFilter.UnsharpMask(2, 60, 2))
    if i % 2:
        image = ImageOps.mirror(image)
    image.save(dest, "JPEG", quality=92, exif=camera_exif(i))


def corpus(name: str, count: int, size: tuple[int, int]) -> Path:
    """content/gallery/*.jpg with ``count`` photos of ``size``, generated once and reused."""
    site = WORK / name
    gallery = site / "content" / "gallery"
    existing = sorted(gallery.glob("*.jpg")) if gallery.is_dir() else []
    if len(existing) != count:
        shutil.rmtree(site, ignore_errors=True)
        gallery.mkdir(parents=True)
        bases = sorted(p for p in (ROOT / "content").rglob("*.jpg"))
        jobs = [(bases[i % len(bases)], gallery / f"IMG_{i:04d}.jpg", i, size) for i in range(count)]
        print(f"  generating {count} photos of {size[0]}x{size[1]} in {gallery} ...", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(_make_one, jobs, chunksize=4))
    return site


# --- the floor ----------------------------------------------------------------------------------


def _floor_one(args: tuple[str, str, tuple[str, ...]]) -> None:
    """Everything a derivative needs and nothing else: what any script would have to do."""
    source, out_dir, formats = args
    with Image.open(source) as image:
        # DCT-domain decode at the smallest scale covering the largest derivative, as sitegen does.
        fit = min(1.0, 2048 / max(image.size))
        image.draft("RGB", (round(image.width * fit), round(image.height * fit)))
        image = ImageOps.exif_transpose(image).convert("RGB")
    scale = min(1.0, 2048 / max(image.size))
    top = round(image.width * scale)
    stem = Path(source).stem
    for width in sorted({top, *(w for w in WIDTHS if w < top)}, reverse=True):
        height = round(image.height * width / image.width)
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in formats:
            buffer = io.BytesIO()
            if fmt == "jpeg":
                image.save(buffer, "JPEG", quality=QUALITY[fmt], optimize=True, progressive=True)
            elif fmt == "webp":
                image.save(buffer, "WEBP", quality=QUALITY[fmt], method=4)
            else:
                image.save(buffer, "AVIF", quality=QUALITY[fmt], speed=8)
            Path(out_dir, f"{stem}-{width}.{fmt}").write_bytes(buffer.getvalue())


def floor(site: Path, workers: int, formats: tuple[str, ...]) -> float:
    out = WORK / "floor-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sources = sorted((site / "content" / "gallery").glob("*.jpg"))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_floor_one, [(str(s), str(out), formats) for s in sources]))
    return time.perf_counter() - start


# --- sitegen ----------------------------------------------------------------------------------------


def write_config(site: Path, extra: str = "") -> None:
    (site / "sitegen.toml").write_text('[site]\nauthor = "Bench Mark"\nbase_url = "https://example.com/"\n' + extra)


def sitegen(site: Path, workers: int, *, clean: bool) -> float:
    if clean:
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(site / "public", ignore_errors=True)
    start = time.perf_counter()
    # --force: time the work, not the "nothing changed" shortcut; stderr: the corpus has no alt texts.
    command = [sys.executable, "-m", "sitegen", "build", str(site), "-q", "-j", str(workers)]
    subprocess.run([*command, "--force"] if clean else command, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def sitegen_phases(site: Path, workers: int) -> dict[str, float]:
    """In-process no-op rebuild split by phase (read, images, render, publish), to see where time goes."""
    from sitegen.errors import Reporter
    from sitegen.images.probe import ProbeCache
    from sitegen.output.folder import Output
    from sitegen.pipeline import phases
    from sitegen.pipeline.checks import check_alt_texts
    from sitegen.pipeline.publish import publish

    project = phases.load(site, {"build.jobs": workers})
    theme = phases.load_theme(project)
    reporter = Reporter()
    t0 = time.perf_counter()
    model = phases.read(project, reporter, ProbeCache(project.cache_dir))
    t1 = time.perf_counter()
    results, _ = phases.images(model, project, reporter, None, None)
    t2 = time.perf_counter()
    renderer = phases.templates(model, results, theme, reporter, None)
    check_alt_texts(model, results.images, reporter)
    rendered = phases.render(renderer, model, results, reporter)
    t3 = time.perf_counter()
    with Output(project.output_dir) as out:
        publish(out, rendered, project.static_dir, renderer.files, results.media, reporter)
        out.commit()
    t4 = time.perf_counter()
    assert results.processed == 0
    return {"read": t1 - t0, "images": t2 - t1, "render": t3 - t2, "publish": t4 - t3, "total": t4 - t0}


def peak_rss_mb(site: Path, workers: int) -> float:
    """Peak RSS of the largest process of a cold build (workers are children of the build)."""
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    code = (
        "import resource, subprocess, sys;"
        f"subprocess.run([sys.executable, '-m', 'sitegen', 'build', {str(site)!r}, '-q', '-j', '{workers}'],"
        " check=True, stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def huge_corpus(count: int, side: int) -> Path:
    """``count`` RGBA PNGs of side x side (196 MP at 14000): a few MB each, gigabytes decoded."""
    site = WORK / f"huge-distinct-{count}x{side}"
    gallery = site / "content" / "gallery"
    if len(list(gallery.glob("*.png"))) != count:
        gallery.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            ramp = Image.linear_gradient("L").resize((side, side))
            bands = (
                ramp,
                ramp.rotate(90),
                Image.radial_gradient("L").resize((side, side)),
                ramp.point(lambda v, i=i: (128 + v // 2 + 37 * i) % 256),  # distinct files: one job each
            )
            Image.merge("RGBA", bands).save(gallery / f"huge-{i}.png", compress_level=1)
            del bands, ramp
    return site


def tree_peak_mb(command: list[str]) -> tuple[float, float, float]:
    """Run ``command``: peak summed RSS of it and its descendants, peak RSS of any one of them, seconds.

    Sampled from /proc every 20 ms (RUSAGE_CHILDREN cannot tell one run from the previous one).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    page = os.sysconf("SC_PAGE_SIZE")
    peak = single = 0
    while proc.poll() is None:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * page
        tree, grew = {proc.pid}, True
        while grew:
            more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        peak = max(peak, sum(rss.get(pid, 0) for pid in tree))
        single = max(single, *(rss.get(pid, 0) for pid in tree))
        time.sleep(0.02)
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed with exit status {proc.returncode}")
    return peak / 2**20, single / 2**20, time.perf_counter() - start


def huge_memory(workers: int, count: int, side: int) -> tuple[float, float, float]:
    """Peak memory of a cold build of huge RGBA PNGs (issue 10: 1.84 GB per worker at 196 MP)."""
    site = huge_corpus(count, side)
    write_config(site, '[images]\nmax_pixels = 400_000_000\nformats = ["webp", "jpeg"]\n')
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    command = [sys.executable, "-m", "sitegen", "build", str(site), "-q", "-j", str(workers), "--force"]
    return tree_peak_mb(command)


def huge_logo(workers: int, side: int, photos: int = 4) -> tuple[float, float, float]:
    """A cold build of a few camera-sized photos marked with a side x side RGBA PNG logo."""
    site = WORK / f"huge-logo-{side}"
    gallery = site / "content" / "gallery"
    if not (site / "logo.png").exists():
        gallery.mkdir(parents=True, exist_ok=True)
        for i in range(photos):
            ramp = Image.linear_gradient("L").resize((3000, 2000))
            Image.merge("RGB", (ramp, ramp.rotate(180), ramp.point(lambda v, i=i: (v + 60 * i) % 256))).save(
                gallery / f"p{i}.jpg", quality=90
            )
        ramp = Image.linear_gradient("L").resize((side, side))
        Image.merge("RGBA", (ramp, ramp, ramp, ramp.rotate(90))).save(site / "logo.png", compress_level=1)
    write_config(site, '[watermark]\nlogo = "logo.png"\nmin_width = 1\n[images]\nmax_pixels = 400_000_000\n')
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    command = [sys.executable, "-m", "sitegen", "build", str(site), "-q", "-j", str(workers), "--force"]
    return tree_peak_mb(command)


# --- sigal --------------------------------------------------------------------------------------------


def sigal(site: Path, sigal_bin: Path, workers: int) -> float:
    out = WORK / "sigal-out"
    shutil.rmtree(out, ignore_errors=True)
    conf = WORK / "sigal.conf.py"
    conf.write_text(
        f"source = {str(site / 'content')!r}\n"
        f"destination = {str(out)!r}\n"
        "img_size = (2048, 2048)\n"
        "thumb_size = (480, 480)\n"
        "thumb_fit = False\n"
        "jpg_options = {'quality': 82, 'optimize': True, 'progressive': True}\n"
        "copy_exif_data = False\n"
        "keep_orig = False\n"
    )
    start = time.perf_counter()
    subprocess.run(
        [str(sigal_bin), "build", "-c", str(conf), "-n", str(workers), "-q"], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


# --- formats ------------------------------------------------------------------------------------------


def format_costs(site: Path, samples: int = 6) -> list[tuple[str, float, float]]:
    sources = sorted((site / "content" / "gallery").glob("*.jpg"))[:samples]
    images = []
    for source in sources:
        with Image.open(source) as image:
            image.draft("RGB", (2048, 2048))
            image = image.convert("RGB")
            image.thumbnail((2048, 2048), Image.Resampling.LANCZOS)
            images.append(image)
    rows = []
    for fmt, kwargs in (
        ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
        ("WEBP", {"quality": 80, "method": 4}),
        ("AVIF", {"quality": 60, "speed": 8}),
    ):
        times, sizes = [], []
        for image in images:
            buffer = io.BytesIO()
            start = time.perf_counter()
            image.save(buffer, fmt, **kwargs)
            times.append(time.perf_counter() - start)
            sizes.append(len(buffer.getvalue()))
        rows.append((fmt, statistics.median(times) * 1000, statistics.mean(sizes) / 1024))
    return rows


# --- watermark roles ----------------------------------------------------------------------------------


def old_width_rule(job, min_width: int) -> dict[str, bytes]:
    """What the pipeline did before roles: one file per width, marked only from ``min_width`` up."""
    from sitegen.images import process, watermark, worker

    image, _ = worker._decode(job)
    options = {fmt: process.EncodeOptions(quality=job.settings.quality_of(fmt)) for fmt in job.settings.formats}
    files: dict[str, bytes] = {}
    current = image
    for size in job.sizes:
        current = process.resize(current, size)
        marked = watermark.apply(current, job.watermark) if size.width >= min_width else current
        for fmt in job.settings.formats:
            files[job.file_name(size, fmt)] = process.encode(marked, fmt, options[fmt])
    process.dominant_colour(current), process.lqip(current)
    return files


def role_costs(site: Path, samples: int, runs: int) -> list[tuple[str, float, int, int, int]]:
    """(rule, CPU ms per photo, files, KB published per photo, largest clean width) for each rule."""
    from sitegen.config import Config
    from sitegen.images.jobs import ImageJob
    from sitegen.images.watermark import WatermarkSpec
    from sitegen.images.worker import render_files
    from sitegen.pipeline.imagejobs import settings_from

    settings = settings_from(Config())
    spec = WatermarkSpec("© 2026 Bench Mark", None, None, "bottom-right", 0.035, 0.025, 0.7, "auto")
    jobs = []
    for source in sorted((site / "content" / "gallery").glob("*.jpg"))[:samples]:
        with Image.open(source) as image:
            size = image.size
        jobs.append(ImageJob(str(source), "x", 1, size, settings, "media/g/p", watermark=spec))

    def clean_below(job: ImageJob, limit: int) -> ImageJob:
        from dataclasses import replace

        return replace(job, clean_widths=tuple(s.width for s in job.sizes if s.width < limit))

    def roles(limit: int):
        return lambda j: render_files(clean_below(j, limit))[0]

    rules = [
        ("old width rule, min_width = 1000", lambda j: old_width_rule(j, 1000), 1000),
        ('roles, thumbnails = "clean", min_width = 1000', roles(1000), 1000),
        ('roles, thumbnails = "clean", min_width = 1600 (default)', roles(1600), 1600),
        ('roles, thumbnails = "marked"', roles(0), 0),
    ]
    rows = []
    for name, run, limit in rules:
        total, count, size = 0.0, 0, 0
        for job in jobs:
            times = []
            for _ in range(runs):
                start = time.process_time()  # CPU time: other processes on a shared machine do not count
                files = run(job)
                times.append(time.process_time() - start)
            total += min(times)
            count += len(files)
            size += sum(len(b) for b in files.values())
        widest = max((w for w in WIDTHS if w < limit), default=0)
        rows.append((name, total / len(jobs) * 1000, count // len(jobs), size // len(jobs) // 1024, widest))
    return rows


def print_roles(site: Path, samples: int, runs: int) -> None:
    print(f"7. watermark by role vs the old width rule ({samples} photos of 6000x4000, WebP+JPEG, 1 process)")
    rows = role_costs(site, samples, runs)
    base = rows[0][1]
    print(f"   {'rule':58s} {'CPU ms':>9s} {'vs old':>7s} {'files':>6s} {'KB/photo':>9s} {'widest clean':>13s}")
    for name, ms, files, kb, widest in rows:
        clean = f"{widest} px" if widest else "none"
        print(f"   {name:58s} {ms:9.0f} {ms / base:6.2f}x {files:6d} {kb:9d} {clean:>13s}")
    print("   (old rule: full views below min_width were unmarked; every role rule marks them all)\n")


def best(fn, runs: int) -> float:
    return min(fn() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--noop-photos", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=2, help="repeat timed cold builds, keep the best")
    parser.add_argument("--sigal", type=Path, default=ROOT / "benchmarks" / ".venv-sigal" / "bin" / "sigal")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["floor", "sigal", "memory", "huge", "logo", "noop", "formats", "roles"],
    )
    parser.add_argument("--roles", action="store_true", help="only section 7: watermark by role vs width rule")
    parser.add_argument("--role-photos", type=int, default=6, help="photos timed in section 7")
    parser.add_argument("--huge-photos", type=int, default=4, help="RGBA PNGs for the huge-source memory run")
    parser.add_argument("--huge-side", type=int, default=14000, help="their side in pixels (14000 = 196 MP)")
    args = parser.parse_args()
    w = args.workers
    if args.roles:
        site = corpus(f"camera-{args.role_photos}", args.role_photos, (6000, 4000))
        print_roles(site, args.role_photos, args.runs)
        return
    print(f"sitegen image benchmark: {args.photos} photos of 6000x4000 (24 MP), {w} worker(s), best of {args.runs}\n")

    site = corpus(f"camera-{args.photos}", args.photos, (6000, 4000))
    same = "[watermark]\nenabled = false\n[metadata]\nembed_rights = false\nembed_captions = false\n"

    if "floor" not in args.skip:
        write_config(site, same)
        t_floor = best(lambda: floor(site, w, ("webp", "jpeg")), args.runs)
        t_cold = best(lambda: sitegen(site, w, clean=True), args.runs)
        print("1. cold build, same derivatives (5 widths x WebP+JPEG, no watermark, no metadata)")
        print(f"   pure-Pillow floor      {t_floor:7.2f} s  ({t_floor / args.photos * 1000:.0f} ms/photo)")
        print(f"   sitegen                {t_cold:7.2f} s  ratio {t_cold / t_floor:.2f}x the floor (target <= 1.15x)")
        write_config(site)
        t_full = best(lambda: sitegen(site, w, clean=True), args.runs)
        print(f"   sitegen with defaults  {t_full:7.2f} s  (watermark + rights metadata: {t_full / t_floor:.2f}x)\n")

        t_noop = best(lambda: sitegen(site, w, clean=False), 3)
        first = sorted((site / "content" / "gallery").glob("*.jpg"))[0]
        original = first.read_bytes()
        try:
            _make_one((sorted((ROOT / "content").rglob("*.jpg"))[-1], first, 999, (6000, 4000)))
            t_one = sitegen(site, w, clean=False)
        finally:
            first.write_bytes(original)
            sitegen(site, w, clean=False)
        print("2. rebuilds (defaults, whole command including Python start-up)")
        print(f"   no-op rebuild          {t_noop:7.2f} s")
        print(f"   one photo changed      {t_one:7.2f} s\n")

    if "memory" not in args.skip:
        half = corpus(f"camera-{max(2, args.photos // 2)}", max(2, args.photos // 2), (6000, 4000))
        write_config(half)
        write_config(site)
        m_half = peak_rss_mb(half, w)
        m_full = peak_rss_mb(site, w)
        print("3. peak memory of the largest process during a cold build")
        print(f"   {max(2, args.photos // 2):4d} photos            {m_half:7.0f} MB")
        print(f"   {args.photos:4d} photos            {m_full:7.0f} MB  (ratio {m_full / m_half:.2f})\n")

    if "huge" not in args.skip:
        tree, single, seconds = huge_memory(w, args.huge_photos, args.huge_side)
        mp = args.huge_side**2 / 1e6
        print(f"3b. cold build of {args.huge_photos} RGBA PNGs of {mp:.0f} MP each, -j {w}")
        print(f"   peak RSS, whole build  {tree:7.0f} MB  (main process + all workers, sampled every 20 ms)")
        print(f"   peak RSS, one process  {single:7.0f} MB  ({single / mp:.1f} MB per source MP)")
        print(f"   time                   {seconds:7.1f} s\n")

    if "logo" not in args.skip:
        logo_side = args.huge_side * 10 // 14
        tree, single, seconds = huge_logo(w, logo_side)
        print(f"3c. cold build of 4 photos (3000x2000) marked with a {logo_side}x{logo_side} RGBA PNG logo, -j {w}")
        print(f"   peak RSS, whole build  {tree:7.0f} MB")
        print(f"   peak RSS, one process  {single:7.0f} MB")
        print(f"   time                   {seconds:7.1f} s\n")

    if "sigal" not in args.skip:
        if args.sigal.exists():
            write_config(site, same + '[images]\nwidths = [480]\nformats = ["jpeg"]\n')
            t_sg = best(lambda: sitegen(site, w, clean=True), args.runs)
            t_sigal = best(lambda: sigal(site, args.sigal, w), args.runs)
            print("4. the same job as Sigal does it (one 2048 px JPEG + one 480 px JPEG per photo, HTML pages)")
            version = subprocess.run([str(args.sigal), "--version"], capture_output=True, text=True).stdout.split()
            print(f"   Sigal {version[-1]:<15}  {t_sigal:7.2f} s")
            print(f"   sitegen                {t_sg:7.2f} s  Sigal / sitegen = {t_sigal / t_sg:.2f}x (target >= 2x)\n")
            write_config(site)
        else:
            print(
                f"4. Sigal not found at {args.sigal}: python -m venv benchmarks/.venv-sigal && "
                "benchmarks/.venv-sigal/bin/pip install sigal\n"
            )

    if "noop" not in args.skip:
        many = corpus(f"small-{args.noop_photos}", args.noop_photos, (1200, 800))
        write_config(many)
        print(f"5. {args.noop_photos} photos: cold build, then no-op rebuild")
        t_cold_many = sitegen(many, w, clean=True)
        t_noop_many = best(lambda: sitegen(many, w, clean=False), 3)
        phases = sitegen_phases(many, w)
        print(f"   cold build             {t_cold_many:7.2f} s")
        print(f"   no-op rebuild          {t_noop_many:7.2f} s  (whole command: nothing changed, nothing redone)")
        print("   forced re-render       " + ", ".join(f"{k} {v:.3f} s" for k, v in phases.items()))
        print("   (every page rendered again with every image from the cache, as after a template edit)\n")

    if "formats" not in args.skip:
        print("6. encoding one 2048 px derivative (median time, mean size)")
        for fmt, ms, kb in format_costs(site):
            print(f"   {fmt:5s} {ms:7.0f} ms  {kb:7.0f} KB")
        print()

    if "roles" not in args.skip:
        print_roles(site, min(args.role_photos, args.photos), args.runs)
    print(f"\nchildren CPU time: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.1f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
