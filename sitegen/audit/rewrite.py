"""Which requests an ``.htaccess`` makes Apache refuse, read from its mod_rewrite lines as Apache applies them.

Written from the mod_rewrite documentation, never from sitegen's generator of the file, so a rule the
generator gets wrong (an agent left out, a pattern that also catches a browser, robots.txt refused) is
judged the way Apache will judge it. What is read: ``RewriteEngine on|off``; ``RewriteCond TestString
[!]Pattern [NC,OR]`` with the request's ``%{HTTP_USER_AGENT}`` (or ``%{HTTP:User-Agent}``) or
``%{REQUEST_URI}``; ``RewriteRule [!]Pattern Substitution [flags]``, where in an ``.htaccess`` the pattern
meets the path without its leading slash, the conditions above a rule belong to it alone, ``F`` answers 403,
``G`` 410, ``R=4xx`` that status, and ``L``/``END`` with ``-`` stops the rules (an exempt path).
``<IfModule mod_rewrite.c>`` is taken as present (the refusal is meant for a server that has it; a server
without it serves everyone). Anything else that could change the answer (other variables, a rule that
rewrites to another path, another section) is named in :attr:`RewriteRules.problems`, never guessed.
Patterns are PCRE in Apache; Python's ``re`` reads the forms refusal rules use (``\\b``, groups, ``(?i)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UA_VARS = {"%{http_user_agent}", "%{http:user-agent}"}
_URI_VAR = "%{request_uri}"


def _args(line: str) -> list[str]:
    """Split as mod_rewrite does: on unescaped white space, quotes grouping; backslashes stay in the word."""
    words: list[str] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            break
        quote = line[i] if line[i] in "\"'" else ""
        i += bool(quote)
        start = i
        while i < n and (line[i] != quote if quote else not line[i].isspace()):
            i += 2 if line[i] == "\\" and i + 1 < n else 1
        words.append(line[start:i])
        i += bool(quote)
    return words


def _flags(word: str | None) -> dict[str, str]:
    if not word or not (word.startswith("[") and word.endswith("]")):
        return {}
    found: dict[str, str] = {}
    for flag in word[1:-1].split(","):
        name, _, value = flag.strip().partition("=")
        found[name.strip().lower()] = value.strip()
    return found


@dataclass
class _Cond:
    variable: str  # "ua" or "uri"
    regex: re.Pattern[str] | None  # None: cannot be evaluated (named in problems), never true
    negate: bool
    or_next: bool

    def holds(self, url_path: str, user_agent: str) -> bool:
        if self.regex is None:
            return False
        found = self.regex.search(user_agent if self.variable == "ua" else url_path) is not None
        return found != self.negate


@dataclass
class _Rule:
    regex: re.Pattern[str] | None
    negate: bool
    conditions: list[_Cond]
    status: int | None  # the refusal it answers with, or None
    stops: bool  # L/END with "-": the rules end here, the file is served
    rewrites: bool  # a substitution this reader does not follow


def _conditions_hold(conditions: list[_Cond], url_path: str, user_agent: str) -> bool:
    """``A [OR] B C`` is (A or B) and C, as mod_rewrite groups them."""
    group = False
    for cond in conditions:
        group = group or cond.holds(url_path, user_agent)
        if not cond.or_next:
            if not group:
                return False
            group = False
    return True if not conditions or not conditions[-1].or_next else group


@dataclass
class RewriteRules:
    """The mod_rewrite lines of one ``.htaccess``; :meth:`status` is Apache's answer to one request."""

    text: str
    problems: list[str] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    engine_on: bool = False

    def __post_init__(self) -> None:
        pending: list[_Cond] = []
        skip_depth = 0
        for number, raw in enumerate(self.text.replace("\\\n", " ").split("\n"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("</"):
                skip_depth = max(0, skip_depth - 1) if skip_depth else 0
                continue
            if line.startswith("<"):
                if skip_depth or self._skips(line):
                    skip_depth += 1
                continue
            if skip_depth:
                continue
            words = _args(line)
            directive = words[0].lower()
            if directive == "rewriteengine" and len(words) > 1:
                self.engine_on = words[1].lower() == "on"
            elif directive == "rewritecond":
                pending.append(self._cond(number, line, words))
            elif directive == "rewriterule":
                self._rule(number, line, words, pending)
                pending = []

    def _note(self, number: int, line: str, why: str) -> None:
        self.problems.append(f".htaccess line {number} {line[:60]!r}: {why}")

    def _skips(self, line: str) -> bool:
        """A section whose rewrite lines Apache would not apply here (``<IfModule !...>``, ``<Files>`` ...)."""
        words = _args(line.strip("<>"))
        if words and words[0].lower() == "ifmodule":
            return len(words) > 1 and words[1].startswith("!")
        return True

    def _compile(self, number: int, line: str, pattern: str, nocase: bool) -> re.Pattern[str] | None:
        try:
            return re.compile(pattern, re.IGNORECASE if nocase else 0)
        except re.error as exc:
            self._note(number, line, f"pattern not readable here ({exc}): not evaluated")
            return None

    def _cond(self, number: int, line: str, words: list[str]) -> _Cond:
        flags = _flags(words[3] if len(words) > 3 else None)
        variable = words[1].lower() if len(words) > 1 else ""
        pattern = words[2] if len(words) > 2 else ""
        negate = pattern.startswith("!")
        pattern = pattern[1:] if negate else pattern
        kind = "ua" if variable in _UA_VARS else "uri" if variable == _URI_VAR else ""
        regex = None
        if not kind or not pattern or pattern.startswith(("-", "=", "<", ">")):
            self._note(number, line, "a condition this audit does not evaluate: taken as not met")
        else:
            regex = self._compile(number, line, pattern, "nc" in flags or "nocase" in flags)
        return _Cond(kind, regex, negate, "or" in flags or "ornext" in flags)

    def _rule(self, number: int, line: str, words: list[str], conditions: list[_Cond]) -> None:
        if len(words) < 3:
            self._note(number, line, "a RewriteRule needs a pattern and a substitution: Apache refuses the file")
            return
        flags = _flags(words[3] if len(words) > 3 else None)
        pattern = words[1]
        negate = pattern.startswith("!")
        regex = self._compile(number, line, pattern[1:] if negate else pattern, "nc" in flags or "nocase" in flags)
        status: int | None = 403 if "f" in flags or "forbidden" in flags else 410 if "g" in flags else None
        redirect = flags.get("r", flags.get("redirect", ""))
        if redirect.isdigit() and 400 <= int(redirect) < 500:
            status = int(redirect)
        keep = words[2] == "-"
        if status is None and not keep:
            self._note(number, line, "rewrites to another path: what it serves there is not evaluated")
        stops = keep and status is None and bool({"l", "last", "end"} & set(flags))
        self.rules.append(_Rule(regex, negate, conditions, status, stops, not keep and status is None))

    @property
    def refuses(self) -> bool:
        """Some rule refuses something (whether it refuses the right agents is :meth:`status`'s answer)."""
        return any(rule.status is not None for rule in self.rules)

    def status(self, url_path: str, user_agent: str) -> int | None:
        """The refusal Apache answers ``url_path`` with for ``user_agent``, or None when it serves the file."""
        if not self.engine_on:
            return None
        local = url_path.lstrip("/")  # an .htaccess pattern meets the path below its own folder
        for rule in self.rules:
            if rule.regex is None:
                continue
            if (rule.regex.search(local) is not None) == rule.negate:
                continue
            if not _conditions_hold(rule.conditions, url_path, user_agent):
                continue
            if rule.status is not None:
                return rule.status
            if rule.stops or rule.rewrites:
                return None
        return None
