"""``popular``: the most-playlisted tracks, whatever the seeds (an evaluation baseline).

Tracks are ranked by the number of playlists that contain them, ties broken
by catalog popularity (then by row).  The seeds only matter as exclusions.
The score is ``(count + popularity / 101) / (max count + 1)``: the
popularity term is below 1, so it orders tracks with equal counts without
ever overtaking a higher count, and every score lies in [0, 1).
"""

from __future__ import annotations

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls, allowed_mask, apply_targets, select


class PopularModel(Recommender):
    name = "popular"
    score_meaning = "playlist count over the largest count plus one, 0..1 (popularity breaks ties)"
    summary = "The tracks in the most playlists, ignoring the seeds (evaluation baseline)."
    score_meaning = "playlist count scaled into [0, 1) (near 1: in the most playlists)"

    def __init__(self) -> None:
        pass

    def _fit(self, data: TrackArrays) -> None:
        # Cheap (one pass over the playlist matrix), so the base class refits on load.
        baskets = data.playlists
        in_basket = baskets.indices[baskets.data != 0]
        self.counts_ = np.bincount(in_basket, minlength=data.n_tracks).astype(np.int64)
        popularity = np.nan_to_num(data.popularity.astype(np.float64), nan=0.0)
        self.scores_ = (self.counts_ + popularity / 101.0) / (self.counts_.max(initial=0) + 1)
        self.order_ = np.lexsort((np.arange(data.n_tracks), -self.scores_))

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        data = self.data_
        mask = allowed_mask(data, controls, seeds.rows)
        ranked = self.order_[mask[self.order_]]
        if controls.has_targets:
            # Targets can lift any track: score them all.
            picked = select(
                ranked,
                apply_targets(ranked, self.scores_[ranked], data, controls),
                n,
                data,
                controls,
                mask,
            )
        else:
            # The order is fixed: look at a prefix, longer only if the artist cap bites.
            size = 2 * n + 100
            while True:
                head = ranked[:size]
                picked = select(head, self.scores_[head], n, data, controls, mask)
                if len(picked) >= n or size >= len(ranked):
                    break
                size *= 4
        return [Scored(row, score, self.reason(row)) for row, score in picked]

    def reason(self, row: int) -> str:
        """Why ``row`` is recommended: its playlist count."""
        count = int(self.counts_[row])
        if count == 0:
            return "in no playlist; ranked by catalog popularity (baseline)"
        return f"in {count:,} playlist{'s' if count != 1 else ''} (most-playlisted baseline)"
