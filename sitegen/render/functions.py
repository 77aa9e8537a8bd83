"""Template functions declare, where they are defined, whether ``sitegen serve`` may keep their answers.

The incremental renderer (:mod:`sitegen.render.deps`) records every call a
page makes to a template global or filter. A *pure* function's answer depends
only on its arguments and the configuration (a configuration change starts
everything afresh), so when called without model objects its answer is kept
instead of asked again on every rebuild: ``srcset()`` alone would otherwise be
~800 calls per save on a 400-photo site. A *volatile* one reads the content
model, files or anything else that changes between rebuilds, and is asked
again each time. Every function installed in the Jinja environment must be
one or the other (``tests/test_render_functions.py`` checks it), so a new one
cannot be added without deciding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
Purity = Literal["pure", "volatile"]
_ATTRIBUTE = "sitegen_template_purity"


def pure(fn: F) -> F:
    """The answer depends only on the arguments and the configuration."""
    setattr(fn, _ATTRIBUTE, "pure")
    return fn


def volatile(fn: F) -> F:
    """The answer may change between rebuilds with the same arguments (it reads the model, files...)."""
    setattr(fn, _ATTRIBUTE, "volatile")
    return fn


def purity(fn: Any) -> Purity | None:
    """What ``fn`` (a function, or a bound method of a declared one) was declared; None if undeclared."""
    declared: Purity | None = getattr(fn, _ATTRIBUTE, None)  # a bound method reads its function's
    return declared


def is_pure(fn: Any) -> bool:
    return purity(fn) == "pure"


__all__ = ["is_pure", "pure", "purity", "volatile"]
