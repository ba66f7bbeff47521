"""Threads of the exact search: our own pool, and BLAS kept to one thread inside it.

``n_threads`` of the models (0 = one per core) sets both our own search
threads and faiss's OpenMP threads (``faiss.omp_set_num_threads``,
process-wide, set before each build and batch search; single queries use one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Any


def default_threads() -> int:
    """Threads used when a model says ``n_threads=0``: one per core."""
    return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=4)
def pool(n_threads: int) -> ThreadPoolExecutor:
    """A shared pool of ``n_threads`` search threads (created on first use)."""
    return ThreadPoolExecutor(n_threads, thread_name_prefix="mixtape-search")


@lru_cache(maxsize=1)
def _blas_libraries() -> list[Any]:
    """threadpoolctl's controllers of the BLAS libraries loaded (numpy's, faiss's...)."""
    from threadpoolctl import ThreadpoolController

    return list(ThreadpoolController().select(user_api="blas").lib_controllers)


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """BLAS on one thread: our own threads split the work.

    On a small, busy machine a multi-threaded BLAS product over a million
    columns was measured 2-5x slower than a single-threaded one.  The limit
    is process-wide while a search runs and restored after it.  The libraries
    are looked up once and set directly (about 2 µs; threadpoolctl's
    ``limit()`` context inspects them each time, 14 µs).
    """
    libraries = _blas_libraries()
    before = [lib.num_threads for lib in libraries]
    for lib in libraries:
        lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, n in zip(libraries, before, strict=True):
            lib.set_num_threads(n)
