"""``sitegen new``: a working site folder with every option explained."""

from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_NAME, Config, parse_config
from ..configschema import commented_toml
from ..errors import SitegenError

HEADER = """sitegen configuration. Every key is optional: a commented-out line shows the default.
Every protection (no originals, metadata, watermark, AI opt-out signals) is on by default;
each can be tuned or switched off here. Full reference: the README's "Configuration" section."""

# Instructions go in YAML comments inside the front matter: they are never published, while
# Markdown text (and even an HTML comment in it) reaches the page. Everything below the second
# "---" line is published, so the scaffold leaves it empty.
HOME = """---
# The home page. It lists the galleries: the folders with photos in content/.
# Its title is the site title (title in sitegen.toml); to show another one, uncomment:
# title: Welcome
# Markdown written below the second "---" line is shown above the galleries.
---
"""

ABOUT = """---
title: About
draft: true   # not published until you delete this line (`sitegen serve --drafts` shows it)
# Write about yourself and your work below the second "---" line, in Markdown.
# Every Markdown file in content/ becomes a page: this one is published at /about/.
---
"""

GALLERY = """---
title: My first gallery
# description: one sentence about these photos
sort: name   # name | date | manual
# Put photos (JPEG, PNG, WebP, TIFF, AVIF, HEIC) into this folder; `sitegen serve` shows them as you add them.
# Only resized copies are published (every full view watermarked), never these files themselves.
# To caption IMG_0001.jpg, create IMG_0001.md beside it with title:, alt: and a caption.
# Sub-folders become sub-galleries. Markdown below the second "---" line is shown above the photos.
---
"""

GITIGNORE = """# Re-created by `sitegen build`: the built site, the nginx/Caddy snippets, the image cache, and the
# functions that refuse AI agents on Cloudflare Pages and Netlify (only these files: yours are kept).
/public/
/server-config/
/.sitegen-cache/
/functions/_middleware.js
/netlify/edge-functions/sitegen-refuse.js
# Private: the fingerprint index names your source files; the signing key must never leave this computer.
/fingerprints.json
/credentials/
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
