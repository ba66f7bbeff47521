"""Song paths: a list of tracks that walks from one track to another through a vector model.

Given tracks A and B of a fitted cosine model (``audio``, ``content`` or ``sonic``), the
path's step ``i`` of ``n`` aims at the point a fraction ``t = i / (n - 1)`` of
the way along the great circle from A's unit vector to B's (spherical
interpolation) and takes the allowed track nearest to it (highest cosine)
that the path does not hold yet.  Since both the interpolated point and the
cosine are linear in A's and B's vectors, every step's scores are a weighted
sum of two exact similarity scans (``model.similarities(A)`` and ``(B)``):
two scans for the whole path, then one cheap pass per step.

Rules: no track twice; one version of a song (unless ``one_per_song`` is off);
at most ``max_per_artist`` tracks per primary artist, A and B included; the
controls' filters and exclusions.  The tracks picked for the points are
then ordered by their similarity to B, so the path never walks back: each
track after A is at least as similar to B as the one before it.  (A's own
nearest neighbours may be farther from B than A itself: the first step may
be less similar to B than A.)  A step's reason says how much of A's angular
distance to B its track has closed.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol, runtime_checkable

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Scored
from mixtape.models.controls import Controls, Picker, allowed_mask, apply_targets
from mixtape.models.seeding import track_label

#: The longest path asked for (A and B included).
MAX_STEPS = 200
#: Candidates ranked per step before looking deeper (the picker may refuse some).
_DEPTH = 64
#: Tracks nearest the arc from A to B that a walk starts with (plus 8 per step).
_POOL = 2048
#: Slack on the pool's bound for float32 rounding.
_MARGIN = 1e-5


@runtime_checkable
class HasSimilarities(Protocol):
    """A fitted model that can score every track against one track (the cosine models)."""

    def similarities(self, row: int) -> np.ndarray: ...


def _weights(t: float, cos_ab: float) -> tuple[float, float]:
    """Weights of A and B for the point ``t`` of the way from A to B (slerp; linear when
    A and B point the same way or exactly opposite, where the great circle is undefined)."""
    omega = float(np.arccos(np.clip(cos_ab, -1.0, 1.0)))
    sin_omega = float(np.sin(omega))
    if sin_omega < 1e-6:
        return 1.0 - t, t
    return float(np.sin((1 - t) * omega)) / sin_omega, float(np.sin(t * omega)) / sin_omega


def _check(model: Recommender, start: int, end: int, n: int) -> None:
    if not isinstance(model, HasSimilarities):
        raise InputError(
            f"the {model.name} model has no track vectors to walk between",
            hint="use a vector model: audio, content or sonic",
        )
    if not 2 <= n <= MAX_STEPS:
        raise InputError(f"a song path has 2 to {MAX_STEPS} tracks, not {n}", field="n")
    if start == end:
        raise InputError("a song path needs two different tracks", hint="pick another end track")


def _picker(data: TrackArrays, controls: Controls, start: int, end: int) -> Picker:
    """A picker that holds A and B already (they count towards the caps)."""
    picker = Picker(data, controls)
    picker.admit(start)
    if not picker.admit(end):
        raise InputError(
            "the two tracks are versions of one song, or by one artist over the cap",
            hint="pick another end track, allow all versions or raise the cap per artist",
        )
    return picker


def _arc_bound(a: np.ndarray, b: np.ndarray, cos_ab: float) -> np.ndarray:
    """Per track, its highest cosine to any point of the arc from A to B (``a``, ``b``:
    its cosines to A and B).

    In the plane of A and B a track's projection lies between the rays of A and B
    when ``b >= cos·a`` and ``a >= cos·b``; then the best point is straight above it,
    at the projection's length ``sqrt((a² + b² - 2ab·cos) / sin²)``; otherwise the
    nearer end is (the larger of ``a`` and ``b``).
    """
    ends = np.maximum(a, b)
    sin2 = 1.0 - cos_ab * cos_ab
    if sin2 < 1e-12:  # A and B (anti)parallel: every point is one of the ends
        return ends
    inside = (b >= cos_ab * a) & (a >= cos_ab * b)
    length = np.sqrt(np.maximum(a * a + b * b - 2 * cos_ab * a * b, 0.0) / sin2)
    return np.where(inside, length, ends)


def song_path(
    model: Recommender, start: int, end: int, n: int = 12, controls: Controls | None = None
) -> list[Scored]:
    """``n`` tracks from row ``start`` to row ``end`` (both included), each with its
    cosine to the interpolated point it was picked for and a reason ("step 4 of 12:
    35% of the way to 'Halo'").

    Raises InputError for a model without vectors, A == B, two versions of one song
    as A and B, an artist cap A and B already break, or a catalog that cannot fill
    the path under the controls; SeedError when A or B has no vector in this model.
    """
    _check(model, start, end, n)
    assert isinstance(model, HasSimilarities)
    sim_a, sim_b = model.similarities(start), model.similarities(end)
    data = model.data_
    controls = dataclasses.replace(controls or Controls(), exclude_seeds=True)
    _picker(data, controls, start, end)  # A and B themselves break no rule

    allowed = allowed_mask(data, controls, (start, end)) & ~np.isnan(sim_a) & ~np.isnan(sim_b)
    cos_ab = float(sim_a[end])
    # Walk over the tracks nearest the arc only: no track outside that pool can beat
    # a pick scoring above the pool's lowest bound.  A pick below it (the rules
    # refused too many) means a bigger pool.
    bound = np.where(allowed, _arc_bound(sim_a, sim_b, cos_ab), -np.inf)
    n_allowed = int(allowed.sum())
    size = _POOL + 8 * n
    while True:
        if size >= n_allowed:
            pool, floor = np.flatnonzero(allowed), -np.inf
        else:
            pool = np.argpartition(-bound, size - 1)[:size]
            floor = float(bound[pool].min()) + _MARGIN
        a, b = sim_a[pool].astype(np.float64), sim_b[pool].astype(np.float64)
        picks = _walk(data, controls, start, end, n, pool, a, b, cos_ab, floor)
        if picks is not None:
            break
        size *= 8
    # Each pick is nearest to its own point; ordered by similarity to B they never walk
    # back (a stable sort keeps the interpolation order on ties).
    picks.sort(key=lambda p: p[2])
    target = track_label(data, end)
    gap = float(np.arccos(np.clip(cos_ab, -1.0, 1.0))) or 1.0
    path = [Scored(start, 1.0, f"step 1 of {n}: the start, on the way to {target}")]
    for step, (row, score, to_b) in enumerate(picks, start=2):
        # The share of A's angular distance to B this track has closed.
        closed = 1.0 - float(np.arccos(np.clip(to_b, -1.0, 1.0))) / gap
        path.append(Scored(row, score, f"step {step} of {n}: {progress(closed, target)}"))
    path.append(Scored(end, 1.0, f"step {n} of {n}: {target}, the end"))
    return path


def progress(closed: float, target: str) -> str:
    """How far along a step is, in words, from the share of A's distance to B it has
    ``closed``: "35% of the way to 'Halo'".  A step that has not yet got closer to B
    (the first steps often only move sideways, below 0.5%) and one all but there say
    so, rather than "0%" or "100% of the way"."""
    pct = round(100 * min(max(closed, 0.0), 1.0))
    if pct == 0:
        return f"just setting out for {target}"
    if pct == 100:
        return f"almost at {target}"
    return f"{pct}% of the way to {target}"


def _walk(
    data: TrackArrays,
    controls: Controls,
    start: int,
    end: int,
    n: int,
    rows: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cos_ab: float,
    floor: float,
) -> list[tuple[int, float, float]] | None:
    """(row, cosine to its point, cosine to B) of each intermediate step, picked among
    ``rows``; None when a pick scores below ``floor`` (a track outside might be better)."""
    picker = _picker(data, controls, start, end)
    free = np.ones(len(rows), dtype=bool)
    picks = []
    for i in range(1, n - 1):
        wa, wb = _weights(i / (n - 1), cos_ab)
        norm = float(np.sqrt(max(wa * wa + wb * wb + 2 * wa * wb * cos_ab, 1e-12)))
        scores = apply_targets(rows, (wa * a + wb * b) / norm, data, controls)
        pick = _best_admitted(rows, scores, np.flatnonzero(free), picker)
        if pick is None or scores[pick] <= floor:
            if np.isfinite(floor):
                return None
            raise InputError(
                f"only {i - 1} tracks fit between the two under these rules, not {n - 2}",
                hint="ask for fewer steps, allow all versions or raise the cap per artist",
            )
        free[pick] = False
        picks.append((int(rows[pick]), float(scores[pick]), float(b[pick])))
    return picks


def _best_admitted(
    rows: np.ndarray, scores: np.ndarray, eligible: np.ndarray, picker: Picker
) -> int | None:
    """Index (into ``rows``) of the best-scored eligible row the picker admits."""
    depth = _DEPTH
    seen = 0
    while seen < len(eligible):
        k = min(depth, len(eligible))
        part = scores[eligible]
        top = np.argpartition(-part, k - 1)[:k] if k < len(eligible) else np.arange(k)
        ordered = top[np.lexsort((rows[eligible[top]], -part[top]))]
        for j in ordered[seen:]:
            if picker.admit(int(rows[eligible[j]])):
                return int(eligible[j])
        seen, depth = k, depth * 8
    return None


__all__ = ["MAX_STEPS", "HasSimilarities", "progress", "song_path"]
