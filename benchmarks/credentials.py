"""What Content Credentials and fingerprints cost: per derivative, and in a cold build, paired in one run.

    python benchmarks/credentials.py [--photos 12] [--rounds 2] [-j 2]

Uses the camera-sized corpus of benchmarks/images.py (24 MP JPEGs, generated once into
benchmarks/.corpus/). Prints:

1. the cost of one signature per format at 2048 px (CPU ms, median) and the bytes it adds;
2. a cold build of the corpus unsigned and signed, alternated ``--rounds`` times (the same
   machine state for both), wall and CPU seconds of the build and its workers, and the ratio;
3. the fingerprint (ISCC + centre + eight windows) of one 2048 px view, against the cold
   build's CPU time per photo: its share of a cold build.
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
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from images import corpus, write_config  # noqa: E402

from sitegen.cli import cli  # noqa: E402
from sitegen.images import credentials  # noqa: E402
from sitegen.images.credentials import SigningSpec  # noqa: E402
from sitegen.images.fingerprint import fingerprint  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_build(site: Path, workers: int) -> tuple[float, float]:
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    shutil.rmtree(site / "public", ignore_errors=True)
    cpu, start = children_cpu(), time.perf_counter()
    command = [sys.executable, "-m", "sitegen", "build", str(site), "-q", "-j", str(workers), "--force"]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, children_cpu() - cpu


def sign_costs(site: Path, spec: SigningSpec, samples: int = 5) -> float:
    source = next((site / "content" / "gallery").glob("*.jpg"))
    with Image.open(source) as image:
        image.draft("RGB", (2048, 2048))
        image = image.convert("RGB")
        image.thumbnail((2048, 2048))
    print(f"1. one signature at {image.width} px (CPU ms, median of {samples}; bytes added)")
    for fmt, mime, options in (
        ("JPEG", "image/jpeg", {"quality": 82}),
        ("WEBP", "image/webp", {"quality": 80}),
        ("AVIF", "image/avif", {"quality": 60, "speed": 8}),
    ):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        data = buffer.getvalue()
        times, signed = [], b""
        for _ in range(samples):
            start = time.process_time()
            signed = credentials.sign(data, mime, spec, "bench.jpg", credentials.DEFAULT_SOURCE_TYPE)
            times.append(time.process_time() - start)
        print(f"   {fmt:5} {statistics.median(times) * 1000:6.1f} ms  +{len(signed) - len(data):6d} bytes")
    start = time.process_time()
    for _ in range(samples):
        fingerprint(image, windows=True)
    per = (time.process_time() - start) / samples
    print(f"3. fingerprint of one {image.width} px view: {per * 1000:.1f} ms CPU")
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, workers: {args.jobs}, photos: {args.photos}")
    site = corpus(f"camera-{args.photos}", args.photos, (6000, 4000))
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys"
        keys.mkdir()
        write_config(keys)
        cli.main(["keygen", str(keys), "--name", "Bench Mark"], standalone_mode=False)
        chain, key = keys / "credentials/chain.pem", keys / "credentials/key.pem"
        spec = SigningSpec(
            str(chain),
            str(key),
            credentials.file_digest(chain),
            credentials.file_digest(key),
            "Bench Mark",
            "© Bench Mark",
            "DMI-PROHIBITED",
        )
        per_fingerprint = sign_costs(site, spec)
        signed_config = f'[credentials]\nsign = true\ncertificate = "{chain}"\nprivate_key = "{key}"\n'
        runs: dict[str, list[tuple[float, float]]] = {"unsigned": [], "signed": []}
        for _ in range(args.rounds):
            for name, extra in (("unsigned", ""), ("signed", signed_config)):
                write_config(site, extra)
                runs[name].append(cold_build(site, args.jobs))
        write_config(site)
    print(f"2. cold build of {args.photos} photos (median of {args.rounds}; wall s / CPU s incl. workers)")
    medians = {}
    for name, values in runs.items():
        wall, cpu = statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)
        medians[name] = (wall, cpu)
        print(f"   {name:9} {wall:7.1f} s wall  {cpu:7.1f} s CPU")
    (uw, uc), (sw, sc) = medians["unsigned"], medians["signed"]
    print(f"   signing adds {100 * (sw / uw - 1):+.1f} % wall, {100 * (sc / uc - 1):+.1f} % CPU")
    total = per_fingerprint * args.photos
    print(f"   fingerprints: {total:.2f} s CPU = {100 * total / uc:.1f} % of the unsigned cold build's CPU")


if __name__ == "__main__":
    main()
