"""Cluster-proportional curation: a playlist with the same mix of sounds as a library.

``curate(model, seeds, n)`` asks a fitted ``clusters`` model for ``n`` tracks
drawn from each of the seeds' clusters in proportion to its share of the
seeds, and says what each cluster sounds like ("high energy, danceable, low
acousticness", from the z-scores of its centre).  ``mixtape curate --seeds
FILE -n 50`` is a veneer over this function; ``CurationResult.as_dict()`` is
what it prints as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mixtape.errors import InputError
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.clusters import CLUSTER_FEATURES, ClustersModel
from mixtape.models.controls import Controls

#: Words for a high and a low z-score of each feature.
WORDS: dict[str, tuple[str, str]] = {
    "danceability": ("danceable", "hard to dance to"),
    "energy": ("high energy", "low energy"),
    "loudness": ("loud", "quiet"),
    "speechiness": ("lots of speech or rap", "little speech"),
    "acousticness": ("high acousticness", "low acousticness"),
    "instrumentalness": ("instrumental", "vocal"),
    "liveness": ("live recordings", "studio recordings"),
    "valence": ("upbeat", "sombre"),
    "tempo": ("fast", "slow"),
}


def describe_centre(
    z: Sequence[float] | np.ndarray,
    features: Sequence[str] = CLUSTER_FEATURES,
    threshold: float = 0.5,
    most: int = 3,
) -> str:
    """The ``most`` features furthest from the catalog average, in words.

    Only features at least ``threshold`` standard deviations from the mean
    count; a centre near the average everywhere is "close to the catalog average".
    """
    z = np.asarray(z, dtype=np.float64)
    order = np.argsort(-np.abs(z), kind="stable")
    words = [
        WORDS[features[i]][0 if z[i] > 0 else 1]
        for i in order[:most]
        if abs(z[i]) >= threshold and features[i] in WORDS
    ]
    return ", ".join(words) if words else "close to the catalog average"


@dataclass(frozen=True)
class ClusterShare:
    """One cluster's part in a curated playlist."""

    cluster: int
    seeds: int  # seeds in the cluster
    share: float  # seeds / usable seeds
    quota: int  # tracks its share was worth
    drawn: int  # tracks drawn (less than quota when it ran short, more when others did)
    description: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "seeds": self.seeds,
            "share": round(self.share, 4),
            "quota": self.quota,
            "drawn": self.drawn,
            "description": self.description,
        }


@dataclass(frozen=True)
class CurationResult:
    """A curated playlist and how the clusters shared it."""

    playlist: list[Scored]
    clusters: list[ClusterShare]
    keys: list[str]  # track key of each playlist entry
    names: list[str]  # track name of each playlist entry ("" when unknown)
    track_clusters: list[int]  # cluster of each playlist entry
    n_seeds: int  # seeds given (after removing repeats)
    ignored_seeds: list[str]  # keys of seeds without audio features (not used)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the playlist, the per-cluster shares and the ignored seeds."""
        return {
            "playlist": [
                {
                    "row": s.row,
                    "key": key,
                    "name": name,
                    "cluster": cluster,
                    "score": round(s.score, 6),
                    "reason": s.reason,
                }
                for s, key, name, cluster in zip(
                    self.playlist, self.keys, self.names, self.track_clusters, strict=True
                )
            ],
            "clusters": [c.as_dict() for c in self.clusters],
            "seeds": self.n_seeds,
            "ignored_seeds": self.ignored_seeds,
        }


def curate(
    model: Recommender,
    seeds: Seeds | Sequence[int],
    n: int = 50,
    controls: Controls | None = None,
) -> CurationResult:
    """``n`` tracks with the seeds' mix of clusters (seeds excluded unless controls say not).

    ``model`` must be a fitted ``clusters`` model; ``seeds`` are track rows
    (a library, a playlist).  Raises ``SeedError`` when no seed has audio
    features and ``NotFittedError`` before ``fit``.
    """
    if not isinstance(model, ClustersModel):
        raise InputError(
            f"curation needs the clusters model, not {model.name!r}", hint="use the clusters model"
        )
    if not isinstance(seeds, Seeds):
        seeds = Seeds.tracks(seeds)
    draw = model.draw(seeds, n, controls)
    data = model.data_
    shares = [
        ClusterShare(
            c.cluster,
            c.seeds,
            c.share,
            c.quota,
            c.drawn,
            describe_centre(model.centres_[c.cluster]),
        )
        for c in sorted(draw.clusters, key=lambda c: (-c.seeds, c.cluster))
    ]
    rows = [s.row for s in draw.playlist]
    return CurationResult(
        playlist=draw.playlist,
        clusters=shares,
        keys=[str(data.keys[r]) for r in rows],
        names=[str(data.names[r]) if data.names[r] else "" for r in rows],
        track_clusters=[draw.cluster_of[r] for r in rows],
        n_seeds=len(set(seeds.rows)),
        ignored_seeds=[str(data.keys[r]) for r in draw.ignored_seeds],
    )
