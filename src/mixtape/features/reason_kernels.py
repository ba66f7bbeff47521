"""What a reason names, as compiled loops (numba), where numpy would pay per call.

Naming what a seed and ten candidates share took two :meth:`FeatureDistribution.z
<mixtape.features.reasons.FeatureDistribution.z>` calls of about fifteen small
numpy calls each (3-10 µs apiece on a small machine), plus gathers, conversions
and a Python loop over each row's genres: about 0.2 ms for ten rows.
:func:`shared_codes` measures the seeds and the candidates with the same
float64 arithmetic, one value at a time, and picks the strongest traits;
:func:`shared_genres` picks each row's heaviest genres among the seeds' and
tells whether it is from the seeds' era.  Both are cached and compiled ahead
like every kernel (:mod:`mixtape.jit`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from numba import njit

from mixtape.jit import Kernel

#: Rows of the per-feature table (``FeatureDistribution._kernel_table``): where values
#: map to keys, where the feature's keys are in the sorted ``keys`` (and what to subtract
#: from a position there), its spread and mean.
LOW, INV_SPAN, OFFSET, START, FIRST, END, STD, MEAN = range(8)


@njit(nogil=True, inline="always")
def _z(v: float, j: int, keys: np.ndarray, table: np.ndarray, rank_z: np.ndarray) -> float:
    """:meth:`FeatureDistribution.z` of one value of feature ``j`` (same float64 steps)."""
    if v != v:  # unknown: no spread, on no side
        return 0.0
    key = (v - table[LOW, j]) * table[INV_SPAN, j]
    if key < -1.0:
        key = -1.0
    if key > 2.0:
        key = 2.0
    key += table[OFFSET, j]
    # searchsorted, left and right, within the keys that can hold ``key``: the keys
    # before (after) them are all below (above) it, and none is NaN.
    first, end = int(table[FIRST, j]), int(table[END, j])
    lo, hi = first, end
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    left, hi = lo, end
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] <= key:
            lo = mid + 1
        else:
            hi = mid
    summed = left + lo - int(table[START, j])
    summed = min(max(summed, 0), len(rank_z) - 1)
    by_rank = rank_z[summed]
    by_spread = (v - table[MEAN, j]) / table[STD, j]
    if by_rank * by_spread > 0:
        return math.copysign(min(abs(by_rank), abs(by_spread)), by_rank)
    return 0.0


@njit(nogil=True, inline="always")
def _keep(
    strength: np.ndarray, codes: np.ndarray, found: int, limit: int, value: float, code: int
) -> int:
    """Put ``code`` among the ``found`` kept so far (strongest first: after every one at
    least as strong, so ties keep the order met), at most ``limit``: where it went (the
    ones from there moved down one), or -1 when it is not kept."""
    at = found
    while at > 0 and strength[at - 1] < value:
        at -= 1
    if at >= limit:
        return -1
    for k in range(min(found, limit - 1), at, -1):
        strength[k] = strength[k - 1]
        codes[k] = codes[k - 1]
    strength[at] = value
    codes[at] = code
    return at


@njit(nogil=True)
def _shared_codes(
    seed_values: np.ndarray,
    seed_rows: np.ndarray,
    values: np.ndarray,
    rows: np.ndarray,
    nearest: np.ndarray,
    columns: np.ndarray,
    keys: np.ndarray,
    table: np.ndarray,
    rank_z: np.ndarray,
    threshold: float,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row ``values[rows[i]]``, the traits it shares with its seed
    ``seed_values[seed_rows[nearest[i]]]`` (the first seed when ``nearest`` is empty).

    ``columns[0]`` are the features a reason may name (indexes into ``table``'s
    columns, in the order preferred on a tie), ``columns[1]`` where they are in
    ``values``.  A trait is shared where both are at least ``threshold`` from
    the usual value on the same side; the ``limit`` strongest are kept
    (strength: the smaller distance; ties: the earlier trait), as ``2 * trait +
    1`` when the seed is above the usual value, ``2 * trait`` below, -1 after the
    last; with the seed's and the row's values of each (float64).
    """
    n_named = columns.shape[1]
    seed_z = np.empty((len(seed_rows), n_named))
    for s in range(len(seed_rows)):
        for t in range(n_named):
            v = np.float64(seed_values[seed_rows[s], columns[1, t]])
            seed_z[s, t] = _z(v, columns[0, t], keys, table, rank_z)
    out = np.full((len(rows), limit), -1, dtype=np.int64)
    both = np.zeros((len(rows), limit, 2))
    strength = np.empty(max(limit, 1))
    for i in range(len(rows)):
        s = nearest[i] if len(nearest) else 0
        found = 0
        for t in range(n_named):
            a = seed_z[s, t]
            if not abs(a) >= threshold:
                continue
            v = np.float64(values[rows[i], columns[1, t]])
            b = _z(v, columns[0, t], keys, table, rank_z)
            if not (a * b > 0 and abs(b) >= threshold):
                continue
            code = 2 * t + (1 if a > 0 else 0)
            at = _keep(strength, out[i], found, limit, min(abs(a), abs(b)), code)
            if at < 0:
                continue
            for k in range(min(found, limit - 1), at, -1):
                both[i, k] = both[i, k - 1]
            both[i, at, 0] = seed_values[seed_rows[s], columns[1, t]]
            both[i, at, 1] = v
            found = min(found + 1, limit)
    return out, both


@njit(nogil=True)
def _shared_genres(
    indptr: np.ndarray,
    indices: np.ndarray,
    columns: np.ndarray,
    weights: np.ndarray,
    rows: np.ndarray,
    top: int,
    year: np.ndarray,
    width: np.float32,
    start: float,
) -> np.ndarray:
    """Per row (of a CSR matrix of genres), its ``top`` genres among ``columns`` (the
    seeds' genres), the heaviest in ``weights`` first (ties: the row's order), -1 after
    the last; then 1 where its era, ``floor(year / width) * width`` (in ``year``'s
    precision, as numpy computes it), is ``start`` (NaN: none is), else 0."""
    out = np.full((len(rows), top + 1), -1, dtype=np.int64)
    best = np.empty(max(top, 1))
    for i in range(len(rows)):
        r = rows[i]
        found = 0
        for at in range(indptr[r], indptr[r + 1]):
            genre = indices[at]
            k = -1
            for c in range(len(columns)):  # the last one, as a dict of them keeps
                if columns[c] == genre:
                    k = c
            if k < 0:
                continue
            if _keep(best, out[i], found, top, weights[k], genre) >= 0:
                found = min(found + 1, top)
        out[i, top] = 1 if np.floor(year[r] / width) * width == start else 0
    return out


def _examples() -> list[tuple[Any, ...]]:
    """The catalog's audio (float32) and values given as they are (float64)."""
    index, columns = np.zeros(1, dtype=np.int64), np.zeros((2, 1), dtype=np.int64)
    table = np.ones((8, 1))
    return [
        (values, index, values, index, index[:0], columns, np.ones(2), table, np.ones(3), 1.0, 2)
        for values in (np.ones((1, 1), dtype=np.float32), np.ones((1, 1)))
    ]


def _genre_examples() -> list[tuple[Any, ...]]:
    """CSR index arrays of either width; years as the catalog keeps them (float32)."""
    year, width = np.ones(1, dtype=np.float32), np.float32(10)
    return [
        (
            np.zeros(2, dtype=kind),
            np.zeros(1, dtype=kind),
            np.zeros(1, dtype=np.int64),
            np.ones(1),
            np.zeros(1, dtype=np.int64),
            2,
            year,
            width,
            2000.0,
        )
        for kind in (np.int32, np.int64)
    ]


shared_codes = Kernel(_shared_codes, _examples)
_shared_genres_kernel = Kernel(_shared_genres, _genre_examples)
#: The reasons' compiled kernels.
KERNELS = (shared_codes, _shared_genres_kernel)


def shared_genres(
    genres: sp.csr_matrix,
    columns: np.ndarray,
    weights: np.ndarray,
    rows: np.ndarray,
    top: int,
    year: np.ndarray,
    width: int,
    start: float,
) -> np.ndarray:
    """:func:`_shared_genres` of the rows of ``genres`` (a CSR matrix), the seeds' genre
    vector (``columns``, ``weights``) and an era of ``width`` years (an int, which numpy
    divides float32 years by in float32: so does the kernel; other years in float64)."""
    indptr, indices = genres.indptr, genres.indices
    if indptr.dtype != indices.dtype or indptr.dtype not in (np.int32, np.int64):
        indptr, indices = indptr.astype(np.int64), indices.astype(np.int64)
    return _shared_genres_kernel(
        indptr,
        indices,
        np.asarray(columns, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        np.asarray(rows, dtype=np.int64),
        top,
        year if year.dtype == np.float32 else np.asarray(year, dtype=np.float64),
        np.float32(width),
        start,
    )
