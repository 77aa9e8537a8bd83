"""Where the licence terms live: the addresses every signal points to.

One URL answers three questions machines ask (Google's "license" and
"acquireLicensePage", the image files' WebStatement and LicensorURL, the
robots.txt and ai.txt comments): these functions are the only place that
spells it, so the image pipeline, the head tags, the licensing page and the
audit cannot drift apart.
"""

from __future__ import annotations

from ..urls import Urls

LICENSING_PATH = "licensing/"
HOW_TO_LICENSE_ANCHOR = "license-a-photo"
TDM_POLICY_PATH = "tdm-policy.json"
LICENSE_XML_PATH = "license.xml"  # RSL 1.0 licence file: rslstandard.org/guide/robots-txt names it so
RSL_MEDIA_TYPE = "application/rsl+xml"


def _best(urls: Urls, site_path: str) -> str:
    return urls.abs_url(site_path) or urls.url(site_path)


def licensing_url(urls: Urls) -> str:
    """The licensing page: absolute when ``base_url`` names a host (as metadata needs), else root-relative.

    For the image pipeline's ``xmpRights:WebStatement``; also JSON-LD ``license`` for
    licences that have no public text of their own (all rights reserved, custom).
    """
    return _best(urls, LICENSING_PATH)


def acquire_licence_url(urls: Urls) -> str:
    """Where to license a photo: the licensing page's "how to license" section.

    For the image pipeline's ``plus:LicensorURL`` and JSON-LD ``acquireLicensePage``.
    """
    return licensing_url(urls) + "#" + HOW_TO_LICENSE_ANCHOR


def tdm_policy_url(urls: Urls) -> str:
    """The TDM policy document every ``tdm-policy`` field points to."""
    return _best(urls, TDM_POLICY_PATH)


def license_xml_url(urls: Urls) -> str:
    """The RSL licence file every ``License:`` line, ``<link>`` and ``Link`` header points to."""
    return _best(urls, LICENSE_XML_PATH)


# Beside the output, in server-config/: the client galleries' nginx and Caddy rules. Made from the
# content, so a build that finds one changed builds again (a light module: the no-op build reads it).
NGINX_CLIENTS = "nginx-clients.conf"
CADDY_CLIENTS = "sitegen-clients.caddy"
CLIENT_SNIPPETS = (NGINX_CLIENTS, CADDY_CLIENTS)
