"""A large synthetic portfolio (thousands to tens of thousands of small photos) for the scale benchmarks.

Shaped like a working archive rather than a demo: a menu of 8-12 entries (top-level
galleries plus a few pages), galleries nested by subject and year, about 100 photos
per leaf gallery, a sidecar for every photo (title, alt text, keywords, and a caption
for most), and Markdown pages (about, licensing, a journal). Most photos are
200×133 JPEGs; every tenth is 640×427, so the image pipeline still does some real
resizing without dominating the time of a build.

Deterministic: the same arguments give the same files, byte for byte (no randomness,
no clock), so two runs of a benchmark see the same site. Fast: a photo is one copy
of a pre-rendered gradient with two rectangles pasted in (its own colours and
places, so every file has its own content and its own cache entry) and one JPEG
encode — 20,000 photos take well under a minute.

    python benchmarks/largesite.py /tmp/site-20k --photos 20000
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

SMALL = (200, 133)
LARGE = (640, 427)
LARGE_EVERY = 10  # one photo in ten is LARGE
PER_GALLERY = 100  # photos per leaf gallery (1,000 photos: 10 galleries; 20,000: 200)
CAPTION_EVERY = 4  # three sidecars in four carry a caption below their front matter

SECTIONS = ["landscapes", "cities", "portraits", "wildlife", "travel", "night", "details", "events"]
PLACES = ["alps", "coast", "desert", "forest", "harbour", "island", "lakes", "market", "valley", "villages"]
KEYWORDS = ["light", "water", "stone", "dusk", "winter", "summer", "street", "people", "birds", "fog", "snow"]


@cache
def _base(size: tuple[int, int]) -> Image.Image:
    """A soft two-way gradient of ``size``, rendered once and copied for every photo."""
    ramp = Image.linear_gradient("L")
    across = ramp.rotate(90).resize(size)
    down = ramp.resize(size)
    return Image.merge("RGB", (across, down, Image.blend(across, down, 0.5)))


def photo_bytes(seed: int, size: tuple[int, int] = SMALL) -> bytes:
    """A JPEG of its own content: the shared gradient with two rectangles placed and coloured by ``seed``."""
    image = _base(size).copy()
    w, h = size
    for k, mult in enumerate((37, 101)):
        colour = ((seed * mult) % 256, (seed * (mult + 54)) % 256, (seed * (mult + 16) + k * 80) % 256)
        x, y = (seed * (7 + k)) % (w - w // 4), (seed * (13 + k)) % (h - h // 4)
        image.paste(colour, (x, y, x + w // 4 + k * 5, y + h // 4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def make_photo(path: Path, seed: int, size: tuple[int, int] = SMALL) -> Path:
    path.write_bytes(photo_bytes(seed, size))
    return path


@dataclass(frozen=True)
class LargeSite:
    root: Path
    photos: list[Path]
    sidecars: list[Path]
    pages: list[Path]
    galleries: list[Path]  # leaf gallery folders

    @property
    def content(self) -> Path:
        return self.root / "content"


def leaf_galleries(photos: int) -> list[str]:
    """Site paths of the leaf galleries: section/year/place, spread evenly over the sections."""
    count = max(1, -(-photos // PER_GALLERY))
    leaves = []
    for i in range(count):
        section = SECTIONS[i % len(SECTIONS)]
        rank = i // len(SECTIONS)
        year = 2010 + rank // len(PLACES)
        leaves.append(f"{section}/{year}/{PLACES[rank % len(PLACES)]}")
    return leaves


def _config(title: str) -> str:
    menu = [f'  {{ title = "{s.title()}", url = "/{s}/" }},' for s in SECTIONS]
    menu += [
        '  { title = "Journal", url = "/journal/" },',
        '  { title = "About", url = "/about/" },',
        '  { title = "Licensing", url = "/licensing/" },',
    ]
    return (
        f'[site]\ntitle = "{title}"\nauthor = "Ada Archive"\nbase_url = "https://example.com/"\n'
        'description = "A generated archive for the scale benchmarks."\n\n'
        '[contact]\nemail = "licensing@example.com"\n\n'
        "[theme_options]\nmenu = [\n" + "\n".join(menu) + "\n]\n"
    )


def _page(title: str, n: int) -> str:
    return (
        f"---\ntitle: {title}\ndescription: Notes number {n} from the archive.\n---\n"
        f"## {title}\n\nA paragraph of *text* with a [link](/about/) and some **emphasis**, "
        f"number {n}.\n\n- one\n- two\n- three\n\n> A quotation to render.\n"
    )


def _sidecar(i: int, gallery: str) -> str:
    place = gallery.rsplit("/", 1)[-1]
    keywords = ", ".join(KEYWORDS[(i + k) % len(KEYWORDS)] for k in range(3))
    text = (
        f"---\ntitle: {place.title()} number {i}\nalt: A generated photo of the {place}, number {i}.\n"
        f"keywords: [{keywords}]\n---\n"
    )
    if i % CAPTION_EVERY:
        text += f"Caption for photo **{i}**, taken in the {place}.\n"
    return text


def make_large_site(root: Path, photos: int = 1000, title: str = "Scale Benchmark") -> LargeSite:
    """Write a site of ``photos`` photos into ``root`` (created; must not hold a site already)."""
    content = root / "content"
    content.mkdir(parents=True)
    (root / "sitegen.toml").write_text(_config(title), "utf-8")
    (content / "index.md").write_text("---\ntitle: Archive\n---\nWelcome to the *generated* archive.\n", "utf-8")
    pages = [content / "about.md", content / "licensing.md"]
    pages[0].write_text(_page("About", 0), "utf-8")
    pages[1].write_text(_page("Licensing", 1), "utf-8")
    journal = content / "journal"
    journal.mkdir()
    for n in range(max(3, photos // 500)):
        page = journal / f"entry-{n:03d}.md"
        page.write_text(_page(f"Journal entry {n}", n), "utf-8")
        pages.append(page)

    leaves = leaf_galleries(photos)
    made_dirs: set[Path] = set()
    for leaf in leaves:
        parts = leaf.split("/")
        for depth in range(1, len(parts) + 1):
            folder = content.joinpath(*parts[:depth])
            if folder not in made_dirs:
                folder.mkdir(exist_ok=True)
                made_dirs.add(folder)
                (folder / "index.md").write_text(
                    f"---\ntitle: {parts[depth - 1].title()}\ndescription: Photos of {'/'.join(parts[:depth])}.\n"
                    f"---\nThe {parts[depth - 1]} photographs.\n",
                    "utf-8",
                )
    photo_paths: list[Path] = []
    sidecars: list[Path] = []
    for i in range(photos):
        leaf = leaves[i // PER_GALLERY]
        folder = content / leaf
        size = LARGE if i % LARGE_EVERY == LARGE_EVERY - 1 else SMALL
        photo_paths.append(make_photo(folder / f"photo-{i:05d}.jpg", i, size))
        sidecar = folder / f"photo-{i:05d}.md"
        sidecar.write_text(_sidecar(i, leaf), "utf-8")
        sidecars.append(sidecar)
    return LargeSite(root, photo_paths, sidecars, pages, [content / leaf for leaf in leaves])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="folder to create")
    parser.add_argument("--photos", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.root.exists():
        print(f"{args.root} exists; choose a new folder", file=sys.stderr)
        return 1
    started = time.perf_counter()
    site = make_large_site(args.root, args.photos)
    print(
        f"{len(site.photos)} photos in {len(site.galleries)} galleries, {len(site.pages)} pages "
        f"-> {args.root} in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
