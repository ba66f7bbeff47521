"""Compiled kernels (numba): kept on disk, compiled ahead, for every package that has some.

A kernel is a loop that numpy would run as a dozen calls of a few microseconds
each (:mod:`mixtape.search.kernels`: the exact search's branch and bound;
:mod:`mixtape.features.reason_kernels`: the traits a reason names).  Compiling
takes seconds, so compiled code is kept on disk, in the user's cache directory
(``platformdirs.user_cache_dir("mixtape")/numba``, or ``NUMBA_CACHE_DIR`` when
set), never next to the source.  A kernel's cache is switched on just before its
first call (:class:`Kernel`), not at import.  :func:`warm_up` compiles kernels
ahead, for the argument types their callers pass (``./run`` compiles every one
after installing: ``mixtape.models.kernels.warm_up``); :func:`cache_is_warm`
tells cheaply whether a process will have to compile.

This module imports nothing of mixtape: any package may define kernels with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any


def _numba_config() -> Any:
    """numba's settings module (its attributes are set at run time: typed as Any)."""
    from numba.core import config

    return config


def cache_dir() -> Path:
    """Where compiled kernels are kept: ``NUMBA_CACHE_DIR`` when set, else
    ``<user cache dir>/mixtape/numba``."""
    import platformdirs

    config = _numba_config()
    if config.CACHE_DIR:
        return Path(config.CACHE_DIR)
    return Path(platformdirs.user_cache_dir("mixtape", appauthor=False)) / "numba"


_cache_lock = threading.Lock()


class Kernel:
    """A compiled function whose on-disk cache is switched on before its first call.

    ``examples`` gives the arguments to compile it for, one tuple per argument
    types its callers pass (:func:`warm_up` calls it with each).
    """

    def __init__(self, dispatcher: Any, examples: Callable[[], Sequence[tuple[Any, ...]]]) -> None:
        self.dispatcher = dispatcher
        self.examples = examples
        self.__doc__ = dispatcher.py_func.__doc__
        self._cache_on = False

    def __call__(self, *args: Any) -> Any:
        if not self._cache_on:
            self._enable_cache()
        return self.dispatcher(*args)

    def _enable_cache(self) -> None:
        """Switch on the on-disk cache of this kernel, in :func:`cache_dir` (once)."""
        with _cache_lock:
            if self._cache_on:
                return
            config = _numba_config()
            # The cache locator reads numba's CACHE_DIR when caching is enabled, so it
            # is set only for that moment: numba's setting stays as the user left it.
            before = config.CACHE_DIR
            config.CACHE_DIR = str(cache_dir())
            try:
                self.dispatcher.enable_caching()
            finally:
                config.CACHE_DIR = before
            self._cache_on = True

    def cache_files(self) -> list[Path]:
        """The index files of this kernel's compiled code on disk (none when cold)."""
        self._enable_cache()
        folder = Path(self.dispatcher._cache.cache_path)
        return sorted(folder.glob(f"*.{self.dispatcher.py_func.__name__}-*.nbi"))

    def warm_up(self) -> None:
        """Compile (or load from the disk cache) this kernel for every argument type."""
        for args in self.examples():
            self(*args)


def cache_is_warm(kernels: Iterable[Kernel]) -> bool:
    """Whether every one of ``kernels`` has compiled code on disk (a few file look-ups:
    nothing is compiled or loaded).

    Only presence is checked: numba decides itself whether an index still fits the
    source (it keeps one across a fresh checkout of the same file), so comparing file
    times here would call a usable cache cold.
    """
    return all(kernel.cache_files() for kernel in kernels)


def warm_up(kernels: Iterable[Kernel]) -> None:
    """Compile ``kernels`` into the disk cache: seconds the first time, a quick load
    from the cache afterwards."""
    for kernel in kernels:
        kernel.warm_up()
