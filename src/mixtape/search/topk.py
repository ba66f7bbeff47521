"""Partial selection: the ``k`` best of many scores, ties going to the lower index."""

from __future__ import annotations

import numpy as np

_SAMPLE_STRIDE = 64
#: Up to this many scores one full sort is cheaper than a partition and its bookkeeping
#: (a few numpy calls of a few microseconds each) and gives the same answer.
_SORT_ALL = 256


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores (unordered); ties go to the lower index.

    A threshold taken from a strided sample keeps every score above it (a
    cheap comparison instead of a partial sort over a million scores); if
    fewer than ``k`` pass, the whole array is partitioned.
    """
    m = len(scores)
    if k >= m:
        return np.arange(m)
    if k <= 0:
        return np.array([], dtype=np.int64)
    candidates = None
    if m >= 8 * _SAMPLE_STRIDE and k * _SAMPLE_STRIDE * 4 <= m:
        sample = scores[::_SAMPLE_STRIDE]
        rank = min(len(sample), k // _SAMPLE_STRIDE + 6)
        threshold = np.partition(sample, len(sample) - rank)[len(sample) - rank]
        candidates = np.flatnonzero(scores >= threshold)
        if len(candidates) < k:
            candidates = None
    values = scores if candidates is None else scores[candidates]
    kth = np.partition(values, len(values) - k)[len(values) - k]
    above = np.flatnonzero(values > kth)
    tied = np.flatnonzero(values == kth)[: k - len(above)]
    picked = np.concatenate([above, tied])
    return picked if candidates is None else candidates[picked]


def ordered(positions: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best ``k`` of (positions, scores), sorted by score then position.

    Ties at the k-th score go to the lowest positions, whatever the input order.
    """
    if len(positions) <= _SORT_ALL:
        order = np.lexsort((positions, -scores))[: max(k, 0)]
        return positions[order].astype(np.int64), scores[order]
    if len(positions) > k > 0:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        tied = np.flatnonzero(scores == kth)
        tied = tied[np.argsort(positions[tied], kind="stable")][: k - len(above)]
        keep = np.concatenate([above, tied])
        positions, scores = positions[keep], scores[keep]
    elif k <= 0:
        positions, scores = positions[:0], scores[:0]
    order = np.lexsort((positions, -scores))
    return positions[order].astype(np.int64), scores[order]


def best_scores(scores: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` highest scores, ascending (all of them when there are fewer)."""
    if len(scores) <= _SORT_ALL:
        return np.sort(scores)[max(len(scores) - k, 0) :]
    if len(scores) > k:
        scores = np.partition(scores, len(scores) - k)[len(scores) - k :]
    return np.sort(scores)
