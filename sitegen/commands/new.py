"""``sitegen new``: a working site folder with every option explained."""

from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_NAME, Config, parse_config
from ..configschema import commented_toml
from ..errors import SitegenError

HEADER = """sitegen configuration. Every key is optional: a commented-out line shows the default.
Every protection (no originals, metadata, watermark, AI opt-out signals) is on by default;
each can be tuned or switched off here. Full reference: the README's "Configuration" section."""

HOME = """---
title: Home
---
Welcome. This text is `content/index.md`; the galleries shown here are the folders in `content/`.
"""

ABOUT = """---
title: About
---
Write about yourself and your work here (`content/about.md`).
Every Markdown file in `content/` becomes a page: this one is published at `/about/`.
"""

GALLERY = """---
title: My first gallery
description: Replace this with a sentence about the photos.
sort: name   # name | date | manual
---
Drop photos (JPEG, PNG, WebP, TIFF, AVIF, HEIC) into this folder, then run `sitegen build`.

* Only resized, watermarked copies are published, never these files themselves.
* To caption a photo `IMG_0001.jpg`, create `IMG_0001.md` beside it with `title:`, `alt:` and a caption.
* Sub-folders become sub-galleries.
"""

GITIGNORE = """# Built site and image cache: both are re-created by `sitegen build`.
/public/
/.sitegen-cache/
"""


def scaffold(directory: Path, *, title: str, author: str) -> list[Path]:
    """Create the site; refuses a non-empty folder so nothing is ever overwritten."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise SitegenError(f"{directory} already exists and is not empty; choose a new folder")
    values = {"site.title": title}
    if author:
        values["site.author"] = author
    config_text = commented_toml(Config, values, HEADER)
    parse_config(config_text, "generated config")  # the scaffold must always load
    files = {
        CONFIG_NAME: config_text,
        "content/index.md": HOME,
        "content/about.md": ABOUT,
        "content/gallery/index.md": GALLERY,
        ".gitignore": GITIGNORE,
    }
    created = []
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        created.append(path)
    for folder in ("static", "templates"):
        (directory / folder).mkdir(exist_ok=True)
        created.append(directory / folder)
    return created
