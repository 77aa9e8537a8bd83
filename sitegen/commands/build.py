"""``sitegen build``: the command's entry point, over the pipeline's one :func:`~sitegen.pipeline.build.build`.

Light on purpose: a build that finds nothing changed imports only what that decision needs
(see :mod:`sitegen.pipeline.build`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..output.folder import remove_retired
from ..pipeline.build import BuildFailed, BuildReport, build

__all__ = ["BuildFailed", "BuildReport", "build", "remove_in_background"]

_REMOVE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from sitegen.output.folder import remove_retired\n"
    "remove_retired(Path(sys.argv[1]))\n"
)


def remove_in_background(folder: Path | None) -> None:
    """Delete the previous output in a process of its own, once the command has reported.

    Deleting tens of thousands of files takes seconds that the photographer, the next command of
    a script, or a deploy waiting on ``sitegen build`` should not wait for. The folder is a marked
    temporary folder already (:meth:`~sitegen.output.folder.Output.commit`): if the process is
    killed, the next build deletes what is left, and a build starting meanwhile leaves it to it.
    When no process can be started, it is deleted here.
    """
    if folder is None:
        return
    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    path = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)
    try:
        subprocess.Popen(
            [sys.executable, "-c", _REMOVE, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the Ctrl-C that a terminal sends to the command
            cwd="/",
            env=os.environ | {"PYTHONPATH": path},
        )
    except OSError:
        remove_retired(folder)
