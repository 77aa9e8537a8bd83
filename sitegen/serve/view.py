"""What the preview's HTTP server needs from the running preview, and nothing more.

Separate so that the server, its responses and the preview command share one
small seam: the server knows nothing about builds, only these callables.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from .livereload import LiveReload


@dataclass
class SiteView:
    """What the handler needs from the running preview; the server itself knows nothing about builds."""

    root: Path
    base_path: Callable[[], str]
    headers: Callable[[str], list[tuple[str, str]]]  # protection headers for a site path
    reading: Callable[[str], AbstractContextManager[None]]  # waits while a rebuild runs (but for this URL path)
    live: LiveReload
    placeholder: Callable[[], str | None]  # HTML to show when there is no good build yet
    log: Callable[[str], None] | None = None
    # The 403 text for a request that the site's host files would refuse ((URL path, User-Agent)), else None.
    refused: Callable[[str, str], str | None] | None = None
    # Changes whenever files in ``root`` change (read while ``reading``): what a request path means is
    # then looked up once per version of the folder, not resolved with a dozen lstat calls every time.
    generation: Callable[[], int] | None = None
