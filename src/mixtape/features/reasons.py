"""Reasons that say something: the audio traits a seed and a candidate share that set them
apart from the rest of the catalog.

"Similar instrumentalness" is true of almost any two tracks: nearly every track
has none.  A trait is worth naming when both tracks are far from the catalog's
usual value *on the same side*: both very acoustic, both fast.  "Far" is
measured twice and the smaller of the two counts:

* by rank: the track's mid-rank percentile in the catalog, as a normal score
  (``Φ⁻¹(p)``), so a value most tracks share (instrumentalness 0: mid-rank
  ~0.4) is never far however small the spread;
* by spread: ``(value - mean) / std``, so a value just above a big tie (0.01
  instrumentalness when 80% of tracks have 0) is not called "instrumental".

Traits are ranked by ``min(|z_seed|, |z_candidate|)``; at most two are named,
and "similar overall sound" stands in when none is distinctive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays

FALLBACK = "similar overall sound"
#: How far (in standard deviations, both ways of measuring) a value must be to be named.
THRESHOLD = 1.0
#: Values kept per feature to compute percentiles (every k-th track past this many).
SAMPLE = 200_000
#: Quantiles kept per feature (0.1% resolution).
N_QUANTILES = 1001


def _bpm(v: float) -> str:
    return f"{round(v)} BPM"


def _db(v: float) -> str:
    return f"{round(v)} dB"


def _minutes(ms: float) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class Trait:
    """How a feature reads when both tracks are high or low on it; ``unit`` formats values."""

    high: str
    low: str
    unit: Callable[[float], str] | None = None


#: Features a reason may name, in the order preferred on a tie.  Key, mode and time
#: signature are categories, not scales: never named.
TRAITS: dict[str, Trait] = {
    "energy": Trait("high energy", "low energy"),
    "acousticness": Trait("very acoustic", "electric"),
    "tempo": Trait("fast", "slow", _bpm),
    "danceability": Trait("very danceable", "hard to dance to"),
    "valence": Trait("upbeat", "dark"),
    "instrumentalness": Trait("instrumental", "sung"),
    "speechiness": Trait("full of speech or rap", "without speech"),
    "loudness": Trait("loud", "quiet", _db),
    "liveness": Trait("live-sounding", "studio-clean"),
    "duration_ms": Trait("long", "short", _minutes),
}


@dataclass(frozen=True)
class FeatureDistribution:
    """The catalog's distribution of each audio feature: mean, std and quantiles.

    ``names`` are the features (columns of ``mean``/``std``, rows of
    ``quantiles``); ``quantiles[j]`` holds feature ``j`` at evenly spaced
    probabilities from 0 to 1 (NaN rows for a feature nobody has).
    """

    names: tuple[str, ...]
    mean: np.ndarray  # (f,)
    std: np.ndarray  # (f,)
    quantiles: np.ndarray  # (f, q)

    @classmethod
    def of(cls, values: np.ndarray, names: tuple[str, ...] = AUDIO_COLUMNS) -> FeatureDistribution:
        """From a (tracks, features) matrix, NaN where unknown."""
        values = np.asarray(values, dtype=np.float64)
        step = max(1, len(values) // SAMPLE)  # a regular sample: percentiles need no more
        probs = np.linspace(0.0, 1.0, N_QUANTILES)
        mean = np.full(len(names), np.nan)
        std = np.full(len(names), np.nan)
        quantiles = np.full((len(names), N_QUANTILES), np.nan)
        for j in range(len(names)):
            column = values[::step, j]
            column = column[~np.isnan(column)]
            if len(column):
                mean[j], std[j] = column.mean(), column.std()
                quantiles[j] = np.quantile(column, probs)
        return cls(names, mean, std, quantiles)

    def z(self, values: np.ndarray) -> np.ndarray:
        """Signed distance from the usual value per feature: the smaller of the rank and
        spread measures, 0 where they disagree on the side or the value is unknown.

        ``values`` is (features,) or (rows, features) in ``names`` order.
        """
        values = np.asarray(values, dtype=np.float64)
        by_spread = np.divide(
            values - self.mean,
            self.std,
            out=np.zeros(np.broadcast(values, self.std).shape),
            where=self.std > 0,
        )
        by_rank = np.zeros_like(by_spread)
        q = self.quantiles.shape[1]
        flat_values = values.reshape(-1, len(self.names))
        flat_rank = by_rank.reshape(-1, len(self.names))
        for j in range(len(self.names)):
            table = self.quantiles[j]
            if np.isnan(table[0]):
                continue
            left = np.searchsorted(table, flat_values[:, j], side="left")
            right = np.searchsorted(table, flat_values[:, j], side="right")
            # Mid-rank: a value many tracks share sits in the middle of its tie.
            p = ((left + right - 1) / 2) / (q - 1)
            flat_rank[:, j] = ndtri(np.clip(p, 0.5 / (q - 1), 1 - 0.5 / (q - 1)))
        same_side = np.sign(by_rank) == np.sign(by_spread)
        out = np.where(same_side, np.sign(by_rank) * np.minimum(abs(by_rank), abs(by_spread)), 0.0)
        return np.nan_to_num(out, nan=0.0)


def feature_distribution(data: TrackArrays) -> FeatureDistribution:
    """The catalog's :class:`FeatureDistribution` (tracks with features only)."""
    return FeatureDistribution.of(data.audio[data.has_audio])


def _row(dist: FeatureDistribution, values: np.ndarray | Mapping[str, float]) -> np.ndarray:
    if isinstance(values, Mapping):
        return np.array([values.get(n, np.nan) for n in dist.names], dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def _phrase(trait: Trait, high: bool, seed: float, candidate: float) -> str:
    text = "both " + (trait.high if high else trait.low)
    if trait.unit is None:
        return text
    a, b = trait.unit(seed), trait.unit(candidate)
    return f"{text} ({a})" if a == b else f"{text} ({a} and {b})"


def _traits_of(
    dist: FeatureDistribution,
    seed: np.ndarray,
    candidates: np.ndarray,
    limit: int,
    threshold: float,
) -> list[list[str]]:
    """Per candidate row, its shared traits with ``seed`` (one z pass for all rows)."""
    z = dist.z(np.vstack([seed[None, :], candidates]))
    zs, zc = z[0], z[1:]
    columns = [
        (rank, name, dist.names.index(name))
        for rank, name in enumerate(TRAITS)
        if name in dist.names
    ]
    out = []
    for c, zrow in zip(candidates, zc, strict=True):
        found = []
        for rank, name, j in columns:
            strength = min(abs(zs[j]), abs(zrow[j]))
            if strength >= threshold and np.sign(zs[j]) == np.sign(zrow[j]):
                found.append((-strength, rank, _phrase(TRAITS[name], zs[j] > 0, seed[j], c[j])))
        out.append([phrase for *_, phrase in sorted(found)[:limit]])
    return out


def shared_traits(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidate: np.ndarray | Mapping[str, float],
    *,
    limit: int = 2,
    threshold: float = THRESHOLD,
) -> list[str]:
    """Up to ``limit`` phrases ("both very acoustic", "both fast (172 BPM)") for the
    features where seed and candidate are both at least ``threshold`` from the catalog's
    usual value on the same side, the most distinctive first; [] when none is.

    ``seed``/``candidate``: values in ``dist.names`` order (NaN unknown) or a mapping
    from feature name to value (for several seeds, pass their mean).
    """
    rows = _row(dist, candidate)[None, :]
    return _traits_of(dist, _row(dist, seed), rows, limit, threshold)[0]


def distinctive_reasons(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidates: np.ndarray,
    *,
    limit: int = 2,
) -> list[str]:
    """One reason per row of ``candidates`` ((rows, features) in ``dist.names`` order):
    its :func:`shared_traits` with ``seed`` joined ("both very acoustic and both slow
    (68 BPM)"), or "similar overall sound" when nothing shared is distinctive."""
    rows = np.asarray(candidates, dtype=np.float64).reshape(-1, len(dist.names))
    found = _traits_of(dist, _row(dist, seed), rows, limit, THRESHOLD)
    return [" and ".join(traits) or FALLBACK for traits in found]


def distinctive_reason(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidate: np.ndarray | Mapping[str, float],
    *,
    limit: int = 2,
) -> str:
    """:func:`distinctive_reasons` for one candidate."""
    return distinctive_reasons(dist, seed, _row(dist, candidate)[None, :], limit=limit)[0]


__all__ = [
    "FALLBACK",
    "TRAITS",
    "FeatureDistribution",
    "distinctive_reason",
    "distinctive_reasons",
    "feature_distribution",
    "shared_traits",
]
