"""Unlisted and client galleries in the host files: ``noindex`` headers and HTTP Basic authentication.

Which folders: the top gallery of each unlisted subtree, and every gallery naming its own
``client:`` (a client gallery is unlisted too). Each covers its pages' folder and its images'
folder (``media/`` + the gallery's path), so a photo's files are refused exactly like its page.

Where it goes, and why there:

- Apache: a ``.htaccess`` inside each of those folders (published: it names no other path, and a
  request for it needs the password too). Not wrapped in ``<IfModule>``: without mod_auth_basic
  Apache answers 500, never the photos.
- nginx and Caddy: ``nginx-clients.conf`` and ``sitegen-clients.caddy`` in server-config/ (never
  published), included by nginx-site.conf and sitegen.caddy once ``[clients] logins`` has an entry;
  the user files ``sitegen-<client>.htpasswd`` beside them (bcrypt hashes only, from sitegen.toml).
- Netlify, Cloudflare Pages, Vercel, GitHub Pages: nothing. Their Basic-Auth takes a plain password
  in a published file, and ``_headers`` / ``vercel.json`` are published as they are on GitHub Pages,
  so naming an unlisted folder there would give its address away. Pages say ``noindex`` themselves.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..content.model import Site
from ..urls import Urls

NOINDEX = ("X-Robots-Tag", "noindex")
MEDIA = "media/"


def htpasswd_name(client: str) -> str:
    return f"sitegen-{client}.htpasswd"


@dataclass(frozen=True)
class Folder:
    """One gallery's folder to mark ``noindex`` and, with a client, to lock."""

    path: str  # the gallery's site path, "smith/"
    client: str | None  # the [clients.logins] entry whose users may open it; None: open to anyone with the URL
    top: bool  # the top of an unlisted subtree (Apache inherits the header below it)
    title: str
    source: Path  # the gallery's index.md or folder, to name in messages (its URL may be a secret)

    def site_paths(self) -> tuple[str, str]:
        return self.path, MEDIA + self.path


def folders(site: Site) -> list[Folder]:
    out = []
    for gallery in site.all_galleries():
        top = gallery.own_unlisted and not (gallery.parent is not None and gallery.parent.unlisted)
        if top or gallery.matter.client:
            source = gallery.index_file or gallery.source
            out.append(Folder(gallery.path, gallery.client, top, gallery.title, source))
    return sorted(out, key=lambda f: f.path)


def htpasswd_files(config: Config) -> dict[str, str]:
    """``sitegen-<client>.htpasswd`` per client: ``user:hash`` lines, as Apache and nginx read them."""
    return {
        htpasswd_name(client): "".join(f"{user}:{hashed}\n" for user, hashed in users.items())
        for client, users in config.clients.logins.items()
    }


def user_file(config: Config, default_dir: str, client: str) -> str:
    """Where the server finds a client's user file: ``[clients] server_config_path``, else this machine's."""
    folder = config.clients.server_config_path.rstrip("/") or default_dir
    return f"{folder}/{htpasswd_name(client)}"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _realm(config: Config, folder: Folder) -> str:
    """The site's title: the prompt shows it to anyone with the URL, before any password (not the client's name).

    Without what a server would read as syntax: ``$`` (an nginx variable), braces (a Caddy placeholder),
    quotes and backslashes, control characters.
    """
    plain = re.sub(r'[$\x00-\x1f\x7f{}"\\;]', "", config.site.title).strip()
    return _quote(plain[:120] or "sitegen")


def htaccess_files(site: Site, default_dir: str, generated: str) -> dict[str, str]:
    """The ``.htaccess`` of each folder, by site path."""
    config = site.project.config
    out: dict[str, str] = {}
    for folder in folders(site):
        lines = [f"# {generated}"]
        if folder.top:
            lines += [
                "# An unlisted gallery: search engines are asked not to index it (a second X-Robots-Tag, beside",
                "# the opt-out one the site's .htaccess sets).",
                "<IfModule mod_headers.c>",
                f'  Header always add {NOINDEX[0]} "{NOINDEX[1]}"',
                "</IfModule>",
            ]
        if folder.client:
            lines += [
                f"# Only the users of [clients.logins] {folder.client} may open it. Needs mod_auth_basic,",
                "# mod_authn_file, mod_authz_user and AllowOverride AuthConfig; without them Apache answers 500,",
                "# never the photos.",
                "AuthType Basic",
                f"AuthName {_realm(config, folder)}",
                f"AuthUserFile {_quote(user_file(config, default_dir, folder.client))}",
                "Require valid-user",
            ]
        text = "\n".join(lines) + "\n"
        for path in folder.site_paths():
            out[f"{path}.htaccess"] = text
    return out


def nginx_locations(
    site: Site,
    urls: Urls,
    default_dir: str,
    page_headers: list[str],
    media_headers: list[str],
    refuse: list[str],
    generated: str,
) -> str:
    """``location ^~`` blocks; each repeats every header (nginx's add_header inheritance trap)."""
    config = site.project.config
    lines = [
        f"# {generated}",
        "# Unlisted and client galleries, included by nginx-site.conf. The longest matching prefix wins, so a",
        "# sub-gallery with a client of its own asks for its own users only.",
    ]
    for folder in folders(site):
        auth = []
        if folder.client:
            auth = [
                f"    auth_basic {_realm(config, folder)};",
                f"    auth_basic_user_file {_quote(user_file(config, default_dir, folder.client))};",
            ]
        noindex = f'    add_header {NOINDEX[0]} "{NOINDEX[1]}" always;'
        page, media = (urls.base_path + p for p in folder.site_paths())
        lines += [f"location ^~ {page} {{", *refuse, *auth, *page_headers, noindex, "    try_files $uri $uri/ =404;"]
        lines += ["}", f"location ^~ {media} {{", *refuse, *auth, *media_headers, noindex, "}", ""]
    return "\n".join(lines) + "\n"


def caddy_rules(site: Site, urls: Urls, generated: str) -> str:
    """Named matchers per folder: ``basicauth`` (bcrypt) for client ones, a deferred second X-Robots-Tag for all.

    ``defer`` applies the header as the response is written, after the site-wide ``header`` block,
    which would otherwise replace it. A client folder's matcher leaves out the sub-folders that name
    a client of their own, so those ask for their own users only (as on Apache and nginx).
    """
    config = site.project.config
    every = folders(site)
    lines = [
        f"# {generated}",
        "# Unlisted and client galleries, imported by sitegen.caddy. basicauth is basic_auth from Caddy 2.8 on;",
        "# both names work there.",
    ]
    unlisted = [f"{urls.base_path}{p}*" for f in every for p in f.site_paths()]
    if unlisted:
        lines += [f"@sitegen_unlisted path {' '.join(unlisted)}", "header @sitegen_unlisted {"]
        lines += [f'    +{NOINDEX[0]} "{NOINDEX[1]}"', "    defer", "}"]
    for n, folder in enumerate(every):
        if not folder.client:
            continue
        own = [f"{urls.base_path}{p}*" for p in folder.site_paths()]
        inner = [
            f"{urls.base_path}{p}*"
            for other in every
            if other.client and other.path != folder.path and other.path.startswith(folder.path)
            for p in other.site_paths()
        ]
        users = config.clients.logins.get(folder.client, {})
        lines += [f"@sitegen_client_{n} {{", f"    path {' '.join(own)}"]
        lines += [f"    not path {' '.join(inner)}"] if inner else []
        lines += ["}", f"basicauth @sitegen_client_{n} bcrypt {_realm(config, folder)} {{"]
        lines += [f"    {user} {base64.b64encode(hashed.encode()).decode()}" for user, hashed in users.items()]
        lines.append("}")
    return "\n".join(lines) + "\n"
