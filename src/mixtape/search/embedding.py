"""Dense vectors for an approximate index, from the exact index's parts.

An HNSW graph needs plain dense vectors whose inner products approximate the
exact scores: the dense part, then each categorical block one-hot times its
scale, then the sparse part (times a projection when given, e.g. a random
projection of many genre columns).
"""

from __future__ import annotations

import numpy as np

from mixtape.search.exact import ExactIndex
from mixtape.search.query import Query


def embedding(
    index: ExactIndex, positions: np.ndarray, projection: np.ndarray | None
) -> np.ndarray:
    """Dense vectors (len(positions), D) of some positions of ``index``."""
    parts = [index.dense_t[:, positions].T]
    groups = index.group_of(positions)
    for c, n_b in enumerate(index.n_buckets):
        block = np.zeros((len(positions), n_b), dtype=np.float32)
        buckets = index.group_buckets[groups, c]
        has = np.flatnonzero(buckets >= 0)
        block[has, buckets[has]] = index.group_scale[groups[has], c]
        parts.append(block)
    if index.signatures is not None:
        rows = index.signatures.rows(positions)
        parts.append(np.asarray(rows @ projection if projection is not None else rows.toarray()))
    return np.hstack(parts).astype(np.float32)


def query_embedding(index: ExactIndex, query: Query, projection: np.ndarray | None) -> np.ndarray:
    """The dense vector (D,) of a query, laid out like :func:`embedding`'s."""
    parts = [query.dense, *query.onehots]
    if index.signatures is not None:
        vec = np.zeros(index.signatures.n_columns, dtype=np.float32)
        if query.sparse is not None:
            vec[query.sparse[0]] = query.sparse[1]
        parts.append(vec @ projection if projection is not None else vec)
    return np.concatenate(parts).astype(np.float32)
