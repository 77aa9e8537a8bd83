"""``sitegen audit``: check that a built folder or a deployed site really sends every protection.

Kept apart from the generators on purpose: the audit reads the result the way
crawlers and dataset tools do (parsers, headers, file metadata) and never
asks the generator what it meant to write.
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
