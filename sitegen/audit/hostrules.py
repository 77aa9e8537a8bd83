"""The headers a static host sends for a path, read from the host files in a built folder as each host reads them.

Written from the hosts' documented rules (and, where the documentation is silent, their published
parsers), never from sitegen's generator of these files: a file the generator gets wrong is read the
way the host will read it, so the audit sees what a crawler would be sent.

``_headers`` (Netlify; Cloudflare Pages and Workers static assets). Lines are trimmed; empty lines and
``#`` lines are comments. A line starting with ``/`` opens a rule (Cloudflare also takes an absolute
``https://host/path``); any other line with a colon is a ``Name: value`` header of the open rule (name
and value trimmed; neither may be empty; a name must be an HTTP token). Only Cloudflare knows
``! Name``, which detaches a header an earlier matching rule attached; Netlify ignores a line without a
colon. In a pattern, ``*`` matches any run of characters, ``/`` included, and ``:name`` one path
segment. Every matching rule applies; a header named twice is joined with ", " on Cloudflare, while on
Netlify a later matching rule's value replaces the earlier one. Netlify matches paths without regard
to case and with or without a trailing slash; Cloudflare reads at most 100 rules and ignores lines over
2,000 characters. A rule for a named host applies only on that host, which a folder does not tell, so
it is left out here (audit the deployed URL).

``.htaccess`` (Apache with mod_headers, as a host that honours the file has it): ``Header [onsuccess|always]
set|append|merge|add|setifempty|unset Name [value]``; ``<IfModule mod>`` is taken as present (``!mod``
as absent); ``<Files>``/``<FilesMatch>`` sections apply to the file's name and, as Apache merges them,
after the lines outside them. "always" headers go out before "onsuccess" ones, both on a 200 answer.
``<If>``/``<ElseIf>``/``<Else>`` test the request (sitegen's holds only the refusal's ``ErrorDocument``):
a ``Header`` line inside one is named, not counted. Lines this reader cannot evaluate (conditional
``Header`` lines, other sections) are named in :attr:`HostFiles.problems`, never guessed. Directives other
than ``Header`` (``ForceType``, ``AddType``, ``ErrorDocument``, rewrite rules) send no header of the kind
checked here and are not read (the refusal's rewrite rules are read by :mod:`.rewrite`).
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field
from pathlib import PurePosixPath

NETLIFY, CLOUDFLARE, APACHE = "Netlify", "Cloudflare Pages", "Apache"
Headers = list[tuple[str, str]]

# RFC 9110 section 5.6.2: a field name is a token.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
CLOUDFLARE_MAX_RULES = 100
CLOUDFLARE_MAX_LINE = 2000
_HOST_RULE = re.compile(r"[^\s/]+://")


# --- _headers --------------------------------------------------------------------------------------


@dataclass
class _Rule:
    pattern: str
    line: int
    headers: Headers = field(default_factory=list)
    detach: list[str] = field(default_factory=list)  # Cloudflare's "! Name"
    netlify: re.Pattern[str] | None = None
    cloudflare: re.Pattern[str] | None = None


def _netlify_regex(pattern: str) -> re.Pattern[str]:
    """Netlify: per path segment; a lone ``*`` segment may also be absent; an optional trailing slash."""
    parts = []
    for part in (p.rstrip() for p in pattern.split("/")):
        if not part:
            continue
        if part.startswith(":"):
            parts.append("/[^/]+")
        elif part == "*":
            parts.append("/?.*")
        else:
            parts.append("/" + ".*".join(re.escape(piece) for piece in part.split("*")))
    return re.compile("".join(parts) + "/?" if parts else "/", re.IGNORECASE)


def _cloudflare_regex(pattern: str) -> re.Pattern[str]:
    """Cloudflare: ``*`` is any run of characters, ``:name`` one segment; case-sensitive, whole path."""
    out = []
    for n, piece in enumerate(pattern.split("*")):
        if n:
            out.append(".*")
        for m, literal in enumerate(re.split(r":[A-Za-z]\w*", piece)):
            if m:
                out.append("[^/]+")
            out.append(re.escape(literal))
    return re.compile("".join(out))


class HeadersFile:
    """A ``_headers`` file as Netlify and as Cloudflare Pages read it."""

    def __init__(self, text: str) -> None:
        self.netlify_rules: list[_Rule] = []
        self.cloudflare_rules: list[_Rule] = []
        self.problems: list[str] = []
        self._read(text)

    def _note(self, number: int, line: str, why: str) -> None:
        self.problems.append(f"_headers line {number} {line[:60]!r}: {why}")

    def _read(self, text: str) -> None:
        netlify: _Rule | None = None
        cloudflare: _Rule | None = None
        cloudflare_full = False  # Cloudflare stops reading the file at its rule limit
        for number, raw in enumerate(text.split("\n"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            on_cloudflare = not cloudflare_full and len(line) <= CLOUDFLARE_MAX_LINE
            if not cloudflare_full and not on_cloudflare:
                self._note(number, line, f"longer than Cloudflare's {CLOUDFLARE_MAX_LINE} characters: ignored there")
            if line.startswith("/") or _HOST_RULE.match(line):
                if line.startswith("/"):
                    netlify = _Rule(line, number, netlify=_netlify_regex(line))
                    self.netlify_rules.append(netlify)
                else:
                    self._note(number, line, "a rule for one named host: left out here, and not a path on Netlify")
                if on_cloudflare and len(self.cloudflare_rules) >= CLOUDFLARE_MAX_RULES:
                    self._note(
                        number, line, f"Cloudflare reads {CLOUDFLARE_MAX_RULES} rules: the rest are ignored there"
                    )
                    cloudflare, cloudflare_full = None, True
                elif on_cloudflare:
                    regex = _cloudflare_regex(line) if line.startswith("/") else None
                    cloudflare = _Rule(line, number, cloudflare=regex)
                    self.cloudflare_rules.append(cloudflare)
                continue
            if ":" not in line:
                if line.startswith("!"):
                    if on_cloudflare and cloudflare is not None:
                        cloudflare.detach.append(line[1:].strip().lower())
                    self._note(number, line, f"Cloudflare Pages detaches {line[1:].strip()} here; Netlify ignores it")
                else:
                    self._note(number, line, "neither a path (starting with /) nor a 'Name: value' header")
                continue
            name, _, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not _TOKEN.fullmatch(name) or not value:
                self._note(number, line, "not a header: a name without spaces, a colon and a value are needed")
                continue
            if netlify is None and (cloudflare is None or not on_cloudflare):
                self._note(number, line, "a header before any path: no host applies it")
            if netlify is not None:
                netlify.headers.append((name, value))
            if cloudflare is not None and on_cloudflare:
                cloudflare.headers.append((name, value))

    def netlify(self, url_path: str) -> Headers:
        merged: dict[str, tuple[str, str]] = {}
        for rule in self.netlify_rules:
            if rule.netlify is not None and rule.netlify.fullmatch(url_path):
                own: dict[str, tuple[str, str]] = {}
                for name, value in rule.headers:  # repeated in one rule: joined
                    key = name.lower()
                    own[key] = (own[key][0], own[key][1] + ", " + value) if key in own else (name, value)
                merged.update(own)  # a later rule replaces
        return list(merged.values())

    def cloudflare(self, url_path: str) -> Headers:
        merged: dict[str, tuple[str, str]] = {}
        for rule in self.cloudflare_rules:
            if rule.cloudflare is None or not rule.cloudflare.fullmatch(url_path):
                continue
            for key in rule.detach:
                merged.pop(key, None)
            for name, value in rule.headers:
                key = name.lower()
                merged[key] = (merged[key][0], merged[key][1] + ", " + value) if key in merged else (name, value)
        return list(merged.values())


# --- .htaccess -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Action:
    always: bool
    verb: str
    name: str
    value: str
    files: tuple[tuple[str, str], ...]  # enclosing (kind, pattern): "match" regex or "glob"


_VERBS = {"set", "append", "merge", "add", "setifempty", "unset"}


class Htaccess:
    """The ``Header`` lines of an ``.htaccess`` file, as Apache with mod_headers applies them to a file."""

    def __init__(self, text: str) -> None:
        self.actions: list[_Action] = []
        self.problems: list[str] = []
        self._read(text)
        # Apache merges <Files> sections after the directives outside them.
        self.actions.sort(key=lambda a: bool(a.files))

    def _note(self, number: int, line: str, why: str) -> None:
        self.problems.append(f".htaccess line {number} {line[:60]!r}: {why}")

    def _read(self, text: str) -> None:
        stack: list[tuple[str, str | None]] = []  # (section, files pattern or None); "skip" sections apply nowhere
        lines = text.replace("\\\n", " ").split("\n")
        for number, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("</"):
                if stack:
                    stack.pop()
                continue
            if line.startswith("<"):
                stack.append(self._section(number, line))
                continue
            if any(kind == "skip" for kind, _ in stack):
                continue
            try:
                words = shlex.split(line, comments=False)
            except ValueError:
                self._note(number, line, "unbalanced quotes: Apache refuses the file")
                continue
            if not words or words[0].lower() != "header":
                continue
            if any(kind == "if" for kind, _ in stack):
                if "content-type" in (w.lower() for w in words[1:4]):
                    continue  # the type of the refusal's sentence (sitegen's <If>): not a signal audited here
                why = "inside <If>/<ElseIf>/<Else>: it depends on the request, which a folder does not have"
                self._note(number, line, f"{why}; not counted")
                continue
            files = tuple((kind, pattern) for kind, pattern in stack if pattern is not None)
            self._header(number, line, words[1:], files)

    def _section(self, number: int, line: str) -> tuple[str, str | None]:
        words = shlex.split(line.strip("<>"), comments=False) if line.endswith(">") else []
        kind = words[0].lower() if words else ""
        if kind == "ifmodule" and len(words) == 2:
            return ("skip", None) if words[1].startswith("!") else ("ifmodule", None)
        if kind == "filesmatch" and len(words) == 2:
            return "match", words[1]
        if kind == "files" and len(words) == 3 and words[1] == "~":
            return "match", words[2]
        if kind == "files" and len(words) == 2:
            return "glob", words[1]
        if kind in ("if", "elseif", "else"):
            # Only its Header lines matter here (each is named, see _read); sitegen's own <If> holds the
            # refusal's ErrorDocument and the Content-Type of that sentence, which is no signal.
            return "if", None
        self._note(number, line, "a section this audit does not evaluate: its headers are not counted")
        return "skip", None

    def _header(self, number: int, line: str, words: list[str], files: tuple[tuple[str, str], ...]) -> None:
        always = False
        if words and words[0].lower() in ("always", "onsuccess"):
            always = words.pop(0).lower() == "always"
        verb = words[0].lower() if words else ""
        if verb not in _VERBS:
            if verb not in ("echo", "note"):
                self._note(number, line, f"'Header {verb}' is not evaluated by this audit")
            return
        needed = 2 if verb == "unset" else 3
        extra = words[needed:]
        if len(words) < needed or (extra and extra != ["early"]):
            self._note(number, line, "a conditional or malformed Header line: not evaluated")
            return
        value = words[2] if verb != "unset" else ""
        self.actions.append(_Action(always, verb, words[1], value, files))

    def apache(self, url_path: str) -> Headers:
        """Headers of a 200 answer for ``url_path``: the "always" table, then the "onsuccess" one."""
        name = "index.html" if url_path.endswith("/") else PurePosixPath(url_path).name
        tables: dict[bool, list[tuple[str, str]]] = {True: [], False: []}
        for action in self.actions:
            if not all(_files_match(kind, pattern, name) for kind, pattern in action.files):
                continue
            _apply(tables[action.always], action)
        return tables[True] + tables[False]


def _files_match(kind: str, pattern: str, name: str) -> bool:
    if kind == "match":
        try:
            return re.search(pattern, name) is not None
        except re.error:
            return False
    return fnmatch.fnmatchcase(name, pattern)


def _apply(table: list[tuple[str, str]], action: _Action) -> None:
    key = action.name.lower()
    present = [v for n, v in table if n.lower() == key]
    if action.verb == "unset":
        table[:] = [(n, v) for n, v in table if n.lower() != key]
    elif action.verb == "add":
        table.append((action.name, action.value))
    elif action.verb == "setifempty":
        if not present:
            table.append((action.name, action.value))
    elif action.verb in ("append", "merge") and present:
        if action.verb == "merge" and action.value in [p.strip() for p in ", ".join(present).split(",")]:
            return
        joined = ", ".join([*present, action.value])
        table[:] = [(n, v) for n, v in table if n.lower() != key] + [(action.name, joined)]
    else:  # set, or append/merge to nothing
        table[:] = [(n, v) for n, v in table if n.lower() != key] + [(action.name, action.value)]


# --- both ------------------------------------------------------------------------------------------


class HostFiles:
    """The host files of a folder; :meth:`views` gives what each host that reads one sends for a path."""

    def __init__(self, headers_text: str | None, htaccess_text: str | None) -> None:
        self.headers_file = HeadersFile(headers_text) if headers_text is not None else None
        self.htaccess = Htaccess(htaccess_text) if htaccess_text is not None else None
        self.problems = [
            *(self.headers_file.problems if self.headers_file else []),
            *(self.htaccess.problems if self.htaccess else []),
        ]

    @property
    def hosts(self) -> list[str]:
        return [NETLIFY, CLOUDFLARE] * bool(self.headers_file) + [APACHE] * bool(self.htaccess)

    def views(self, url_path: str) -> dict[str, Headers]:
        found: dict[str, Headers] = {}
        if self.headers_file is not None:
            found[NETLIFY] = self.headers_file.netlify(url_path)
            found[CLOUDFLARE] = self.headers_file.cloudflare(url_path)
        if self.htaccess is not None:
            found[APACHE] = self.htaccess.apache(url_path)
        return found
