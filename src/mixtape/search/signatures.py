"""Genre *signatures*: the distinct sparse rows of an index, scored once per query.

Tracks inherit their artists' genres, so a million tracks hold only tens of
thousands of distinct genre vectors (45,000 in ``benchmarks/bench_models.py``
at 1.2M tracks).  :class:`Signatures` keeps each distinct (scaled) row once,
which position has which, and the positions of each signature as one run of
``order``.  A query's genre score is then computed for every *signature*
through a genre -> signature inverted index (a few posting lists), and a
position's genre score is its signature's.  Besides being smaller than a
per-track sparse matrix and its transpose, this lets the exact search bound a
whole signature at once (see :mod:`mixtape.search.pruning`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mixtape.search.kernels import genre_scores, sharing_top


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + n)`` for each (start, length)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.array([], dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - np.cumsum(lengths) + lengths
    return np.repeat(shift, lengths) + np.arange(total)


def distinct_rows(matrix: sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The distinct rows of a sparse matrix, and for each row the index of its distinct row.

    Rows are equal when they hold the same columns with bit-identical values.
    Rows are compared in groups of equal length (each group one ``np.unique``
    over (columns, values) as integers), so no row is padded.
    """
    csr = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    csr.sum_duplicates()
    csr.sort_indices()
    counts = np.diff(csr.indptr)
    inverse = np.empty(csr.shape[0], dtype=np.int64)
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    found = 0
    for count in np.unique(counts).tolist():
        rows = np.flatnonzero(counts == count)
        if count == 0:
            inverse[rows] = found
            lengths.append(np.zeros(1, dtype=np.int64))
            found += 1
            continue
        at = csr.indptr[rows][:, None] + np.arange(count)
        key = np.concatenate(
            [csr.indices[at].astype(np.int32), csr.data[at].view(np.int32)], axis=1
        )
        unique, inv = np.unique(key, axis=0, return_inverse=True)
        inverse[rows] = found + inv.reshape(-1)
        indices.append(unique[:, :count].reshape(-1))
        data.append(np.ascontiguousarray(unique[:, count:]).view(np.float32).reshape(-1))
        lengths.append(np.full(len(unique), count, dtype=np.int64))
        found += len(unique)
    indptr = np.concatenate(([0], np.cumsum(np.concatenate(lengths)))) if lengths else [0]
    out = sp.csr_matrix(
        (
            np.concatenate(data) if data else np.array([], dtype=np.float32),
            np.concatenate(indices) if indices else np.array([], dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(found, csr.shape[1]),
    )
    return out, inverse


class Signatures:
    """Distinct sparse rows (``matrix``, one per signature) and each position's signature.

    Positions are also cut into *cells*: maximal runs of neighbouring positions
    with the same group (``group_bounds``, see :class:`ExactIndex`) and
    signature, each with the largest dense-part norm among its positions.  A
    cell's tracks share their genre score and their one-hot table entry, so
    one bound holds for the whole cell.  ``cells(sigs)`` lists a signature's
    cells through a signature -> cells index.
    """

    def __init__(
        self,
        matrix: sp.spmatrix,
        of: np.ndarray,
        dense_norms: np.ndarray,
        group_bounds: np.ndarray | None = None,
    ) -> None:
        self.matrix = sp.csr_matrix(matrix, dtype=np.float32)
        self.matrix.sort_indices()
        self.of = np.asarray(of, dtype=np.int32)
        m, n_sig = len(self.of), self.matrix.shape[0]
        self._csc = self.matrix.tocsc()
        self._csc.sort_indices()
        groups = np.zeros(m, dtype=np.int64)
        if group_bounds is not None and m:
            groups = np.searchsorted(group_bounds, np.arange(m), side="right") - 1
        change = np.flatnonzero((np.diff(self.of) != 0) | (np.diff(groups) != 0)) + 1
        starts = np.concatenate(([0], change)) if m else np.zeros(0, dtype=np.int64)
        self.cell_bounds = np.concatenate((starts, [m])).astype(np.int64)
        self.cell_sig = self.of[starts]
        self.cell_group = groups[starts].astype(np.int32)
        self.cell_dense_norm = (
            np.maximum.reduceat(np.asarray(dense_norms, dtype=np.float32), starts)
            if m
            else np.zeros(0, dtype=np.float32)
        )
        self.sig_cells = np.argsort(self.cell_sig, kind="stable").astype(np.int64)
        per_sig = np.bincount(self.cell_sig, minlength=n_sig)
        self.sig_cell_bounds = np.concatenate(([0], np.cumsum(per_sig)))
        #: Largest dense-part norm of each signature's positions.
        self.dense_norm = np.zeros(n_sig, dtype=np.float32)
        np.maximum.at(self.dense_norm, self.cell_sig, self.cell_dense_norm)
        #: The cells in signature order (signature s: rows sig_cell_bounds[s]..[s+1]), one
        #: row each: [first position, end, group] and the largest dense norm, so that
        #: the compiled search reads a signature's cells from neighbouring memory.
        by_sig = self.sig_cells
        self.cell_rows = np.stack(
            [self.cell_bounds[:-1][by_sig], self.cell_bounds[1:][by_sig], self.cell_group[by_sig]],
            axis=1,
        ).astype(np.int32)
        self.cell_row_norm = self.cell_dense_norm[by_sig]
        self.bound_tables(np.zeros((1, 0), dtype=np.int64), np.zeros((1, 0), dtype=np.float32))

    def bound_tables(self, group_buckets: np.ndarray, group_scale: np.ndarray) -> None:
        """Learn, per signature, what its groups' one-hot blocks can add to a score.

        ``group_buckets[g, c]`` is group ``g``'s bucket in block ``c`` (-1: none) and
        ``group_scale[g, c]`` its value, as in :class:`ExactIndex`.  Sets
        ``sig_bounds``: one float32 row per signature, [largest dense norm, each
        block's largest scale, then bit words] where bit ``b`` is set when the
        signature's positions have bucket ``b`` of the blocks end to end (block c's
        buckets from ``block_start[c]``); the words are read through the uint32 view
        ``sig_bits``.  16 bytes a signature by default: the compiled search reads all a
        bound needs from one cache line.
        """
        n_sig, n_blocks = self.matrix.shape[0], group_buckets.shape[1]
        widths = [int(group_buckets[:, c].max(initial=-1)) + 1 for c in range(n_blocks)]
        self.block_start = np.concatenate(([0], np.cumsum(widths))).astype(np.int64)
        n_words = (int(self.block_start[-1]) + 31) // 32
        rows = np.zeros((n_sig, 1 + n_blocks + n_words), dtype=np.float32)
        bits = rows.view(np.uint32)
        rows[:, 0] = self.dense_norm
        for c in range(n_blocks):
            buckets = group_buckets[self.cell_group, c]
            has = buckets >= 0
            sig = self.cell_sig[has]
            np.maximum.at(rows[:, 1 + c], sig, group_scale[self.cell_group[has], c])
            bit = self.block_start[c] + buckets[has]
            np.bitwise_or.at(
                bits, (sig, 1 + n_blocks + bit // 32), (1 << (bit % 32)).astype(np.uint32)
            )
        self.sig_bounds = rows
        self.sig_bits = bits

    @classmethod
    def of_rows(
        cls, rows: sp.spmatrix, dense_norms: np.ndarray, group_bounds: np.ndarray | None = None
    ) -> Signatures:
        """Signatures of a per-position sparse matrix (its distinct rows)."""
        matrix, of = distinct_rows(rows)
        return cls(matrix, of, dense_norms, group_bounds)

    @property
    def n_columns(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def n_cells(self) -> int:
        return len(self.cell_sig)

    def rows(self, positions: np.ndarray) -> sp.csr_matrix:
        """The sparse rows of some positions."""
        return self.matrix[self.of[positions]]

    def row(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one position's sparse row."""
        m, sig = self.matrix, int(self.of[position])
        a, b = m.indptr[sig], m.indptr[sig + 1]
        return m.indices[a:b].astype(np.int64), m.data[a:b].copy()

    def mean(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of the mean sparse row of ``positions``."""
        sig, times = np.unique(self.of[positions], return_counts=True)
        m = self.matrix
        starts, lengths = m.indptr[sig], m.indptr[sig + 1] - m.indptr[sig]
        at = ranges(starts, lengths)
        cols, inverse = np.unique(m.indices[at], return_inverse=True)
        weights = m.data[at] * np.repeat(times, lengths)
        total = np.bincount(inverse, weights=weights, minlength=len(cols)) / len(positions)
        keep = total != 0
        return cols[keep].astype(np.int64), total[keep].astype(np.float32)

    def scores(self, columns: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each signature's inner product with the sparse vector (columns, values), and
        the signatures holding one of ``columns`` (in no particular order)."""
        csc = self._csc
        return genre_scores(
            csc.indptr,
            csc.indices,
            csc.data,
            np.asarray(columns, dtype=np.int64),
            np.asarray(values, dtype=np.float32),
            self.matrix.shape[0],
        )

    def cells(self, sigs: np.ndarray) -> np.ndarray:
        """The cells of the signatures ``sigs``."""
        starts = self.sig_cell_bounds[sigs]
        lengths = self.sig_cell_bounds[np.asarray(sigs) + 1] - starts
        return self.sig_cells[ranges(starts, lengths)]

    def cell_positions(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of ``cells``, the index in ``cells`` each one comes from)."""
        starts = self.cell_bounds[cells]
        lengths = self.cell_bounds[np.asarray(cells) + 1] - starts
        return ranges(starts, lengths), np.repeat(np.arange(len(cells)), lengths)

    def top_sharing(
        self,
        sigs: np.ndarray,
        genre: np.ndarray,
        q_dense: np.ndarray,
        q_norm: float,
        table: np.ndarray,
        onehot: np.ndarray,
        dense_t: np.ndarray,
        k: int,
        budget: int,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(positions, scores) of every track of the signatures ``sigs`` that could be in
        the query's top ``k``, or None once more than ``budget`` would be scored.

        ``genre`` holds the query's score of each signature, ``table`` its score of
        each group and ``onehot`` its one-hot blocks end to end; ``dense_t`` is the
        index's dense part (d, m).  The compiled branch and bound
        (:func:`mixtape.search.kernels.sharing_top`) bounds each signature, then each
        of its cells, against the k-th best score found so far.
        """
        positions, scores, complete = sharing_top(
            sigs,
            genre,
            q_dense,
            q_norm,
            table,
            onehot,
            self.block_start,
            dense_t,
            self.sig_bounds,
            self.sig_bits,
            self.sig_cell_bounds,
            self.cell_rows,
            self.cell_row_norm,
            k,
            budget,
        )
        return (positions, scores) if complete else None
