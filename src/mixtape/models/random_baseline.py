"""``random``: uniformly random tracks — the floor every model must clear in evaluation."""

from __future__ import annotations

import zlib

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.controls import Controls, allowed_mask, select
from mixtape.models.registry import register


@register
class RandomBaseline(Recommender):
    name = "random"
    summary = "Uniformly random tracks (evaluation baseline; reproducible with random_state)."
    score_meaning = "a random number in [0, 1): it means nothing (a baseline)"

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def _fit(self, data: TrackArrays) -> None:
        self.n_tracks_ = data.n_tracks

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        data = self.data_
        # The same seeds always draw the same list; different seeds, different lists.
        token = zlib.crc32(np.asarray(sorted(seeds.rows), dtype=np.int64).tobytes())
        rng = np.random.default_rng([self.random_state, token])
        scores = rng.random(data.n_tracks).astype(np.float32)
        mask = allowed_mask(data, controls, seeds.rows)
        rows = np.arange(data.n_tracks)
        return [
            Scored(row, score, "picked at random (baseline)")
            for row, score in select(rows, scores, n, data, controls, mask)
        ]
