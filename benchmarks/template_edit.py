"""What a template edit costs ``sitegen serve`` after the open pages are reloaded: the whole-site pass.

``sitegen serve`` renders the open pages first after a template save (issue 14: 386 ms at 5,000
photos), then renders every other page again in its own process, recording what each page reads
for the page memo. This drives a build session the way ``serve`` does (garbage collector frozen
after the first build, as ``commands/serve.py`` does) and prints, per save of the site's
``templates/base.html``: CPU time of the rebuild, the time spent in garbage collections and how
many of each generation. cProfile overstates the small recording functions several times, so
compare changes with this script, in paired runs of two checkouts:

    python benchmarks/largesite.py --photos 5000 /tmp/site-5k && sitegen build -q /tmp/site-5k
    PYTHONPATH=/path/to/old python benchmarks/template_edit.py /tmp/site-5k --edits 3
    PYTHONPATH=. python benchmarks/template_edit.py /tmp/site-5k --edits 3

Run ``python -m compileall -q CHECKOUT/sitegen`` on both first when ``PYTHONDONTWRITEBYTECODE``
is set, or the first figures include compiling sitegen. The site's own ``templates/base.html``
is put back as it was (removed, with the folder it made, if it had none). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from pathlib import Path
from typing import Any

from sitegen.config.themes import BUILTIN_THEMES
from sitegen.errors import Reporter
from sitegen.output.preview import PreviewFolder
from sitegen.pipeline.session import BuildSession


class CollectionClock:
    """Time spent in the garbage collector, from its own start/stop callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.counts = [0, 0, 0]
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.counts[info["generation"]] += 1

    def reset(self) -> None:
        self.seconds, self.counts = 0.0, [0, 0, 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a site from largesite.py, built once (images cached)")
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    site: Path = args.site.resolve()
    base = site / "templates" / "base.html"
    original = base.read_bytes() if base.exists() else None
    made_folder = not base.parent.exists()
    base.parent.mkdir(exist_ok=True)
    if original is None:
        base.write_text((BUILTIN_THEMES / "default" / "templates" / "base.html").read_text("utf-8"), "utf-8")
    import sitegen

    print(f"{site}: {os.cpu_count()} cores, sitegen from {Path(sitegen.__file__).parent}")
    clock = CollectionClock()
    try:
        session = BuildSession(site, PreviewFolder.create(site / ".sitegen-cache"))
        first = session.rebuild(None, Reporter())
        print(f"  first build: {len(first.pages_rendered)} pages, {first.cpu_seconds:.2f} s CPU")
        gc.collect()
        gc.freeze()  # as sitegen serve does once its first build is done
        for n in range(args.edits):
            base.write_text(base.read_text("utf-8") + f"\n<!-- edit {n} -->\n", "utf-8")
            clock.reset()
            cpu = time.process_time()
            result = session.rebuild([base], Reporter())
            print(
                f"  template edit {n + 1}: {len(result.pages_rendered)} pages rendered, "
                f"{time.process_time() - cpu:.2f} s CPU, {result.seconds:.2f} s wall, "
                f"garbage collection {clock.seconds:.2f} s (collections by generation {clock.counts})"
            )
    finally:
        if original is None:
            base.unlink(missing_ok=True)
            if made_folder:
                base.parent.rmdir()
        else:
            base.write_bytes(original)


if __name__ == "__main__":
    main()
