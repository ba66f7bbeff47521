"""The audio features a recommendation shares with its seeds, in words ("similar energy
and valence"), for the reasons of the cosine models."""

from __future__ import annotations

import numpy as np

from mixtape.features.arrays import AUDIO_COLUMNS

#: Features a reason may name, in the order they are preferred on a tie.
READABLE = (
    "energy",
    "danceability",
    "valence",
    "acousticness",
    "tempo",
    "instrumentalness",
    "speechiness",
)
_READABLE_COLS = np.array([AUDIO_COLUMNS.index(c) for c in READABLE])


def similar_features(
    z_query: np.ndarray, z_rows: np.ndarray, known: np.ndarray, top: int = 2
) -> list[str]:
    """Per row, the ``top`` readable features closest to the query's (as words)."""
    gaps = np.abs(z_rows[:, _READABLE_COLS] - z_query[_READABLE_COLS])
    gaps[~known[:, _READABLE_COLS] | np.isnan(gaps)] = np.inf
    order = np.argsort(gaps, axis=1, kind="stable")[:, :top]
    out = []
    for picks, row in zip(order.tolist(), gaps.tolist(), strict=True):
        out.append(_and([READABLE[j] for j in picks if row[j] != np.inf]))
    return out


def mean_z(z: np.ndarray) -> np.ndarray:
    """Column means over the known (non-NaN) values; NaN where a column is all unknown."""
    if len(z) == 1:
        return np.asarray(z[0], dtype=np.float64)
    known = ~np.isnan(z)
    counts = known.sum(axis=0)
    sums = np.where(known, z, 0.0).sum(axis=0)
    return np.divide(sums, counts, out=np.full(z.shape[1], np.nan), where=counts > 0)


def _and(names: list[str]) -> str:
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
