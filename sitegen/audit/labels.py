"""Labels an earlier draft had: a reader of the current vocabulary ignores them, silently.

AIPREF renamed its labels twice (``tdm``/``genai`` -> ``train-genai``/``bots`` -> ``train-ai``/``ai-use``/
``search``), and a reader skips a label it does not know (AIPREF vocab §6.4): a site still saying
``train-genai=n`` says nothing at all. Which labels are obsolete is data (:mod:`sitegen.rights.labels`,
the table the README prints); this module only finds them where sites write them: the ``Content-Usage``
and ``Content-Signal`` lines of robots.txt and ai.txt, and the ``Content-Usage``, ``Content-Signal`` and
``X-Robots-Tag`` headers of every response the audit read.
"""

from __future__ import annotations

from ..rights.labels import AIPREF, CONTENT_SIGNAL, LABELS, NOAI, VOCABULARIES, obsolete
from .findings import Findings, short
from .model import Check, Status
from .source import Response

CID, TITLE = "obsolete-labels", "No obsolete usage labels"
FIELDS = {"content-usage": AIPREF, "content-signal": CONTENT_SIGNAL, "x-robots-tag": NOAI}
FIX = (
    "Replace each with the current label (README: Usage labels): rebuild with this sitegen, or edit your own "
    "robots.txt, ai.txt or server headers."
)


def labels_in(field: str, value: str) -> list[str]:
    """The labels of one field value: dictionary keys (``a=n, b=y``) or directives (``noai, noimageai``).

    A robots.txt ``Content-Usage`` line may start with a path (AIPREF attach): it is not a label.
    """
    words = value.split(None, 1)
    if field != "x-robots-tag" and words and words[0].startswith("/"):
        value = words[1] if len(words) > 1 else ""
    found = []
    for member in value.split(","):
        key = member.split(";", 1)[0].split("=", 1)[0].strip()
        if field == "x-robots-tag":
            key = key.split(":")[-1].strip()  # "googlebot: noai" is aimed at one crawler; the directive counts
        if key:
            found.append(key.lower())
    return found


def _named(field: str, label: str) -> str:
    """``'train-genai' (vocab-03)``: the draft it was last seen in says how old the file is."""
    vocabulary = FIELDS[field]
    since = next((r.since for r in LABELS if r.vocabulary == vocabulary and r.label.lower() == label), "")
    return f"'{label}' ({since})" if since else f"'{label}'"


def _stale(field: str, value: str) -> list[str]:
    vocabulary = FIELDS[field]
    old = {label.lower() for label in obsolete(vocabulary)}
    return [label for label in labels_in(field, value) if label in old]


def _in_text(name: str, response: Response) -> list[str]:
    if not response.ok:
        return []
    found: dict[str, None] = {}
    for raw in response.body.decode("utf-8", "replace").splitlines():
        line = raw.split("#", 1)[0]
        field, colon, value = line.partition(":")
        field = field.strip().lower()
        if colon and field in FIELDS and field != "x-robots-tag":
            for label in _stale(field, value):
                found[f"{name} {field.title()}: {_named(field, label)}"] = None
    return list(found)


def _in_headers(responses: dict[str, Response]) -> list[str]:
    found: dict[str, list[str]] = {}
    for path, response in responses.items():
        for _, view in response.views():
            for field, value in view.headers:
                if field.lower() in FIELDS:
                    for label in _stale(field.lower(), value):
                        found.setdefault(f"{field} header: {_named(field.lower(), label)}", []).append(path)
    return [f"{what} (on {short(list(dict.fromkeys(paths)), 2)})" for what, paths in found.items()]


def obsolete_labels_check(robots: Response, ai_txt: Response, findings: Findings) -> Check:
    problems = _in_text("robots.txt", robots) + _in_text("ai.txt", ai_txt)
    problems += _in_headers({**findings.pages, **findings.images})
    if problems:
        return Check(CID, TITLE, Status.FAIL, f"obsolete, so ignored by current readers: {short(problems, 4)}", FIX)
    read = [name for name, r in (("robots.txt", robots), ("ai.txt", ai_txt)) if r.ok]
    responses = len(findings.pages) + len(findings.images)
    versions = f"AIPREF {VOCABULARIES[AIPREF].version}, Content-Signal {VOCABULARIES[CONTENT_SIGNAL].version}"
    where = ", ".join([*read, f"the headers of {responses} responses"])
    return Check(CID, TITLE, Status.PASS, f"no label an earlier draft had in {where} ({versions})")
