"""The opt-out files in the output root: ai.txt, TDMRep, the TDM policy, .nojekyll, and the host files.

:func:`protection_files` is the one call the pipeline makes; what it returns
depends only on the resolved :class:`~sitegen.protect.policy.Signals`. Nothing
is written here: the publish phase writes the files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass

from ..content.model import Site
from ..errors import Reporter
from ..rights import crawlers
from ..rights.addresses import LICENSE_XML_PATH, acquire_licence_url, license_xml_url, licensing_url, tdm_policy_url
from ..urls import Urls
from . import clientauth, honeypot, hostfiles, rsl, vercel
from .policy import signals_for
from .robots import robots_txt

# Spawning's generator lists file types and then the whole site; dataset tools check the media URL itself.
AI_TXT_TYPES = ("jpg", "jpeg", "png", "webp", "avif", "gif", "tif", "tiff", "heic", "svg", "html", "htm", "txt", "json")


def ai_txt(urls: Urls) -> str:
    lines = [
        "# ai.txt (Spawning format): permission to use this site's files for AI training.",
        f"# No file on this site may be used to train AI models. Terms: {licensing_url(urls)}",
        "User-Agent: *",
        *(f"Disallow: *.{ext}" for ext in AI_TXT_TYPES),
        "Disallow: /",
        "Disallow: *",
    ]
    return "\n".join(lines) + "\n"


def tdmrep_json(urls: Urls) -> str:
    """One rule covering every path under the site's base path; the reservation is a JSON number."""
    rules = [{"location": urls.base_path, "tdm-reservation": 1, "tdm-policy": tdm_policy_url(urls)}]
    return json.dumps(rules, indent=2) + "\n"


def tdm_policy(site: Site, urls: Urls) -> str:
    """A TDMRep policy (ODRL 2.2 profile): mining is offered only with the rights holder's consent."""
    config = site.project.config
    assigner: dict[str, str] = {
        "uid": urls.abs_url("") or urls.url(""),
        "vcard:fn": config.site.rights_holder,
        "vcard:hasURL": licensing_url(urls),
    }
    if config.contact.email:
        assigner["vcard:hasEmail"] = f"mailto:{config.contact.email}"
    policy = {
        "@context": ["http://www.w3.org/ns/odrl.jsonld", "http://www.w3.org/ns/tdmrep.jsonld"],
        "@type": "Offer",
        "profile": "http://www.w3.org/ns/tdmrep",
        "uid": tdm_policy_url(urls),
        "assigner": assigner,
        "permission": [{"action": "tdm:mine", "duty": [{"action": "obtainConsent"}]}],
        "comment": (
            "Text and data mining of this site, including for training AI models, is reserved under "
            "Article 4(3) of Directive (EU) 2019/790. To obtain a licence, see " + acquire_licence_url(urls)
        ),
    }
    return json.dumps(policy, indent=2, ensure_ascii=False) + "\n"


ORIGIN = "protection files ([protect] in sitegen.toml)"


@dataclass(frozen=True)
class SignalFile:
    """One generated opt-out file: its site path, its contents, and what produced it."""

    path: str
    data: str | bytes
    origin: str = ORIGIN


CLIENTS_ORIGIN = "unlisted and client galleries ([clients] in sitegen.toml)"


def _warn_unprotected(site: Site, reporter: Reporter) -> None:
    """One line per client gallery: the hosts that publish it without asking for a password."""
    config = site.project.config
    locked = [folder for folder in clientauth.folders(site) if folder.client]
    if locked and not signals_for(config).header_files:
        reporter.warning(
            "client galleries: [protect] header_files is off, so no host file asks for their password; they are "
            "only unlisted",
            locked[0].source,
        )
        return
    if not config.clients.warn_other_hosts:
        return
    for folder in locked:
        reporter.warning(
            "client gallery: only unlisted, without a password, on Netlify, Cloudflare Pages, Vercel and GitHub "
            "Pages (they cannot check a password hash); Apache, nginx and Caddy ask for one (deploying to those, "
            "set [clients] warn_other_hosts = false)",
            folder.source,
        )


def protection_files(site: Site, urls: Urls, reporter: Reporter) -> list[SignalFile]:
    """Every opt-out file this build's policy asks for, in the order they are published."""
    config = site.project.config
    signals = signals_for(config)
    files = []
    has_rsl = rsl.enabled(config)
    if signals.robots_txt:
        licence_file = license_xml_url(urls) if has_rsl and urls.absolute else None
        trap = honeypot.robots_disallow(config, urls)
        files.append(SignalFile("robots.txt", robots_txt(signals, urls, licence_file, trap)))
    if signals.ai_txt:
        files.append(SignalFile("ai.txt", ai_txt(urls)))
    if signals.tdmrep:
        files.append(SignalFile(".well-known/tdmrep.json", tdmrep_json(urls)))
        files.append(SignalFile("tdm-policy.json", tdm_policy(site, urls)))
    if has_rsl:
        files.append(SignalFile(LICENSE_XML_PATH, rsl.license_xml(site, urls)))
    if signals.nojekyll:
        files.append(SignalFile(".nojekyll", ""))
    if signals.header_files:
        files.append(SignalFile("_headers", hostfiles.netlify_headers(config, urls)))
        files.append(SignalFile(".htaccess", hostfiles.htaccess(config, urls)))
        files.append(SignalFile(vercel.VERCEL_JSON, vercel.vercel_json(config, urls)))
        refused = vercel.refused_body(config, urls)
        if refused is not None:  # the 403's text on Vercel (its routes cannot hold a body)
            files.append(SignalFile(vercel.REFUSED_BODY, refused))
        server_dir = os.path.abspath(site.project.output_dir.parent / hostfiles.SERVER_CONFIG_DIR)
        for path, text in clientauth.htaccess_files(site, server_dir, hostfiles.GENERATED).items():
            files.append(SignalFile(path, text, CLIENTS_ORIGIN))
    _warn_unprotected(site, reporter)
    if honeypot.enabled(config) and not signals.robots_txt:
        reporter.warning(
            f"[protect] honeypot is on but robots_txt is off: your own robots.txt must say "
            f"'Disallow: {honeypot.robots_disallow(config, urls)}' under 'User-agent: *', "
            "or polite crawlers are trapped"
        )
    if signals.any and not urls.absolute:
        reporter.info(
            "[site] base_url has no host, so robots.txt has no Sitemap or License line and tdm-policy URLs are "
            "relative; "
            'set it to your site\'s address, e.g. "https://example.com/"'
        )
    ageing = crawlers.age_note(dt.date.today()) if signals.ai_agents else None
    if ageing:
        reporter.info(ageing)
    if config.licensing.page and not (config.contact.email or config.contact.url):
        reporter.info("[contact] email and url are both empty, so the licensing page cannot say how to license a photo")
    if config.licensing.licence == "custom" and not config.licensing.custom_text:
        reporter.warning('[licensing] licence is "custom" but custom_text is empty: your terms are shown nowhere')
    return files
