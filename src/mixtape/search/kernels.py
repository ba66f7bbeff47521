"""Compiled loops of the exact search (numba), where numpy would pay per call.

The branch and bound over genre signatures visits a few thousand signatures
and a few hundred cells per query; written as numpy array operations it took
about twenty calls of 5-20 µs each (0.2-0.3 ms a query at 1.2M tracks, more
than all the arithmetic).  As one loop compiled by numba it takes a few tens
of microseconds.

Compiling takes seconds (13-19 s measured on a small machine), so compiled
code is kept on disk (:mod:`mixtape.jit`: in the user's cache directory, never
next to this file).  :func:`warm_up` compiles these kernels ahead
(``mixtape.models.kernels.warm_up`` compiles them with every other);
:func:`cache_is_warm` tells cheaply whether a process will have to compile them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from mixtape import jit
from mixtape.jit import Kernel, cache_dir


@njit(nogil=True)
def _sharing_top(
    cand: np.ndarray,
    genre: np.ndarray,
    q_dense: np.ndarray,
    q_norm: float,
    table: np.ndarray,
    onehot: np.ndarray,
    block_start: np.ndarray,
    dense_t: np.ndarray,
    sig_bounds: np.ndarray,
    sig_bits: np.ndarray,
    sig_cell_bounds: np.ndarray,
    cell_rows: np.ndarray,
    cell_row_norm: np.ndarray,
    k: int,
    budget: int,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Every track of the signatures ``cand`` that could be in the top ``k``, scored.

    A signature's tracks score at most its genre score, plus ``q_norm`` times
    their largest dense norm, plus per one-hot block the block's largest scale
    times the query's largest value in a bucket they have (``sig_bounds`` and
    its bits ``sig_bits``, see ``Signatures.bound_tables``; ``onehot`` is the
    query's blocks end to end).
    The 32 best-bounded signatures are visited first, then every other one
    whose bound reaches the k-th best score found so far; in a visited
    signature, a cell (one group, one signature: ``cell_rows``) is scored when
    its own bound (genre + table entry + ``q_norm`` times its largest dense
    norm) reaches it.  Scores are summed as ``_block_scores`` sums them
    (dense, table, genre; float32).

    Returns (positions, scores, True), or (.., .., False) once more than
    ``budget`` tracks would be scored.
    """
    n = len(cand)
    n_blocks = len(block_start) - 1
    upper = np.empty(n, dtype=np.float32)
    for i in range(n):
        s = cand[i]
        u = genre[s] + q_norm * sig_bounds[s, 0]
        for c in range(n_blocks):
            best = 0.0
            for b in range(block_start[c], block_start[c + 1]):
                if onehot[b] > best and (sig_bits[s, 1 + n_blocks + b // 32] >> (b % 32)) & 1:
                    best = onehot[b]
            u += sig_bounds[s, 1 + c] * best
        upper[i] = u
    positions = np.empty(budget, dtype=np.int64)
    scores = np.empty(budget, dtype=np.float32)
    best_k = np.full(max(k, 1), -np.inf, dtype=np.float32)
    state = np.zeros(3, dtype=np.int64)  # [tracks found, their count, index of the k-th best]
    # First the best-bounded signatures (the 32 best bounds: a good k-th best score
    # early), then every other signature whose bound reaches the k-th best score.
    # Two passes instead of a sort (numba's argsort took 40 µs for 1,500 values).
    first = np.partition(upper, n - 32)[n - 32] if n > 32 else -np.inf
    seen = np.zeros(n, dtype=np.bool_)
    for sweep in range(2):
        for i in range(n):
            if seen[i] or (sweep == 0 and upper[i] < first):
                continue
            if state[0] >= k and upper[i] < best_k[state[2]]:
                continue
            seen[i] = True
            s = cand[i]
            if not _score_signature(
                sig_cell_bounds[s],
                sig_cell_bounds[s + 1],
                genre[s],
                q_dense,
                q_norm,
                table,
                dense_t,
                cell_rows,
                cell_row_norm,
                k,
                positions,
                scores,
                best_k,
                state,
            ):
                return positions[: state[1]], scores[: state[1]], False
    return positions[: state[1]], scores[: state[1]], True


@njit(nogil=True, inline="always")
def _score_signature(
    first_cell: int,
    end_cell: int,
    g: float,
    q_dense: np.ndarray,
    q_norm: float,
    table: np.ndarray,
    dense_t: np.ndarray,
    cell_rows: np.ndarray,
    cell_row_norm: np.ndarray,
    k: int,
    positions: np.ndarray,
    scores: np.ndarray,
    best_k: np.ndarray,
    state: np.ndarray,
) -> bool:
    """Score a signature's cells that can reach the k-th best score so far, keeping
    the ``k`` best in ``best_k``; False when ``positions`` is full."""
    d = q_dense.shape[0]
    for ci in range(first_cell, end_cell):
        t = table[cell_rows[ci, 2]]
        if state[0] >= k and g + t + q_norm * cell_row_norm[ci] < best_k[state[2]]:
            continue
        for p in range(cell_rows[ci, 0], cell_rows[ci, 1]):
            if state[1] == len(positions):
                return False
            dot = np.float32(0.0)
            for j in range(d):
                dot += q_dense[j] * dense_t[j, p]
            score = np.float32(np.float32(dot + t) + g)
            positions[state[1]] = p
            scores[state[1]] = score
            state[1] += 1
            if state[0] < k:
                best_k[state[0]] = score
                state[0] += 1
                if state[0] == k:
                    state[2] = np.argmin(best_k)
            elif score > best_k[state[2]]:
                best_k[state[2]] = score
                state[2] = np.argmin(best_k)
    return True


@njit(nogil=True)
def _genre_scores(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    n_sig: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each signature's inner product with the non-negative sparse vector (columns,
    values), through the genre -> signature posting lists of a CSC matrix with
    non-negative values, and the signatures with a positive score (in the order
    first met)."""
    out = np.zeros(n_sig, dtype=np.float32)
    touched = np.empty(indptr[-1], dtype=np.int64)
    n = 0
    for c in range(len(columns)):
        col, value = columns[c], values[c]
        for at in range(indptr[col], indptr[col + 1]):
            weight = data[at] * value
            if weight <= 0:  # non-negative weights: a signature, once touched, stays > 0
                continue
            sig = indices[at]
            if out[sig] == 0:
                touched[n] = sig
                n += 1
            out[sig] += weight
    return out, touched[:n]


def _sharing_top_examples() -> list[tuple[Any, ...]]:
    """Arguments of the types the search passes: the dense matrix comes both
    column-major (the content index) and row-major."""
    one_f32, one_i64 = np.ones(1, dtype=np.float32), np.zeros(1, dtype=np.int64)
    bounds = np.zeros((1, 1), dtype=np.float32)
    return [
        (
            one_i64,  # the query's signatures
            one_f32,  # their genre scores
            np.ones(2, dtype=np.float32),  # the query's dense part
            1.0,
            one_f32,  # its table of group scores
            np.zeros(0, dtype=np.float32),  # its one-hot blocks (none)
            one_i64,  # block starts
            dense_t,
            bounds,
            bounds.view(np.uint32),
            np.array([0, 1], dtype=np.int64),  # signature 0 has cell 0
            np.array([[0, 2, 0]], dtype=np.int32),  # cell 0: positions 0..2, group 0
            one_f32,
            1,
            4,
        )
        for dense_t in (np.ones((2, 2), np.float32, order="F"), np.ones((2, 2), np.float32))
    ]


def _genre_scores_examples() -> list[tuple[Any, ...]]:
    csc_index = np.array([0, 1], dtype=np.int32)
    one_f32, one_i64 = np.ones(1, dtype=np.float32), np.zeros(1, dtype=np.int64)
    return [(csc_index, csc_index[:1], one_f32, one_i64, one_f32, 1)]


sharing_top = Kernel(_sharing_top, _sharing_top_examples)
genre_scores = Kernel(_genre_scores, _genre_scores_examples)
#: The search's compiled kernels.
KERNELS = (sharing_top, genre_scores)


def cache_is_warm() -> bool:
    """Whether every search kernel has compiled code on disk (nothing is compiled)."""
    return jit.cache_is_warm(KERNELS)


def warm_up() -> None:
    """Compile every search kernel for the argument types the search passes, into the
    disk cache (seconds the first time; a quick load from the cache afterwards)."""
    jit.warm_up(KERNELS)


__all__ = ["KERNELS", "cache_dir", "cache_is_warm", "genre_scores", "sharing_top", "warm_up"]
