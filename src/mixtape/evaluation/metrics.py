"""Ranking metrics, as defined for the RecSys Challenge 2018 (Spotify MPD).

Every function is pure: a ground-truth set ``truth`` (held-out tracks) and a
ranked list ``ranked`` (best first), both of hashable track ids.

Choices, stated once:

* **Artist-level R-precision.** Among the first ``|G|`` recommendations, a
  track in ``G`` scores 1; a track not in ``G`` whose artist is the artist of
  some held-out track scores 0.25, each such artist credited at most once
  (the challenge's "partial credit for artist matches").
* **NDCG.** ``DCG = rel_1 + sum_{i>=2} rel_i / log2(i)`` with binary
  relevance; ``IDCG`` is the same sum for ``min(|G|, |R|)`` hits at the top.
  (The challenge text bounds IDCG by ``|G ∩ R|``, which rewards a list that
  finds few tracks if it ranks them first; common code bounds it by ``|G|``,
  which cannot be reached when fewer than ``|G|`` tracks are recommended. We
  use ``min(|G|, |R|)``: the best score *this list length* could reach.)
* **Clicks.** ``floor((first relevant rank - 1) / 10)``; 51 when no
  recommendation is relevant (the challenge recommends 500 tracks, shown ten
  at a time).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T", bound=Hashable)

NO_CLICK = 51


def r_precision(truth: Collection[T], ranked: Sequence[T]) -> float:
    """``|G ∩ R[:|G|]| / |G|`` (0 for an empty ground truth)."""
    if not truth:
        return 0.0
    g = set(truth)
    return len(g.intersection(ranked[: len(g)])) / len(g)


def artist_r_precision(
    truth: Collection[T], ranked: Sequence[T], artist_of: Mapping[T, Hashable]
) -> float:
    """R-precision with 0.25 credit per artist match (see module docstring)."""
    if not truth:
        return 0.0
    g = set(truth)
    truth_artists = {artist_of[t] for t in g if t in artist_of}
    credited: set[Hashable] = set()
    score = 0.0
    for item in ranked[: len(g)]:
        if item in g:
            score += 1.0
            continue
        artist = artist_of.get(item)
        if artist is not None and artist in truth_artists and artist not in credited:
            credited.add(artist)
            score += 0.25
    return score / len(g)


def _dcg(relevance: Sequence[float]) -> float:
    total = 0.0
    for i, rel in enumerate(relevance, start=1):
        total += rel if i == 1 else rel / math.log2(i)
    return total


def ndcg(truth: Collection[T], ranked: Sequence[T]) -> float:
    """Normalized DCG with IDCG over ``min(|G|, |R|)`` ideal hits."""
    if not truth or not ranked:
        return 0.0
    g = set(truth)
    dcg = _dcg([1.0 if item in g else 0.0 for item in ranked])
    ideal = _dcg([1.0] * min(len(g), len(ranked)))
    return dcg / ideal


def clicks(truth: Collection[T], ranked: Sequence[T]) -> int:
    """Pages of ten a user skips before the first relevant track (51 if none)."""
    g = set(truth)
    for rank, item in enumerate(ranked, start=1):
        if item in g:
            return (rank - 1) // 10
    return NO_CLICK


def precision_at_k(truth: Collection[T], ranked: Sequence[T], k: int) -> float:
    """Share of the first ``k`` recommendations that are relevant (divides by ``k``)."""
    if k <= 0:
        return 0.0
    return len(set(truth).intersection(ranked[:k])) / k


def recall_at_k(truth: Collection[T], ranked: Sequence[T], k: int) -> float:
    """Share of the ground truth found in the first ``k`` recommendations."""
    if not truth:
        return 0.0
    g = set(truth)
    return len(g.intersection(ranked[:k])) / len(g)


def coverage(recommended_lists: Sequence[Sequence[T]], catalog_size: int) -> float:
    """Share of the catalog that appears in at least one list."""
    if catalog_size <= 0:
        return 0.0
    seen: set[T] = set()
    for items in recommended_lists:
        seen.update(items)
    return len(seen) / catalog_size


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise Euclidean distance between the rows (feature vectors) of one list.

    Rows with NaN are ignored; fewer than two usable rows give 0.
    """
    v = np.asarray(vectors, dtype=np.float64)
    v = v[~np.isnan(v).any(axis=1)] if v.ndim == 2 else v
    m = len(v)
    if m < 2:
        return 0.0
    sq = np.sum(v * v, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * v @ v.T, 0.0)
    iu = np.triu_indices(m, k=1)
    return float(np.sqrt(d2[iu]).mean())


def mean_popularity(popularity: Sequence[float]) -> float:
    """Mean popularity of the recommended tracks (NaN values ignored; NaN if none)."""
    p = np.asarray(popularity, dtype=np.float64)
    p = p[~np.isnan(p)]
    return float(p.mean()) if len(p) else float("nan")


def artist_repetition(artists: Sequence[Hashable]) -> float:
    """Share of recommendations whose artist already appeared earlier in the list."""
    if not artists:
        return 0.0
    return 1.0 - len(set(artists)) / len(artists)
