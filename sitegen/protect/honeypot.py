"""The opt-in honeypot: a link no person meets, to a path robots.txt forbids to every agent.

Only a client that ignores robots.txt *and* follows links a person cannot see
ever requests the path, so a request for it is a confession; the server
snippets log those requests to a log of their own, and the fail2ban filter
written here bans the addresses found there. Everything is decided in this
module and rendered by the others: the path (:func:`site_path`), the robots.txt
line, the hidden link of the theme, the nginx location, the Apache and Caddy
snippets and the fail2ban files.

The path is published anyway (in robots.txt and in every page), so it is not a
secret; what matters is that it is not one fixed name a scraper could skip on
every sitegen site. It is derived from the site's base URL: stable for a site,
different between sites, and shaped like an ordinary page folder. Nothing is
published at the path: every server answers it 404 (nginx with a short text
of its own), so there is no page to list in the sitemap or the feed, and
nothing for the audit to check.
"""

from __future__ import annotations

import hashlib
import re

from ..config import Config
from ..urls import Urls

LOG_FILE = "sitegen-honeypot.log"
# Each Debian package's own log folder: the server (or its user, for Caddy) may write there.
DEFAULT_LOG_DIRS = {"nginx": "/var/log/nginx", "apache": "/var/log/apache2", "caddy": "/var/log/caddy"}
APACHE_SNIPPET = "apache-honeypot.conf"
CADDY_SNIPPET = "sitegen-honeypot.caddy"
FAIL2BAN_FILTER = "fail2ban/filter.d/sitegen-honeypot.conf"
FAIL2BAN_JAIL = "fail2ban/jail.d/sitegen-honeypot.local"
APACHE_VARIABLE = "sitegen_honeypot"
# Apache's "combined" format, spelled out: a VirtualHost snippet cannot rely on the nickname being defined.
APACHE_COMBINED = r'"%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""'
# Words an ordinary portfolio might use for a folder: the path should look like any other page.
_WORDS = ("archive", "notes", "journal", "prints", "stories", "collection", "library", "series")
_SALT = b"sitegen honeypot 1\0"


def enabled(config: Config) -> bool:
    return config.protect.honeypot


def site_path(urls: Urls) -> str:
    """The honeypot's site path (``"notes-3f9a2c1b7d/"``): a hash of where the site lives."""
    where = (urls.origin or "") + urls.base_path
    digest = hashlib.sha256(_SALT + where.encode("utf-8")).hexdigest()
    return f"{_WORDS[int(digest[:2], 16) % len(_WORDS)]}-{digest[2:12]}/"


def link(config: Config, urls: Urls) -> str | None:
    """The root-relative URL of the hidden link, or None when the honeypot is off."""
    return urls.url(site_path(urls)) if enabled(config) else None


def robots_disallow(config: Config, urls: Urls) -> str | None:
    """The robots.txt path prefix: without the trailing "/", so it covers the path with and without it."""
    url = link(config, urls)
    return url.rstrip("/") if url else None


def log_path(config: Config, server: str) -> str:
    folder = config.protect.honeypot_log_dir or DEFAULT_LOG_DIRS[server]
    return f"{folder.rstrip('/')}/{LOG_FILE}"


def _paths(urls: Urls) -> tuple[str, str]:
    """Both spellings a client may request: with the link's "/" and without it."""
    url = urls.url(site_path(urls))
    return url.rstrip("/"), url


# --- nginx: a location in nginx-site.conf --------------------------------------------------------


def nginx_locations(config: Config, urls: Urls, add_headers: list[str]) -> list[str]:
    """Exact locations that win over every prefix one, each with its own access_log.

    The 404 is answered here with a text of its own: an ``error_page`` redirect would end the
    request in ``location /``, and nginx logs a request in the location where it ends.
    """
    if not enabled(config):
        return []
    log = log_path(config, "nginx")
    lines = [
        "# [protect] honeypot: a path robots.txt forbids to every agent, linked from every page where no",
        f"# person sees it. Requests for it go to {log} (combined format) and to no other log;",
        f"# server-config/{FAIL2BAN_FILTER} reads it.",
    ]
    for path in _paths(urls):
        lines += [
            f"location = {path} {{",
            f"    access_log {log} combined;",
            *add_headers,
            '    default_type "text/plain; charset=utf-8";',
            '    return 404 "Not found.\\n";',
            "}",
        ]
    return [*lines, ""]


# --- Apache and Caddy: snippets of their own ------------------------------------------------------


def _regex(urls: Urls) -> str:
    return "^" + re.escape(urls.url(site_path(urls)).rstrip("/")) + "/?$"


def apache_snippet(config: Config, urls: Urls, generated: str) -> str:
    """``CustomLog`` is not allowed in ``.htaccess``: this goes inside the site's ``<VirtualHost>``."""
    log = log_path(config, "apache")
    lines = [
        f"# {generated}",
        "# [protect] honeypot for Apache: Include this file inside the site's <VirtualHost> (CustomLog is not",
        "# allowed in .htaccess), e.g.  Include /srv/example/server-config/apache-honeypot.conf",
        "# Needs mod_setenvif (enabled by default on Debian: a2enmod setenvif); Apache will not start without it.",
        f"# Requests for the honeypot path go to {log} (combined format), as well as to your other logs.",
        f'SetEnvIf Request_URI "{_regex(urls)}" {APACHE_VARIABLE}',
        f"CustomLog {log} {APACHE_COMBINED} env={APACHE_VARIABLE}",
    ]
    return "\n".join(lines) + "\n"


def caddy_snippet(config: Config, urls: Urls, generated: str) -> str:
    """Caddy 2.6 has one access log per site and skips requests from it with ``skip_log``."""
    log = log_path(config, "caddy")
    lines = [
        f"# {generated}",
        "# [protect] honeypot for Caddy: import at the top level of the site block, beside sitegen.caddy.",
        f"# It makes the site's access log {log}, holding only requests for the honeypot path",
        "# (JSON, ISO 8601 times). Caddy before 2.8 allows one access log per site, so a site block that",
        "# imports this must not have a `log` of its own (Caddy 2.8 renamed skip_log to log_skip and still",
        "# accepts the old name).",
        f"@sitegen_not_honeypot not path {' '.join(_paths(urls))}",
        "log {",
        f"    output file {log}",
        "    format json {",
        "        time_format iso8601",
        "    }",
        "}",
        "skip_log @sitegen_not_honeypot",
    ]
    return "\n".join(lines) + "\n"


# --- fail2ban ----------------------------------------------------------------------------------------


def fail2ban_filter(urls: Urls, generated: str) -> str:
    """One pattern per log format the snippets write: combined (nginx, Apache) and Caddy's JSON."""
    path = re.escape(urls.url(site_path(urls)).rstrip("/")).replace("%", "%%")  # "%" interpolates in fail2ban
    lines = [
        f"# {generated}",
        "# fail2ban filter for the sitegen honeypot log: copy to /etc/fail2ban/filter.d/sitegen-honeypot.conf.",
        "# It matches requests for this site's honeypot path only, so it finds nothing in a normal access log.",
        "[Definition]",
        # fail2ban cuts the time out of the line before matching: [^"]* spans what is left of it.
        rf'failregex = ^<HOST> \S+ \S+ [^"]*"[A-Z]+ {path}/?(?:\?\S*)? HTTP/[0-9.]+"',
        rf'            ^\{{.*"remote_ip":"<HOST>".*"uri":"{path}/?(?:\?[^"]*)?"',
        "ignoreregex =",
    ]
    return "\n".join(lines) + "\n"


def fail2ban_jail(config: Config, generated: str) -> str:
    folder = config.protect.honeypot_log_dir
    logpath = f"{folder.rstrip('/')}/{LOG_FILE}" if folder else f"/var/log/*/{LOG_FILE}"
    lines = [
        f"# {generated}",
        "# fail2ban jail for the sitegen honeypot: copy to /etc/fail2ban/jail.d/sitegen-honeypot.local, then",
        "# `systemctl reload fail2ban`. One request for the honeypot path bans its address from HTTP for a day.",
        "# Behind a CDN or reverse proxy, log the client's address (nginx real_ip, Apache mod_remoteip) first,",
        "# or the proxy is banned. Add the addresses of your own tools that ignore robots.txt to ignoreip.",
        "[sitegen-honeypot]",
        "enabled  = true",
        "filter   = sitegen-honeypot",
        f"logpath  = {logpath.replace('%', '%%')}",
        "backend  = auto",
        "port     = http,https",
        "maxretry = 1",
        "findtime = 1d",
        "bantime  = 1d",
    ]
    return "\n".join(lines) + "\n"


def snippet_names(config: Config, server_config_dir: str) -> list[str]:
    """The paths :func:`snippets` writes, without making their texts (the build stamp lists them)."""
    if not enabled(config):
        return []
    return [f"{server_config_dir}/{name}" for name in (APACHE_SNIPPET, CADDY_SNIPPET, FAIL2BAN_FILTER, FAIL2BAN_JAIL)]


def snippets(config: Config, urls: Urls, server_config_dir: str, generated: str) -> dict[str, str]:
    """The files beside the output, by path relative to the output's parent; none when the honeypot is off."""
    if not enabled(config):
        return {}
    return {
        f"{server_config_dir}/{APACHE_SNIPPET}": apache_snippet(config, urls, generated),
        f"{server_config_dir}/{CADDY_SNIPPET}": caddy_snippet(config, urls, generated),
        f"{server_config_dir}/{FAIL2BAN_FILTER}": fail2ban_filter(urls, generated),
        f"{server_config_dir}/{FAIL2BAN_JAIL}": fail2ban_jail(config, generated),
    }
