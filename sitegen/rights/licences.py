"""Licences a photographer can publish under, by identifier.

A licence string comes from three places (``[licensing] licence`` in
sitegen.toml, a gallery's ``index.md``, a photo's sidecar) and ends up in five
(the photo page, the licensing page, JSON-LD ``license``, the image files'
rights fields, the audit). Resolving it once, here, to a :class:`Licence` with
its official name and URL means a typo is caught with one clear line instead
of publishing a licence nobody can look up.

Identifiers follow SPDX where SPDX has one (``CC-BY-4.0``, ``CC0-1.0``) so
they match what photographers see on Wikimedia Commons and in Lightroom
presets; matching ignores case and accepts spaces for dashes ("CC BY 4.0").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..configschema import closest

ALL_RIGHTS_RESERVED = "all-rights-reserved"
CUSTOM = "custom"


@dataclass(frozen=True)
class Licence:
    id: str  # canonical identifier, e.g. "CC-BY-NC-4.0"
    name: str  # official name
    short: str  # how it is usually written, e.g. "CC BY-NC 4.0"
    url: str | None  # the official legal text / deed; None for all rights reserved and custom
    summary: str  # the terms in plain words, one or two sentences, true of one photo or of all of them
    reserved: bool  # True when reuse needs the photographer's permission (no public licence grant)
    public_domain: bool = False  # no copyright claimed at all (CC0, Public Domain Mark)

    @property
    def is_creative_commons(self) -> bool:
        return self.id.startswith("CC-")


def _cc(code: str, name: str, summary: str) -> Licence:
    return Licence(
        id=f"CC-{code.upper()}-4.0",
        name=f"Creative Commons {name} 4.0 International",
        short=f"CC {code.upper()} 4.0",
        url=f"https://creativecommons.org/licenses/{code}/4.0/",
        summary=summary,
        reserved=False,
    )


_ATTRIBUTION = "credit the author, link to the licence and say if you changed the work"

LICENCES: dict[str, Licence] = {
    licence.id: licence
    for licence in (
        Licence(
            id=ALL_RIGHTS_RESERVED,
            name="All rights reserved",
            short="All rights reserved",
            url=None,
            summary="Viewing on this site only. Any other use (copying, printing, publishing, "
            "or using it to train or feed an AI system) needs a licence from the author.",
            reserved=True,
        ),
        _cc("by", "Attribution", f"You may share and adapt the work for any purpose if you {_ATTRIBUTION}."),
        _cc(
            "by-sa",
            "Attribution-ShareAlike",
            f"You may share and adapt the work for any purpose if you {_ATTRIBUTION}, "
            "and share your adaptations under the same licence.",
        ),
        _cc(
            "by-nc",
            "Attribution-NonCommercial",
            f"You may share and adapt the work for non-commercial purposes if you {_ATTRIBUTION}.",
        ),
        _cc(
            "by-nc-sa",
            "Attribution-NonCommercial-ShareAlike",
            f"You may share and adapt the work for non-commercial purposes if you {_ATTRIBUTION}, "
            "and share your adaptations under the same licence.",
        ),
        _cc(
            "by-nd",
            "Attribution-NoDerivatives",
            "You may share the work unchanged for any purpose if you credit the author and link to the "
            "licence; adapted versions may not be shared.",
        ),
        _cc(
            "by-nc-nd",
            "Attribution-NonCommercial-NoDerivatives",
            "You may share the work unchanged for non-commercial purposes if you credit the author and link "
            "to the licence; adapted versions may not be shared.",
        ),
        Licence(
            id="CC0-1.0",
            name="CC0 1.0 Universal",
            short="CC0 1.0",
            url="https://creativecommons.org/publicdomain/zero/1.0/",
            summary="The author has waived all copyright: anyone may use the work for any purpose without asking.",
            reserved=False,
            public_domain=True,
        ),
        Licence(
            id="PDM-1.0",
            name="Public Domain Mark 1.0",
            short="Public domain",
            url="https://creativecommons.org/publicdomain/mark/1.0/",
            summary="Free of known copyright restrictions: anyone may use the work for any purpose without asking.",
            reserved=False,
            public_domain=True,
        ),
        Licence(
            id=CUSTOM,
            name="Custom licence",
            short="Custom licence",
            url=None,
            summary="",
            reserved=True,
        ),
    )
}

# Other spellings seen in the wild, normalised like identifiers (upper case, dashes).
_ALIASES = {
    "ARR": ALL_RIGHTS_RESERVED,
    "COPYRIGHT": ALL_RIGHTS_RESERVED,
    "CC0": "CC0-1.0",
    "CC-ZERO": "CC0-1.0",
    "PUBLIC-DOMAIN": "PDM-1.0",
    "PUBLICDOMAIN": "PDM-1.0",
    "PD": "PDM-1.0",
    "PDM": "PDM-1.0",
    "PUBLIC-DOMAIN-MARK": "PDM-1.0",
}


def _normalise(text: str) -> str:
    key = re.sub(r"[\s_]+", "-", text.strip()).upper().replace("-V4", "-4")
    return re.sub(r"-(\d)$", r"-\1.0", key)  # "CC-BY-4" is CC-BY-4.0


_BY_KEY: dict[str, str] = {_normalise(k): k for k in LICENCES} | {
    _normalise(alias): target for alias, target in _ALIASES.items()
}


def known_ids() -> list[str]:
    """The identifiers to suggest in messages, in a sensible order."""
    return [i for i in LICENCES if i != CUSTOM] + ["public-domain", CUSTOM]


def _problem(text: str) -> str | None:
    """None when ``text`` names a known licence, else what is wrong and what to write instead."""
    key = _normalise(text)
    if key in _BY_KEY:
        return None
    cc = re.fullmatch(r"CC-BY((?:-(?:NC|SA|ND))*)(-\d(?:\.\d)?)?", key)
    if cc:
        modifiers = cc.group(1).split("-")
        wanted = "-".join(["CC-BY", *(m for m in ("NC", "SA", "ND") if m in modifiers), "4.0"])
        if wanted in _BY_KEY:
            if not cc.group(2):
                return f'a Creative Commons licence needs its version: write "{wanted}"'
            if cc.group(2) != "-4.0":
                return f'only the 4.0 versions of the Creative Commons licences are supported: write "{wanted}"'
            return f'the parts of a Creative Commons licence go in the order BY, NC, SA/ND: write "{wanted}"'
    hint = closest(text.strip(), known_ids()) or closest(key, list(_BY_KEY))
    hint = _BY_KEY.get(_normalise(hint), hint) if hint else None
    extra = f' (did you mean "{hint}"?)' if hint else ""
    return f"not a known licence{extra}; use one of {', '.join(known_ids())}"


def licence_id(value: object) -> str:
    """The canonical identifier for a licence name; raises ValueError saying what to write instead.

    Also the front matter converter for ``licence:`` (numbers and other YAML types are refused).
    """
    if not isinstance(value, str):
        raise ValueError("expected a licence identifier such as CC-BY-4.0")
    problem = _problem(value)
    if problem is not None:
        raise ValueError(problem)
    return _BY_KEY[_normalise(value)]


def check_licence(value: str) -> str | None:
    """Config check: None when ``value`` names a known licence."""
    problem = _problem(value)
    if problem is None:
        return None
    return f"is {problem}" if problem.startswith("not") else problem


@functools.lru_cache(maxsize=256)
def get(identifier: str) -> Licence:
    """The licence for an identifier (any accepted spelling); cached, since every photo page asks."""
    return LICENCES[licence_id(identifier)]
