"""Every compiled kernel the models call, compiled ahead together: the exact search's
(:mod:`mixtape.search.kernels`) and the reasons' (:mod:`mixtape.features.reason_kernels`).

``./run`` calls :func:`warm_up` after installing; a model that calls kernels compiles
the missing ones while it fits or loads (:func:`compile_missing`), and says so
beforehand (its ``fit_note``) when :func:`cache_is_warm` is false.
"""

from __future__ import annotations

from mixtape import jit
from mixtape.features import reason_kernels
from mixtape.search import kernels as search_kernels

#: Every compiled kernel.
KERNELS = (*search_kernels.KERNELS, *reason_kernels.KERNELS)

#: What a model's status line says while the kernels compile.
NOTE = "compiling kernels (first run only)"


def cache_is_warm() -> bool:
    """Whether every kernel has compiled code on disk (a few file look-ups)."""
    return jit.cache_is_warm(KERNELS)


def warm_up() -> None:
    """Compile every kernel into the disk cache (seconds the first time)."""
    jit.warm_up(KERNELS)


def compile_missing() -> None:
    """Compile the kernels now, while fitting (and its status line) runs, rather than
    during the first query; only when the disk cache lacks them."""
    if not cache_is_warm():
        warm_up()
