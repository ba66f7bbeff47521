"""Top-k search over the whole catalog: exact (block-structured) and approximate (HNSW).

**Exact.**  Indexed tracks are *positions* ``0..m-1`` (the model keeps the
position → row map).  A track's unit vector is stored in three parts and a
query's score is their sum::

    score(p) = dense[:, p] · q.dense            one BLAS product, column-major float32
             + q.table[group(p)]                positions sorted by group: runs of one add
             + sparse[p] · q.sparse             an inverted index: only tracks sharing a column

The dense part holds the audio features; the *groups* hold one-hot blocks
(era, popularity) together with the track's norm, so their contribution is a
per-query table over a few hundred groups instead of extra columns; the sparse
part holds genre TF-IDF, touched only where the query has genres.  With
several groups the search is a branch and bound: tracks sharing the query's
sparse columns are scored directly, then groups are scanned best upper bound
first until none can reach the k-th best score (``ExactIndex._pruned``).
Otherwise every position is scored: top-k uses a sampled threshold (``s >= t``
is much cheaper than ``np.argpartition`` over a million scores) with an exact
fallback, ties going to the lower position, and work is split over threads by
contiguous position ranges (numpy releases the GIL; BLAS is kept to one thread
inside so the two levels do not fight over two cores).

**Approximate.**  An HNSW graph (faiss ``IndexHNSWFlat``, inner product) over an
*embedding* of the same vectors retrieves a pool of candidates that are then
re-scored exactly, so reported scores are always exact.  ``efSearch`` is tuned
at fit until recall@10 against exact search is at least 0.99 on a sample of
queries (or a limit is reached; the measured recall is kept); the graph is
saved as bytes (``faiss.serialize_index``) in the model's ``.npz``.  When the
embedding is the dense part itself (``audio``) the exact index reads the
graph's vectors instead of holding a second copy.

Threads: ``n_threads`` of the models (0 = one per core) sets both our own
search threads and faiss's OpenMP threads (``faiss.omp_set_num_threads``,
process-wide, set before each build and batch search; single queries use one).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.features.arrays import TrackArrays
from mixtape.models.controls import (
    Controls,
    allowed_mask,
    apply_targets,
    select,
    top_candidates,
)

#: Above this many tracks ``index="auto"`` builds an HNSW graph (``content`` stays exact).
AUTO_HNSW_ABOVE = 200_000
#: Scores computed at once in a batch (queries x positions), to bound memory.
BLOCK_SCORES = 8_000_000
#: Below this many positions a search runs on one thread.
PARALLEL_ABOVE = 100_000
_SAMPLE_STRIDE = 64


def default_threads() -> int:
    """Threads used when a model says ``n_threads=0``: one per core."""
    return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=4)
def _pool(n_threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(n_threads, thread_name_prefix="mixtape-search")


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """BLAS on one thread: our own threads split the work (costs ~30 µs).

    On a small, busy machine a multi-threaded BLAS product over a million
    columns was measured 2-5x slower than a single-threaded one.  The limit
    is process-wide while a search runs and restored after it.
    """
    with _blas_controller().limit(limits=1, user_api="blas"):
        yield


# -- queries ------------------------------------------------------------------------
@dataclass
class Query:
    """A query vector in the index's parts (see the module docstring)."""

    dense: np.ndarray  # (d,) float32
    onehots: list[np.ndarray] = field(default_factory=list)  # per categorical block, (buckets,)
    sparse: tuple[np.ndarray, np.ndarray] | None = None  # (columns, values)
    table: np.ndarray | None = None  # (groups,) float32, derived from onehots

    @property
    def norm(self) -> float:
        total = float(self.dense @ self.dense) + sum(float(v @ v) for v in self.onehots)
        if self.sparse is not None:
            total += float(self.sparse[1] @ self.sparse[1])
        return float(np.sqrt(total))


# -- top-k ----------------------------------------------------------------------------
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


def _ordered(positions: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best ``k`` of (positions, scores), sorted by score then position."""
    if len(positions) > k:
        keep = top_k(scores, k)
        positions, scores = positions[keep], scores[keep]
    order = np.lexsort((positions, -scores))
    return positions[order].astype(np.int64), scores[order]


def _rows_dot(csr: sp.csr_matrix, rows: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """``csr[rows] @ vec`` without building the row subset (fast for a few hundred rows)."""
    starts, ends = csr.indptr[rows], csr.indptr[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(len(rows), dtype=np.float32)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    products = csr.data[offsets] * vec[csr.indices[offsets]]
    owner = np.repeat(np.arange(len(rows)), lengths)
    return np.bincount(owner, weights=products, minlength=len(rows)).astype(np.float32)


# -- exact ----------------------------------------------------------------------------
class ExactIndex:
    """Exact inner-product top-k over block-structured unit vectors.

    ``dense_t`` is (d, m) float32, column ``p`` the dense part of position
    ``p``.  Positions must be sorted by group: ``group_bounds[g]`` is the first
    position of group ``g``.  ``group_buckets[g, c]`` is the bucket of
    categorical block ``c`` for that group (-1: none) and ``group_scale[g, c]``
    its value (``sqrt(weight) / norm``).  ``sparse`` is (m, s) CSR.
    """

    def __init__(
        self,
        dense_t: np.ndarray,
        *,
        group_bounds: np.ndarray | None = None,
        group_buckets: np.ndarray | None = None,
        group_scale: np.ndarray | None = None,
        n_buckets: Sequence[int] = (),
        sparse: sp.csr_matrix | None = None,
        n_threads: int = 1,
    ) -> None:
        # Column-major is fastest; a transposed row-major view (the HNSW graph's own
        # vectors) is accepted as is, to avoid holding the vectors twice.
        self.dense_t = np.asarray(dense_t, dtype=np.float32)
        m = self.dense_t.shape[1]
        self.group_bounds = (
            np.array([0, m], dtype=np.int64)
            if group_bounds is None
            else group_bounds.astype(np.int64)
        )
        self._bounds: list[int] = self.group_bounds.tolist()
        self._run_cache: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        n_groups = len(self.group_bounds) - 1
        self.group_buckets = (
            np.zeros((n_groups, 0), dtype=np.int64) if group_buckets is None else group_buckets
        )
        self.group_scale = (
            np.zeros((n_groups, 0), dtype=np.float32) if group_scale is None else group_scale
        )
        self.n_buckets = tuple(int(b) for b in n_buckets)
        self.sparse = None if sparse is None else sp.csr_matrix(sparse, dtype=np.float32)
        self._sparse_csc = None if self.sparse is None else self.sparse.tocsc()
        if self._sparse_csc is not None:
            self._sparse_csc.sort_indices()
        self.n_threads = max(1, n_threads)
        # Largest dense-part norm in each group: bounds what a group can score.
        norms = np.sqrt(np.einsum("ij,ij->j", self.dense_t, self.dense_t))
        self.group_dense_norm = (
            np.maximum.reduceat(norms, self.group_bounds[:-1]).astype(np.float32)
            if len(norms) and n_groups
            else np.zeros(n_groups, dtype=np.float32)
        )

    @property
    def size(self) -> int:
        return int(self.dense_t.shape[1])

    @property
    def has_table(self) -> bool:
        return self.group_buckets.shape[1] > 0

    def group_of(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.group_bounds, positions, side="right") - 1

    # -- queries --------------------------------------------------------------------
    def query(self, positions: Sequence[int] | np.ndarray) -> Query:
        """The mean of the unit vectors at ``positions``."""
        pos = np.asarray(positions, dtype=np.int64)
        dense = self.dense_t[:, pos].mean(axis=1).astype(np.float32)
        onehots = []
        groups = self.group_of(pos)
        for c, n_b in enumerate(self.n_buckets):
            vec = np.zeros(n_b, dtype=np.float64)
            buckets = self.group_buckets[groups, c]
            has = buckets >= 0
            np.add.at(vec, buckets[has], self.group_scale[groups[has], c])
            onehots.append((vec / len(pos)).astype(np.float32))
        sparse = None
        if self.sparse is not None:
            csr = self.sparse
            cols = np.concatenate([csr.indices[csr.indptr[p] : csr.indptr[p + 1]] for p in pos])
            vals = np.concatenate([csr.data[csr.indptr[p] : csr.indptr[p + 1]] for p in pos])
            unique, inverse = np.unique(cols, return_inverse=True)
            summed = np.bincount(inverse, weights=vals, minlength=len(unique)) / len(pos)
            sparse = (unique.astype(np.int64), summed.astype(np.float32))
        return self.finish(Query(dense, onehots, sparse))

    def finish(self, query: Query) -> Query:
        """Fill in ``query.table`` from its one-hot parts."""
        if not self.has_table:
            return query
        table = np.zeros(len(self.group_scale), dtype=np.float32)
        for c, vec in enumerate(query.onehots):
            buckets = self.group_buckets[:, c]
            has = buckets >= 0
            table[has] += self.group_scale[has, c] * vec[buckets[has]]
        query.table = table
        return query

    # -- scoring --------------------------------------------------------------------
    def scores_at(self, query: Query, positions: np.ndarray) -> np.ndarray:
        """Exact scores of ``query`` at some positions."""
        out = query.dense @ self.dense_t[:, positions]
        if query.table is not None:
            out += query.table[self.group_of(positions)]
        if self.sparse is not None and query.sparse is not None and len(positions):
            qvec = np.zeros(self.sparse.shape[1], dtype=np.float32)
            qvec[query.sparse[0]] = query.sparse[1]
            out += _rows_dot(self.sparse, positions, qvec)
        return out.astype(np.float32)

    def _runs(self, start: int, stop: int) -> list[tuple[int, int, int]]:
        """(first, end, group) of each group's run inside start..stop, relative to start."""
        key = (start, stop)
        if key not in self._run_cache:
            bounds = self._bounds
            lo = int(np.searchsorted(self.group_bounds, start, side="right")) - 1
            hi = int(np.searchsorted(self.group_bounds, stop, side="left"))
            runs = []
            for g in range(max(lo, 0), hi):
                a, b = max(bounds[g], start) - start, min(bounds[g + 1], stop) - start
                if b > a:
                    runs.append((a, b, g))
            self._run_cache[key] = runs
        return self._run_cache[key]

    def _block_scores(self, queries: Sequence[Query], start: int, stop: int) -> np.ndarray:
        """Scores (len(queries), stop - start) of positions start..stop."""
        dense = np.stack([q.dense for q in queries]).astype(np.float32)
        out = dense @ self.dense_t[:, start:stop]
        if self.has_table:
            # One add per run of a group (a few hundred), on a 1-D view for one query.
            runs = self._runs(start, stop)
            if len(queries) == 1:
                row, table = out[0], queries[0].table.tolist()  # type: ignore[union-attr]
                for a, b, g in runs:
                    row[a:b] += table[g]
            else:
                tables = np.stack([q.table for q in queries])[:, :, None]  # type: ignore[misc]
                for a, b, g in runs:
                    out[:, a:b] += tables[:, g]
        if self._sparse_csc is not None:
            csc = self._sparse_csc
            for i, q in enumerate(queries):
                if q.sparse is None:
                    continue
                for col, value in zip(*q.sparse, strict=True):
                    lo_p, hi_p = csc.indptr[col], csc.indptr[col + 1]
                    rows = csc.indices[lo_p:hi_p]
                    a, b = np.searchsorted(rows, [start, stop])
                    out[i, rows[a:b] - start] += value * csc.data[lo_p + a : lo_p + b]
        return out

    def scores(self, query: Query) -> np.ndarray:
        """Exact scores of every position (m,) float32."""
        with _single_threaded_blas():
            return self._block_scores([query], 0, self.size)[0]

    def _shards(self) -> list[tuple[int, int]]:
        m = self.size
        parts = self.n_threads if m >= PARALLEL_ABOVE else 1
        edges = np.linspace(0, m, parts + 1).astype(np.int64)
        return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]

    def _search_shard(
        self, queries: Sequence[Query], k: int, start: int, stop: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        step = max(1, BLOCK_SCORES // max(1, stop - start))
        for i in range(0, len(queries), step):
            block = self._block_scores(queries[i : i + step], start, stop)
            for row in block:
                keep = top_k(row, k)
                out.append((keep + start, row[keep]))
        return out

    def search(self, queries: Sequence[Query], k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each query, the ``k`` best (positions, scores), best first."""
        k = min(k, self.size)
        results: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(queries)
        with _single_threaded_blas():
            if len(self._bounds) > 2:
                for i, q in enumerate(queries):
                    results[i] = self._pruned(q, k)
            full = [i for i, r in enumerate(results) if r is None]
            if full:
                for i, hit in zip(full, self._scan([queries[i] for i in full], k), strict=True):
                    results[i] = hit
        return [r for r in results if r is not None]

    def _scan(self, queries: Sequence[Query], k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Score every position (split over threads by position ranges)."""
        shards = self._shards()
        if len(shards) == 1:
            parts = [self._search_shard(queries, k, 0, self.size)]
        else:
            pool = _pool(len(shards))
            futures = [pool.submit(self._search_shard, queries, k, a, b) for a, b in shards]
            parts = [f.result() for f in futures]
        results = []
        for i in range(len(queries)):
            pos = np.concatenate([p[i][0] for p in parts])
            val = np.concatenate([p[i][1] for p in parts])
            results.append(_ordered(pos, val, k))
        return results

    def _pruned(self, query: Query, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Exact top-k by branch and bound over groups, or None when it would not pay.

        Tracks sharing a sparse column (a genre) with the query are scored
        directly.  Any other track of group ``g`` scores at most
        ``|q.dense| * max|dense| + table[g]`` (Cauchy-Schwarz), so groups are
        scanned best bound first until the next bound is below the k-th best
        score found so far.
        """
        shared, shared_scores = self._shared(query)
        if shared is None:
            return None
        table = query.table if query.table is not None else 0.0
        bound = float(np.linalg.norm(query.dense)) * self.group_dense_norm + table
        pos_parts, val_parts = [shared], [shared_scores]
        best = np.sort(shared_scores)[-k:]
        budget = self.size // 2
        for g in np.argsort(-bound, kind="stable"):
            if len(best) >= k and bound[g] < best[0]:
                break
            lo, hi = self._bounds[g], self._bounds[g + 1]
            budget -= hi - lo
            if budget < 0:
                return None  # the bounds do not prune enough: a full scan is cheaper
            row = self._block_scores([query], lo, hi)[0]
            keep = top_k(row, k)
            pos_parts.append(keep + lo)
            val_parts.append(row[keep])
            best = np.sort(np.concatenate([best, row[keep]]))[-k:]
        pos = np.concatenate(pos_parts)
        val = np.concatenate(val_parts)
        pos, first = np.unique(pos, return_index=True)
        return _ordered(pos, val[first], k)

    def _shared(self, query: Query) -> tuple[np.ndarray | None, np.ndarray]:
        """Positions sharing a sparse column with the query and their exact scores.

        (None, ...) when the posting lists are too long to be worth it.
        """
        csc = self._sparse_csc
        empty = np.array([], dtype=np.int64), np.array([], dtype=np.float32)
        if csc is None or query.sparse is None or not len(query.sparse[0]):
            return empty
        cols, values = query.sparse
        if int((csc.indptr[cols + 1] - csc.indptr[cols]).sum()) > self.size // 8:
            return None, empty[1]
        spans = [(int(csc.indptr[c]), int(csc.indptr[c + 1])) for c in cols]
        found = np.concatenate([csc.indices[a:b] for a, b in spans])
        weights = np.concatenate(
            [v * csc.data[a:b] for (a, b), v in zip(spans, values, strict=True)]
        )
        order = np.argsort(found, kind="stable")  # a merge of sorted posting lists
        ordered = found[order]
        first = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        shared = ordered[first].astype(np.int64)
        genre = np.bincount(np.cumsum(first) - 1, weights=weights[order], minlength=len(shared))
        scores = query.dense @ self.dense_t[:, shared] + genre.astype(np.float32)
        if query.table is not None:
            scores += query.table[self.group_of(shared)]
        return shared, scores.astype(np.float32)

    # -- approximate-search support -------------------------------------------------
    def embedding(self, positions: np.ndarray, projection: np.ndarray | None) -> np.ndarray:
        """Dense vectors (len, D) whose inner products approximate the exact scores.

        Dense part, then each categorical block one-hot times its scale, then the
        sparse part (times ``projection`` when given, e.g. a random projection).
        """
        parts = [self.dense_t[:, positions].T]
        groups = self.group_of(positions)
        for c, n_b in enumerate(self.n_buckets):
            block = np.zeros((len(positions), n_b), dtype=np.float32)
            buckets = self.group_buckets[groups, c]
            has = np.flatnonzero(buckets >= 0)
            block[has, buckets[has]] = self.group_scale[groups[has], c]
            parts.append(block)
        if self.sparse is not None:
            rows = self.sparse[positions]
            parts.append(
                np.asarray(rows @ projection if projection is not None else rows.toarray())
            )
        return np.hstack(parts).astype(np.float32)

    def query_embedding(self, query: Query, projection: np.ndarray | None) -> np.ndarray:
        parts = [query.dense, *query.onehots]
        if self.sparse is not None:
            vec = np.zeros(self.sparse.shape[1], dtype=np.float32)
            if query.sparse is not None:
                vec[query.sparse[0]] = query.sparse[1]
            parts.append(vec @ projection if projection is not None else vec)
        return np.concatenate(parts).astype(np.float32)


# -- controls ---------------------------------------------------------------------------
def candidate_depth(n: int, controls: Controls, n_seeds: int) -> int:
    """How many candidates to fetch so that exclusions and the artist cap still leave ``n``."""
    depth = 4 * n + len(controls.exclude)
    if controls.exclude_seeds:
        depth += n_seeds
    if controls.max_per_artist is not None:
        depth += 4 * n
    return depth


@lru_cache(maxsize=4)
def _everyone(n: int) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    mask.flags.writeable = False
    return mask


def select_candidates(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    seeds: Sequence[int],
) -> list[tuple[int, float]]:
    """``select`` over a search's candidates, checking only their rows against the controls."""
    keep = allowed_mask(data, controls, seeds, rows=rows)
    return select(rows[keep], scores[keep], n, data, controls, _everyone(data.n_tracks))


def best_allowed(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    mask: np.ndarray,
) -> list[tuple[int, float]]:
    """``select`` over every scored row: targets applied, then deeper until ``n`` survive."""
    scores = apply_targets(rows, scores, data, controls)
    keep = mask[rows]
    rows, scores = rows[keep], scores[keep]
    depth = max(1, candidate_depth(n, controls, 0))
    while True:
        cand = top_candidates(scores, depth)
        picked = select(rows[cand], scores[cand], n, data, controls, mask)
        if len(picked) >= n or depth >= len(rows):
            return picked
        depth *= 4
