"""Audio in words for the reasons: the traits a recommendation shares with its seeds
("both very acoustic and both slow (68 BPM)", the cosine models) and what a cluster
sounds like ("high energy, very danceable, loud", the cluster models).

A trait is named only where the seeds and the track are both far from the
catalog's usual value on the same side (:mod:`mixtape.features.reasons`), so
a value nearly every track has (instrumentalness 0) never is; a cluster is
described by its typical (median) track measured the same way.  The cosine
models measure the catalog's distribution once at fit, on a regular sample
of the tracks with audio, and save it with the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.reasons import (
    SAMPLE,
    TRAITS,
    FeatureDistribution,
    shared_trait_lists,
)

#: Rows of a group read to find its typical track.
_GROUP_SAMPLE = 1000


def trait_distribution(data: TrackArrays) -> FeatureDistribution:
    """The catalog's distribution of every audio column (tracks with audio): rows of
    ``data.audio`` go to it as they are, with no gather per query."""
    rows = np.flatnonzero(data.has_audio)
    rows = rows[:: max(1, len(rows) // SAMPLE)]  # no full copy: percentiles need no more
    return FeatureDistribution.of(data.audio[rows], AUDIO_COLUMNS)


def _audio(dist: FeatureDistribution, data: TrackArrays, rows: np.ndarray) -> np.ndarray:
    """``rows`` of the audio in ``dist.names`` order."""
    values = data.audio[rows]
    if dist.names == AUDIO_COLUMNS:
        return values
    return values[:, [AUDIO_COLUMNS.index(name) for name in dist.names]]


def distribution_state(dist: FeatureDistribution) -> dict[str, np.ndarray]:
    """``dist`` as arrays to save (the names as a Unicode array: no pickle)."""
    return {
        "trait_names": np.array(dist.names, dtype=str),
        "trait_mean": dist.mean,
        "trait_std": dist.std,
        "trait_quantiles": dist.quantiles,
    }


def distribution_from_state(state: dict[str, np.ndarray]) -> FeatureDistribution:
    """The distribution :func:`distribution_state` saved."""
    names = tuple(str(n) for n in state["trait_names"])
    return FeatureDistribution(
        names, state["trait_mean"], state["trait_std"], state["trait_quantiles"]
    )


def shared_trait_words(
    dist: FeatureDistribution,
    data: TrackArrays,
    seed_rows: np.ndarray,
    rows: np.ndarray,
    nearest: np.ndarray | None = None,
) -> list[str]:
    """Per row, the traits it shares with its seed (``seed_rows[nearest[i]]``, the first
    when ``nearest`` is None) that set both apart from the catalog; "" where none does."""
    found = shared_trait_lists(
        dist, data.audio, seed_rows, data.audio, rows, nearest, names=AUDIO_COLUMNS
    )
    return [" and ".join(words) for words in found]


def like(text: str, seed: str) -> str:
    """``text`` with the seed it compares with, when one is named ("…, like 'Song A'")."""
    return f"{text}, like {seed}" if seed else text


def describe(
    dist: FeatureDistribution,
    values: np.ndarray,
    *,
    most: int = 3,
    threshold: float = 0.5,
    average: str = "close to the catalog average",
) -> str:
    """The ``most`` traits on which ``values`` (``dist.names`` order, NaN unknown) stand
    furthest from the catalog's usual value, at least ``threshold`` away, in words ("high
    energy, very danceable"); ``average`` when none does."""
    z = dist.z(values)
    far = sorted(
        (-abs(float(z[j])), rank, j)
        for rank, j in enumerate(dist.names.index(n) for n in TRAITS if n in dist.names)
        if abs(z[j]) >= threshold
    )
    words = [
        TRAITS[dist.names[j]].high if z[j] > 0 else TRAITS[dist.names[j]].low
        for *_, j in far[:most]
    ]
    return ", ".join(words) or average


def describe_groups(
    data: TrackArrays,
    groups: Sequence[np.ndarray],
    features: Sequence[str],
    *,
    average: str = "close to the catalog average",
) -> list[str]:
    """What each group of rows (a cluster) sounds like: :func:`describe` of its typical
    track (the median of each of ``features``, on at most a thousand of its rows)."""
    dist = trait_distribution(data)
    ignored = [j for j, name in enumerate(dist.names) if name not in features]
    out = []
    for rows in groups:
        typical = _median(_audio(dist, data, rows[:: max(1, len(rows) // _GROUP_SAMPLE)]))
        typical[ignored] = np.nan  # never named
        out.append(describe(dist, typical, average=average))
    return out


def _median(values: np.ndarray) -> np.ndarray:
    """Each column's (lower) median over its known values; NaN for a column with none
    (numpy's ``nanmedian`` warns there)."""
    ordered = np.sort(values, axis=0)  # NaN last
    known = (~np.isnan(ordered)).sum(axis=0)
    out = ordered[np.maximum(known - 1, 0) // 2, np.arange(values.shape[1])].astype(np.float64)
    out[known == 0] = np.nan
    return out
