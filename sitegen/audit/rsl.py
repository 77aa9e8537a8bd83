"""Is the RSL licence file published, readable as RSL 1.0, pointed to by robots.txt, and served as RSL?

Read the way a licensing client reads it, from the RSL 1.0 specification (RSL-SPEC-1.0,
https://rslstandard.org/rsl) and its guides, not from sitegen's generator: root ``<rsl>`` in the namespace
``https://rslstandard.org/rsl`` holding one or more ``<content url="...">``, each with a ``<license>``;
robots.txt names the file in a ``License:`` line (guide "robots-txt"); the file goes out as
``application/rsl+xml`` (guide "http"). By extension every host would send ``application/xml`` or
``text/xml``: still XML, so a warning; any other type is a failure. A folder has no server, so the type is
checked on a URL audit only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..rights.addresses import LICENSE_XML_PATH, RSL_MEDIA_TYPE
from .expect import Expected
from .model import FIX_UNCHECKED, Check, Status
from .refusal import GITHUB_PAGES, host_of
from .source import HttpSource, Response, Source

CID, TITLE = "licence-file", "RSL licence file (license.xml)"
NS = "{https://rslstandard.org/rsl}"
XML_TYPES = ("application/xml", "text/xml")
FIX_MISSING = "Rebuild with [licensing] rsl = true and publish license.xml with the site (at its root)."
FIX_TYPE_BY_HOST = {
    "Apache": 'Upload sitegen\'s .htaccess: its <Files "license.xml"> ForceType needs AllowOverride FileInfo.',
    "nginx": "Include server-config/nginx-site.conf: its `location = /license.xml` sets the type.",
    "Caddy": "Import server-config/sitegen.caddy: its `header /license.xml Content-Type` line sets the type.",
    "Netlify": "Publish sitegen's _headers with the site: its /license.xml rule sets the Content-Type.",
    "Cloudflare": "Publish sitegen's _headers with the site: its /license.xml rule sets the Content-Type.",
    "Vercel": "Deploy sitegen's vercel.json with the site: its /license.xml header rule sets the Content-Type.",
    GITHUB_PAGES: "GitHub Pages cannot set a file's type: host elsewhere to serve license.xml as RSL.",
}
FIX_TYPE = f"Serve license.xml as {RSL_MEDIA_TYPE}: publish sitegen's host file for your server (README: Deploying)."


def _structure_problems(body: bytes) -> list[str]:
    """What keeps a licensing client from reading the file as RSL 1.0 (empty: nothing)."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return ["it declares a DOCTYPE or entities (untrusted XML: not expanded, and RSL needs none)"]
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return [f"not well-formed XML ({exc})"]
    if root.tag != f"{NS}rsl":
        return [f"the root element is {root.tag!r}, not <rsl> in the namespace https://rslstandard.org/rsl"]
    contents = root.findall(f"{NS}content")
    if not contents:
        return ["<rsl> holds no <content>"]
    problems = []
    for content in contents:
        url = content.get("url")
        if not url:
            problems.append("a <content> without its required url")
        elif content.find(f"{NS}license") is None:
            problems.append(f"<content url={url!r}> has no <license>")
    return problems


def _robots_names_it(robots: Response, path: str) -> bool:
    if not robots.ok:
        return True  # robots.txt is checked on its own; no second finding for the same gap
    for line in robots.body.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "license" and value.strip().split("#")[0].strip().endswith(path):
            return True
    return False


def _media_type(response: Response) -> str:
    return (response.header("Content-Type") or "").split(";")[0].strip().lower()


def rsl_check(source: Source, want: Expected, robots: Response) -> Check:
    if not want.rsl:
        return Check(CID, TITLE, Status.SKIP, "switched off in sitegen.toml ([licensing] rsl or [protect] policy)")
    path = source.base_path + LICENSE_XML_PATH
    response = source.get(path)
    if response.error:
        return Check(CID, TITLE, Status.UNCHECKED, f"not checked: {path} ({response.error})", FIX_UNCHECKED)
    if not response.ok:
        return Check(CID, TITLE, Status.FAIL, f"no {path} (HTTP {response.status})", FIX_MISSING)
    problems = _structure_problems(response.body)
    if problems:
        return Check(CID, TITLE, Status.FAIL, f"{path} is not RSL 1.0: {'; '.join(problems[:3])}", FIX_MISSING)
    detail = f"{path} is RSL 1.0"
    if isinstance(source, HttpSource):
        got = _media_type(response)
        if got != RSL_MEDIA_TYPE:
            host = host_of(response)
            fix = f"{host}: {FIX_TYPE_BY_HOST[host]}" if host in FIX_TYPE_BY_HOST else FIX_TYPE
            status = Status.WARN if got in XML_TYPES else Status.FAIL
            return Check(CID, TITLE, status, f"{path} is served as {got or 'no type'}, not {RSL_MEDIA_TYPE}", fix)
        detail += f", served as {RSL_MEDIA_TYPE}"
    if not _robots_names_it(robots, path):
        fix = f"Add 'License: <absolute URL of {path}>' to robots.txt (sitegen's robots.txt has it)."
        return Check(CID, TITLE, Status.WARN, f"{detail}, but robots.txt has no License: line naming it", fix)
    return Check(CID, TITLE, Status.PASS, f"{detail}, named by robots.txt's License: line")
