"""Cosine-similarity models over feature vectors: the machinery they share.

A :class:`CosineModel` indexes the tracks it can describe as *positions* of
an :class:`~mixtape.search.exact.ExactIndex` (plus, when asked or for big
catalogs, an approximate index: inverted lists or an HNSW graph) and answers
every query the same way: build the seeds' query vector,
fetch ``candidate_depth`` candidates (exclusions, seeds and the artist cap
need slack), apply the controls, and fall back to scoring every track when
filters leave fewer than ``n`` (or when targets re-rank, which needs all
scores).  ``recommend_batch`` runs one search for all queries.

The ``audio`` model (:mod:`mixtape.models.audio`) is the plain case: cosine
over all 13 standardized audio features.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.reasons import FeatureDistribution
from mixtape.models import kernels
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.candidates import best_allowed, candidate_depth, select_candidates
from mixtape.models.controls import Controls, allowed_mask
from mixtape.models.feature_words import (
    distribution_from_state,
    distribution_state,
    shared_trait_words,
    trait_distribution,
)
from mixtape.models.seeding import refuse_unservable, track_label
from mixtape.search.embedding import embedding, query_embedding
from mixtape.search.exact import ExactIndex
from mixtape.search.hnsw import HNSWIndex
from mixtape.search.ivf import IVFIndex, default_lists
from mixtape.search.query import Query
from mixtape.search.threads import default_threads
from mixtape.search.tuning import tune_width, without_self

INDEXES = ("auto", "exact", "hnsw", "ivf")
#: Above this many tracks ``index="auto"`` builds an approximate index (inverted lists;
#: ``content`` stays exact).
AUTO_ANN_ABOVE = 200_000
#: Version of the arrays ``_state`` saves (2: genres as signatures, approximate indexes
#: as ``ann``; 3: the catalog's feature distribution for the reasons, ``trait_*``); a
#: saved model of another version is refitted, not misread.
STATE_FORMAT = 3
_RECALL_QUERIES = 200
_RECALL_K = 10


class CosineModel(Recommender):
    """Base of the cosine models: index building, controls, batching, persistence."""

    index: str
    n_threads: int
    random_state: int
    #: Feature description for the "cannot serve" message, e.g. "audio features".
    needs: str = "audio features"
    #: What to do about a seed without them.
    seed_hint: str = (
        "ingest a catalog with features (mixtape ingest tracks) or use the cooccurrence model"
    )

    rows_: np.ndarray  # position -> catalog row
    position_: np.ndarray  # catalog row -> position, -1 when not indexed
    exact_: ExactIndex
    ann_: HNSWIndex | IVFIndex | None  # the approximate index, if any
    projection_: np.ndarray | None  # sparse part -> HNSW embedding (None: dense as is)
    ann_recall_: float | None  # its recall@10 against exact search, measured at fit
    traits_: FeatureDistribution  # the catalog's audio, for the reasons
    has_audio_: np.ndarray  # data.has_audio, computed once

    # -- building ---------------------------------------------------------------------
    @abstractmethod
    def _build(self, data: TrackArrays) -> tuple[ExactIndex, np.ndarray]:
        """(exact index, position -> catalog row)."""

    def _projection(self, exact: ExactIndex) -> np.ndarray | None:
        """Matrix mapping the sparse part into the HNSW embedding (None: as is)."""
        return None

    def _ann_kind(self, exact: ExactIndex) -> str | None:
        """Which approximate index to build ("hnsw", "ivf" or None for exact search only).

        ``index="auto"``: inverted lists for big catalogs (as fast as the graph
        here, in the exact index's own memory; see :mod:`mixtape.search.ivf`).
        """
        if self.index == "auto":
            return "ivf" if exact.size > AUTO_ANN_ABOVE else None
        return None if self.index == "exact" else self.index

    def _threads(self) -> int:
        return self.n_threads if self.n_threads > 0 else default_threads()

    @classmethod
    def fit_note(cls) -> str:
        return "" if kernels.cache_is_warm() else kernels.NOTE

    def _fit(self, data: TrackArrays) -> None:
        if self.index not in INDEXES:
            raise InputError(f"unknown index {self.index!r}", hint="use " + ", ".join(INDEXES))
        self.traits_ = trait_distribution(data)
        self.has_audio_ = data.has_audio
        exact, rows = self._build(data)
        # No tracks to index (none has the features): exact search only, whose seed
        # check then says what is missing, instead of an index library's own error.
        kind = self._ann_kind(exact) if exact.size else None
        self.ann_, self.ann_recall_ = None, None
        if kind == "ivf":
            exact, rows = self._build_ivf(exact, rows)
        self._attach(exact, rows, None, data.n_tracks)
        if kind == "hnsw":
            self.projection_ = self._projection(exact)
            self._build_hnsw()
        if self.ann_ is not None:
            self._tune()

    def _attach(
        self, exact: ExactIndex, rows: np.ndarray, projection: np.ndarray | None, n_tracks: int
    ) -> None:
        kernels.compile_missing()  # while fitting or loading, not in the first query
        self.exact_ = exact
        self.rows_ = rows.astype(np.int64)
        self.projection_ = projection
        self.position_ = np.full(n_tracks, -1, dtype=np.int64)
        self.position_[self.rows_] = np.arange(len(rows))

    def _build_hnsw(self) -> None:
        exact = self.exact_
        chunks = (
            embedding(exact, np.arange(a, min(a + 100_000, exact.size)), self.projection_)
            for a in range(0, exact.size, 100_000)
        )
        self.ann_ = HNSWIndex.build(chunks, n_threads=self._threads())
        self._share_vectors()

    def _build_ivf(self, exact: ExactIndex, rows: np.ndarray) -> tuple[ExactIndex, np.ndarray]:
        """Inverted lists, with the positions laid out list by list (a new exact index)."""
        n_lists = default_lists(exact.size)
        centroids, lists = IVFIndex.train(
            exact.dense_t, n_lists, random_state=self.random_state, n_threads=self._threads()
        )
        order, bounds = IVFIndex.layout(lists, len(centroids))
        exact = exact.reordered(order)
        self.ann_ = IVFIndex(centroids, bounds, exact.dense_t)
        return exact, rows[order]

    def _tune(self) -> None:
        """The smallest search width whose recall@10 against exact search reaches 0.99."""
        ann, exact = self.ann_, self.exact_
        assert ann is not None
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(exact.size, min(_RECALL_QUERIES, exact.size), replace=False)
        queries = [exact.query([p]) for p in sample]
        truth = without_self(exact.search(queries, _RECALL_K + 1), sample)

        def approx(width: int) -> np.ndarray:
            ann.width = width
            return without_self(self._approximate(queries, _RECALL_K + 1), sample)

        start, limit = ann.width_range
        ann.width, self.ann_recall_ = tune_width(approx, truth, start=start, limit=limit)

    def _shares_vectors(self) -> bool:
        """Whether the graph's vectors are exactly the dense part (then held once)."""
        exact = self.exact_
        return (
            isinstance(self.ann_, HNSWIndex)
            and self.projection_ is None
            and not exact.has_table
            and exact.signatures is None
        )

    def _share_vectors(self) -> None:
        if self._shares_vectors():
            assert isinstance(self.ann_, HNSWIndex)
            self.exact_.dense_t = self.ann_.vectors().T

    # -- persistence ------------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        exact = self.exact_
        state: dict[str, np.ndarray] = {
            "format": np.array(STATE_FORMAT),
            "rows": self.rows_,
            "group_bounds": exact.group_bounds,
            "group_buckets": exact.group_buckets,
            "group_scale": exact.group_scale,
            "n_buckets": np.asarray(exact.n_buckets, dtype=np.int64),
            **distribution_state(self.traits_),
        }
        if not self._shares_vectors():
            state["dense_t"] = exact.dense_t
        if exact.signatures is not None:
            sigs = exact.signatures.matrix
            state |= {
                "sig_data": sigs.data,
                "sig_indices": sigs.indices,
                "sig_indptr": sigs.indptr,
                "sig_shape": np.asarray(sigs.shape, dtype=np.int64),
                "sig_of": exact.signatures.of,
            }
        if self.projection_ is not None:
            state["projection"] = self.projection_
        if self.ann_ is not None:
            state |= self.ann_.to_arrays()
            tuning = [self.ann_.width, self.ann_recall_ or 0.0]
            state[f"{self.ann_.kind}_tuning"] = np.array(tuning)
        return state

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        import scipy.sparse as sp

        found = int(state["format"]) if "format" in state else 1
        if found != STATE_FORMAT:
            # e.g. format 1 kept genres per track, which this code would not read: the
            # model would load without them; format 2 lacks what the reasons need.  The
            # model cache refits on this error.
            raise InputError(
                f"the saved {self.name} model has state format {found}, not {STATE_FORMAT}",
                hint="refit the model (the model cache does this by itself)",
            )

        signatures = None
        if "sig_data" in state:
            matrix = sp.csr_matrix(
                (state["sig_data"], state["sig_indices"], state["sig_indptr"]),
                shape=tuple(int(s) for s in state["sig_shape"]),
            )
            signatures = (matrix, state["sig_of"])
        ann: HNSWIndex | IVFIndex | None = None
        tuning = state.get("hnsw_tuning", state.get("ivf_tuning"))
        if "hnsw" in state:
            ann = HNSWIndex.from_arrays(state, int(state["hnsw_tuning"][0]), self._threads())
        dense_t = state["dense_t"] if "dense_t" in state else ann.vectors().T  # type: ignore[union-attr]
        exact = ExactIndex(
            dense_t,
            group_bounds=state["group_bounds"],
            group_buckets=state["group_buckets"],
            group_scale=state["group_scale"],
            n_buckets=[int(b) for b in state["n_buckets"]],
            signatures=signatures,
            n_threads=self._threads(),
        )
        self.traits_ = distribution_from_state(state)
        self.has_audio_ = data.has_audio
        self._attach(exact, state["rows"], state.get("projection"), data.n_tracks)
        if "ivf_centroids" in state:
            ann = IVFIndex.from_arrays(state, exact.dense_t, int(state["ivf_tuning"][0]))
        self.ann_ = ann
        self.ann_recall_ = float(tuning[1]) if ann is not None and tuning is not None else None

    # -- serving ----------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        if not self.is_fitted:
            return np.zeros(len(rows), dtype=bool)
        return self.position_[rows] >= 0

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        rows, n, position = seeds.rows, data.n_tracks, self.position_
        # Seeds in the catalog, one of them indexed (the common case): nothing to refuse.
        in_catalog = seeds.point is None and rows and all(0 <= r < n for r in rows)
        if in_catalog and any(position[r] >= 0 for r in rows):
            return
        refuse_unservable(
            self, seeds, data, f"has no {self.needs}", f"has {self.needs}", self.seed_hint
        )
        super()._validate(seeds, data)

    def similarities(self, row: int) -> np.ndarray:
        """Cosine similarity of track ``row`` to every catalog row, exact ((n_tracks,)
        float32, NaN where this model has no vector); SeedError when ``row`` has none."""
        data = self._check_fitted()
        self._validate(Seeds.tracks([row]), data)
        query = self.exact_.query([int(self.position_[row])])
        out = np.full(data.n_tracks, np.nan, dtype=np.float32)
        out[self.rows_] = self.exact_.scores(query) / (query.norm or 1.0)
        return out

    def _positions(self, seeds: Seeds) -> np.ndarray:
        pos = self.position_[np.asarray(seeds.rows, dtype=np.int64)]
        return pos[pos >= 0]

    def _approximate(self, queries: Sequence[Query], k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Approximate candidates re-scored exactly: (positions, scores) best first per query."""
        assert self.ann_ is not None
        exact = self.exact_
        pool = k if self.projection_ is None else max(2 * k, self.ann_.width)
        found = self.ann_.search(
            np.stack([query_embedding(exact, q, self.projection_) for q in queries]), pool
        )
        out = []
        for q, pos in zip(queries, found, strict=True):
            pos = pos[pos >= 0]
            scores = exact.scores_at(q, pos)
            order = np.lexsort((pos, -scores))[:k]
            out.append((pos[order], scores[order]))
        return out

    def _search(self, queries: Sequence[Query], k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        if self.ann_ is not None and k <= self.exact_.size // 4:
            return self._approximate(queries, k)
        return self.exact_.search(queries, k)

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        return self._recommend_many([seeds], n, controls)[0]

    def _recommend_many(self, seeds: list[Seeds], n: int, controls: Controls) -> list[list[Scored]]:
        positions = [self._positions(s) for s in seeds]
        queries = [self.exact_.query(p) for p in positions]
        picked = self._rank(seeds, positions, queries, n, controls)
        out = []
        for pos, query, found in zip(positions, queries, picked, strict=True):
            # Reasons for the returned rows only, never for the candidates.
            reasons = self._reasons_for(pos, query, [row for row, _ in found])
            out.append([Scored(r, s, why) for (r, s), why in zip(found, reasons, strict=True)])
        return out

    def ranked(
        self, seeds: Seeds, n: int = 10, controls: Controls | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`recommend` without the reasons: (row, score) pairs, best first (for a
        model that blends this ranking with another and explains only what it keeps)."""
        data = self._check_fitted()
        self._validate(seeds, data)
        positions = self._positions(seeds)
        query = self.exact_.query(positions)
        return self._rank([seeds], [positions], [query], n, controls or Controls())[0]

    def explain(self, seeds: Seeds, rows: Sequence[int]) -> list[str]:
        """The reasons :meth:`recommend` gives ``rows`` for ``seeds``."""
        positions = self._positions(seeds)
        return self._reasons_for(positions, self.exact_.query(positions), rows)

    def _reasons_for(
        self, seed_positions: np.ndarray, query: Query, rows: Sequence[int]
    ) -> list[str]:
        if not len(rows):
            return []
        return self._reasons(seed_positions, query, np.asarray(rows, dtype=np.int64))

    def _rank(
        self,
        seeds: list[Seeds],
        positions: list[np.ndarray],
        queries: list[Query],
        n: int,
        controls: Controls,
    ) -> list[list[tuple[int, float]]]:
        """Mean-vector ranking: cosine between the seeds' mean vector and every track."""
        data = self.data_
        depth = candidate_depth(n, controls, max(len(s.rows) for s in seeds))
        out: list[list[tuple[int, float]] | None] = [None] * len(queries)
        if not controls.has_targets and depth < self.exact_.size:
            for i, (pos, scores) in enumerate(self._search(queries, depth)):
                norm = queries[i].norm or 1.0
                found = select_candidates(
                    self.rows_[pos], scores / norm, n, data, controls, seeds[i].rows
                )
                if len(found) >= n:
                    out[i] = found
        for i in range(len(out)):
            if out[i] is None:  # filters left too few, or targets re-rank: score everything
                mask = allowed_mask(data, controls, seeds[i].rows)
                scores = self.exact_.scores(queries[i]) / (queries[i].norm or 1.0)
                out[i] = best_allowed(self.rows_, scores, n, data, controls, mask)
        return [o or [] for o in out]

    @abstractmethod
    def _reasons(self, seed_positions: np.ndarray, query: Query, rows: np.ndarray) -> list[str]:
        """One short reason per recommended row (``rows``: not empty, this model's only)."""

    def _trait_words(
        self, seed_positions: np.ndarray, rows: np.ndarray
    ) -> tuple[list[str], list[str]]:
        """Per row, the audio traits it shares with a seed that set both apart from the
        catalog ("both very acoustic"; "" where none does or either lacks audio), and that
        seed's label when there are several: the seed most like the row in sound, not their
        mean (a playlist's mean is a track nobody chose)."""
        none = [""] * len(rows)
        seeds = seed_positions  # one seed, the common case, takes fewer numpy calls
        if len(seeds) > 1:
            seeds = seeds[self.has_audio_[self.rows_[seeds]]]
        seed_rows = self.rows_[seeds]
        if len(seeds) == 0 or not self.has_audio_[seed_rows[0]]:
            return none, list(none)
        if len(seeds) == 1:
            return shared_trait_words(self.traits_, self.data_, seed_rows, rows), none
        dense = self.exact_.dense_t
        nearest = np.argmax(dense[:, seeds].T @ dense[:, self.position_[rows]], axis=0)
        words = shared_trait_words(self.traits_, self.data_, seed_rows, rows, nearest)
        return words, [track_label(self.data_, int(seed_rows[j])) for j in nearest.tolist()]
