"""``als``: matrix factorisation of the playlists with `implicit`'s alternating least squares.

The (playlists × tracks) matrix is weighted as plain 0/1 confidences scaled by
``alpha`` (the default: on validation playlists of the MPD subset it scored 3-4
times BM25's R-precision) or by BM25 (implicit's ``bm25_weight`` over each
track's playlists, ``K1 = 100``, ``B = 0.8``, as in implicit's own examples), and
factorised by ``implicit.cpu.als.AlternatingLeastSquares`` into ``factors``
dimensions (Hu, Koren & Volinsky 2008).  A query is a new playlist holding the
seeds: implicit's ``recalculate_user`` solves its factors against the fixed
track factors (each seed weighted by its mean weight in training), and every
track in a playlist is scored by the dot product.

Randomness is the initial factors, from ``random_state``; ``threads`` (0 = one
per core) only splits independent solves, so fits agree across thread counts
up to rounding.  BLAS is kept to one thread while implicit works (implicit asks
for that, and warns otherwise).  Saved models keep the track factors and the
query weights: ``tracks × factors`` float32 (86 MB for the MPD subset's 168,684
tracks at the default 128 factors).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.collaborative import ScoredItemsModel, binary_baskets, check_format
from mixtape.search.threads import single_threaded_blas

#: Version of what ``_state`` saves; a saved model of another format is refitted.
STATE_FORMAT = 1
WEIGHTINGS = ("bm25", "confidence")


def _implicit_als(**params: Any) -> Any:
    """implicit's CPU ALS (never the GPU one: results must not depend on the machine)."""
    from implicit.cpu.als import AlternatingLeastSquares  # lazy: implicit is slow to import

    with single_threaded_blas():  # its constructor warns about a multi-threaded BLAS
        return AlternatingLeastSquares(**params)


class AlsModel(ScoredItemsModel):
    name = "als"
    summary = (
        "Matrix factorisation of the playlists (implicit's ALS): tracks whose latent "
        "factors match a playlist of your seeds."
    )
    score_meaning = (
        "dot product of the track's factors with the seeds' playlist factors, divided by "
        "the best candidate's (1 = the strongest), less any target penalty; below 0: popular fill"
    )

    def __init__(
        self,
        factors: int = 128,
        regularization: float = 1.0,
        iterations: int = 15,
        weighting: str = "confidence",
        alpha: float = 30.0,
        random_state: int = 0,
        threads: int = 0,
        backfill: bool = True,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.weighting = weighting
        self.alpha = alpha
        self.random_state = random_state
        self.threads = threads
        self.backfill = backfill

    def check_params(self) -> None:
        if self.weighting not in WEIGHTINGS:
            raise InputError(
                f"unknown weighting {self.weighting!r}", hint="use one of " + ", ".join(WEIGHTINGS)
            )
        if self.factors < 1 or self.iterations < 1:
            raise InputError("factors and iterations must be at least 1")

    def _fit(self, data: TrackArrays) -> None:
        weighted = self._weighted(binary_baskets(data))
        als = self._als()
        with single_threaded_blas():
            als.fit(weighted, show_progress=False)
        self.item_factors_ = np.asarray(als.item_factors, dtype=np.float32)
        # A seed's weight in a query: its mean weight in the training playlists.
        per_track = np.diff(weighted.tocsc().indptr)
        totals = np.asarray(weighted.sum(axis=0)).ravel()
        self.query_weights_ = np.where(per_track > 0, totals / np.maximum(per_track, 1), 0.0)
        self.query_weights_ = self.query_weights_.astype(np.float32)
        self._attach(data, als)

    def _weighted(self, baskets: sp.csr_matrix) -> sp.csr_matrix:
        if self.weighting == "confidence" or baskets.nnz == 0:
            return sp.csr_matrix(baskets, dtype=np.float32)
        from implicit.nearest_neighbours import bm25_weight

        # implicit weighs the rows of (items × users): here the tracks' rows of playlists.
        return sp.csr_matrix(bm25_weight(baskets.T, K1=100, B=0.8).T, dtype=np.float32)

    def _als(self) -> Any:
        return _implicit_als(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            num_threads=self.threads,
            random_state=self.random_state,
        )

    def _attach(self, data: TrackArrays, als: Any) -> None:
        """Keep implicit's model for the queries (one thread: a query is one small solve)."""
        als.item_factors = self.item_factors_
        als.num_threads = 1
        self.als_ = als
        self._solve_lock = threading.Lock()
        self.items_ = np.flatnonzero(self.query_weights_ > 0).astype(np.int64)
        self._serve_items(data)

    def item_scores(self, seed_rows: list[int]) -> np.ndarray:
        rows = np.asarray(seed_rows, dtype=np.int64)
        n = len(self.query_weights_)
        query = sp.csr_matrix(
            (self.query_weights_[rows], (np.zeros(len(rows), dtype=np.int64), rows)), shape=(1, n)
        )
        # One implicit model serves every thread (the web app's): its solve is not
        # documented as thread-safe, so queries take turns on it.
        with self._solve_lock, single_threaded_blas():
            user = self.als_.recalculate_user(0, query)
        return np.asarray(self.item_factors_[self.items_] @ user, dtype=np.float64)

    def _state(self) -> dict[str, np.ndarray]:
        return {
            "format": np.array(STATE_FORMAT),
            "item_factors": self.item_factors_,
            "query_weights": self.query_weights_,
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        check_format(self.name, state, STATE_FORMAT)
        self.item_factors_ = state["item_factors"]
        self.query_weights_ = state["query_weights"]
        self._attach(data, self._als())
