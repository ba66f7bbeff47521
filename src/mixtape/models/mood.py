"""``mood``: nearest neighbours on the valence–energy plane (Russell's circumplex).

Seeds are a track (its point), several tracks (their mean point) or a point
given directly (``Seeds.at(valence, energy)``, e.g. from :func:`parse_mood`).
The score is a similarity, ``1 - distance / √2`` (1 at the seed point, 0 at
the opposite corner of the unit square); the index is a scipy ``cKDTree`` over
the tracks whose valence and energy are known.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree

from mixtape.errors import InputError, SeedError, shown
from mixtape.features.arrays import TrackArrays
from mixtape.features.moodmap import energy_only, energy_only_note
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.candidates import best_allowed, candidate_depth, select_candidates
from mixtape.models.controls import Controls, allowed_mask
from mixtape.models.seeding import refuse_unservable, track_label
from mixtape.vocab import MOOD_QUADRANTS, MOOD_SYNONYMS

#: Mood words → (valence, energy): each quadrant's name, then its other words.
MOODS: dict[str, tuple[float, float]] = {
    word: point
    for quadrant, point in MOOD_QUADRANTS.items()
    for word in (quadrant, *(w for w, q in MOOD_SYNONYMS.items() if q == quadrant))
}


def parse_mood(text: str) -> tuple[float, float]:
    """``"0.7,0.4"`` (valence, energy in 0..1) or a quadrant word such as ``"calm"``."""
    cleaned = text.strip().lower()
    if cleaned in MOODS:
        return MOODS[cleaned]
    hint = "give VALENCE,ENERGY between 0 and 1 (e.g. 0.7,0.4) or one of " + ", ".join(MOODS)
    parts = cleaned.split(",")
    if len(parts) != 2:
        raise InputError(f"cannot read the mood {shown(text)}", hint=hint)
    try:
        valence, energy = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"cannot read the mood {shown(text)}", hint=hint) from None
    if not (0.0 <= valence <= 1.0 and 0.0 <= energy <= 1.0):
        raise InputError(
            f"valence and energy must be between 0 and 1, got {shown(text)}", hint=hint
        )
    return valence, energy


def similarity(distance: np.ndarray) -> np.ndarray:
    """Distance on the unit square as a similarity: 1 at zero, 0 at the diagonal (√2)."""
    return 1.0 - np.asarray(distance, dtype=np.float64) / math.sqrt(2.0)


class MoodModel(Recommender):
    name = "mood"
    summary = "Nearest tracks on the valence–energy plane (seed tracks or a mood such as 'calm')."
    score_meaning = (
        "similarity on the valence–energy plane: 1 - distance / √2 "
        "(1 = the seed point, 0 = the opposite corner), less any target penalty"
    )
    accepts_point = True

    has_mood_: np.ndarray  # data.has_mood, computed once
    rows_: np.ndarray  # tree index -> catalog row
    points_: np.ndarray  # (m, 2) valence, energy
    tree_: cKDTree

    def __init__(self, leaf_size: int = 32) -> None:
        self.leaf_size = leaf_size

    def _fit(self, data: TrackArrays) -> None:
        self.has_mood_ = data.has_mood
        self.rows_ = np.flatnonzero(self.has_mood_)
        self.points_ = np.column_stack(
            [data.column("valence")[self.rows_], data.column("energy")[self.rows_]]
        ).astype(np.float64)
        self.tree_ = cKDTree(self.points_, leafsize=self.leaf_size)

    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        if not self.is_fitted:
            return np.zeros(len(rows), dtype=bool)
        return np.asarray(self.has_mood_[rows], dtype=bool)

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        if not len(self.rows_):  # checked first: filters and seeds are not the reason
            off = energy_only_note(energy_only(data))
            raise SeedError(
                "no track in the catalog has valence and energy, so the mood model has "
                "nothing to recommend" + (f" ({off})" if off else ""),
                hint="ingest a track catalog with audio features (`mixtape ingest tracks`)",
            )
        self._refuse_energy_only(seeds, data)
        refuse_unservable(
            self,
            seeds,
            data,
            "has no valence and energy",
            "has valence and energy",
            "ingest a catalog with features (mixtape ingest tracks), "
            "give a mood (such as calm) or use the cooccurrence model",
        )
        super()._validate(seeds, data)

    def _refuse_energy_only(self, seeds: Seeds, data: TrackArrays) -> None:
        """A seed known only by local analysis has an energy but no valence: say so."""
        rows = np.unique(np.asarray(seeds.rows, dtype=np.int64))
        if not len(rows) or not ((rows >= 0) & (rows < data.n_tracks)).all():
            return
        if self.can_serve(rows).any() or np.isnan(data.column("energy")[rows]).any():
            return
        which = f"track {track_label(data, int(rows[0]))}" if len(rows) == 1 else "the seeds"
        raise SeedError(
            f"{which} {'has' if len(rows) == 1 else 'have'} energy but no valence (local audio "
            "analysis measures no valence), so not a point on the mood plane",
            hint="give a mood (such as calm) or use the sonic, audio or content model",
        )

    def seed_point(self, seeds: Seeds) -> tuple[float, float]:
        """The point a query starts from: the given point or the seeds' mean."""
        if seeds.point is not None:
            return seeds.point
        rows = np.asarray(seeds.rows, dtype=np.int64)
        rows = rows[self.has_mood_[rows]]
        v = float(np.mean(self.data_.column("valence")[rows]))
        e = float(np.mean(self.data_.column("energy")[rows]))
        return v, e

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        return self._recommend_many([seeds], n, controls)[0]

    def _recommend_many(self, seeds: list[Seeds], n: int, controls: Controls) -> list[list[Scored]]:
        data = self.data_
        m = len(self.rows_)
        points = np.array([self.seed_point(s) for s in seeds], dtype=np.float64)
        depth = min(m, candidate_depth(n, controls, max(len(s.rows) for s in seeds)))
        found_all: list[list[tuple[int, float]] | None] = [None] * len(seeds)
        if not controls.has_targets and 0 < depth < m:
            dist, idx = self.tree_.query(points, k=depth)
            dist = np.asarray(dist).reshape(len(points), depth)
            idx = np.asarray(idx).reshape(len(points), depth)
            for i, s in enumerate(seeds):
                found = select_candidates(
                    self.rows_[idx[i]], similarity(dist[i]), n, data, controls, s.rows
                )
                if len(found) >= n:
                    found_all[i] = found
        out = []
        for i, s in enumerate(seeds):
            picked = found_all[i]
            if picked is None:  # filters left too few, or targets re-rank: every distance
                mask = allowed_mask(data, controls, s.rows)
                dist = np.hypot(*(self.points_ - points[i]).T)
                picked = best_allowed(self.rows_, similarity(dist), n, data, controls, mask)
            out.append([Scored(row, score, self._reason(row, points[i])) for row, score in picked])
        return out

    def _reason(self, row: int, point: np.ndarray) -> str:
        v = float(self.data_.column("valence")[row])
        e = float(self.data_.column("energy")[row])
        gap = float(np.hypot(v - point[0], e - point[1]))
        return f"{mood_word(v, e)} (valence {v:.2f}, energy {e:.2f}), {gap:.2f} from the seed point"


def mood_word(valence: float, energy: float) -> str:
    """The mood of the quadrant a point is in ("calm": high valence, low energy)."""
    return min(
        MOOD_QUADRANTS,
        key=lambda m: (MOOD_QUADRANTS[m][0] - valence) ** 2 + (MOOD_QUADRANTS[m][1] - energy) ** 2,
    )
