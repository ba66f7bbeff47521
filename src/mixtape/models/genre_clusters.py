"""``genre-clusters``: one scaler and one k-means per genre family.

Every fine genre maps to one of the families of
:mod:`mixtape.features.families`; a track belongs to the family of each of
its genres (a track with no genre to ``other``).  Each family gets its own
standardization and k-means, with ``k = min(n_clusters, tracks //
min_cluster_size)`` (at least 1) so a small family is not cut into
clusters of a few tracks.  Each k-means is fitted on at most ``fit_sample``
of the family's tracks and then labels all of them (at most 8 centres in
nine dimensions need no more; on 1.2M tracks the fifteen fits stay well
under a minute).

A seed is routed to each of its families; its cluster there is its k-means
label (the centre it is nearest to).  Recommendations come from those
clusters: seeded random draws (``order="random"``, the original design) or
nearest to the seed first (``order="nearest"``).  Every seed has the same
weight, split evenly over its families, and the ``n`` seats are shared out
in proportion (largest remainder; a cluster that runs short passes its
seats on), so a seed in three families does not crowd out a seed in one.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Scored, Seeds
from mixtape.models.clusters import (
    CLUSTER_FEATURES,
    NeedsAudioSeeds,
    audio_features,
    draw_by_quota,
    fit_kmeans,
    fit_standardizer,
    standardize,
    track_label,
    unique_rows,
)
from mixtape.models.controls import Controls, allowed_mask, target_penalty
from mixtape.models.registry import register

OTHER = "other"


def family_names() -> list[str]:
    """The families, ``other`` included (last if the families module leaves it out)."""
    from mixtape.features.families import FAMILIES

    names = [str(f) for f in FAMILIES]
    return names if OTHER in names else [*names, OTHER]


def family_membership(data: TrackArrays, names: list[str]) -> sp.csr_matrix:
    """(n_tracks × n_families) boolean: 1 for each family of a track's genres."""
    from mixtape.features.families import family_of

    index = {name: i for i, name in enumerate(names)}
    other = index[OTHER]
    genre_family = np.array(
        [index.get(str(family_of(str(g))), other) for g in data.genre_names], dtype=np.int64
    )
    to_family = sp.csr_matrix(
        (np.ones(len(genre_family)), (np.arange(len(genre_family)), genre_family)),
        shape=(len(genre_family), len(names)),
    )
    genres = sp.csr_matrix(data.track_genres, dtype=np.float64)
    genres.data = (genres.data != 0).astype(np.float64)
    hits = sp.coo_matrix(genres @ to_family)
    no_genre = np.flatnonzero(np.diff(genres.indptr) == 0)
    rows = np.concatenate([hits.row, no_genre])
    cols = np.concatenate([hits.col, np.full(len(no_genre), other)])
    member = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(data.n_tracks, len(names)))
    return sp.csr_matrix(member > 0)


_ACRONYMS = {"edm": "EDM"}


def display(family: str) -> str:
    """``edm`` -> ``EDM``, ``pop`` -> ``Pop``, ``hip hop`` -> ``Hip hop``."""
    return _ACRONYMS.get(family, family[:1].upper() + family[1:])


@register
class GenreClustersModel(NeedsAudioSeeds):
    name = "genre-clusters"
    summary = (
        "One k-means per genre family; tracks from each seed's cluster in each of its families "
        "(random or nearest first)."
    )
    score_meaning = (
        "nearest first: 1 / (1 + distance) to the seed in its genre-family cluster "
        "(1 = the same point); random order: the random draw's key"
    )

    def __init__(
        self,
        n_clusters: int = 8,
        min_cluster_size: int = 25,
        order: str = "random",
        fit_sample: int = 50_000,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.min_cluster_size = min_cluster_size
        self.order = order
        self.fit_sample = fit_sample
        self.random_state = random_state

    # -- fitting ------------------------------------------------------------------------
    def _fit(self, data: TrackArrays) -> None:
        if self.order not in ("random", "nearest"):
            raise InputError(f"order must be 'random' or 'nearest', got {self.order!r}")
        if self.n_clusters < 1 or self.min_cluster_size < 1:
            raise InputError("n_clusters and min_cluster_size must be at least 1")
        names = family_names()
        member = family_membership(data, names)
        has_audio = data.has_audio
        d = len(CLUSTER_FEATURES)
        means = np.zeros((len(names), d))
        scales = np.ones((len(names), d))
        centres: list[np.ndarray] = []
        centre_offsets = [0]
        mem_rows: list[np.ndarray] = []
        mem_labels: list[np.ndarray] = []
        by_family = sp.csc_matrix(member)
        for f in range(len(names)):
            rows = by_family.indices[by_family.indptr[f] : by_family.indptr[f + 1]]
            rows = np.sort(rows[has_audio[rows]])
            x = audio_features(data, rows)
            means[f], scales[f] = fit_standardizer(x)
            k = min(self.n_clusters, max(1, len(rows) // self.min_cluster_size))
            c, labels = fit_kmeans(
                standardize(x, means[f], scales[f]), k, self.random_state, self.fit_sample
            )
            centres.append(c)
            mem_rows.append(rows)
            mem_labels.append(labels + centre_offsets[-1])  # global cluster ids
            centre_offsets.append(centre_offsets[-1] + len(c))
        self.families_ = np.array(names, dtype=str)
        self.means_, self.scales_ = means, scales
        self.centres_ = np.concatenate(centres) if centres else np.zeros((0, d))
        self.centre_offsets_ = np.asarray(centre_offsets, dtype=np.int64)
        self._index(
            data,
            np.concatenate(mem_rows).astype(np.int64),
            np.concatenate(mem_labels).astype(np.int64),
        )

    def _index(self, data: TrackArrays, rows: np.ndarray, clusters: np.ndarray) -> None:
        """Memberships sorted by global cluster; per-membership z-scores; row -> memberships."""
        order = np.lexsort((rows, clusters))
        self.mem_rows_, self.mem_clusters_ = rows[order], clusters[order]
        self.mem_family_ = (
            np.searchsorted(self.centre_offsets_, self.mem_clusters_, side="right") - 1
        )
        counts = np.bincount(self.mem_clusters_, minlength=len(self.centres_))
        self.cluster_start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.mem_z_ = np.zeros((len(rows), len(CLUSTER_FEATURES)), dtype=np.float32)
        for f in range(len(self.families_)):
            at = np.flatnonzero(self.mem_family_ == f)
            x = audio_features(data, self.mem_rows_[at])
            self.mem_z_[at] = standardize(x, self.means_[f], self.scales_[f])
        self.by_row_ = np.argsort(self.mem_rows_, kind="stable")
        self.row_start_ = np.searchsorted(
            self.mem_rows_[self.by_row_], np.arange(data.n_tracks + 1)
        )

    def memberships(self, row: int) -> np.ndarray:
        """Positions (into the membership arrays) of ``row``, by family."""
        pos = self.by_row_[self.row_start_[row] : self.row_start_[row + 1]]
        return pos[np.argsort(self.mem_family_[pos], kind="stable")]

    def family_clusters(self, row: int) -> list[tuple[str, int]]:
        """(family, cluster within the family) for each family of ``row`` (with audio)."""
        out = []
        for p in self.memberships(row):
            f = int(self.mem_family_[p])
            out.append(
                (str(self.families_[f]), int(self.mem_clusters_[p] - self.centre_offsets_[f]))
            )
        return out

    def _state(self) -> dict[str, np.ndarray]:
        return {
            "families": self.families_,
            "means": self.means_,
            "scales": self.scales_,
            "centres": self.centres_,
            "centre_offsets": self.centre_offsets_,
            "rows": self.mem_rows_,
            "clusters": self.mem_clusters_,
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        self.families_ = state["families"]
        self.means_, self.scales_ = state["means"], state["scales"]
        self.centres_, self.centre_offsets_ = state["centres"], state["centre_offsets"]
        self._index(data, state["rows"].astype(np.int64), state["clusters"].astype(np.int64))

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.row_start_[rows + 1] > self.row_start_[rows], dtype=bool)

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        data = self.data_
        given = [r for r in unique_rows(seeds.rows) if self.row_start_[r + 1] > self.row_start_[r]]
        mask = allowed_mask(data, controls, seeds.rows)
        penalty = target_penalty(data, controls)
        keys: np.ndarray | None = None
        if self.order == "random":
            # Same seeds, same draw (recommend and recommend_batch agree); other seeds, another.
            token = zlib.crc32(np.asarray(sorted(seeds.rows), dtype=np.int64).tobytes())
            keys = np.random.default_rng([self.random_state, token]).random(data.n_tracks)

        routes: list[tuple[int, int]] = []  # (seed, membership position)
        n_families: list[int] = []
        for seed in given:
            pos = self.memberships(seed)
            routes.extend((seed, int(p)) for p in pos)
            n_families.extend([len(pos)] * len(pos))
        # Each seed weighs the same, split evenly over its families (integers for exact quotas).
        lcm = math.lcm(*n_families)
        weights = [lcm // f for f in n_families]

        # Few routes get a seat when there are many seeds, so a route's cluster is
        # only ranked when it does (random order: once per cluster, the keys are shared).
        cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

        def ranking(p: int) -> tuple[np.ndarray, np.ndarray]:
            g = int(self.mem_clusters_[p])
            key = g if keys is not None else -1 - p
            if key not in cache:
                span = slice(self.cluster_start_[g], self.cluster_start_[g + 1])
                cand = self.mem_rows_[span]
                keep = mask[cand]
                cand = cand[keep]
                if keys is not None:
                    score = keys[cand]
                else:
                    dist = np.linalg.norm(self.mem_z_[span][keep] - self.mem_z_[p], axis=1)
                    score = 1.0 / (1.0 + dist)
                if penalty is not None:
                    score = score - penalty[cand]
                order = np.lexsort((cand, -score))
                cache[key] = (cand[order], score[order])
            return cache[key]

        class Lazy:
            def __getitem__(self, i: int, /) -> np.ndarray:
                return ranking(routes[i][1])[0]

        taken = draw_by_quota(Lazy(), weights, n, data, controls)
        out: list[Scored] = []
        for (seed, p), at in zip(routes, taken.positions, strict=True):
            if not at:
                continue
            drawn, sc = ranking(p)
            f = int(self.mem_family_[p])
            cluster = int(self.mem_clusters_[p] - self.centre_offsets_[f])
            reason = (
                f"{display(str(self.families_[f]))} family, cluster {cluster} — "
                f"like {track_label(data, seed)}"
            )
            out.extend(Scored(int(drawn[i]), float(sc[i]), reason) for i in at)
        out.sort(key=lambda s: (-s.score, s.row))
        return out
