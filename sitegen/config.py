"""sitegen.toml: typed, validated configuration.

Every key has a default, and every default is on the protective side: a site
built with no config file at all already publishes only derivatives and says
"no AI training" everywhere. Each key's ``doc`` explains the default; the same
text ends up in the scaffolded config of ``sitegen new`` and in the README.
"""

from __future__ import annotations

import dataclasses
import os
import re
import string
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from .configschema import Check, SchemaError, build, coerce, option, section
from .errors import ConfigError
from .protect.crawlers import check_allow_tokens, check_block_tokens
from .protect.licences import check_licence
from .sitefiles import not_a_file

CONFIG_NAME = "sitegen.toml"


# --- checks -----------------------------------------------------------------


def _check_base_url(value: str) -> str | None:
    if value == "" or value.startswith("/"):
        return None
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not parts.query and not parts.fragment:
        return None
    return 'must be an absolute http(s) URL like "https://example.com/portfolio/" or a path starting with "/"'


def _check_language(value: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return None
    return 'must be a BCP 47 language tag such as "en", "de" or "pt-BR"'


def _placeholders(allowed: set[str]) -> Check:
    def check(value: str) -> str | None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            return f"is not a valid template ({exc}); write literal braces as {{{{ and }}}}"
        unknown = names - allowed
        if unknown:
            listed = ", ".join("{" + a + "}" for a in sorted(allowed))
            return f"may only use the placeholders {listed}, not {{{sorted(unknown)[0]}}}"
        return None

    return check


def _check_relative_dir(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    return None


def _check_follow_links(value: list[str]) -> str | None:
    if any(not v.strip() for v in value):
        return "must not contain an empty folder name"
    return None


def _check_email(value: str) -> str | None:
    if value == "" or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return None
    return "must be an e-mail address like name@example.com"


def _check_url(value: str) -> str | None:
    if value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme in ("http", "https", "mailto") and (parts.netloc or parts.scheme == "mailto"):
        return None
    return "must be an absolute http(s) or mailto: URL"


def _at_least(minimum: int) -> Check:
    def check(value: int) -> str | None:
        return None if value >= minimum else f"must be at least {minimum}"

    return check


def _between(low: int, high: int) -> Check:
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _check_widths(value: list[int]) -> str | None:
    if not value:
        return "must list at least one width"
    if any(w < 16 or w > 16384 for w in value):
        return "each width must be between 16 and 16384 pixels"
    return None


_FORMATS = ("webp", "jpeg", "avif")


def _check_formats(value: list[str]) -> str | None:
    if not value:
        return "must list at least one format"
    bad = [v for v in value if v not in _FORMATS]
    if bad:
        return f"may only contain {', '.join(repr(f) for f in _FORMATS)}, not {bad[0]!r}"
    if len(set(value)) != len(value):
        return "must not list a format twice"
    return None


_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _check_colour(value: str) -> str | None:
    if value == "" or _HEX_COLOUR.fullmatch(value):
        return None
    return 'must be a hex colour like "#8a4b08" (or "#c60"), or "" for the theme\'s own'


_LOGO_TYPES = (".svg", ".png", ".webp", ".jpg", ".jpeg", ".avif", ".gif")


def _check_logo(value: str) -> str | None:
    if value == "":
        return None
    if value.startswith(("/", "\\")) or "://" in value or ".." in value.replace("\\", "/").split("/"):
        return 'must be a path inside the site\'s static/ folder, like "logo.svg"'
    if not value.lower().endswith(_LOGO_TYPES):
        return "must be an image file: " + ", ".join(_LOGO_TYPES)
    return None


def _check_menu_url(value: str) -> str | None:
    if value.startswith("/") and not value.startswith("//"):
        return None
    parts = urlsplit(value)
    if (parts.scheme in ("http", "https") and parts.netloc) or (parts.scheme == "mailto" and parts.path):
        return None
    return 'must be a site path like "/about/" or an absolute http(s) or mailto: URL'


def _check_menu(value: list[MenuLink]) -> str | None:
    for number, link in enumerate(value, 1):
        if not link.title.strip():
            return f"entry {number} needs a title"
        if not link.url:
            return f"entry {number} needs a url"
    return None


# --- sections ---------------------------------------------------------------


@dataclass(frozen=True)
class SiteSection:
    title: str = option("Portfolio", "Site title: header, <title>, feed and social cards.")
    author: str = option(
        "",
        "Your name as the rights holder: copyright notices, image metadata, feed author. "
        "Empty means the site title is used.",
    )
    base_url: str = option(
        "",
        'Where the site will live, e.g. "https://example.com/" or "https://example.com/portfolio/". '
        "Needed for sitemap.xml, the feed, canonical and social-card URLs, which are left out while it is empty; "
        'a path such as "/portfolio/" only sets the sub-path.',
        check=_check_base_url,
    )
    language: str = option("en", "Language of the site's text (the <html lang> attribute).", check=_check_language)
    description: str = option("", "One or two sentences for search results, the feed and social cards.")
    copyright: str = option(
        "© {year} {author}. All rights reserved.",
        "Copyright line for page footers and image metadata. Placeholders: {year} (the photo's year, or this "
        "year for pages) and {author}.",
        check=_placeholders({"year", "author"}),
    )
    theme: str = option("default", "Theme: the name of a built-in theme or a path to a theme folder.")
    output: str = option(
        "public",
        "Output folder, relative to the site folder. sitegen only ever replaces a folder it created itself.",
        check=_check_relative_dir,
    )

    @property
    def rights_holder(self) -> str:
        return self.author or self.title


@dataclass(frozen=True)
class ContactSection:
    email: str = option("", "Contact e-mail shown on the licensing page (how to license a photo).", check=_check_email)
    url: str = option("", "Contact page or form URL, used when no e-mail is given or in addition.", check=_check_url)


@dataclass(frozen=True)
class BuildSection:
    drafts: bool = option(False, "Publish pages and galleries marked `draft: true`. Off, so drafts stay private.")
    strict: bool = option(
        False,
        "Fail the build on any warning (a skipped photo, a missing alt text...). On in CI to catch mistakes "
        "before they are published.",
    )
    jobs: int = option(0, "Parallel image workers; 0 means one per CPU core.", check=_at_least(0))
    cache_dir: str = option(
        ".sitegen-cache",
        "Cache of processed images, relative to the site folder. A folder of its own: it may not be, hold or sit "
        "inside content/, static/, templates/, the theme or the output, so it is never published.",
        check=_check_relative_dir,
    )
    follow_links: list[str] = option(
        [],
        "Folders outside the site folder that symlinks in content/, static/ and templates/ may point into "
        '(e.g. ["~/Pictures/Exports"] for a gallery linked to your photo library), absolute or relative to the '
        "site folder. Empty: a symlink leading out of the site folder is refused with a warning, so no file "
        "from elsewhere on your computer is ever published by accident.",
        check=_check_follow_links,
    )


@dataclass(frozen=True)
class ImagesSection:
    widths: list[int] = option(
        [480, 800, 1200, 1600, 2048],
        "Widths of the responsive derivatives, in pixels. Steps of roughly 1.5x let a browser find a file "
        "close to the displayed size on any screen without wasting bytes.",
        check=_check_widths,
    )
    max_size: int = option(
        2048,
        "Longest edge of the largest published file, in pixels. 2048 px looks sharp full-screen on a laptop but "
        "is too small to print or to be worth much as training data.",
        check=_between(64, 16384),
    )
    formats: list[str] = option(
        ["webp", "jpeg"],
        'Encoded formats, best first: "webp", "jpeg", "avif". WebP is about 30% smaller than JPEG at the same '
        "look and every current browser shows it; JPEG is the universal fallback.",
        check=_check_formats,
    )
    jpeg_quality: int = option(
        82, "JPEG quality (1-100). 82 is visually lossless for photos at web sizes.", check=_between(1, 100)
    )
    webp_quality: int = option(
        80, "WebP quality (1-100). 80 matches JPEG 82 in look at a smaller size.", check=_between(1, 100)
    )
    avif_quality: int = option(
        60, "AVIF quality (1-100). 60 matches JPEG 82 in look at about half the size.", check=_between(1, 100)
    )
    max_pixels: int = option(
        200_000_000,
        "Largest source accepted, in pixels. Files above it are skipped as likely decompression bombs; "
        "200 million admits 100-150 MP medium-format files.",
        check=_at_least(1_000_000),
    )


WATERMARK_POSITIONS = (
    "top-left",
    "top",
    "top-right",
    "left",
    "centre",
    "right",
    "bottom-left",
    "bottom",
    "bottom-right",
    "tiled",
)


def _fraction(low: float, high: float) -> Check:
    def check(value: float) -> str | None:
        return None if low <= value <= high else f"must be between {low:g} and {high:g}"

    return check


@dataclass(frozen=True)
class WatermarkSection:
    enabled: bool = option(
        True,
        "Mark every full view of a photo. On by default: a visible credit travels with every copy. "
        "Galleries and photos can switch it off or change it with `watermark:` in their front matter.",
    )
    text: str = option(
        "© {year} {author}",
        "Watermark text; empty for a logo only. Placeholders: {year} (the photo's year) and {author} "
        "(the photo's author, else [site] author).",
        check=_placeholders({"year", "author"}),
    )
    font: str = option(
        "",
        "Font file (.ttf/.otf) for the text, relative to the site folder. Empty uses Pillow's built-in "
        "scalable font, so a build never depends on fonts installed on the machine.",
    )
    logo: str = option(
        "",
        "Logo image (PNG with transparency works best), relative to the site folder; drawn before the text.",
    )
    position: Literal[WATERMARK_POSITIONS] = option(  # type: ignore[valid-type]
        "bottom-right",
        'Where the mark goes: a corner, an edge, "centre", or "tiled" (repeated across the photo, '
        "hardest to crop away).",
    )
    size: float = option(
        0.035,
        "Height of the text (and logo) as a fraction of the photo's shorter side, so the mark looks the "
        "same at every width.",
        check=_fraction(0.005, 0.5),
    )
    margin: float = option(
        0.025, "Distance from the edges as a fraction of the shorter side.", check=_fraction(0.0, 0.3)
    )
    opacity: float = option(
        0.7, "Opacity of the mark, 0-1: readable without hiding the photo.", check=_fraction(0.05, 1.0)
    )
    style: Literal["auto", "light", "dark"] = option(
        "auto",
        '"auto" draws light or dark lettering depending on the photo under the mark, with a contrasting '
        "outline, so it stays legible on snow and on night skies.",
    )
    thumbnails: Literal["clean", "marked"] = option(
        "clean",
        'Grid and gallery-card thumbnails: "clean" (unmarked copies, only below min_width) or "marked" '
        "(the same marked files as the full views). Full views (photo page, lightbox, social card) are "
        "marked at every width either way.",
    )
    min_width: int = option(
        1600,
        "No unmarked file this wide or wider is published: clean thumbnails are made only at the widths "
        "below it (a wider grid tile shows the widest of them). 0 marks the thumbnails too.",
        check=_at_least(0),
    )


DATA_MINING_VALUES = (
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    "DMI-PROHIBITED-AIMLTRAINING",
    "DMI-PROHIBITED-GENAIMLTRAINING",
    "DMI-PROHIBITED",
    "DMI-PROHIBITED-SEECONSTRAINT",
    "DMI-ALLOWED",
    "DMI-UNSPECIFIED",
)


@dataclass(frozen=True)
class MetadataSection:
    embed_rights: bool = option(
        True,
        "Write creator, copyright, licence page, credit line and the data-mining reservation into every "
        "published file (EXIF and XMP), so the terms travel with copies of the file.",
    )
    data_mining: Literal[DATA_MINING_VALUES] = option(  # type: ignore[valid-type]
        "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
        "IPTC/PLUS Data Mining value (plus:DataMining). The default forbids all data mining, AI training "
        "included, but keeps search engines allowed so you stay findable.",
    )
    other_constraints: str = option(
        "No use for AI/ML training or text and data mining without a licence. Text and data mining rights "
        "are reserved under Art. 4(3) of Directive (EU) 2019/790.",
        "Plain-words reservation written as plus:OtherConstraints.",
    )
    credit: str = option("", "Credit line (photoshop:Credit). Empty means the photo's author.")
    embed_captions: bool = option(
        False,
        "Also write each photo's title, caption, alt text and keywords into its files, so they travel "
        "with the image. Off by default because every caption edit then re-encodes that photo's files.",
    )
    keep_camera_info: bool = option(
        False,
        "Keep camera, lens and exposure settings in the published files (showing them on photo pages is "
        "[theme_options] show_camera_info). Off by default; GPS position, serial numbers and owner names are "
        "always removed.",
    )


@dataclass(frozen=True)
class MenuLink:
    """One entry of ``[theme_options] menu``."""

    title: str = option("", "Link text.")
    url: str = option("", 'A site path ("/about/") or an absolute URL.', check=_check_menu_url)


@dataclass(frozen=True)
class ThemeOptionsSection:
    accent: str = option(
        "",
        'Accent colour for links, focus rings and the current menu item in light mode, as hex ("#8a4b08"). '
        "Empty means the theme's own, chosen for at least 4.5:1 contrast; check yours with any contrast checker.",
        check=_check_colour,
    )
    accent_dark: str = option(
        "",
        "Accent colour in dark mode (visitors whose system is set to dark). One colour rarely reads well on "
        "both a light and a dark background, hence two keys. Empty means the theme's own.",
        check=_check_colour,
    )
    row_height: int = option(
        300,
        "Target height of a row of photos in the gallery grid on a laptop screen, in CSS pixels; phones and "
        "tablets get proportionally lower rows. 300 shows three or four landscape photos per row.",
        check=_between(120, 800),
    )
    logo: str = option(
        "",
        "Logo image shown instead of the site title in the header: a file in the site's static/ folder, e.g. "
        '"logo.svg". Empty means the title as text, which needs no extra download.',
        check=_check_logo,
    )
    menu: list[MenuLink] = option(
        [],
        'Header menu, in order: a list of { title = "...", url = "/about/" } tables. Empty means every '
        "top-level gallery, then every top-level page, in their weight order.",
        check=_check_menu,
        example=[{"title": "About", "url": "/about/"}],
    )
    show_camera_info: bool = option(
        False,
        "Show camera, lens and exposure on photo pages when the original carries them. Off: most visitors "
        "come for the picture, and it is yours to decide what to reveal.",
    )
    lightbox: bool = option(
        True,
        "Open photos from the gallery grid in a full-screen viewer (a small script of the theme's own). "
        "Every photo keeps its own page, which is what visitors without JavaScript get.",
    )


@dataclass(frozen=True)
class ProtectSection:
    policy: typing.Literal["no-ai", "no-ai-training", "off"] = option(
        "no-ai",
        'Preset for every AI opt-out signal: "no-ai" refuses AI training and AI use (AI search, assistants), '
        '"no-ai-training" refuses training but lets AI search engines and assistants read the site, "off" sends '
        "no AI signal at all. Search engines are admitted under every preset, so you stay findable.",
    )
    robots_txt: bool = option(
        True,
        "Write robots.txt: AI crawlers from sitegen's list refused in one group, everyone else admitted, "
        "Content-Signal and Content-Usage lines, the sitemap. Off to publish your own static/robots.txt.",
    )
    block_agents: list[str] = option(
        [],
        'More user agents to refuse in robots.txt, e.g. a new AI crawler not yet in sitegen\'s list, or "Applebot" '
        "to leave Apple's search as well. Names that would also refuse a search engine are rejected.",
        check=check_block_tokens,
    )
    allow_agents: list[str] = option(
        [],
        "Agents from sitegen's list to leave out of robots.txt's AI group, e.g. [\"DuckAssistBot\"].",
        check=check_allow_tokens,
    )
    ai_txt: bool = option(True, "Write /ai.txt (Spawning's format), read by Spawning and the dataset tools using it.")
    tdmrep: bool = option(
        True,
        "Reserve text-and-data-mining rights the W3C TDMRep way (EU DSM Directive Art. 4(3)): "
        "/.well-known/tdmrep.json, /tdm-policy.json, tdm-reservation and tdm-policy meta tags and headers.",
    )
    noai: bool = option(
        True,
        'The "noai, noimageai" robots meta tag on every page and X-Robots-Tag header on every response, which '
        "image-dataset tools (img2dataset, datadiligence) honour. Never noindex: search engines still list you.",
    )
    bing_noarchive: bool = option(
        True,
        'With policy "no-ai": a bingbot noarchive meta tag, which keeps pages out of Bing\'s AI answers and '
        "Microsoft's model training; Bing search still lists them.",
    )
    header_files: bool = option(
        True,
        "Write host header files: _headers (Netlify, Cloudflare Pages) and .htaccess (Apache) in the output, "
        "nginx and Caddy snippets in server-config/ beside it, so images carry the headers too.",
    )
    nojekyll: bool = option(
        True,
        "Write .nojekyll, without which GitHub Pages' Jekyll step drops /.well-known/ (and tdmrep.json with it).",
    )


@dataclass(frozen=True)
class LicensingSection:
    licence: str = option(
        "all-rights-reserved",
        'Licence of your photos unless a gallery or photo says otherwise: "all-rights-reserved", a Creative '
        'Commons 4.0 licence ("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", '
        '"CC-BY-NC-ND-4.0"), "CC0-1.0", "public-domain" or "custom". All rights reserved, so nothing is given '
        "away by accident.",
        check=check_licence,
    )
    custom_name: str = option(
        "",
        'Short name of your own licence when licence is "custom", e.g. "Editorial use only".',
    )
    custom_text: str = option(
        "",
        'Your own licence terms in plain words when licence is "custom": shown on the licensing and photo pages.',
    )
    page: bool = option(
        True,
        "Generate /licensing/: your terms, the reservation of text-and-data-mining and AI-training rights, how "
        "to license a photo, and every machine-readable signal the site sends. content/licensing.md is "
        "included in it.",
    )
    json_ld: bool = option(
        True,
        "schema.org data: ImageObject with licence and credit on photo pages (Google Images' Licensable badge), "
        "WebSite and Person on the home page.",
    )


@dataclass(frozen=True)
class Config:
    site: SiteSection = section(SiteSection, "Who you are and where the site lives.")
    contact: ContactSection = section(ContactSection, "How visitors and licensees reach you.")
    build: BuildSection = section(BuildSection, "How `sitegen build` behaves.")
    images: ImagesSection = section(ImagesSection, "Published image files (derivatives of your originals).")
    watermark: WatermarkSection = section(WatermarkSection, "The visible mark on every full view of a photo.")
    metadata: MetadataSection = section(
        MetadataSection, "What the published image files say about themselves (nothing private, ever)."
    )
    theme_options: ThemeOptionsSection = section(
        ThemeOptionsSection, "How the theme looks and behaves; the default theme reads every key here."
    )
    protect: ProtectSection = section(
        ProtectSection, "AI opt-out signals: what the site tells crawlers and dataset tools."
    )
    licensing: LicensingSection = section(LicensingSection, "Your licence, and the /licensing/ page.")


# --- loading ----------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """A site folder and its validated configuration: where everything is read and written."""

    root: Path
    config: Config
    config_file: Path | None
    # Where the site will be published, when the config's base_url is a preview's address
    # (``sitegen serve``); metadata inside image files always names the published site.
    published_base_url: str | None = None

    @property
    def public_base_url(self) -> str:
        return self.config.site.base_url if self.published_base_url is None else self.published_base_url

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def output_dir(self) -> Path:
        return (self.root / self.config.site.output).resolve()

    @property
    def cache_dir(self) -> Path:
        return (self.root / self.config.build.cache_dir).resolve()


def _line_of(text: str, dotted: str) -> int | None:
    """Best-effort line number of a dotted key in TOML text, for error messages."""
    parts = dotted.split("[")[0].split(".")
    table, key = parts[:-1], parts[-1]
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = [p.strip() for p in header.group(1).split(".")]
            if not table and current == parts:
                return number
            continue
        if current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
        if not table and not current and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _format_key(dotted: str) -> str:
    if "." not in dotted.split("[")[0]:
        return f"[{dotted}]"
    table, _, key = dotted.rpartition(".")
    return f"[{table}] {key}"


def parse_config(text: str, source: str = CONFIG_NAME) -> Config:
    """Parse and validate TOML text; errors are one line naming the file, key and what is allowed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return build(Config, data)
    except SchemaError as exc:
        line = _line_of(text, exc.key)
        where = f"{source}:{line}" if line else source
        raise ConfigError(f"{where}: {_format_key(exc.key)}: {exc.message}") from None


def apply_overrides(config: Config, overrides: dict[str, Any], source: str = "command line") -> Config:
    """Apply dotted-key overrides (``{"site.base_url": "..."}``) with the same validation as the file."""
    for dotted, value in overrides.items():
        if value is None:
            continue
        section_name, key = dotted.split(".")
        sec = getattr(config, section_name)
        f = {f.name: f for f in dataclasses.fields(sec)}[key]
        tp = typing.get_type_hints(type(sec))[key]
        try:
            typed = coerce(value, tp, dotted)
            check = f.metadata.get("check")
            problem = check(typed) if check else None
            if problem:
                raise SchemaError(dotted, f"{problem} (got {value!r})")
        except SchemaError as exc:
            raise ConfigError(f"{source}: {_format_key(exc.key)}: {exc.message}") from None
        config = dataclasses.replace(config, **{section_name: dataclasses.replace(sec, **{key: typed})})
    return config


def _overlap(a: Path, b: Path) -> str | None:
    """How folder ``a`` relates to folder ``b`` when one holds the other (the same, inside, containing)."""
    if a == b:
        return "is"
    if b in a.parents:
        return "is inside"
    if a in b.parents:
        return "contains"
    return None


def _theme_folder(project: Project) -> Path | None:
    from .render.theme import resolve_theme  # the theme machinery needs jinja2; config itself does not

    try:
        return resolve_theme(project.config.site.theme, project.root).resolve()
    except ConfigError:
        return None  # an unknown theme is reported when the theme is loaded


def check_folders(project: Project, output: Path | None = None, output_source: str | None = None) -> None:
    """Refuse a cache folder that shares any folder with the site's inputs or its output.

    sitegen writes into its cache, prunes it and deletes its preview folders there: a cache that is,
    holds or sits inside content/, static/, templates/, the theme or the output would mix generated
    files into the site (and publish them) or let that pruning reach a photographer's files. The
    comparison is on resolved paths, so a symlink cannot hide an overlap. ``output`` is the folder
    actually built into when it is not ``[site] output`` (``--output``), named by ``output_source``.
    """
    text = ""
    if project.config_file is not None:
        try:
            text = project.config_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    where_file = str(project.config_file or project.root / CONFIG_NAME)

    def where(key: str) -> str:
        line = _line_of(text, key) if text else None
        return f"{where_file}:{line}" if line else where_file

    cache = project.cache_dir
    cache_value = project.config.build.cache_dir
    folders = [
        ("the site's content/ folder", project.content_dir.resolve()),
        ("the site's static/ folder", project.static_dir.resolve()),
        ("the site's templates/ folder", project.templates_dir.resolve()),
    ]
    theme = _theme_folder(project)
    if theme is not None:
        folders.append((f'the folder of the theme "{project.config.site.theme}"', theme))
    advice = 'the cache must be a folder of its own, such as ".sitegen-cache"'
    for what, folder in folders:
        relation = _overlap(cache, folder)
        if relation:
            raise ConfigError(
                f'{where("build.cache_dir")}: [build] cache_dir: "{cache_value}" {relation} {what} ({folder}); {advice}'
            )
    out = (output or project.output_dir).resolve()
    relation = _overlap(out, cache)
    if relation is None:
        return
    published = "the cache would be published with its private files (source paths, camera data, build stamps)"
    if output is not None and output_source:
        raise ConfigError(
            f"{output_source}: the output folder {out} {relation} the cache folder {cache} "
            f"([build] cache_dir in {where_file}); {published}"
        )
    if cache_value == BuildSection.cache_dir:  # the output is what was moved onto the cache
        raise ConfigError(
            f'{where("site.output")}: [site] output: "{project.config.site.output}" {relation} the cache folder '
            f'({cache}); {published}; use a folder such as "public"'
        )
    raise ConfigError(
        f'{where("build.cache_dir")}: [build] cache_dir: "{cache_value}" {_overlap(cache, out)} the output folder '
        f"({out}); {published}, and replaced on every build; {advice}"
    )


def load_project(root: Path, overrides: dict[str, Any] | None = None) -> Project:
    """Read ``root/sitegen.toml`` if present; a missing file means all defaults."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: site folder does not exist")
    candidate = root / CONFIG_NAME
    problem = not_a_file(candidate) if os.path.lexists(candidate) else None
    if problem:
        raise ConfigError(f"{candidate}: {problem}")
    config_file: Path | None = None
    config = Config()
    if candidate.is_file():
        config_file = candidate
        try:
            text = candidate.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{candidate}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        config = parse_config(text, str(candidate))
    if overrides:
        config = apply_overrides(config, overrides)
    project = Project(root=root, config=config, config_file=config_file)
    check_folders(project)
    return project
