"""``sitegen audit``: check that a built folder or a deployed site really sends every protection.

Kept apart from the generators on purpose: the audit reads the result the way
crawlers, dataset tools and hosts do (robots.txt parsers, headers, host files,
file metadata) and never asks the generator what it meant to write. What it
expects is worked out here (:mod:`.expect`) from the shipped data in
``sitegen.rights`` and the site's config; the host files are read by its own
readers (:mod:`.hostrules`). ``tests/test_layers.py`` keeps it so.
"""

from .checks import header_problems, run_audit
from .model import Check, Report, Status
from .source import AuditError, FolderSource, HttpSource, Response

__all__ = [
    "AuditError",
    "Check",
    "FolderSource",
    "HttpSource",
    "Report",
    "Response",
    "Status",
    "header_problems",
    "run_audit",
]
