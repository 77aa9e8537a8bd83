"""sitegen.toml: typed, validated configuration.

Every key has a default, and every default is on the protective side: a site
built with no config file at all already publishes only derivatives and says
"no AI training" everywhere. Each key's ``doc`` explains the default; the same
text ends up in the scaffolded config of ``sitegen new`` and in the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from ..configschema import Check, option, section
from ..rights.crawlers import check_allow_tokens, check_block_tokens
from ..rights.licences import check_licence
from ..strings import check_overrides as check_strings
from .checks import (
    _at_least,
    _between,
    _check_base_url,
    _check_colour,
    _check_email,
    _check_follow_links,
    _check_formats,
    _check_language,
    _check_logo,
    _check_menu,
    _check_menu_url,
    _check_relative_dir,
    _check_url,
    _check_widths,
    _placeholders,
)
from .clients import check_logins

# The default line; a site that keeps it gets it in its language on its pages (render: footer.copyright).
DEFAULT_COPYRIGHT = "© {year} {author}. All rights reserved."


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
    language: str = option(
        "en",
        "Language of the site (a BCP 47 tag): the theme's words, dates and the <html lang> attribute. Tables ship "
        'for en, de, fr, es and ja; "de-AT" uses de; another language gets English words and a warning.',
        check=_check_language,
    )
    strings: dict[str, Any] = option(
        {},
        "Your own words ([site.strings]) for single strings of the theme and generated pages, by key (the keys of "
        'sitegen/data/strings/en.toml), e.g. "nav.label" = "Menu". Everything else follows `language`.',
        check=check_strings,
        example={"page.skip_to_content": "Skip to the photos"},
    )
    description: str = option("", "One or two sentences for search results, the feed and social cards.")
    copyright: str = option(
        DEFAULT_COPYRIGHT,
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
    jobs: int = option(
        0,
        "Parallel workers for images, and for the pages of a large site; 0 means one per CPU core.",
        check=_at_least(0),
    )
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
        "Also write each photo's title, caption, alt text and keywords (those with a [keywords] page) into its "
        "files, so they travel "
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
    slideshow_interval: int = option(
        5,
        "Seconds each photo stays on screen in the lightbox's slideshow (started with its play button or the "
        "s key, never by itself). Long enough to look at a photo; the next one is loaded before it is shown.",
        check=_between(2, 60),
    )


def _check_log_dir(value: str) -> str | None:
    """The folder goes unquoted into nginx, Apache, Caddy and fail2ban files: one absolute word."""
    if value and not re.fullmatch(r"/[A-Za-z0-9._/-]*", value):
        return 'must be empty or an absolute folder of letters, digits and . _ - / (e.g. "/var/log/sitegen")'
    return None


@dataclass(frozen=True)
class ProtectSection:
    policy: Literal["no-ai", "no-ai-training", "off"] = option(
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
    refuse_agents: bool = option(
        True,
        "Answer 403 to the AI agents robots.txt names (the preset's classes, block_agents, minus allow_agents) "
        "on every page and image, in .htaccess, the nginx and Caddy snippets and sitegen serve. robots.txt, "
        "ai.txt, the TDM files, license.xml and /licensing/ stay readable to them. Only agents that say who they "
        "are can be refused: the headers, the embedded rights and the watermark are for the others.",
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
    honeypot: bool = option(
        False,
        "A link on every page that no person sees or reaches, to a path robots.txt forbids to every agent; the "
        "server snippets log requests for it to their own log, and a fail2ban filter for that log is written to "
        "server-config/fail2ban/. It catches only clients that ignore robots.txt. Off by default.",
    )
    honeypot_log_dir: str = option(
        "",
        "Folder of the honeypot log (sitegen-honeypot.log) in the nginx, Apache and Caddy snippets and the "
        "fail2ban jail. Empty means each server's own log folder (/var/log/nginx, /var/log/apache2, /var/log/caddy).",
        check=_check_log_dir,
    )
    fingerprints: bool = option(
        True,
        "Fingerprint every published photo: its ISCC image code (ISO 24138) in the files' XMP and the page's "
        "JSON-LD, and a private index (fingerprints.json beside the output, never published) that "
        "`sitegen find-copies` compares suspected copies against.",
    )


@dataclass(frozen=True)
class CredentialsSection:
    sign: bool = option(
        False,
        "Sign every published image file with Content Credentials (C2PA): a signed manifest saying who made it "
        "and that AI training and data mining are not allowed (per your licence and [metadata] data_mining). "
        "Needs the c2pa extra (pip install -e '.[c2pa]' in the sitegen checkout) and a certificate: `sitegen keygen` "
        "makes one.",
    )
    certificate: str = option(
        "credentials/chain.pem",
        "PEM file, relative to the site folder: your signing certificate followed by its issuers. Keep it "
        "outside content/ and static/ (it is never published).",
    )
    private_key: str = option(
        "credentials/key.pem",
        "PEM file (PKCS#8, ES256) with the certificate's private key, relative to the site folder. Never "
        "published and never committed: `sitegen new` lists credentials/ in .gitignore.",
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
    rsl: bool = option(
        True,
        "Write /license.xml (RSL 1.0, Really Simple Licensing): under the [protect] policy, search permitted and "
        "AI training (and, with no-ai, AI use) prohibited, your name, contact and /licensing/; pointed to by a "
        "robots.txt License line, a link on every page and a Link header on images. Not written with policy off.",
    )


@dataclass(frozen=True)
class KeywordsSection:
    enabled: bool = option(
        False,
        "Give keywords pages: /keywords/ lists them, /keywords/<keyword>/ shows its photos, photo pages link "
        "to theirs. Off by default: catalogues hold private keywords (client names, people, places), and "
        "with keyword pages they would be published; list those under `ignore`, or name the public ones "
        "under `only`, before turning this on.",
    )
    min_count: int = option(
        2,
        "A keyword gets a page only when at least this many published photos carry it; a keyword without a "
        "page is not shown or written anywhere.",
        check=_at_least(1),
    )
    ignore: list[str] = option(
        [],
        'Keywords never published, in any case (upper or lower); a hierarchy level such as "Clients" also '
        "hides every keyword under it (Lightroom's Clients|Smith wedding).",
        example=["Clients", "Family"],
    )
    only: list[str] = option(
        [],
        "When not empty, only these keywords (in any case) can get pages: an allow-list, the safest choice "
        "for a catalogue full of private keywords.",
    )


@dataclass(frozen=True)
class ClientsSection:
    logins: dict[str, Any] = option(
        {},
        "Who may open a gallery with `client: NAME` in its index.md: per client name, user names and their bcrypt "
        "password hashes (never a password: `htpasswd -nbB anna 'password'` prints one). Apache, nginx and Caddy "
        "then ask for a password; other hosts only keep the gallery unlisted (the build says so).",
        check=check_logins,
        secret=True,
        example={"smith-wedding": {"anna": "$2y$10$..."}},
    )
    server_config_path: str = option(
        "",
        "Where the server-config/ folder beside the output is on your web server (an absolute path), for the "
        "AuthUserFile and auth_basic_user_file lines pointing at the .htpasswd files there. Empty means where it "
        "is on this machine, right when you build on the server itself.",
    )
    warn_other_hosts: bool = option(
        True,
        "Warn on every build that client galleries are only unlisted, with no password, on Netlify, Cloudflare "
        "Pages, Vercel and GitHub Pages. Set it to false once you deploy to Apache, nginx or Caddy (a strict "
        "build fails on the warning).",
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
    credentials: CredentialsSection = section(
        CredentialsSection, "Content Credentials (C2PA): a signed statement inside every published image."
    )
    keywords: KeywordsSection = section(KeywordsSection, "Keyword pages, from your photos' keywords (off by default).")
    clients: ClientsSection = section(ClientsSection, "Password-protected client galleries.")


# --- loading ----------------------------------------------------------------
