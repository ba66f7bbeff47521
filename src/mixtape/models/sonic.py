"""``sonic``: cosine over the sonic embeddings measured from the user's own audio files.

``mixtape ingest audio DIR`` analyses each file into a fixed-length vector
(statistics of MFCCs, chroma, spectral contrast, onset rate, tempo: see
docs/local-audio.md) stored in ``sonic_embeddings``; the arrays hold one
analyser's vectors (``TrackArrays.sonic``).  Each dimension is standardized
over the catalog's embedded tracks (the statistics have very different
scales: an MFCC mean in the hundreds next to a chroma share below one), then
every vector is scaled to unit length, so the score is the cosine of the
standardized embeddings.

Search as ``audio``'s: exact (:class:`~mixtape.search.exact.ExactIndex`),
and above 200,000 embedded tracks ``index="auto"`` adds inverted lists tuned
to recall@10 >= 0.99; ``index="hnsw"`` a graph; ``index="exact"`` neither.

Only tracks with an embedding can be seeds or be recommended.  A catalog
without any (the demo, a catalog of feature files) makes the model
unavailable, saying to analyse a music folder; nothing here makes up
embeddings.  Reasons are true by construction: how close the sound is, plus
the traits the local features (or the catalog's) show both tracks share far
from the catalog's usual value, and a shared key and mode.
"""

from __future__ import annotations

import numpy as np

from mixtape.errors import SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.blocks import normalize_rows, standardize
from mixtape.models.base import Seeds
from mixtape.models.cosine import CosineModel
from mixtape.models.feature_words import like
from mixtape.search.exact import ExactIndex
from mixtape.search.query import Query
from mixtape.vocab import KEY_NAMES

#: Why the model cannot run on a catalog without embeddings, and what to do.
NO_EMBEDDINGS = (
    "no track in the catalog has a sonic embedding; analyse a music folder with "
    "`mixtape ingest audio DIR` first"
)
#: How alike two tracks sound, in words, by their cosine: the first threshold reached.
ALIKE: tuple[tuple[float, str], ...] = (
    (0.5, "sounds alike"),
    (0.2, "somewhat alike in sound"),
    (-1.0, "little alike in sound, the nearest left"),
)


class SonicModel(CosineModel):
    name = "sonic"
    summary = (
        "Cosine similarity of sonic embeddings measured from your own audio files "
        "(timbre, harmony, rhythm; `mixtape ingest audio`)."
    )
    score_meaning = (
        "cosine similarity of the standardized sonic embeddings "
        "(1 = the same sound, 0 = unrelated), less any target penalty"
    )
    needs = "sonic embedding"
    seed_hint = "analyse its file with `mixtape ingest audio`, or use the audio or content model"

    def __init__(self, index: str = "auto", n_threads: int = 0, random_state: int = 0) -> None:
        self.index = index
        self.n_threads = n_threads
        self.random_state = random_state

    @classmethod
    def available_on(cls, data: TrackArrays) -> tuple[bool, str]:
        if not data.has_sonic.any():
            return False, NO_EMBEDDINGS
        return True, ""

    def _build(self, data: TrackArrays) -> tuple[ExactIndex, np.ndarray]:
        rows = np.flatnonzero(data.has_sonic)
        z, _, _ = standardize(data.sonic[rows])
        unit = normalize_rows(z)
        dense_t = np.ascontiguousarray(unit.T)
        del z, unit
        return ExactIndex(dense_t, n_threads=self._threads()), rows

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        if self.exact_.size == 0:  # checked first: no seed could ever do
            raise SeedError(NO_EMBEDDINGS)
        super()._validate(seeds, data)

    def _reasons(self, seed_positions: np.ndarray, query: Query, rows: np.ndarray) -> list[str]:
        positions = self.position_[rows]
        cosines = self.exact_.scores_at(query, positions) / (query.norm or 1.0)
        words, seeds = self._trait_words(seed_positions, rows)
        keys = self._shared_keys(seed_positions, rows)
        out = []
        for cos, trait, key, seed in zip(cosines.tolist(), words, keys, seeds, strict=True):
            sound = next(words for least, words in ALIKE if cos >= least)
            parts = [f"{sound} (timbre, harmony, rhythm: {cos:.2f})", trait, key]
            out.append(like(", ".join(p for p in parts if p), seed))
        return out

    def _shared_keys(self, seed_positions: np.ndarray, rows: np.ndarray) -> list[str]:
        """Per row, "both in F♯ minor" where it has the key and mode of every seed."""
        key = self.data_.audio[:, AUDIO_COLUMNS.index("key")]
        mode = self.data_.audio[:, AUDIO_COLUMNS.index("mode")]
        seed_rows = self.rows_[seed_positions]
        pairs = {(float(key[r]), float(mode[r])) for r in seed_rows.tolist()}
        if len(pairs) != 1:
            return [""] * len(rows)
        k, m = pairs.pop()
        if not (0 <= k <= 11 and m in (0.0, 1.0)):  # NaN included
            return [""] * len(rows)
        same = (key[rows] == k) & (mode[rows] == m)
        words = f"both in {KEY_NAMES[int(k)]} {'major' if m == 1.0 else 'minor'}"
        return [words if s else "" for s in same.tolist()]
