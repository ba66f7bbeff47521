"""From a search's candidates to the list a model returns, with the controls applied.

A search returns more candidates than ``n`` (``candidate_depth``: exclusions,
seeds and the artist cap need slack); ``select_candidates`` keeps the allowed
ones.  When filters leave too few, or targets re-rank, a model scores every
track and ``best_allowed`` picks from all of them, looking deeper until ``n``
survive.  Ties go to the lower index (:func:`mixtape.search.topk.top_k`), then
to the lower row (:func:`mixtape.models.controls.select`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.models.controls import (
    Controls,
    Picker,
    apply_targets,
    excluded_rows,
    select,
    within_bounds,
)
from mixtape.search.topk import top_k


def candidate_depth(n: int, controls: Controls, n_seeds: int) -> int:
    """How many candidates to fetch so that exclusions and the artist cap still leave ``n``."""
    depth = 4 * n + len(controls.exclude)
    if controls.exclude_seeds:
        depth += n_seeds
    if controls.max_per_artist is not None:
        depth += 4 * n
    return depth


def select_candidates(
    rows: np.ndarray,
    scores: np.ndarray,
    n: int,
    data: TrackArrays,
    controls: Controls,
    seeds: Sequence[int],
) -> list[tuple[int, float]]:
    """``select`` over a search's candidates, checking only their rows against the controls
    (what :func:`~mixtape.models.controls.allowed_mask` allows), as the :class:`Picker`
    walks them: a numpy mask costs more than a few dozen candidates' checks in Python."""
    if controls.bounds:
        keep = within_bounds(data, controls, rows)
        rows, scores = rows[keep], scores[keep]
    excluded = excluded_rows(controls, seeds)
    return Picker(data, controls, excluded).take(rows, scores, n, skip=excluded)


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
        cand = top_k(scores, depth)
        picked = select(rows[cand], scores[cand], n, data, controls, mask)
        if len(picked) >= n or depth >= len(rows):
            return picked
        depth *= 4
