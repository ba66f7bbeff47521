"""Genre signatures: distinct sparse rows, scored once per query."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mixtape.search.signatures import Signatures, distinct_rows, ranges


def random_rows(seed: int, n: int = 400, cols: int = 12) -> sp.csr_matrix:
    """Rows drawn from a few patterns (so many repeat), some empty, values 1 or 0.5."""
    rng = np.random.default_rng(seed)
    patterns = sp.random(25, cols, density=0.2, format="csr", random_state=seed, dtype=np.float32)
    patterns.data[:] = rng.choice([0.5, 1.0], patterns.nnz)
    return sp.csr_matrix(patterns[rng.integers(0, 25, n)])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_distinct_rows_rebuild_the_matrix_and_are_distinct(seed: int) -> None:
    rows = random_rows(seed)
    distinct, inverse = distinct_rows(rows)
    assert (distinct[inverse] != rows).nnz == 0
    dense = distinct.toarray()
    assert len(np.unique(dense, axis=0)) == distinct.shape[0]


def test_rows_with_other_values_or_columns_are_different_signatures() -> None:
    rows = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [1, 0, 0.5], [0, 1, 1], [0, 0, 0]]))
    distinct, inverse = distinct_rows(rows)
    assert distinct.shape[0] == 4
    assert inverse[0] == inverse[1]
    assert len(set(inverse[[0, 2, 3, 4]].tolist())) == 4


def test_signature_scores_cells_and_means_match_the_per_row_matrix() -> None:
    rows = random_rows(3)
    norms = np.random.default_rng(0).random(rows.shape[0]).astype(np.float32)
    group_bounds = np.array([0, 150, 151, 400])
    sigs = Signatures.of_rows(rows, norms, group_bounds)
    query = np.zeros(rows.shape[1], dtype=np.float32)
    query[[1, 4, 7]] = [0.3, 1.0, 0.2]
    scores, touched = sigs.scores(np.array([1, 4, 7]), query[[1, 4, 7]])
    assert np.allclose(scores[sigs.of], rows @ query, atol=1e-6)
    assert sorted(touched.tolist()) == np.flatnonzero(scores).tolist()
    # Cells: maximal runs of one signature inside one group, covering every position once.
    bounds = sigs.cell_bounds
    assert bounds[0] == 0 and bounds[-1] == rows.shape[0]
    for c in range(sigs.n_cells):
        a, b = bounds[c], bounds[c + 1]
        assert set(sigs.of[a:b].tolist()) == {sigs.cell_sig[c]}
        assert group_bounds[sigs.cell_group[c]] <= a and b <= group_bounds[sigs.cell_group[c] + 1]
        assert sigs.cell_dense_norm[c] == norms[a:b].max()
    # A signature's cells hold exactly the positions that have it.
    for s in (0, 3, 5):
        cells = sigs.cells(np.array([s]))
        positions, owner = sigs.cell_positions(cells)
        assert sorted(positions.tolist()) == np.flatnonzero(sigs.of == s).tolist()
        for p, c in zip(positions, cells[owner], strict=True):  # each from its own cell
            assert bounds[c] <= p < bounds[c + 1]
    picked = np.array([0, 5, 5, 9, 100])
    cols, values = sigs.mean(picked)
    want = np.asarray(rows[picked].mean(axis=0)).ravel()
    assert np.allclose(np.bincount(cols, weights=values, minlength=rows.shape[1]), want)


def test_ranges_concatenate_aranges() -> None:
    got = ranges(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert got.tolist() == [5, 6, 9, 10, 11]
    assert ranges(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []
