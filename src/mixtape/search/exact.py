"""Exact top-k over the whole catalog, for block-structured unit vectors.

**Exact.**  Indexed tracks are *positions* ``0..m-1`` (the model keeps the
position → row map).  A track's unit vector is stored in three parts and a
query's score is their sum::

    score(p) = dense[:, p] · q.dense            one BLAS product, column-major float32
             + q.table[group(p)]                positions sorted by group: runs of one add
             + q.genre[signature(p)]            each distinct sparse row scored once

The dense part holds the audio features; the *groups* hold one-hot blocks
(era, popularity) together with the track's norm, so their contribution is a
per-query table over a few hundred groups instead of extra columns; the sparse
part (genre TF-IDF) is kept as *signatures*, the distinct sparse rows
(:mod:`mixtape.search.signatures`), scored once per query through a genre →
signature inverted index.  With groups or signatures the search is a branch
and bound (:mod:`mixtape.search.pruning`): tracks sharing a genre with the query are
bounded per signature and per *cell* (a run of one group and one signature:
one genre score, one table entry, the largest dense norm); the best-bounded
signatures are visited first for a k-th best score, then only the signatures
and cells that can still reach it (a compiled loop,
:func:`mixtape.search.kernels.sharing_top`); groups of the other tracks are
scanned best bound first until none can reach it.
Otherwise every position is scored: top-k uses a sampled threshold (``s >= t``
is much cheaper than ``np.argpartition`` over a million scores) with an exact
fallback, ties going to the lower position, and work is split over threads by
contiguous position ranges (numpy releases the GIL; BLAS is kept to one thread
inside so the two levels do not fight over two cores: :mod:`mixtape.search.threads`).

The approximate indexes search an embedding of the same vectors
(:mod:`mixtape.search.embedding`) and re-score what they find here.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from contextlib import nullcontext

import numpy as np
import scipy.sparse as sp

from mixtape.search.pruning import pruned
from mixtape.search.query import Query
from mixtape.search.signatures import Signatures
from mixtape.search.threads import pool, single_threaded_blas
from mixtape.search.topk import ordered, top_k

#: Scores computed at once in a batch (queries x positions), to bound memory.
BLOCK_SCORES = 8_000_000
#: Below this many positions a search runs on one thread.
PARALLEL_ABOVE = 100_000

#: What every single-track query from one group shares (``ExactIndex._group_part``): the
#: one-hot blocks, the table of group scores, the blocks end to end, their squared length.
_GroupPart = tuple[tuple[np.ndarray, ...], np.ndarray | None, np.ndarray, float]


class ExactIndex:
    """Exact inner-product top-k over block-structured unit vectors.

    ``dense_t`` is (d, m) float32, column ``p`` the dense part of position
    ``p``.  Positions must be sorted by group: ``group_bounds[g]`` is the first
    position of group ``g``.  ``group_buckets[g, c]`` is the bucket of
    categorical block ``c`` for that group (-1: none) and ``group_scale[g, c]``
    its value (``sqrt(weight) / norm``).  The sparse part is given either per
    position (``sparse``, (m, s) CSR) or already as :class:`Signatures`.
    """

    def __init__(
        self,
        dense_t: np.ndarray,
        *,
        group_bounds: np.ndarray | None = None,
        group_buckets: np.ndarray | None = None,
        group_scale: np.ndarray | None = None,
        n_buckets: Sequence[int] = (),
        sparse: sp.spmatrix | None = None,
        signatures: tuple[sp.spmatrix, np.ndarray] | None = None,
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
        self._group_parts: dict[int, _GroupPart] = {}
        n_groups = len(self.group_bounds) - 1
        self.group_buckets = (
            np.zeros((n_groups, 0), dtype=np.int64) if group_buckets is None else group_buckets
        )
        self.group_scale = (
            np.zeros((n_groups, 0), dtype=np.float32) if group_scale is None else group_scale
        )
        self.n_buckets = tuple(int(b) for b in n_buckets)
        self._table_parts = (
            [np.maximum(self.group_buckets[:, c], 0) for c in range(len(self.n_buckets))],
            [np.ascontiguousarray(self.group_scale[:, c]) for c in range(len(self.n_buckets))],
        )
        self.n_threads = max(1, n_threads)
        # Largest dense-part norm in each group: bounds what a group can score.
        norms = np.sqrt(np.einsum("ij,ij->j", self.dense_t, self.dense_t))
        self.max_dense_norm = float(norms.max()) if len(norms) else 0.0
        self.group_dense_norm = (
            np.maximum.reduceat(norms, self.group_bounds[:-1]).astype(np.float32)
            if len(norms) and n_groups
            else np.zeros(n_groups, dtype=np.float32)
        )
        self.signatures: Signatures | None = None
        if signatures is not None:
            matrix, of = signatures
            self.signatures = Signatures(matrix, of, norms, self.group_bounds)
        elif sparse is not None:
            self.signatures = Signatures.of_rows(sparse, norms, self.group_bounds)
        if self.signatures is not None and self.has_table:
            self.signatures.bound_tables(self.group_buckets, self.group_scale)

    @property
    def size(self) -> int:
        return int(self.dense_t.shape[1])

    @property
    def has_table(self) -> bool:
        return self.group_buckets.shape[1] > 0

    def group_of(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.group_bounds, positions, side="right") - 1

    def reordered(self, order: np.ndarray) -> ExactIndex:
        """The same vectors with position ``i`` holding old position ``order[i]``.

        Only for an index of plain dense vectors (no groups, no sparse part),
        whose positions carry no meaning.  Copies one dense row at a time.
        """
        if len(self._bounds) > 2 or self.has_table or self.signatures is not None:
            raise ValueError("only a plain dense index can be reordered")
        dense_t = np.empty_like(self.dense_t, order="C")
        for j in range(len(dense_t)):
            dense_t[j] = self.dense_t[j][order]
        return ExactIndex(dense_t, n_threads=self.n_threads)

    # -- queries --------------------------------------------------------------------
    def query(self, positions: Sequence[int] | np.ndarray) -> Query:
        """The mean of the unit vectors at ``positions``."""
        pos = np.asarray(positions, dtype=np.int64)
        if len(pos) == 1:
            return self._single_query(int(pos[0]))
        dense = self.dense_t[:, pos].mean(axis=1).astype(np.float32)
        onehots = []
        groups = self.group_of(pos)
        for c, n_b in enumerate(self.n_buckets):
            vec = np.zeros(n_b, dtype=np.float64)
            buckets = self.group_buckets[groups, c]
            has = buckets >= 0
            np.add.at(vec, buckets[has], self.group_scale[groups[has], c])
            onehots.append((vec / len(pos)).astype(np.float32))
        sparse = None if self.signatures is None else self.signatures.mean(pos)
        return self.finish(Query(dense, onehots, sparse))

    def _single_query(self, p: int) -> Query:
        """One track's own vector (the common case, without the averaging's overhead)."""
        group = bisect.bisect_right(self._bounds, p) - 1  # as group_of, on a list
        onehots, table, onehot, norm2 = self._group_part(group)
        sparse = None if self.signatures is None else self.signatures.row(p)
        query = Query(self.dense_t[:, p].copy(), list(onehots), sparse)
        query.table, query.onehot, query.onehot_norm2 = table, onehot, norm2
        return self.finish(query, table_done=True)

    def _group_part(self, group: int) -> _GroupPart:
        """A single track's one-hot blocks, its table of group scores, the blocks end to end
        and their squared length, which depend on its group only: computed once per group,
        the first time."""
        part = self._group_parts.get(group)
        if part is None:
            onehots = []
            for c, n_b in enumerate(self.n_buckets):
                vec = np.zeros(n_b, dtype=np.float32)
                bucket = int(self.group_buckets[group, c])
                if bucket >= 0:
                    vec[bucket] = self.group_scale[group, c]
                onehots.append(vec)
            # Shared by every query from the group and never written to; left writeable
            # all the same: numba compiles a separate kernel for read-only arrays, which
            # warm_up would not have compiled ahead.
            part = self._group_parts[group] = (
                tuple(onehots),
                self._table(onehots),
                np.concatenate(onehots) if onehots else np.zeros(0, dtype=np.float32),
                sum(float(v @ v) for v in onehots),
            )
        return part

    def finish(self, query: Query, *, table_done: bool = False) -> Query:
        """Fill in ``query.table`` (unless ``table_done``) and ``query.genre`` from its
        one-hot and sparse parts."""
        if not table_done:
            query.table = self._table(query.onehots)
        if self.signatures is not None and query.sparse is not None and len(query.sparse[0]):
            query.genre, query.genre_sigs = self.signatures.scores(*query.sparse)
        return query

    def _table(self, onehots: Sequence[np.ndarray]) -> np.ndarray | None:
        """The one-hot blocks' score of every group (None without blocks)."""
        if not self.has_table:
            return None
        # group_scale is 0 where a group has no bucket, so bucket 0 stands in there.
        table = np.zeros(len(self.group_scale), dtype=np.float32)
        for vec, buckets, scale in zip(onehots, *self._table_parts, strict=True):
            if len(vec):  # a block with no buckets at all (no track has a year) adds 0
                table += scale * vec[buckets]
        return table

    def _sharing(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """Positions whose genre score is not zero, and those scores (kept on the query)."""
        if query.sharing is None:
            if query.genre is None or self.signatures is None:
                query.sharing = (np.array([], dtype=np.int64), np.array([], dtype=np.float32))
            else:
                sigs = self.signatures
                cells = np.sort(sigs.cells(query.genre_sigs))  # in position order
                positions, which = sigs.cell_positions(cells)
                query.sharing = (positions, query.genre[sigs.cell_sig[cells]][which])
        return query.sharing

    # -- scoring --------------------------------------------------------------------
    def scores_at(self, query: Query, positions: np.ndarray) -> np.ndarray:
        """Exact scores of ``query`` at some positions."""
        positions = np.asarray(positions, dtype=np.int64)
        out = query.dense @ self.dense_t[:, positions]
        if query.table is not None:
            out += query.table[self.group_of(positions)]
        if query.genre is not None and self.signatures is not None:
            out += query.genre[self.signatures.of[positions]]
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

    def _block_scores(
        self, queries: Sequence[Query], start: int, stop: int, genres: bool = True
    ) -> np.ndarray:
        """Scores (len(queries), stop - start) of positions start..stop.

        ``genres=False`` leaves out the sparse part (the branch and bound has
        scored every track sharing a genre with the query already).
        """
        dense = (
            queries[0].dense[None, :]
            if len(queries) == 1
            else np.stack([q.dense for q in queries]).astype(np.float32)
        )
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
        for i, q in enumerate(queries):
            if genres and q.genre is not None:
                positions, genre = self._sharing(q)
                a, b = np.searchsorted(positions, [start, stop])
                out[i, positions[a:b] - start] += genre[a:b]
        return out

    def scores(self, query: Query) -> np.ndarray:
        """Exact scores of every position (m,) float32."""
        with single_threaded_blas():
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
        # BLAS threads matter only over many positions; switching them costs more than a
        # small index's whole search.
        with single_threaded_blas() if self.size >= PARALLEL_ABOVE else nullcontext():
            if len(self._bounds) > 2 or self.signatures is not None:
                for i, q in enumerate(queries):
                    results[i] = pruned(self, q, k)
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
            threads = pool(len(shards))
            futures = [threads.submit(self._search_shard, queries, k, a, b) for a, b in shards]
            parts = [f.result() for f in futures]
        results = []
        for i in range(len(queries)):
            pos = np.concatenate([p[i][0] for p in parts])
            val = np.concatenate([p[i][1] for p in parts])
            results.append(ordered(pos, val, k))
        return results
