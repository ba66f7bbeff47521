"""The exact index's branch and bound: top-k without scoring every position.

Used by :meth:`mixtape.search.exact.ExactIndex.search` when the index has groups or
genre signatures; :func:`pruned` answers None when the bounds would not prune enough
and a full scan is cheaper.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from mixtape.search.query import Query
from mixtape.search.signatures import Signatures
from mixtape.search.topk import best_scores, ordered, top_k


class ExactIndex(Protocol):
    """What the branch and bound reads of :class:`mixtape.search.exact.ExactIndex` (named
    here rather than imported: the exact index imports this module)."""

    dense_t: np.ndarray
    signatures: Signatures | None
    group_dense_norm: np.ndarray
    _bounds: list[int]

    @property
    def size(self) -> int: ...

    def _block_scores(
        self, queries: Sequence[Query], start: int, stop: int, genres: bool = True
    ) -> np.ndarray: ...


#: Share of the index the branch and bound may score among tracks sharing a genre with
#: the query before it gives up for a full scan (cheaper past that).
SHARING_BUDGET = 0.25


def pruned(index: ExactIndex, query: Query, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact top-k by branch and bound, or None when it would not pay.

    Tracks sharing a genre with the query are bounded cell by cell: a
    cell's tracks score at most ``genre(signature) + table[group] +
    |q.dense| * max|dense|`` (Cauchy-Schwarz on the dense part).  The
    best-bounded cells are scored until they hold ``k`` tracks, then every
    other cell whose bound reaches the k-th best score so far.  Tracks
    sharing no genre score at most ``|q.dense| * max|dense| + table[group]``,
    so groups are scanned best bound first while a bound reaches the k-th
    best score.
    """
    q_norm = float(np.sqrt(query.dense @ query.dense))
    pos_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    if index.signatures is not None and query.genre is not None:
        found = _sharing_top(index, query, k, q_norm)
        if found is None:
            return None  # the bounds do not prune enough: a full scan is cheaper
        pos_parts.append(found[0])
        val_parts.append(found[1])
    best = best_scores(val_parts[0], k) if val_parts else np.zeros(0)
    table = query.table if query.table is not None else 0.0
    bound = q_norm * index.group_dense_norm + table
    budget = index.size // 2
    done = len(best) >= k and float(bound.max()) < best[0]  # no group can reach it
    for g in [] if done else np.argsort(-bound, kind="stable").tolist():
        if len(best) >= k and bound[g] < best[0]:
            break
        lo, hi = index._bounds[g], index._bounds[g + 1]
        budget -= hi - lo
        if budget < 0:
            return None
        row = index._block_scores([query], lo, hi, genres=False)[0]
        keep = top_k(row, k)
        pos_parts.append(keep + lo)
        val_parts.append(row[keep])
        best = best_scores(np.concatenate([best, row[keep]]), k)
    if not pos_parts:
        return np.array([], dtype=np.int64), np.array([], dtype=np.float32)
    pos = np.concatenate(pos_parts)
    val = np.concatenate(val_parts)
    if len(pos_parts) > 1:  # a group's scan may hold sharing tracks again (genre-less)
        pos, first_seen = np.unique(pos, return_index=True)
        val = val[first_seen]
    return ordered(pos, val, k)


def _sharing_top(
    index: ExactIndex, query: Query, k: int, q_norm: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every track sharing a genre with the query that could be in its top ``k``, scored;
    None when that would be more than ``SHARING_BUDGET`` of the index."""
    sigs = index.signatures
    assert sigs is not None and query.genre is not None
    table = query.table if query.table is not None else np.zeros(1, dtype=np.float32)
    onehot = query.onehot
    if onehot is None:
        onehot = (
            np.concatenate(query.onehots).astype(np.float32)
            if query.onehots
            else np.zeros(0, dtype=np.float32)
        )
    return sigs.top_sharing(
        query.genre_sigs,
        query.genre,
        query.dense,
        q_norm,
        table,
        onehot,
        index.dense_t,
        k,
        int(index.size * SHARING_BUDGET),
    )
