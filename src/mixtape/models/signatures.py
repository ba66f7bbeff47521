"""Genre *signatures*: the distinct sparse rows of an index, scored once per query.

Tracks inherit their artists' genres, so a million tracks hold only tens of
thousands of distinct genre vectors (45,000 in ``benchmarks/bench_models.py``
at 1.2M tracks).  :class:`Signatures` keeps each distinct (scaled) row once,
which position has which, and the positions of each signature as one run of
``order``.  A query's genre score is then computed for every *signature*
through a genre -> signature inverted index (a few posting lists), and a
position's genre score is its signature's.  Besides being smaller than a
per-track sparse matrix and its transpose, this lets the exact search bound a
whole signature at once (see ``ExactIndex._pruned``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


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
        self._sig_cells = np.argsort(self.cell_sig, kind="stable").astype(np.int64)
        per_sig = np.bincount(self.cell_sig, minlength=n_sig)
        self._sig_cell_bounds = np.concatenate(([0], np.cumsum(per_sig)))
        self._sig_size = np.bincount(self.of, minlength=n_sig)
        #: Groups holding a position whose sparse row is not empty.
        nonempty = np.diff(self.matrix.indptr) > 0
        self.genre_groups = np.unique(self.cell_group[nonempty[self.cell_sig]])

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
        """Each signature's inner product with the sparse vector (columns, values),
        and the signatures holding one of ``columns`` (ascending)."""
        csc = self._csc
        starts = csc.indptr[columns]
        lengths = csc.indptr[np.asarray(columns) + 1] - starts
        at = ranges(starts, lengths)
        touched = csc.indices[at]
        weights = csc.data[at] * np.repeat(np.asarray(values, dtype=np.float32), lengths)
        out = np.bincount(touched, weights=weights, minlength=self.matrix.shape[0])
        out = out.astype(np.float32)
        # One posting list is sorted already; several are merged (np.sort: np.unique
        # was measured 20x slower on a few thousand integers).
        if len(columns) > 1:
            touched = np.sort(touched)
            touched = touched[np.concatenate(([True], touched[1:] != touched[:-1]))]
        return out, touched.astype(np.int64)

    def size(self, sigs: np.ndarray) -> int:
        """How many positions the signatures ``sigs`` hold."""
        return int(self._sig_size[sigs].sum())

    def cells(self, sigs: np.ndarray) -> np.ndarray:
        """The cells of the signatures ``sigs``."""
        starts = self._sig_cell_bounds[sigs]
        lengths = self._sig_cell_bounds[np.asarray(sigs) + 1] - starts
        return self._sig_cells[ranges(starts, lengths)]

    def cell_positions(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of ``cells``, the index in ``cells`` each one comes from)."""
        starts = self.cell_bounds[cells]
        lengths = self.cell_bounds[np.asarray(cells) + 1] - starts
        return ranges(starts, lengths), np.repeat(np.arange(len(cells)), lengths)
