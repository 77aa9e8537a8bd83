"""Refusing AI agents at the server: which agents, the one matching rule, and what stays readable.

Every other signal is a request; a 403 is the one thing a server can do
beyond asking. Every host file sitegen writes (``.htaccess``, nginx, Caddy)
and ``sitegen serve`` render the :class:`Refusal` this module returns, so the
agents refused, the way a User-Agent is matched and the paths left open are
decided once.

The matching rule is the one the ai.robots.txt project arrived at after
substring matching refused real browsers (its issue #208: ``LCC`` inside
Internet Explorer's ``SLCC1``; #242: ``Code`` inside Codeberg agents): each
token as a whole word, ASCII case-insensitive, regex metacharacters escaped.
Only ``\\b``, alternation and escapes are used, because Caddy's Go regexp
(RE2) has no look-around; the same text then means the same in PCRE (Apache,
nginx), RE2, JavaScript and Python.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass

from ..config import Config
from ..rights import crawlers
from ..rights.addresses import LICENSE_XML_PATH, LICENSING_PATH, TDM_POLICY_PATH, licensing_url
from ..rights.presets import PRESETS
from ..strings import Strings
from ..urls import Urls

# Readable by every agent, refused ones included, so a refused crawler can still learn why and how to license.
OPEN_FILES = ("robots.txt", "ai.txt", ".well-known/tdmrep.json", TDM_POLICY_PATH, LICENSE_XML_PATH)
OPEN_FOLDERS = (LICENSING_PATH,)

# Where a token ends: not followed by a word character, nor by "." and a letter (a domain name).
WORD_END = r"(?:[^\w.]|\.[^A-Za-z]|\.?$)"

_METACHARACTERS = set("\\.^$|?*+()[]{}/#\"'")


def escape(token: str) -> str:
    """``token`` as a literal in every regex dialect the host files use.

    Not :func:`re.escape`: it also escapes ``-`` and spaces, which JavaScript's
    ``u`` mode and some config parsers reject. A space becomes ``\\s`` so
    Apache's unquoted RewriteCond argument stays one word.
    """
    out = []
    for char in token:
        if char == " ":
            out.append(r"\s")
        elif char in _METACHARACTERS:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _word(token: str) -> str:
    """Whole-word matching needs word characters at both ends: punctuation there is ignored."""
    return re.sub(r"^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$", "", token)


# What a pattern of escape() matches case-insensitively in ASCII mode, as one character: ASCII
# letters in either case, and the whitespace "\\s" stands for.
_FOLD = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, **dict.fromkeys("\t\n\r\f\v", " ")}
)


def _covered(token: str, others: list[str]) -> bool:
    """Whether another token already matches every User-Agent this one matches ("Brightbot 1.0")."""
    folded = token.translate(_FOLD)
    for other in others:
        # A whole-word match is a substring (folded alike) first: that test spares the regex for
        # almost every pair of the quadratic check.
        if (
            other.lower() != token.lower()
            and other.translate(_FOLD) in folded
            and re.search(rf"\b{escape(other)}{WORD_END}", token, re.I | re.A)
        ):
            return True
    return False


def refused_tokens(classes: tuple[str, ...], block: list[str], allow: list[str]) -> list[str]:
    """The tokens to refuse: the classes' agents of the shipped list, plus ``block``, minus ``allow``.

    The same set as robots.txt's AI group (:func:`sitegen.rights.crawlers.ai_group`),
    without the tokens another one already covers as a whole word.
    """
    return list(_refused_tokens(classes, tuple(block), tuple(allow)))


@functools.lru_cache(maxsize=16)
def _refused_tokens(classes: tuple[str, ...], block: tuple[str, ...], allow: tuple[str, ...]) -> tuple[str, ...]:
    """Remembered: ``sitegen serve`` asks on every request, and the covered-token check is quadratic."""
    tokens = [w for w in (_word(t) for t in crawlers.ai_group(classes, list(block), list(allow))) if w]
    unique = list(dict.fromkeys(tokens))
    return tuple(t for t in unique if not _covered(t, unique))


@dataclass(frozen=True)
class Refusal:
    """What the host files and the preview refuse; ``tokens`` empty means nothing is refused."""

    tokens: tuple[str, ...]
    open_files: tuple[str, ...]  # URL paths ("/robots.txt"), base path included
    open_folders: tuple[str, ...]  # URL path prefixes ending in "/" ("/licensing/")
    message: str  # the 403 body: one sentence and a newline

    @property
    def active(self) -> bool:
        return bool(self.tokens)

    @property
    def pattern(self) -> str:
        """The one rule: any token as a whole word that is not the start of a domain name.

        A name followed by "." and a letter is a host name in the agent's contact URL
        ("+https://openai.com/bot" in ChatGPT-User's string), not the agent's own token:
        the upstream token ``OpenAI`` would otherwise refuse every OpenAI agent, admitted
        ones too. Case-insensitivity is each dialect's flag.
        """
        return r"\b(" + "|".join(escape(t) for t in self.tokens) + r")" + WORD_END

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE | re.ASCII)

    def refuses_agent(self, user_agent: str) -> bool:
        return self.active and self.compiled().search(user_agent) is not None

    def is_open(self, url_path: str) -> bool:
        """Whether a (decoded) URL path stays readable for refused agents; a folder also without its "/".

        Dot segments are resolved first, as servers do before choosing a file: "/licensing/../x/" is "/x/".
        """
        url_path = _normalised(url_path)
        if url_path in self.open_files:
            return True
        return any(url_path.startswith(f) or url_path == f.rstrip("/") for f in self.open_folders)

    def refuses(self, user_agent: str, url_path: str) -> bool:
        return not self.is_open(url_path) and self.refuses_agent(user_agent)


def forget() -> None:
    """Drop the remembered token sets: only a test that patches the crawler list needs it."""
    _refused_tokens.cache_clear()


def _normalised(url_path: str) -> str:
    clean = posixpath.normpath("/" + url_path.lstrip("/"))
    clean = "/" + clean.lstrip("/")  # normpath keeps a leading "//"
    return clean + "/" if url_path.endswith("/") and clean != "/" else clean


def message(urls: Urls, strings: Strings | None = None) -> str:
    """The 403's plain-text sentence in the site's language (refusal.message), with the licensing page's URL.

    Every host sends it as UTF-8 text (hostfiles.py says so to each server), so it may hold any letter.
    """
    strings = strings or Strings.for_site("en")
    return strings.get("refusal.message", url=licensing_url(urls)) + "\n"


def refusal_for(config: Config, urls: Urls) -> Refusal:
    """The refusal ``[protect]`` asks for: the preset's AI classes when ``refuse_agents`` is on."""
    p = config.protect
    classes = PRESETS[p.policy].blocked_classes if p.refuse_agents else ()
    tokens = refused_tokens(classes, p.block_agents, p.allow_agents) if classes else []
    return Refusal(
        tokens=tuple(tokens),
        open_files=tuple(urls.url(f) for f in OPEN_FILES),
        open_folders=tuple(urls.url(f) for f in OPEN_FOLDERS),
        message=message(urls, Strings.for_site(config.site.language, config.site.strings)),
    )
