"""``sitegen build``: the command's entry point, over the pipeline's one :func:`~sitegen.pipeline.build.build`."""

from __future__ import annotations

from ..pipeline.build import BuildFailed, BuildReport, build

__all__ = ["BuildFailed", "BuildReport", "build"]
