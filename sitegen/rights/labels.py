"""Every label of every usage vocabulary sitegen emits or knows, with the draft or version it comes from.

Why one table: the vocabularies are drafts that rename their labels (AIPREF went ``tdm``/``genai`` ->
``train-genai``/``bots`` -> ``train-ai``/``search`` -> ``train-ai``/``ai-use``/``search`` in two years), and
a reader ignores an unknown label silently (AIPREF vocab §6.4): a stale label protects nothing and nothing
says so. The generator spells its values from :func:`label` (which refuses an obsolete one), the audit flags
the ``obsolete`` rows it finds on a live site, and the README's labels table is checked against this one.
The next draft is a one-line change here.

Sources: ``../shared/reference/ai-optout.md`` §2, §5, §7, §8, §12.1, §12.2, §12.5.
"""

from __future__ import annotations

from dataclasses import dataclass

CURRENT = "current"
OBSOLETE = "obsolete"  # was a label of an earlier draft; readers of the current one ignore it


@dataclass(frozen=True)
class Vocabulary:
    name: str  # where the labels are written ("Content-Usage", "Content-Signal", ...)
    source: str  # the document that defines them
    version: str  # the draft / version the CURRENT labels come from


@dataclass(frozen=True)
class Label:
    vocabulary: str  # a key of VOCABULARIES
    label: str  # exactly as written (case-sensitive where the vocabulary is)
    meaning: str
    status: str  # CURRENT or OBSOLETE
    since: str  # the draft / version it appeared in (or was last seen in, for OBSOLETE)
    emitted: bool  # sitegen writes it under some preset


AIPREF = "aipref"
CONTENT_SIGNAL = "content-signal"
TDMREP = "tdmrep"
PLUS = "plus"
C2PA = "c2pa"
NOAI = "noai"
RSL = "rsl"

VOCABULARIES: dict[str, Vocabulary] = {
    AIPREF: Vocabulary(
        "Content-Usage (header, robots.txt)",
        "IETF AIPREF draft-ietf-aipref-vocab + draft-ietf-aipref-attach",
        "vocab-08 (2026-09-13)",
    ),
    CONTENT_SIGNAL: Vocabulary(
        "Content-Signal (robots.txt)",
        "Cloudflare Content Signals Policy; draft-romm-aipref-contentsignals-00; Cloudflare changelog 2026-08-31",
        "2026-08-31",
    ),
    TDMREP: Vocabulary("tdm-reservation (header, meta, tdmrep.json)", "W3C TDM Reservation Protocol", "CG Final 2024"),
    PLUS: Vocabulary("plus:DataMining (XMP)", "PLUS License Data Format (IPTC Photo Metadata 2023.1)", "PLUS 2.0.x"),
    C2PA: Vocabulary(
        "cawg.training-mining entries (C2PA manifest; not written by sitegen)",
        "CAWG training-and-data-mining assertion (replaces C2PA 1.x c2pa.training-mining)",
        "CAWG 1.x",
    ),
    NOAI: Vocabulary("robots meta, X-Robots-Tag", "DeviantArt noai / noimageai directives", "2022"),
    RSL: Vocabulary("license.xml usage tokens", "RSL 1.0 (RSL-SPEC-1.0, rslstandard.org/rsl)", "1.0 (2025-11-06)"),
}

LABELS: tuple[Label, ...] = (
    # IETF AIPREF: RFC 9651 dictionary, values y / n.
    Label(AIPREF, "train-ai", "AI model training", CURRENT, "vocab-02", True),
    Label(AIPREF, "ai-use", "using the asset as input to an AI system at run time", CURRENT, "vocab-08", True),
    Label(AIPREF, "search", "search applications that link to the asset", CURRENT, "vocab-01", True),
    Label(AIPREF, "tdm", "text and data mining", OBSOLETE, "vocab-01", False),
    Label(AIPREF, "ai", "AI (any)", OBSOLETE, "vocab-01", False),
    Label(AIPREF, "genai", "generative AI", OBSOLETE, "vocab-01", False),
    Label(AIPREF, "inference", "AI inference", OBSOLETE, "vocab-01", False),
    Label(AIPREF, "train-genai", "generative AI training", OBSOLETE, "vocab-03", False),
    Label(AIPREF, "bots", "automated processing", OBSOLETE, "vocab-05", False),
    # Cloudflare Content Signals: values yes / no (use: immediate | reference | full).
    Label(CONTENT_SIGNAL, "search", "search index, links and short excerpts", CURRENT, "2025-09", True),
    Label(CONTENT_SIGNAL, "ai-input", "RAG, grounding, real-time AI answers", CURRENT, "2025-09", True),
    Label(CONTENT_SIGNAL, "ai-train", "training or fine-tuning AI models", CURRENT, "2025-09", True),
    Label(
        CONTENT_SIGNAL,
        "use",
        "how much may be stored (Cloudflare crawl only)",
        CURRENT,
        "2026-08",
        False,
    ),
    # W3C TDMRep: 1 = rights reserved.
    Label(TDMREP, "tdm-reservation", "text-and-data-mining rights reserved (1) or not (0)", CURRENT, "2024", True),
    Label(TDMREP, "tdm-policy", "where the licence offer (ODRL) is", CURRENT, "2024", True),
    # PLUS Data Mining ([metadata] data_mining picks one; written as a URI under ns.useplus.org/ldf/vocab/).
    Label(PLUS, "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "prohibited except search indexing", CURRENT, "2.0", True),
    Label(PLUS, "DMI-PROHIBITED-AIMLTRAINING", "prohibited for AI/ML training", CURRENT, "2.0", True),
    Label(PLUS, "DMI-PROHIBITED-GENAIMLTRAINING", "prohibited for generative AI/ML training", CURRENT, "2.0", True),
    Label(PLUS, "DMI-PROHIBITED", "all data mining prohibited", CURRENT, "2.0", True),
    Label(PLUS, "DMI-PROHIBITED-SEECONSTRAINT", "prohibited, see plus:OtherConstraints", CURRENT, "2.0", True),
    Label(PLUS, "DMI-ALLOWED", "data mining allowed", CURRENT, "2.0", True),
    Label(PLUS, "DMI-UNSPECIFIED", "no statement", CURRENT, "2.0", True),
    # C2PA / CAWG training-and-data-mining assertion entries (value allowed | notAllowed | constrained).
    Label(C2PA, "c2pa.ai_training", "AI training", OBSOLETE, "C2PA 1.x", False),
    Label(C2PA, "c2pa.ai_generative_training", "generative AI training", OBSOLETE, "C2PA 1.x", False),
    Label(C2PA, "c2pa.ai_inference", "AI inference", OBSOLETE, "C2PA 1.x", False),
    Label(C2PA, "c2pa.data_mining", "data mining", OBSOLETE, "C2PA 1.x", False),
    Label(C2PA, "cawg.ai_training", "AI training", CURRENT, "CAWG 1.x", False),
    Label(C2PA, "cawg.ai_generative_training", "generative AI training", CURRENT, "CAWG 1.x", False),
    Label(C2PA, "cawg.ai_inference", "AI inference", CURRENT, "CAWG 1.x", False),
    Label(C2PA, "cawg.data_mining", "data mining", CURRENT, "CAWG 1.x", False),
    # noai / noimageai (robots meta and X-Robots-Tag): lower case, "noai" first.
    Label(NOAI, "noai", "no AI use of the page's content", CURRENT, "2022", True),
    Label(NOAI, "noimageai", "no AI use of the page's images", CURRENT, "2022", True),
    # RSL 1.0 usage tokens (space-separated in <permits>/<prohibits type="usage">).
    Label(RSL, "all", "every use", CURRENT, "1.0", False),
    Label(RSL, "ai-all", "every AI use", CURRENT, "1.0", False),
    Label(RSL, "ai-train", "training AI models", CURRENT, "1.0", True),
    Label(RSL, "ai-input", "input to AI at run time (RAG, grounding, answers)", CURRENT, "1.0", True),
    Label(RSL, "ai-index", "building an AI search index", CURRENT, "1.0", True),
    Label(RSL, "search", "search engine indexing", CURRENT, "1.0", True),
)


def label(vocabulary: str, name: str) -> str:
    """A label sitegen may write; raises KeyError for an unknown or obsolete one (a wrong label protects nothing)."""
    for row in LABELS:
        if row.vocabulary == vocabulary and row.label == name and row.status == CURRENT:
            return row.label
    raise KeyError(f"{name!r} is not a current {vocabulary} label")


def obsolete(vocabulary: str) -> list[str]:
    """The labels of ``vocabulary`` that earlier drafts had and current readers ignore (for the audit)."""
    return [row.label for row in LABELS if row.vocabulary == vocabulary and row.status == OBSOLETE]


def markdown_table() -> str:
    """The README's labels table (tests/test_labels.py checks the README holds exactly this)."""
    lines = [
        "| Vocabulary | Label | Meaning | Status | Since | sitegen writes it |",
        "|---|---|---|---|---|---|",
    ]
    for row in LABELS:
        vocabulary = VOCABULARIES[row.vocabulary].name
        writes = "yes" if row.emitted else "no"
        lines.append(f"| {vocabulary} | `{row.label}` | {row.meaning} | {row.status} | {row.since} | {writes} |")
    sources = [f"- {v.name}: {v.source}, {v.version}" for v in VOCABULARIES.values()]
    return "\n".join([*lines, "", "Sources:", "", *sources])
