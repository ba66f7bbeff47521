"""``clusters``: k-means on standardized audio, recommendations drawn cluster by cluster.

The seeds are placed in the clusters they belong to; the share of seeds in a
cluster decides how many of the ``n`` recommendations come from it
(largest-remainder rounding, so the counts sum to ``n``).  Inside a cluster,
candidates are ranked by cosine similarity (on the standardized features) to
the seeds *of that cluster*, so a library that is 40 % quiet acoustic and 60 %
loud dance gets a playlist with the same mix rather than tracks close to the
meaningless average of both.

``n_clusters="auto"`` picks k by the silhouette score: k-means for every k in
``k_min..k_max`` (default 4..16) on a sample of at most 10,000 tracks,
silhouette measured on 2,000 of them, the highest score wins (ties: the
smaller k); about 5 s whatever the catalog size.  The floor of 4 is
deliberate: on real audio features the silhouette nearly always peaks at
k = 2 ("acoustic" against the rest; 0.20 against 0.14-0.16 for 4-6 on the
28k-track TidyTuesday catalog), too coarse to curate from.

The k-means is scikit-learn's ``KMeans`` fitted on a sample of at most
``fit_sample`` tracks and then used to label every track (``predict``): on
1.2M tracks this is seconds instead of a minute, with centres a 250k-track
sample pins down well in nine dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Scored, Seeds
from mixtape.models.controls import Controls, allowed_mask, target_penalty
from mixtape.models.feature_words import describe_groups
from mixtape.models.kmeans import (
    CLUSTER_FEATURES,
    audio_features,
    choose_k,
    fit_kmeans,
    fit_standardizer,
    standardize,
    unit_rows,
)
from mixtape.models.quota import draw_by_quota, largest_remainder
from mixtape.models.seeding import NeedsAudioSeeds, track_label, unique_rows
from mixtape.search.topk import ordered

_CHUNK = 32_768  # rows per block when taking the max over seeds (bounds temporary memory)


# -- the model ------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterDraw:
    """What one cluster contributed to a list."""

    cluster: int
    seeds: int  # seeds in this cluster
    share: float  # seeds / all usable seeds
    quota: int  # seats its share was worth
    drawn: int  # tracks actually drawn (differs when a cluster ran short)


@dataclass(frozen=True)
class Draw:
    """A cluster-proportional list and how it was put together."""

    playlist: list[Scored]
    clusters: list[ClusterDraw]
    cluster_of: dict[int, int]  # recommended row -> its cluster
    ignored_seeds: tuple[int, ...]  # seeds without audio features


class ClustersModel(NeedsAudioSeeds):
    name = "clusters"
    score_meaning = "cosine similarity to the seeds of its cluster, -1..1 (standardized audio)"
    summary = (
        "k-means on standardized audio; each of your seeds' clusters gives tracks "
        "in proportion to its share of the seeds."
    )
    score_meaning = (
        "cosine similarity of the audio features to the seeds in the track's cluster "
        "(1 = the same sound), less any target penalty"
    )

    def __init__(
        self,
        n_clusters: int | str = "auto",
        k_min: int = 4,
        k_max: int = 16,
        aggregate: str = "mean",
        fit_sample: int = 250_000,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_min = k_min
        self.k_max = k_max
        self.aggregate = aggregate
        self.fit_sample = fit_sample
        self.random_state = random_state

    # -- fitting ------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.n_clusters != "auto" and not (
            isinstance(self.n_clusters, int) and self.n_clusters >= 1
        ):
            raise InputError(
                f"n_clusters must be a positive integer or 'auto', got {self.n_clusters!r}"
            )
        if self.aggregate not in ("mean", "max"):
            raise InputError(f"aggregate must be 'mean' or 'max', got {self.aggregate!r}")
        if not 1 <= self.k_min <= self.k_max:
            raise InputError(f"need 1 <= k_min <= k_max, got {self.k_min}..{self.k_max}")

    def _fit(self, data: TrackArrays) -> None:
        self._check_params()
        rows = np.flatnonzero(data.has_audio)
        x = audio_features(data, rows)
        self.mean_, self.scale_ = fit_standardizer(x)
        z = standardize(x, self.mean_, self.scale_)
        if self.n_clusters == "auto":
            k = choose_k(z, self.k_min, self.k_max, self.random_state) if len(z) else 1
        else:
            k = int(self.n_clusters)
        self.k_ = k
        self.centres_, labels = fit_kmeans(z, k, self.random_state, self.fit_sample)
        self.labels_ = np.full(data.n_tracks, -1, dtype=np.int32)
        self.labels_[rows] = labels
        self._index(data, rows, z)

    def _index(self, data: TrackArrays, rows: np.ndarray, z: np.ndarray) -> None:
        """Each cluster's rows and their unit vectors, contiguous: ranking a cluster is
        one matrix-vector product on a slice, with no gather."""
        unit = np.zeros((data.n_tracks, len(CLUSTER_FEATURES)), dtype=np.float32)
        unit[rows] = unit_rows(z)
        labelled = np.flatnonzero(self.labels_ >= 0)
        by_cluster = np.argsort(self.labels_[labelled], kind="stable")
        self.members_ = labelled[by_cluster]
        self.member_unit_ = np.ascontiguousarray(unit[self.members_])
        self.position_ = np.full(data.n_tracks, -1, dtype=np.int64)  # row -> index in members_
        self.position_[self.members_] = np.arange(len(self.members_))
        counts = np.bincount(self.labels_[labelled], minlength=len(self.centres_))
        self.offsets_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        #: What each cluster sounds like ("high energy, very danceable, loud"), for reasons.
        self.descriptions_ = describe_groups(
            data, [self.members(c) for c in range(len(self.centres_))], CLUSTER_FEATURES
        )

    def members(self, cluster: int) -> np.ndarray:
        """Rows in ``cluster`` (ascending)."""
        return self.members_[self.offsets_[cluster] : self.offsets_[cluster + 1]]

    def unit(self, rows: np.ndarray) -> np.ndarray:
        """Unit-length standardized features of labelled ``rows`` (dot product = cosine)."""
        return self.member_unit_[self.position_[rows]]

    def _state(self) -> dict[str, np.ndarray]:
        return {
            "mean": self.mean_,
            "scale": self.scale_,
            "centres": self.centres_,
            "labels": self.labels_,
            "k": np.array(self.k_),
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        # Labels and centres come from the file; the unit vectors and member
        # lists are derived from them and the data in one pass.
        self.mean_, self.scale_ = state["mean"], state["scale"]
        self.centres_, self.labels_ = state["centres"], state["labels"].astype(np.int32)
        self.k_ = int(state["k"])
        rows = np.flatnonzero(data.has_audio)
        self._index(data, rows, standardize(audio_features(data, rows), self.mean_, self.scale_))

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return self.labels_[rows] >= 0

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        return self._draw(seeds, n, controls).playlist

    def draw(self, seeds: Seeds, n: int = 10, controls: Controls | None = None) -> Draw:
        """Like :meth:`recommend`, with the per-cluster shares and counts."""
        data = self._check_fitted()
        self._validate(seeds, data)
        return self._draw(seeds, n, controls or Controls())

    def _draw(self, seeds: Seeds, n: int, controls: Controls) -> Draw:
        data = self.data_
        given = unique_rows(seeds.rows)
        usable = np.array([r for r in given if self.labels_[r] >= 0], dtype=np.int64)
        ignored = tuple(r for r in given if self.labels_[r] < 0)
        seed_labels = self.labels_[usable]
        clusters, counts = np.unique(seed_labels, return_counts=True)
        mask = allowed_mask(data, controls, seeds.rows)
        penalty = target_penalty(data, controls)

        # Score every allowed member of each seeded cluster once; rank only the
        # best few (enough for n unless repeats or the artist cap eat them, in
        # which case the lists that ran dry are ranked deeper and the draw redone).
        cands: list[np.ndarray] = []
        sims: list[np.ndarray] = []
        for c in clusters.tolist():
            lo, hi = int(self.offsets_[c]), int(self.offsets_[c + 1])
            sim = self._similarity(lo, hi, usable[seed_labels == c])
            members = self.members_[lo:hi]
            if penalty is not None:
                sim = sim - penalty[members]
            allowed = mask[members]
            cands.append(members[allowed])
            sims.append(sim[allowed])
        depth = [min(len(c), 2 * n + 100) for c in cands]
        while True:
            # Best first; at equal similarity the lower row (candidates are in row order).
            ranked = [ordered(c, s, d) for c, s, d in zip(cands, sims, depth, strict=True)]
            taken = draw_by_quota([r for r, _ in ranked], counts, n, data, controls)
            short = [
                i for i, done in enumerate(taken.exhausted) if done and depth[i] < len(cands[i])
            ]
            if not short:
                break
            for i in short:
                depth[i] = min(len(cands[i]), depth[i] * 4)

        quotas = largest_remainder(counts, n)
        total = int(counts.sum())
        playlist: list[Scored] = []
        cluster_of: dict[int, int] = {}
        summary: list[ClusterDraw] = []
        for i, c in enumerate(clusters.tolist()):
            share = int(counts[i]) / total
            rows, scores = ranked[i][0][taken.positions[i]], ranked[i][1][taken.positions[i]]
            names = self._nearest_seeds(rows, usable[seed_labels == c])
            for row, score, seed_names in zip(rows, scores, names, strict=True):
                reason = (
                    f"cluster {c} ({self.descriptions_[c]}; {share:.0%} of your seeds): "
                    f"close to {seed_names}"
                )
                playlist.append(Scored(int(row), float(score), reason))
                cluster_of[int(row)] = c
            summary.append(ClusterDraw(c, int(counts[i]), share, int(quotas[i]), len(rows)))
        playlist.sort(key=lambda s: (-s.score, s.row))
        return Draw(playlist, summary, cluster_of, ignored)

    def _similarity(self, lo: int, hi: int, cluster_seeds: np.ndarray) -> np.ndarray:
        """Cosine of members ``lo:hi`` to the cluster's seeds: to their mean, or the best one."""
        block = self.member_unit_[lo:hi]
        seeds_unit = self.unit(cluster_seeds)
        if self.aggregate == "mean":
            centre = seeds_unit.mean(axis=0)
            norm = float(np.linalg.norm(centre))
            return block @ (centre / norm if norm > 0 else centre)
        out = np.empty(len(block), dtype=np.float32)
        for start in range(0, len(block), _CHUNK):
            part = block[start : start + _CHUNK] @ seeds_unit.T
            out[start : start + len(part)] = part.max(axis=1)
        return out

    def _nearest_seeds(self, rows: np.ndarray, cluster_seeds: np.ndarray) -> list[str]:
        """For each row, its two most similar seeds of the cluster, as names."""
        if len(rows) == 0:
            return []
        sims = self.unit(rows) @ self.unit(cluster_seeds).T
        best = np.argsort(-sims, axis=1, kind="stable")[:, :2]
        return [
            ", ".join(track_label(self.data_, int(cluster_seeds[j])) for j in picks)
            for picks in best
        ]
