"""A generated portfolio of several hundred photos for the benchmarks (deterministic, no downloads).

Photos are synthetic but photo-sized enough to make the image pipeline do real
work: each is a gradient with per-photo colours, so every file has its own
content hash and its own cache entry.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

GALLERIES = ["landscapes", "cities", "portraits", "wildlife", "travel/iceland", "travel/japan", "night", "details"]


def make_photo(path: Path, seed: int, size: tuple[int, int] = (1600, 1067)) -> Path:
    """A JPEG with its own content: a horizontal gradient tinted by ``seed``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    r, g, b = (seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256
    row = Image.linear_gradient("L").resize((size[0], 1))
    band = Image.merge("RGB", (row.point(lambda v: (v + r) % 256), row, row.point(lambda v: (255 - v + b) % 256)))
    image = band.resize(size)
    x, y = (seed * 7) % (size[0] // 2), (seed * 13) % (size[1] // 2)
    image.paste((r, g, b), (x, y, x + size[0] // 4, y + size[1] // 4))
    image.save(path, "JPEG", quality=85)
    return path


def make_site(root: Path, photos: int = 400, size: tuple[int, int] = (1600, 1067)) -> list[Path]:
    """Write a site with ``photos`` photos spread over the galleries; half have a sidecar. Returns the photos."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(
        '[site]\ntitle = "Benchmark Portfolio"\nauthor = "Bench Mark"\nbase_url = "https://example.com/"\n', "utf-8"
    )
    (content / "index.md").write_text("---\ntitle: Benchmark\n---\nWelcome to the *benchmark* portfolio.\n", "utf-8")
    (content / "about.md").write_text("---\ntitle: About\n---\nAbout the photographer.\n", "utf-8")
    made: list[Path] = []
    for i in range(photos):
        gallery = content / GALLERIES[i % len(GALLERIES)]
        if not (gallery / "index.md").exists():
            gallery.mkdir(parents=True, exist_ok=True)
            (gallery / "index.md").write_text(f"---\ntitle: {gallery.name.title()}\n---\nPhotos of {gallery.name}.\n")
        photo = make_photo(gallery / f"photo-{i:04d}.jpg", i, size)
        made.append(photo)
        if i % 2 == 0:
            (gallery / f"photo-{i:04d}.md").write_text(
                f"---\ntitle: Photo number {i}\nalt: A test photo, number {i}\n---\nCaption for photo **{i}**.\n",
                "utf-8",
            )
    return made
