"""How ``rerank`` learns: splits of training playlists, leak-free arrays, LightGBM lambdarank.

A seeded sample of the playlists the model is fitted on is split the way the
RecSys Challenge splits a playlist: ``k`` seeds (``k`` drawn from the
challenge's 1, 5, 10, 25 and 100, below the playlist's length) and the rest
held out; when the model has a title generator, half the titled playlists also
get their title as a seed, and ``k`` may then be 0 (the title alone).  The
arrays keep playlists as sets, so the seeds are drawn at random (the
evaluation's first-k categories take a playlist's first tracks).

:func:`without_hidden` removes the held-out entries from the playlist matrix:
the generators fitted on it have never seen a training label (a generator
fitted on the playlist itself would rank its own tracks first, and the
re-ranker would learn to trust it blindly), while the seeds stay where they
are.  Labels are held-out membership; :func:`train_ranker` fits LightGBM's
lambdarank on the queries that have at least one held-out track among their
candidates (the others carry no ranking signal).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.titles import normalize_title

#: Seed counts of the challenge's categories; a training split draws one below its length
#: (0, the title alone, only for a titled playlist).
SEED_COUNTS = (0, 1, 5, 10, 25, 100)
#: The share of titled training splits that get their title as a seed (beside 0+ tracks).
TITLED_SHARE = 0.5


@dataclass(frozen=True)
class TrainingSplit:
    playlist: int  # row of the playlist matrix
    seeds: tuple[int, ...]  # track rows, in the (random) order they are given
    held_out: np.ndarray  # (h,) int64 track rows, sorted
    title: str | None = None  # the playlist's title as a seed, or None


def training_splits(
    data: TrackArrays, count: int, rng: np.random.Generator, titles: bool = False
) -> list[TrainingSplit]:
    """Up to ``count`` splits of distinct playlists with at least two tracks, by ``rng``;
    with ``titles``, some get the playlist's title as a seed (some the title alone)."""
    baskets = sp.csr_matrix(data.playlists)
    baskets.eliminate_zeros()
    lengths = np.diff(baskets.indptr)
    eligible = np.flatnonzero(lengths >= 2)
    if len(eligible) > count:
        eligible = np.sort(rng.choice(eligible, size=count, replace=False))
    names = data.playlist_names
    out = []
    for playlist in eligible.tolist():
        tracks = baskets.indices[baskets.indptr[playlist] : baskets.indptr[playlist + 1]]
        name = str(names[playlist]) if titles and len(names) > playlist else ""
        titled = bool(normalize_title(name)) and rng.random() < TITLED_SHARE
        k = int(rng.choice([s for s in SEED_COUNTS if s < len(tracks) and (s or titled)]))
        order = rng.permutation(tracks.astype(np.int64))
        seeds, held = tuple(order[:k].tolist()), np.sort(order[k:])
        out.append(TrainingSplit(playlist, seeds, held, name if titled else None))
    return out


def without_hidden(data: TrackArrays, splits: list[TrainingSplit]) -> TrackArrays:
    """A copy of ``data`` whose playlist matrix lacks the splits' held-out entries."""
    baskets = sp.csr_matrix(data.playlists, dtype=np.float32)
    baskets.data = (baskets.data != 0).astype(np.float32)
    baskets.eliminate_zeros()
    if splits:
        rows = np.concatenate([np.full(len(s.held_out), s.playlist) for s in splits])
        cols = np.concatenate([s.held_out for s in splits])
        hidden = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=baskets.shape
        )
        baskets = sp.csr_matrix(baskets - hidden)
        baskets.eliminate_zeros()
    return dataclasses.replace(
        data, playlists=baskets, fingerprint=data.fingerprint + "-rerank-training"
    )


@dataclass
class TrainingSet:
    """Feature rows of the kept queries, their labels and the queries' sizes.

    A query is kept when one of its candidates is a held-out track; of its other
    candidates at most ``negatives`` are kept, drawn at random by ``rng`` (the
    training rows, and so LightGBM's time, grow with the candidates kept, while
    a few hundred negatives per query teach the ranking as well).
    """

    negatives: int
    rng: np.random.Generator
    features: list[np.ndarray] = dataclasses.field(default_factory=list)
    labels: list[np.ndarray] = dataclasses.field(default_factory=list)
    groups: list[int] = dataclasses.field(default_factory=list)

    def add(self, features: np.ndarray, labels: np.ndarray) -> None:
        if not labels.any():
            return
        negative = np.flatnonzero(~labels)
        if len(negative) > self.negatives:
            dropped = self.rng.choice(negative, size=len(negative) - self.negatives, replace=False)
            keep = np.ones(len(labels), dtype=bool)
            keep[dropped] = False
            features, labels = features[keep], labels[keep]
        self.features.append(features)
        self.labels.append(labels.astype(np.int32))
        self.groups.append(len(labels))


def train_ranker(
    training: TrainingSet, names: list[str], params: dict[str, Any], rounds: int
) -> Any:
    """A LightGBM lambdarank booster fitted on ``training`` (InputError when it is empty)."""
    import lightgbm as lgb  # lazy: only fitting needs it at import

    if not training.groups:
        raise InputError(
            "the rerank model found no held-out track among its candidates to learn from",
            hint="fit it on a catalog with more playlists, or raise depth or train_playlists",
        )
    features = np.concatenate(training.features)
    labels = np.concatenate(training.labels)
    rows = len(labels)
    settings = {
        "objective": "lambdarank",
        "verbosity": -1,
        "deterministic": True,
        "force_row_wise": True,
        # Small catalogs have few rows: a leaf must not need more than a fraction of them.
        "min_data_in_leaf": max(1, min(50, rows // 50)),
        **params,
    }
    dataset = lgb.Dataset(
        features, label=labels, group=training.groups, feature_name=names, free_raw_data=True
    )
    return lgb.train(settings, dataset, num_boost_round=rounds)
