"""``ease``: the closed-form linear auto-encoder of the playlists (Steck 2019, EASE^R).

On the 0/1 (playlists × items) matrix ``X`` of the kept items::

    P = (XᵀX + λI)⁻¹        B = I − P · diag(1 / diag(P))   (so diag(B) = 0)

``B[i, j]`` is how much having track ``i`` in a playlist predicts track ``j``,
learnt for all pairs at once (negative weights included), and a query's scores
are the sum of its seeds' rows of ``B``.

``B`` is dense, so the catalog is pruned first: the tracks in at least
``min_count`` playlists, the ``max_items`` most-playlisted of them.  Memory is
``4 · m²`` bytes per m × m float32 matrix and the fit holds two (the Gram
matrix becomes ``P`` in place, then ``B``): 10,000 items need 0.4 GB per
matrix, 20,000 items 1.6 GB, 50,000 items 10 GB.  Time grows as ``m³`` (a
Cholesky factorisation and inverse): seconds at 10,000 items, minutes at
20,000 on two cores.  ``min_count`` is 1 by default, so the cap decides: on
the whole MPD subset (5,336 playlists; 18,423 tracks in at least five) the
15,000 most-playlisted (the default, chosen on validation playlists: 10,000 and
5,000 scored lower) are each in at least six playlists, 0.9 GB per matrix, 1.8 GB
at the fit's peak.  The full MPD's 2.26M tracks would need 20 TB per matrix: there
about 30,000-40,000 items (3.6-6.4 GB per matrix, twice that at the peak) is what
a 24 GiB machine holds.  A small catalog keeps every track in a playlist.

Tracks outside the kept set are never recommended (not even as popular
filling); seeds outside it are ignored, and a query with none inside is
refused.  Saved models keep ``B`` (``4 · m²`` bytes: 0.9 GB at 15,000 items).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.collaborative import ScoredItemsModel, binary_baskets, check_format

#: Version of what ``_state`` saves; a saved model of another format is refitted.
STATE_FORMAT = 1
#: Rows per block when mirroring the inverse's upper triangle (no m × m index arrays).
_MIRROR_BLOCK = 1024


def kept_items(counts: np.ndarray, min_count: int, max_items: int) -> np.ndarray:
    """Rows in at least ``min_count`` playlists, the ``max_items`` most-playlisted
    (ties to the lower row), in row order."""
    eligible = np.flatnonzero(counts >= max(min_count, 1))
    if len(eligible) > max_items:
        order = np.lexsort((eligible, -counts[eligible]))
        eligible = np.sort(eligible[order[:max_items]])
    return eligible.astype(np.int64)


def ease_weights(gram: np.ndarray, l2: float) -> np.ndarray:
    """``B`` from the Gram matrix ``XᵀX`` (float32, overwritten): ``I − P diag(1/diag P)``."""
    m = gram.shape[0]
    if m == 0:
        return gram
    gram[np.diag_indices(m)] += l2
    # Cholesky, then the inverse from it: a third of the work of a general inverse.  LAPACK
    # works in place on a Fortran-ordered array: the transpose is one, and equal (symmetric).
    factor, info = lapack.spotrf(gram.T, lower=False, overwrite_a=True, clean=False)
    if info != 0:
        raise InputError(f"the ease Gram matrix is not positive definite (l2 = {l2})")
    inverse, info = lapack.spotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise InputError(f"the ease inverse failed (LAPACK info {info})")
    _mirror_upper(inverse)
    weights = inverse.T  # the same symmetric P, row-major: a seed's row is contiguous
    weights /= -np.diag(weights).copy()[np.newaxis, :]
    weights[np.diag_indices(m)] = 0.0
    return weights


def _mirror_upper(matrix: np.ndarray) -> None:
    """Copy the upper triangle onto the lower one, in place, a block of rows at a time."""
    m = matrix.shape[0]
    for start in range(0, m, _MIRROR_BLOCK):
        stop = min(start + _MIRROR_BLOCK, m)
        matrix[start:stop, :start] = matrix[:start, start:stop].T
        square = matrix[start:stop, start:stop]
        lower = np.tril_indices(stop - start, -1)
        square[lower] = square.T[lower]


class EaseModel(ScoredItemsModel):
    name = "ease"
    summary = (
        "A linear auto-encoder of the playlists (EASE, closed form) over the most-playlisted "
        "tracks: what your seeds predict."
    )
    score_meaning = (
        "sum of the seeds' learnt weights toward the track, divided by the best candidate's "
        "(1 = the strongest), less any target penalty; below 0: popular fill"
    )

    def __init__(
        self,
        l2: float = 1000.0,
        min_count: int = 1,
        max_items: int = 15_000,
        backfill: bool = True,
    ) -> None:
        self.l2 = l2
        self.min_count = min_count
        self.max_items = max_items
        self.backfill = backfill

    def check_params(self) -> None:
        if self.l2 <= 0:
            raise InputError(f"l2 must be above 0, got {self.l2}")
        if self.max_items < 1:
            raise InputError(f"max_items must be at least 1, got {self.max_items}")

    def _fit(self, data: TrackArrays) -> None:
        baskets = binary_baskets(data)
        counts = np.asarray(baskets.sum(axis=0)).ravel()
        self.items_ = kept_items(counts, self.min_count, self.max_items)
        # float32 from the start (counts are exact in it): a float64 Gram matrix made dense
        # then converted would hold 12·m² bytes at once instead of 4·m².
        kept = sp.csr_matrix(baskets[:, self.items_], dtype=np.float32)
        gram = (kept.T @ kept).toarray()
        self.weights_ = ease_weights(gram, float(self.l2))
        self._serve_items(data)

    def _unservable(self) -> tuple[str, str, str]:
        kept = f"among the {len(self.items_):,} most-playlisted tracks the ease model keeps"
        if self.min_count > 1:
            kept += f" (in at least {self.min_count} playlists)"
        return (
            f"is not {kept}",
            f"is {kept}",
            "try the rp3beta, cooccurrence or hybrid model",
        )

    def item_scores(self, seed_rows: list[int]) -> np.ndarray:
        local = np.searchsorted(self.items_, np.asarray(seed_rows, dtype=np.int64))
        return np.asarray(self.weights_[local].sum(axis=0, dtype=np.float64))

    def _state(self) -> dict[str, np.ndarray]:
        return {"format": np.array(STATE_FORMAT), "items": self.items_, "weights": self.weights_}

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        check_format(self.name, state, STATE_FORMAT)
        self.items_ = state["items"].astype(np.int64)
        self.weights_ = state["weights"]
        self._serve_items(data)
