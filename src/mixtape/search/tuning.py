"""Tuning an approximate index's search width against exact search.

Both approximate indexes have one knob that trades speed for recall: how much
of the index a query reads (HNSW ``efSearch``, inverted lists ``nprobe``).
:func:`tune_width` finds the smallest width whose recall@k on sample queries
reaches :data:`TARGET_RECALL`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Recall@10 an approximate search must reach against exact search.
TARGET_RECALL = 0.99


def recall_at_k(exact: np.ndarray, approx: np.ndarray) -> float:
    """Mean share of each row of ``exact`` (queries x k) found in the same row of ``approx``."""
    exact = np.atleast_2d(exact)
    approx = np.atleast_2d(approx)
    if exact.shape[0] == 0:
        return 1.0
    hits = [
        len(np.intersect1d(e[e >= 0], a[a >= 0])) / max(1, int((e >= 0).sum()))
        for e, a in zip(exact, approx, strict=True)
    ]
    return float(np.mean(hits))


def tune_width(
    approx: Callable[[int], np.ndarray],
    exact: np.ndarray,
    *,
    start: int = 16,
    limit: int = 1024,
    target: float = TARGET_RECALL,
) -> tuple[int, float]:
    """The smallest search width (HNSW ``efSearch``, IVF ``nprobe``), to within 1/8,
    whose recall@k reaches ``target``.

    Doubles from ``start``, then bisects between the last miss and the first
    hit.  ``approx(width)`` returns the approximate top-k rows for the sample
    queries whose exact top-k is ``exact``.  Returns (width, its recall); at
    ``limit`` without reaching the target, the limit and what it reached.
    """
    width, low = start, 0
    recall = recall_at_k(exact, approx(width))
    while recall < target and width < limit:
        low, width = width, min(2 * width, limit)
        recall = recall_at_k(exact, approx(width))
    if recall < target:
        return width, recall
    while low and width - low > max(1, width // 8):
        middle = (low + width) // 2
        got = recall_at_k(exact, approx(middle))
        if got >= target:
            width, recall = middle, got
        else:
            low = middle
    return width, recall


def without_self(hits: list[tuple[np.ndarray, np.ndarray]], sample: np.ndarray) -> np.ndarray:
    """Top-k positions per query with the query's own position removed (k = len - 1): the
    ground truth and the approximate answers of a recall measurement whose queries are
    indexed vectors themselves."""
    out = []
    for (pos, _), own in zip(hits, sample, strict=True):
        rest = pos[pos != own]
        k = len(pos) - 1
        out.append(np.pad(rest[:k], (0, max(0, k - len(rest))), constant_values=-1))
    return np.stack(out)
