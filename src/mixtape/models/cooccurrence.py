"""``cooccurrence``: item-to-item neighbours from playlists treated as baskets.

The (playlists × tracks) matrix is weighted (BM25, TF-IDF or plain cosine) and
`implicit`'s item-item k-nearest-neighbour code keeps each track's
``neighbours`` most similar tracks (implicit's ``K``).  A query is the row of a
synthetic "user" who has the seeds: its scores are that row times the
similarity matrix, which is what ``implicit``'s ``recommend`` computes (a test
checks they agree).  We sum the seeds' similarity rows with numpy instead, so
every candidate (not only implicit's top N) reaches the shared controls, and
divide by the query's best score so scores lie in (0, 1] before any target
penalty.  A query costs milliseconds: it touches only the seeds' own rows of
the similarity matrix.

The weighting is applied here and implicit's ``ItemItemRecommender.fit`` is
given a CSR matrix: ``BM25Recommender.fit`` and friends hand their weighted
matrix on as COO, which makes implicit raise its own ``ParameterWarning`` on
every fit.  Saved models keep the similarity matrix (CSR arrays); refitting it
is the expensive part on a full MPD.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls, allowed_mask, apply_targets, select
from mixtape.models.seeding import refuse_unservable, track_label, unique_rows

WEIGHTINGS = ("bm25", "tfidf", "cosine")


def item_similarity(
    playlists: sp.csr_matrix, weighting: str, neighbours: int, bm25_k1: float, bm25_b: float
) -> sp.csr_matrix:
    """(tracks × tracks) similarity: each row holds a track's ``neighbours`` nearest ones."""
    from implicit.nearest_neighbours import (  # lazy: implicit is slow to import
        ItemItemRecommender,
        bm25_weight,
        normalize,
        tfidf_weight,
    )

    n = playlists.shape[1]
    counts = sp.csr_matrix(playlists, dtype=np.float64)
    counts.data = (counts.data != 0).astype(np.float64)  # a basket holds a track or not
    counts.eliminate_zeros()
    if counts.nnz == 0:
        return sp.csr_matrix((n, n), dtype=np.float32)
    item_playlists = counts.T  # implicit weights each item's row of (items × users)
    if weighting == "bm25":
        weighted = bm25_weight(item_playlists, bm25_k1, bm25_b).T
    elif weighting == "tfidf":
        weighted = normalize(tfidf_weight(item_playlists)).T
    else:
        weighted = normalize(item_playlists).T
    knn = ItemItemRecommender(K=neighbours, num_threads=0)
    knn.fit(sp.csr_matrix(weighted), show_progress=False)
    similarity = sp.csr_matrix(knn.similarity, dtype=np.float32)
    similarity.sort_indices()
    return similarity


def popular_fill(
    data: TrackArrays,
    playlist_counts: np.ndarray,
    k: int,
    mask: np.ndarray,
    taken: set[int],
    controls: Controls,
) -> list[Scored]:
    """Up to ``k`` allowed tracks not in ``taken``, in most playlists first, scored in
    (-1, 0) (below any match) with a reason that says they fill the list."""
    allowed = mask.copy()
    if taken:
        allowed[np.fromiter(taken, dtype=np.int64)] = False
    counts = playlist_counts.astype(np.float64)
    rows = np.flatnonzero(allowed & (counts > 0))
    if len(rows) == 0:
        return []
    scores = -1.0 + counts[rows] / (counts.max() + 1.0)
    picked = select(rows, scores, k, data, controls, allowed)
    return [
        Scored(row, score, f"popular: in {int(counts[row]):,} playlists (fills the list)")
        for row, score in picked
    ]


class CooccurrenceModel(Recommender):
    name = "cooccurrence"
    serving_params = frozenset({"backfill"})
    score_meaning = (
        "co-occurrence weight (TF-IDF/BM25) relative to the best match, 0..1; "
        "below 0: popular tracks that fill the list"
    )
    summary = (
        "Tracks that appear in playlists with your seeds (item-item TF-IDF/BM25 via implicit)."
    )
    score_meaning = (
        "weighted playlist co-occurrence with the seeds, divided by the best candidate's "
        "(1 = the strongest), less any target penalty"
    )

    def __init__(
        self,
        weighting: str = "tfidf",
        neighbours: int = 800,
        bm25_k1: float = 1.2,
        bm25_b: float = 0.75,
        backfill: bool = True,
    ) -> None:
        self.weighting = weighting
        self.backfill = backfill
        self.neighbours = neighbours
        self.bm25_k1 = bm25_k1
        self.bm25_b = bm25_b

    # -- fitting ------------------------------------------------------------------------
    def check_params(self) -> None:
        if self.weighting not in WEIGHTINGS:
            raise InputError(
                f"unknown weighting {self.weighting!r}", hint="use one of " + ", ".join(WEIGHTINGS)
            )
        if self.neighbours < 1:
            raise InputError(f"neighbours must be at least 1, got {self.neighbours}")

    def _fit(self, data: TrackArrays) -> None:
        self.similarity_ = item_similarity(
            data.playlists, self.weighting, self.neighbours, self.bm25_k1, self.bm25_b
        )
        self._index(data)

    def _index(self, data: TrackArrays) -> None:
        baskets = sp.csr_matrix(data.playlists, dtype=np.float32)
        baskets.data = (baskets.data != 0).astype(np.float32)
        self.track_playlists_ = sp.csr_matrix(baskets.T)  # for the counts in the reasons
        self.playlist_counts_ = np.diff(self.track_playlists_.indptr)

    def _state(self) -> dict[str, np.ndarray]:
        s = self.similarity_
        return {
            "similarity_data": s.data,
            "similarity_indices": s.indices,
            "similarity_indptr": s.indptr,
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        n = data.n_tracks
        self.similarity_ = sp.csr_matrix(
            (state["similarity_data"], state["similarity_indices"], state["similarity_indptr"]),
            shape=(n, n),
        )
        self._index(data)

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.playlist_counts_[rows] > 0, dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed appears" if n_seeds == 1 else f"none of the {n_seeds} seeds appears"
        return f"{which} in no playlist, so co-occurrence has nothing to go on"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        refuse_unservable(
            self,
            seeds,
            data,
            "appears in no playlist, so co-occurrence has nothing to go on",
            "appears in a playlist, so co-occurrence has nothing to go on",
            "try the hybrid or content model",
        )
        super()._validate(seeds, data)

    def scores(self, seed_rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Candidate rows and raw scores: the sum of the seeds' similarity rows.

        The same as a synthetic user row (1 at each seed) times the similarity
        matrix, computed from the seeds' rows alone, without an n-wide product.
        """
        neighbours = self.similarity_[np.asarray(seed_rows, dtype=np.int64)]
        rows, inverse = np.unique(neighbours.indices, return_inverse=True)
        raw = np.bincount(inverse, weights=neighbours.data, minlength=len(rows))
        return rows.astype(np.int64), raw

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        usable = self._usable(seeds)
        mask = allowed_mask(self.data_, controls, seeds.rows)
        picked = self._rank(usable, n, controls, mask)
        reasons = self._explain(usable, [row for row, _ in picked])
        out = [Scored(r, s, why) for (r, s), why in zip(picked, reasons, strict=True)]
        if self.backfill and len(out) < n:
            out += self._fill(n - len(out), mask, {r for r, _ in picked}, controls)
        return out

    def ranked(
        self, seeds: Seeds, n: int = 10, controls: Controls | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`recommend` without the reasons and without the popular tracks that fill a
        short list: (row, score) pairs, best first (for a model that blends this ranking
        with another and explains only what it keeps)."""
        data = self._check_fitted()
        self._validate(seeds, data)
        controls = controls or Controls()
        mask = allowed_mask(data, controls, seeds.rows)
        return self._rank(self._usable(seeds), n, controls, mask)

    def explain(self, seeds: Seeds, rows: Sequence[int]) -> list[str]:
        """The reasons :meth:`recommend` gives ``rows`` (tracks it found) for ``seeds``."""
        return self._explain(self._usable(seeds), rows)

    def _usable(self, seeds: Seeds) -> list[int]:
        return [r for r in unique_rows(seeds.rows) if self.playlist_counts_[r] > 0]

    def _rank(
        self, usable: list[int], n: int, controls: Controls, mask: np.ndarray
    ) -> list[tuple[int, float]]:
        rows, raw = self.scores(usable)
        keep = mask[rows] & (raw > 0)
        rows, raw = rows[keep], raw[keep]
        if len(rows) == 0:
            return []
        scores = apply_targets(rows, raw / raw.max(), self.data_, controls)
        return select(rows, scores, n, self.data_, controls, mask)

    def _fill(self, k: int, mask: np.ndarray, taken: set[int], controls: Controls) -> list[Scored]:
        """Complete a short list with the tracks in most playlists, scored below every match.

        With ``neighbours`` similar tracks kept per track, a one-seed query yields at
        most that many candidates; a 500-track list is completed the way the RecSys Challenge
        entries did, with popular tracks, and says so in the reason.
        """
        return popular_fill(self.data_, self.playlist_counts_, k, mask, taken, controls)

    def _explain(self, seeds: list[int], rows: Sequence[int]) -> list[str]:
        """Per row, "in 37 playlists with 'Song A'": the playlists it shares with the seed
        that added most to its score (the largest similarity), for these rows alone."""
        if not len(rows):
            return []
        found = np.asarray(rows, dtype=np.int64)
        if len(seeds) == 1:
            best = np.full(len(found), seeds[0], dtype=np.int64)
        else:
            added = self.similarity_[np.asarray(seeds, dtype=np.int64)][:, found].toarray()
            best = np.asarray(seeds, dtype=np.int64)[np.argmax(added, axis=0)]
        together = self.track_playlists_[found].multiply(self.track_playlists_[best])
        counts = np.asarray(together.sum(axis=1)).ravel().astype(np.int64).tolist()
        return [
            f"in {count:,} playlist{'' if count == 1 else 's'} with {track_label(self.data_, seed)}"
            for count, seed in zip(counts, best.tolist(), strict=True)
        ]
