"""``audio``: cosine over all 13 standardized audio features (the full-scale model).

Above 200,000 tracks ``index="auto"`` adds inverted lists (:mod:`mixtape.models.ivf`)
tuned to recall@10 >= 0.99; ``index="hnsw"`` a graph instead; ``index="exact"`` neither.
"""

from __future__ import annotations

import numpy as np

from mixtape.features.arrays import TrackArrays
from mixtape.features.blocks import audio_block
from mixtape.features.reasons import FALLBACK
from mixtape.models.cosine import CosineModel
from mixtape.models.feature_words import like
from mixtape.search.exact import ExactIndex
from mixtape.search.query import Query


class AudioModel(CosineModel):
    name = "audio"
    score_meaning = "cosine similarity of the standardized audio features, -1..1 (1 = same profile)"
    summary = "Cosine similarity over all 13 standardized audio features (the full-scale model)."
    score_meaning = (
        "cosine similarity of the standardized audio features "
        "(1 = the same sound, 0 = unrelated), less any target penalty"
    )

    def __init__(self, index: str = "auto", n_threads: int = 0, random_state: int = 0) -> None:
        self.index = index
        self.n_threads = n_threads
        self.random_state = random_state

    def _build(self, data: TrackArrays) -> tuple[ExactIndex, np.ndarray]:
        rows = np.flatnonzero(self.has_audio_)
        unit = np.asarray(audio_block(data).matrix)
        dense_t = np.empty((unit.shape[1], len(rows)), dtype=np.float32)
        for j in range(unit.shape[1]):  # column by column: no second full copy
            dense_t[j] = unit[rows, j]
        del unit
        return ExactIndex(dense_t, n_threads=self._threads()), rows

    def _reasons(self, seed_positions: np.ndarray, query: Query, rows: np.ndarray) -> list[str]:
        words, seeds = self._trait_words(seed_positions, rows)
        return [like(w or FALLBACK, seed) for w, seed in zip(words, seeds, strict=True)]
