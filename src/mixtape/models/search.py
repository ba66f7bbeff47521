"""How the cosine models search: the shared pieces around the indexes.

The exact index is :mod:`mixtape.models.exact`; partial selection is
:mod:`mixtape.models.topk`.

**Approximate.**  Inverted lists (``ivf``: the positions laid out list by list,
so each list is a slice of the exact index's own matrix) or an HNSW graph (faiss
``IndexHNSWFlat`` over an *embedding* of the same vectors) retrieve candidates
that the exact index then re-scores, so reported scores are always exact.
Their search width (``nprobe``, ``efSearch``) is tuned at fit until recall@10
against exact search is at least 0.99 on a sample of queries (or a limit is
reached; the measured recall is kept), and they are saved in the model's
``.npz``.  When the HNSW embedding is the dense part itself (``audio``) the
exact index reads the graph's vectors instead of holding a second copy.

This module holds what every search shares: how many candidates to fetch so
that the controls still leave ``n`` (``candidate_depth``), and picking the
allowed ones from a search's candidates or from every score.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.models.controls import (
    Controls,
    allowed_mask,
    apply_targets,
    select,
    top_candidates,
)

#: Above this many tracks ``index="auto"`` builds an approximate index (IVF; ``content``
#: stays exact).
AUTO_ANN_ABOVE = 200_000


def candidate_depth(n: int, controls: Controls, n_seeds: int) -> int:
    """How many candidates to fetch so that exclusions and the artist cap still leave ``n``."""
    depth = 4 * n + len(controls.exclude)
    if controls.exclude_seeds:
        depth += n_seeds
    if controls.max_per_artist is not None:
        depth += 4 * n
    return depth


@lru_cache(maxsize=4)
def _everyone(n: int) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    mask.flags.writeable = False
    return mask


def select_candidates(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    seeds: Sequence[int],
) -> list[tuple[int, float]]:
    """``select`` over a search's candidates, checking only their rows against the controls."""
    keep = allowed_mask(data, controls, seeds, rows=rows)
    return select(rows[keep], scores[keep], n, data, controls, _everyone(data.n_tracks))


def best_allowed(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    mask: np.ndarray,
) -> list[tuple[int, float]]:
    """``select`` over every scored row: targets applied, then deeper until ``n`` survive."""
    scores = apply_targets(rows, scores, data, controls)
    keep = mask[rows]
    rows, scores = rows[keep], scores[keep]
    depth = max(1, candidate_depth(n, controls, 0))
    while True:
        cand = top_candidates(scores, depth)
        picked = select(rows[cand], scores[cand], n, data, controls, mask)
        if len(picked) >= n or depth >= len(rows):
            return picked
        depth *= 4
