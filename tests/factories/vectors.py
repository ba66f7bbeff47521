"""Indexes built from random vectors, with no model in sight.

``structured`` builds what the content models build (a dense part, one-hot
blocks folded into groups, a sparse non-negative part kept as signatures) from
plain random numbers; ``unit_vectors`` is what the audio model indexes.  The
brute-force reference is the embedding: every position's full vector, whose
inner product with a query's is its exact score.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from mixtape.search.exact import ExactIndex

Structured = Callable[..., ExactIndex]


def structured(
    m: int = 4_000,
    *,
    dims: int = 5,
    buckets: tuple[int, ...] = (6, 5),
    genres: int = 60,
    seed: int = 0,
    n_threads: int = 1,
) -> ExactIndex:
    """An index of ``m`` random tracks: dense part, one-hot blocks, 1-3 genres each."""
    rng = np.random.default_rng(seed)
    codes = np.stack([rng.integers(-1, b, m) for b in buckets], axis=1)  # -1: no bucket
    radix = np.cumprod([1, *(b + 1 for b in buckets[:-1])])
    group_code = ((codes + 1) * radix).sum(axis=1)
    cols = [rng.choice(genres, rng.integers(1, 4), replace=False) for _ in range(m)]
    sparse = sp.csr_matrix(
        (
            rng.choice([0.3, 0.6, 1.0], sum(len(c) for c in cols)).astype(np.float32),
            np.concatenate(cols),
            np.concatenate(([0], np.cumsum([len(c) for c in cols]))),
        ),
        shape=(m, genres),
    )
    order = np.argsort(group_code, kind="stable")  # positions sorted by group
    codes, group_code, sparse = codes[order], group_code[order], sparse[order]
    _, first = np.unique(group_code, return_index=True)
    bounds = np.append(first, m)
    group_buckets = codes[first]
    group_scale = np.where(group_buckets >= 0, 0.4, 0.0).astype(np.float32)
    dense_t = np.asfortranarray(rng.standard_normal((dims, m)).astype(np.float32) * 0.3)
    return ExactIndex(
        dense_t,
        group_bounds=bounds,
        group_buckets=group_buckets.astype(np.int64),
        group_scale=group_scale,
        n_buckets=buckets,
        sparse=sparse,
        n_threads=n_threads,
    )


def unit_vectors(n: int, d: int = 13) -> np.ndarray:
    """``(n, d)`` random unit vectors, float32, from a fixed seed."""
    vectors = np.random.default_rng(0).standard_normal((n, d)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
