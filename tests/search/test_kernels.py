"""The compiled kernels: cached in the user's cache directory, compiled ahead by warm_up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import platformdirs
import pytest
from numba.core import config

from mixtape.search import kernels
from mixtape.search.exact import ExactIndex
from mixtape.search.pruning import pruned
from tests.factories.vectors import Structured


def test_the_cache_is_the_users_cache_directory_unless_numba_is_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "CACHE_DIR", "")
    user = Path(platformdirs.user_cache_dir("mixtape", appauthor=False)) / "numba"
    assert kernels.cache_dir() == user
    monkeypatch.setattr(config, "CACHE_DIR", str(tmp_path))
    assert kernels.cache_dir() == tmp_path


def test_compiled_code_is_cached_outside_the_source_tree() -> None:
    kernels.warm_up()
    source = Path(kernels.__file__).resolve().parent
    for kernel in kernels.KERNELS:
        folder = Path(kernel.dispatcher._cache.cache_path).resolve()
        assert not folder.is_relative_to(source)
        assert kernel.cache_files(), "warm_up wrote no compiled code"
    assert not list(source.glob("__pycache__/*.nb[ic]"))
    assert kernels.cache_is_warm()


def test_warm_up_compiles_what_a_real_search_calls(structured: Structured) -> None:
    kernels.warm_up()
    compiled = [len(k.dispatcher.signatures) for k in kernels.KERNELS]
    column_major = structured(2_000)
    sigs = column_major.signatures
    assert sigs is not None
    row_major = ExactIndex(
        np.ascontiguousarray(column_major.dense_t),
        group_bounds=column_major.group_bounds,
        group_buckets=column_major.group_buckets,
        group_scale=column_major.group_scale,
        n_buckets=column_major.n_buckets,
        signatures=(column_major.signatures.matrix, column_major.signatures.of),  # type: ignore[union-attr]
    )
    for index in (column_major, row_major):
        queries = [index.query([p]) for p in (1, 500)] + [index.query([3, 4, 5])]
        found = [pruned(index, q, 10) for q in queries]  # each calls the kernels
        assert any(f is not None for f in found)
    assert [len(k.dispatcher.signatures) for k in kernels.KERNELS] == compiled
