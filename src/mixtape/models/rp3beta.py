"""``rp3beta``: item-item similarity from a three-step random walk, popular tracks penalised.

The walk goes track → playlist → track over the (playlists × tracks) baskets
(Cooper et al. 2014, P3α; Paudel et al. 2017, RP3β).  With ``X`` the 0/1
matrix, ``P_tp`` the track → playlist transition probabilities (``Xᵀ`` with
each row divided by the track's playlist count) and ``P_pt`` the playlist →
track ones (``X`` with each row divided by the playlist's length)::

    W[i, j] = (P_tp^α · P_pt^α)[i, j] / popularity[j]^β

``α`` (an element-wise power) sharpens or flattens the transitions (α = 1 is
the plain walk) and ``β`` divides by the target's playlist count, so that a
track found next to everything does not win every list (β = 0 is P3α).  Each
track keeps its ``neighbours`` largest weights (itself left out), as a sparse
matrix built a block of rows at a time, so memory stays ``tracks ×
neighbours``.

Serving is the ``cooccurrence`` model's: a query sums the seeds' rows, scores
are divided by the best, reasons count the playlists a track shares with the
seed that added most ("in 37 playlists with 'Song A'"), and a short list is
completed with popular tracks.  Only the similarity differs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.collaborative import binary_baskets, check_format
from mixtape.models.cooccurrence import CooccurrenceModel

#: Version of what ``_state`` saves; a saved model of another format is refitted.
STATE_FORMAT = 1
#: Tracks per block of the similarity product (bounds the memory of one product).
BLOCK = 4096


def rp3beta_similarity(
    baskets: sp.csr_matrix, alpha: float, beta: float, neighbours: int
) -> sp.csr_matrix:
    """(tracks × tracks) RP3β weights, each row cut to its ``neighbours`` largest.

    ``baskets`` is the 0/1 (playlists × tracks) matrix.  A track in no playlist
    has an empty row and column.
    """
    n = baskets.shape[1]
    per_playlist = np.asarray(baskets.sum(axis=1)).ravel()
    per_track = np.asarray(baskets.sum(axis=0)).ravel()
    to_track = _scale_rows(baskets, per_playlist, alpha)  # playlist -> track
    to_playlist = _scale_rows(sp.csr_matrix(baskets.T), per_track, alpha)  # track -> playlist
    penalty = np.zeros(n, dtype=np.float64)
    seen = per_track > 0
    penalty[seen] = per_track[seen] ** -beta
    to_track = sp.csr_matrix(to_track @ sp.diags(penalty))
    blocks = [
        _top_k_rows(to_playlist[start : start + BLOCK] @ to_track, start, neighbours)
        for start in range(0, n, BLOCK)
    ]
    similarity = sp.csr_matrix(sp.vstack(blocks, format="csr"), dtype=np.float32)
    similarity.sort_indices()
    return similarity


def _scale_rows(matrix: sp.csr_matrix, totals: np.ndarray, alpha: float) -> sp.csr_matrix:
    """Each row divided by its total (a transition probability), then raised to ``alpha``."""
    inverse = np.zeros(len(totals), dtype=np.float64)
    inverse[totals > 0] = 1.0 / totals[totals > 0]
    scaled = sp.csr_matrix(sp.diags(inverse) @ matrix, dtype=np.float64)
    scaled.data **= alpha
    return scaled


def _top_k_rows(block: sp.csr_matrix, first_row: int, k: int) -> sp.csr_matrix:
    """The ``k`` largest entries of each row of ``block`` (rows ``first_row``…), the
    diagonal dropped: one sort of the block's entries, no loop over rows."""
    block = sp.coo_matrix(block)
    keep = (block.row + first_row != block.col) & (block.data > 0)
    rows, cols, vals = block.row[keep], block.col[keep], block.data[keep]
    order = np.lexsort((cols, -vals, rows))  # by row, largest first, ties by column
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(block.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    top = rank < k
    return sp.csr_matrix((vals[top], (rows[top], cols[top])), shape=block.shape)


class RP3betaModel(CooccurrenceModel):
    name = "rp3beta"
    summary = (
        "Tracks a random walk reaches from your seeds through shared playlists, "
        "popular tracks penalised (RP3beta)."
    )
    score_meaning = (
        "random-walk probability from the seeds over popularity^beta, divided by the best "
        "candidate's (1 = the strongest), less any target penalty; below 0: popular fill"
    )

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.3,
        neighbours: int = 400,
        backfill: bool = True,
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.neighbours = neighbours
        self.backfill = backfill

    def check_params(self) -> None:
        if self.alpha <= 0:
            raise InputError(f"alpha must be above 0, got {self.alpha}")
        if self.neighbours < 1:
            raise InputError(f"neighbours must be at least 1, got {self.neighbours}")

    def _fit(self, data: TrackArrays) -> None:
        self.similarity_ = rp3beta_similarity(
            binary_baskets(data), self.alpha, self.beta, self.neighbours
        )
        self._index(data)

    def _state(self) -> dict[str, np.ndarray]:
        return {"format": np.array(STATE_FORMAT), **super()._state()}

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        check_format(self.name, state, STATE_FORMAT)
        super()._restore(state, data)
