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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls, Picker, allowed_mask, target_penalty
from mixtape.models.registry import register

#: Audio columns the cluster models use. Left out: ``key``, ``mode`` and
#: ``time_signature`` (categorical: a numeric distance between C and C# means
#: nothing, and a binary column would split every cluster in two) and
#: ``duration_ms`` (length says little about how a track sounds).
CLUSTER_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "loudness",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
)

_SELECTION_SAMPLE = 10_000
_SILHOUETTE_SAMPLE = 2_000
# A cap on Lloyd iterations per k-means run (scikit-learn's default is 300):
# on weakly clustered data a run can crawl on for a last sliver of inertia.
# Typical runs converge well before it (13 iterations at k = 8 on 50k
# synthetic tracks, 58 at k = 20 on 1.2M).
_MAX_ITER = 100
_CHUNK = 32_768  # rows per block when taking the max over seeds (bounds temporary memory)


# -- features -------------------------------------------------------------------------
def audio_features(data: TrackArrays, rows: np.ndarray) -> np.ndarray:
    """``CLUSTER_FEATURES`` of ``rows`` as float32 (NaN where unknown)."""
    cols = [AUDIO_COLUMNS.index(c) for c in CLUSTER_FEATURES]
    return np.asarray(data.audio[rows][:, cols], dtype=np.float32)


def fit_standardizer(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of each column (scikit-learn's StandardScaler; NaN ignored)."""
    from sklearn.preprocessing import StandardScaler  # lazy: sklearn costs ~1.5 s to import

    d = x.shape[1]
    if len(x) == 0:
        return np.zeros(d), np.ones(d)
    scaler = StandardScaler().fit(x.astype(np.float64))
    mean = np.nan_to_num(np.asarray(scaler.mean_, dtype=np.float64), nan=0.0)
    scale = np.asarray(scaler.scale_, dtype=np.float64)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    return mean, scale


def standardize(x: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """z-scores, float32; a missing value becomes 0 (imputed with the mean)."""
    z = (x - mean.astype(np.float32)) / scale.astype(np.float32)
    return np.nan_to_num(z, nan=0.0).astype(np.float32, copy=False)


def unit_rows(z: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero): dot products are cosines."""
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.divide(z, norms, out=np.zeros_like(z), where=norms > 0)


# -- k-means --------------------------------------------------------------------------
def _distinct(z: np.ndarray) -> int:
    return len(np.unique(z, axis=0))


def choose_k(z: np.ndarray, k_min: int, k_max: int, random_state: int) -> int:
    """k in ``k_min..k_max`` with the best silhouette on a sample (ties: smaller k)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(random_state)
    sub = z if len(z) <= _SELECTION_SAMPLE else z[rng.choice(len(z), _SELECTION_SAMPLE, False)]
    hi = min(k_max, _distinct(sub) - 1, len(sub) - 1)  # silhouette needs 2 <= k <= n - 1
    if hi < 2:
        return max(1, min(k_min, _distinct(sub)))
    lo = max(2, min(k_min, hi))
    best_k, best = lo, -math.inf
    for k in range(lo, hi + 1):
        labels = KMeans(k, n_init=1, max_iter=_MAX_ITER, random_state=random_state).fit_predict(sub)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(
            sub,
            labels,
            sample_size=min(len(sub), _SILHOUETTE_SAMPLE),
            random_state=random_state,
        )
        if score > best:
            best_k, best = k, float(score)
    return best_k


def fit_kmeans(
    z: np.ndarray, k: int, random_state: int, fit_sample: int
) -> tuple[np.ndarray, np.ndarray]:
    """Centres (k' × d) and a label per row; k' <= k when there are fewer distinct points."""
    from sklearn.cluster import KMeans

    if len(z) == 0:
        return np.zeros((0, z.shape[1])), np.zeros(0, dtype=np.int32)
    rng = np.random.default_rng(random_state)
    sampled = len(z) > fit_sample
    sub = z[np.sort(rng.choice(len(z), fit_sample, replace=False))] if sampled else z
    k = max(1, min(k, _distinct(sub)))
    km = KMeans(k, n_init=3, max_iter=_MAX_ITER, random_state=random_state).fit(sub)
    labels = km.predict(z) if sampled else km.labels_
    return np.asarray(km.cluster_centers_, dtype=np.float64), labels.astype(np.int32)


# -- quotas ---------------------------------------------------------------------------
def largest_remainder(weights: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` seats in proportion to integer ``weights`` (Hamilton's method).

    Each gets ``floor(n * w / W)``; the seats left over go to the largest
    remainders (ties: the larger weight, then the earlier entry).  Exact integer
    arithmetic, so the result always sums to ``n`` (when any weight is positive).
    """
    w = np.asarray(weights, dtype=np.int64)
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    total = int(w.sum())
    if total == 0 or n <= 0:
        return np.zeros(len(w), dtype=np.int64)
    seats = (n * w) // total
    remainder = (n * w) % total
    left = n - int(seats.sum())
    order = np.lexsort((np.arange(len(w)), -w, -remainder))
    seats[order[:left]] += 1
    return seats


class RankedLists(Protocol):
    """Ranked row arrays by index; a plain list of arrays, or one computed on demand."""

    def __getitem__(self, i: int, /) -> np.ndarray: ...


class Taken(NamedTuple):
    positions: list[list[int]]  # per list, the positions taken (in order)
    exhausted: list[bool]  # per list, whether it was read to the end


def draw_by_quota(
    ranked: RankedLists,
    weights: Sequence[int] | np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
) -> Taken:
    """Take ``n`` rows from ranked lists, as many from each as its share of ``weights``.

    ``ranked[i]`` holds allowed rows, best first.  A row already taken from
    another list is skipped, and so is another version of a song already taken
    or one whose artist has reached ``controls.max_per_artist`` (:class:`Picker`).
    When a list runs out before its quota, the seats it could not fill go to
    the lists that still have rows, again in
    proportion to their weights.  ``ranked[i]`` is only read once list ``i``
    gets a seat, so ``ranked`` may be a lazy sequence (many lists, few seats).
    """
    w = np.asarray(weights, dtype=np.int64)
    taken_pos: list[list[int]] = [[] for _ in range(len(w))]
    pointer = [0] * len(w)
    length: dict[int, int] = {}  # lists read so far -> their length
    active = w > 0
    taken: set[int] = set()
    picker = Picker(data, controls)
    remaining = n
    while remaining > 0 and active.any():
        quotas = largest_remainder(np.where(active, w, 0), remaining)
        for i in np.flatnonzero(quotas).tolist():
            want, rows = int(quotas[i]), ranked[i]
            length[i] = len(rows)
            while want > 0 and pointer[i] < len(rows):
                row = int(rows[pointer[i]])
                pointer[i] += 1
                if row in taken or not picker.admit(row):
                    continue
                taken.add(row)
                taken_pos[i].append(pointer[i] - 1)
                want -= 1
            if pointer[i] >= len(rows):
                active[i] = False
        remaining = n - len(taken)
    exhausted = [i in length and pointer[i] >= length[i] for i in range(len(w))]
    return Taken(taken_pos, exhausted)


def best_first(rows: np.ndarray, scores: np.ndarray, depth: int) -> np.ndarray:
    """Positions of the ``depth`` best scores, best first (ties: lower row first).

    Partial selection, then a sort of the few kept: every row scoring at
    least the ``depth``-th best is kept, so ties at the edge are not cut at random.
    """
    if depth < len(scores):
        edge = np.partition(scores, len(scores) - depth)[len(scores) - depth]
        keep = np.flatnonzero(scores >= edge)
    else:
        keep = np.arange(len(scores))
    return keep[np.lexsort((rows[keep], -scores[keep]))]


# -- names ----------------------------------------------------------------------------
def track_label(data: TrackArrays, row: int) -> str:
    """``'Name'`` for reasons and messages (the key when the name is unknown)."""
    name = str(data.names[row]) if data.names[row] else ""
    return f"'{name}'" if name else str(data.keys[row])


def unique_rows(rows: Sequence[int]) -> list[int]:
    """Rows without repeats, first occurrence first."""
    return list(dict.fromkeys(int(r) for r in rows))


def refuse_unservable(
    model: Recommender,
    seeds: Seeds,
    data: TrackArrays,
    one: str,
    many: str,
    hint: str,
) -> None:
    """SeedError naming the seed(s) when the model can use none of them.

    The base class's message only knows how many seeds there were; this one
    names them: ``track 'Song A' {one}`` or ``none of the 3 seeds ('Song A',
    'Song B', 'Song C') {many}``.
    """
    rows = unique_rows(seeds.rows)
    if not rows or not all(0 <= r < data.n_tracks for r in rows):
        return  # nothing to say, or out of range: the base class reports that
    if model.can_serve(np.asarray(rows, dtype=np.int64)).any():
        return
    if len(rows) == 1:
        raise SeedError(f"track {track_label(data, rows[0])} {one}", hint=hint)
    names = ", ".join(track_label(data, r) for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
    raise SeedError(f"none of the {len(rows)} seeds ({names}) {many}", hint=hint)


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


class NeedsAudioSeeds(Recommender):
    """Seed checks shared by the cluster models: a seed must have audio features."""

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed has no" if n_seeds == 1 else f"none of the {n_seeds} seeds has"
        return f"{which} audio features, so the {self.name} model cannot place it in a cluster"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        refuse_unservable(
            self,
            seeds,
            data,
            f"has no audio features, so the {self.name} model cannot place it in a cluster",
            f"has audio features, so the {self.name} model cannot place them in clusters",
            "try the cooccurrence or hybrid model",
        )
        super()._validate(seeds, data)


@register
class ClustersModel(NeedsAudioSeeds):
    name = "clusters"
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
            order = [best_first(c, s, d) for c, s, d in zip(cands, sims, depth, strict=True)]
            ranked = [c[o] for c, o in zip(cands, order, strict=True)]
            taken = draw_by_quota(ranked, counts, n, data, controls)
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
            picked = order[i][taken.positions[i]]
            rows, scores = cands[i][picked], sims[i][picked]
            names = self._nearest_seeds(rows, usable[seed_labels == c])
            for row, score, seed_names in zip(rows, scores, names, strict=True):
                reason = f"cluster {c} ({share:.0%} of your seeds): close to {seed_names}"
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
