"""``content`` and ``content-equal``: cosine over feature blocks (audio, genres, era, popularity).

Each track is the concatenation of its blocks, each L2-normalized and scaled
by ``sqrt(weight)`` (see :mod:`mixtape.features.blocks`), so the cosine is the
weighted combination of the block cosines.  ``content`` weighs genres above
audio (2 : 1, era and popularity 0.5); ``content-equal`` weighs every block 1.

How the blocks are searched (see :mod:`mixtape.search.exact`; laid out by
:mod:`mixtape.models.content_index`): the audio
block is a dense column-major matrix; era and popularity become *groups*
(one per combination of era, popularity bucket and which blocks a track has),
scored with a per-query table; genres stay sparse, each distinct genre row (a
*signature*: tracks inherit their artists' genres) scored once through an
inverted index.  Nothing is reduced.  A query bounds the tracks sharing one of
its genres cell by cell (one group and one signature), scores only the cells
that can reach the k-th best score, then scans the groups of the other tracks
best upper bound first (exact branch and bound): about 0.15-0.2 ms of search for
one seed at 1.2M tracks (0.35-0.45 ms a recommendation with its controls and
reasons), where a full scan takes 6-10 ms.

Approximate search does not pay here, so ``index="auto"`` stays exact, and
there are no inverted lists (``index="ivf"`` is refused: positions are laid
out by group and signature for the exact search, not by list).
``index="hnsw"`` builds a graph over dense vectors (audio, the one-hots and
the genre TF-IDF as columns, projected to 64 dimensions when there are more
genres) and reports the recall it measured (``ann_recall_``).  The
projection is a Gaussian random projection (Johnson-Lindenstrauss: every
genre's inner products are kept in expectation, with noise), not a truncated
SVD: on the synthetic catalog of ``benchmarks/bench_models.py`` the 600
genres have no low-rank structure, an SVD keeps 64 of them and loses the
rest, and recall@10 stayed at 0.50-0.82 whatever ``efSearch``.  With the
random projection the tuned ``efSearch`` reaches 0.99 at 100,000 tracks but
only 0.92 at 1.2M (``efSearch`` 1024, a few hundred candidates re-scored
exactly, 2.3 ms): slower and less exact than the exact search.

Playlists: ``aggregate="mean"`` scores the mean of the seeds' vectors (the
original design); ``aggregate="agreement"`` lets each seed retrieve its
``neighbours`` nearest tracks and sums a candidate's similarities over the
seeds whose neighbourhood it is in (divided by the number of seeds), so a
track close to several seeds wins, where the mean of a mixed playlist would
land in a generic middle.  Neighbourhoods widen (x4) only when filters leave
fewer than ``n`` candidates; targets re-rank the candidates found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.blocks import content_blocks
from mixtape.features.reason_kernels import shared_genres
from mixtape.features.reasons import FALLBACK
from mixtape.models.base import Seeds
from mixtape.models.candidates import best_allowed, select_candidates
from mixtape.models.content_index import block_index
from mixtape.models.controls import Controls, allowed_mask
from mixtape.models.cosine import CosineModel
from mixtape.models.feature_words import like
from mixtape.search.exact import ExactIndex
from mixtape.search.query import Query
from mixtape.search.topk import top_k

AGGREGATES = ("mean", "agreement")
#: The reason when nothing distinctive is shared and the audio played no part.
_OTHERWISE = "similar era and popularity"
#: The genres of a query without any.
_NO_GENRES = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
#: Genre columns the HNSW embedding holds as they are; above this many genres they
#: are projected to this many dimensions (Gaussian random projection).
ANN_GENRE_DIMS = 64


# The hyper-parameters are dataclass fields, so both models share one generated
# ``__init__`` that stores them unchanged (``content-equal`` redeclares only the
# defaults it changes); eq and repr stay those of a model, not of a record.
@dataclass(eq=False, repr=False)
class _ContentBase(CosineModel):
    needs = "audio features, genres, year or popularity"
    score_meaning = "cosine similarity of the weighted feature blocks, -1..1 (1 = same features)"

    audio_weight: float = 1.0
    genre_weight: float = 2.0
    era_weight: float = 0.5
    popularity_weight: float = 0.5
    key_mode_weight: float = 0.0
    era_width: int = 10
    popularity_buckets: int = 5
    aggregate: str = "mean"
    neighbours: int = 100
    index: str = "auto"
    n_threads: int = 0
    random_state: int = 0

    def _weights(self) -> dict[str, float]:
        return {
            "audio": self.audio_weight,
            "key_mode": self.key_mode_weight,
            "era": self.era_weight,
            "popularity": self.popularity_weight,
            "genres": self.genre_weight,
        }

    def _fit(self, data: TrackArrays) -> None:
        if self.aggregate not in AGGREGATES:
            raise InputError(
                f"unknown aggregate {self.aggregate!r}", hint="use " + " or ".join(AGGREGATES)
            )
        super()._fit(data)
        self._prepare(data)

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        super()._restore(state, data)
        self._prepare(data)

    def _prepare(self, data: TrackArrays) -> None:
        self.genre_names_ = [str(name) for name in data.genre_names]  # for the reasons

    def _build(self, data: TrackArrays) -> tuple[ExactIndex, np.ndarray]:
        blocks = content_blocks(
            data,
            self._weights(),
            era_width=self.era_width,
            popularity_buckets=self.popularity_buckets,
        )
        if not blocks:
            raise InputError("every feature block has weight 0", hint="give some block a weight")
        return block_index(blocks, self._threads())

    def _ann_kind(self, exact: ExactIndex) -> str | None:
        # "auto": the exact branch and bound (module docstring).
        if self.index == "ivf":
            raise InputError(
                "the content models have no inverted-list index: their positions are laid "
                "out by era, popularity and genres for the exact search",
                hint="use index=auto (exact, about 0.4 ms a query at 1.2M tracks) or index=hnsw",
            )
        return "hnsw" if self.index == "hnsw" else None

    def _projection(self, exact: ExactIndex) -> np.ndarray | None:
        if not _projected(exact):
            return None
        from sklearn.random_projection import GaussianRandomProjection

        projection = GaussianRandomProjection(ANN_GENRE_DIMS, random_state=self.random_state)
        projection.fit(exact.signatures.matrix)  # type: ignore[union-attr]
        return np.ascontiguousarray(projection.components_.T, dtype=np.float32)

    # -- ranking ----------------------------------------------------------------------
    def _rank(
        self,
        seeds: list[Seeds],
        positions: list[np.ndarray],
        queries: list[Query],
        n: int,
        controls: Controls,
    ) -> list[list[tuple[int, float]]]:
        if self.aggregate == "mean":
            return super()._rank(seeds, positions, queries, n, controls)
        data = self.data_
        k = max(1, self.neighbours)  # the neighbourhood size, widened only if too few are left
        per_seed = [[self.exact_.query([p]) for p in pos] for pos in positions]
        hits: list[tuple[np.ndarray, np.ndarray]] = []
        if not controls.has_targets and k < self.exact_.size:
            hits = self._search([q for qs in per_seed for q in qs], k)
        out = []
        start = 0
        for seed, seed_queries in zip(seeds, per_seed, strict=True):
            found: list[tuple[int, float]] = []
            if hits:
                pos, scores = _agree(hits[start : start + len(seed_queries)], len(seed_queries))
                start += len(seed_queries)
                found = select_candidates(self.rows_[pos], scores, n, data, controls, seed.rows)
            if len(found) < n:
                mask = allowed_mask(data, controls, seed.rows)
                found = self._agree_everywhere(seed_queries, mask, n, k, controls)
            out.append(found)
        return out

    def _agree_everywhere(
        self, queries: Sequence[Query], mask: np.ndarray, n: int, k: int, controls: Controls
    ) -> list[tuple[int, float]]:
        """Agreement among allowed tracks only, widening the neighbourhoods until ``n`` fit."""
        allowed = mask[self.rows_]
        scores = [self.exact_.scores(q) for q in queries]
        for s in scores:
            s[~allowed] = -np.inf
        k = max(1, k)
        while True:
            hits = []
            for s in scores:
                keep = top_k(s, k)
                keep = keep[np.isfinite(s[keep])]
                hits.append((keep, s[keep]))
            pos, agreed = _agree(hits, len(queries))
            found = best_allowed(self.rows_[pos], agreed, n, self.data_, controls, mask)
            if len(found) >= n or k >= self.exact_.size:
                return found
            k *= 4

    # -- reasons ----------------------------------------------------------------------
    def _reasons(self, seed_positions: np.ndarray, query: Query, rows: np.ndarray) -> list[str]:
        seed_rows = self.rows_[seed_positions]
        genres, era = self._genres_and_era(seed_rows, query, rows)
        traits, seeds = [""] * len(rows), [""] * len(rows)
        if self.audio_weight > 0:
            traits, seeds = self._trait_words(seed_positions, rows)
        sound: bool | None = None  # whether a seed has audio, asked when first needed
        reasons = []
        for i, (shared, words, era_word) in enumerate(zip(genres, traits, era, strict=True)):
            parts = []
            if shared:
                plural = "s" if len(shared) > 1 else ""
                parts.append(f"shares genre{plural} {', '.join(shared)}")
            if words:
                parts.append(like(words, seeds[i]))
            if len(parts) < 2 and era_word:
                parts.append(f"also from the {era_word}")
            if not parts:
                # Nothing distinctive shared: the audio block (when both have audio) or
                # else era and popularity made the match.
                if sound is None:
                    sound = self.audio_weight > 0 and bool(self.has_audio_[seed_rows].any())
                has_audio = sound and bool(self.has_audio_[rows[i]])
                parts.append(like(FALLBACK, seeds[i]) if has_audio else _OTHERWISE)
            reasons.append("; ".join(parts))
        return reasons

    def _genres_and_era(
        self, seed_rows: np.ndarray, query: Query, rows: np.ndarray, top: int = 2
    ) -> tuple[list[list[str]], list[str]]:
        """Per row, its ``top`` genres that the seeds have too, the heaviest in the seeds'
        genre vector first (rare genres, and genres many of the seeds have); and the
        seeds' most common era where the row is from that era ("" otherwise)."""
        data = self.data_
        columns, weights = _NO_GENRES if query.sparse is None else query.sparse
        start = self._era_start(seed_rows)
        found = shared_genres(
            data.track_genres,
            columns,
            weights,
            rows,
            top,
            data.year,
            self.era_width,
            np.nan if start is None else float(start),
        )
        # Plain Python from here: a few genres per row, where numpy's per-call cost would
        # dominate.
        names = self.genre_names_
        width = self.era_width
        label = (
            "" if start is None else f"{start}s" if width == 10 else f"{start}–{start + width - 1}"
        )
        genres, era = [], []
        for codes in found.tolist():
            genres.append([names[c] for c in codes[:top] if c >= 0])
            era.append(label if codes[top] else "")
        return genres, era

    def _era_start(self, seed_rows: np.ndarray) -> int | None:
        """The first year of the seeds' most common era (None without one)."""
        year = self.data_.year
        width = self.era_width
        if self.era_weight <= 0:
            return None
        if len(seed_rows) == 1:
            seed = year[seed_rows[0]]
            return None if seed != seed else int(seed // width * width)  # NaN: unknown
        seeds = year[seed_rows]
        seeds = seeds[~np.isnan(seeds)]
        if len(seeds) == 0:
            return None
        starts, counts = np.unique(np.floor(seeds / width) * width, return_counts=True)
        return int(starts[np.argmax(counts)])


def _projected(exact: ExactIndex) -> bool:
    """Whether the genre part is too wide to enter the HNSW embedding as is."""
    return exact.signatures is not None and exact.signatures.n_columns > ANN_GENRE_DIMS


def _agree(
    hits: Sequence[tuple[np.ndarray, np.ndarray]], n_seeds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions found by any seed, with their summed similarity divided by the seed count."""
    if not hits:
        return np.array([], dtype=np.int64), np.array([], dtype=np.float32)
    pos = np.concatenate([h[0] for h in hits])
    scores = np.concatenate([h[1] for h in hits]).astype(np.float64)
    unique, inverse = np.unique(pos, return_inverse=True)
    total = np.bincount(inverse, weights=scores, minlength=len(unique))
    return unique, (total / max(1, n_seeds)).astype(np.float32)


class ContentModel(_ContentBase):
    name = "content"
    summary = (
        "Cosine over genre TF-IDF, standardized audio, era and popularity, "
        "genres weighted above audio (the original content design)."
    )
    score_meaning = (
        "cosine similarity of the weighted genre, audio, era and popularity vectors "
        "(1 = alike in every block), less any target penalty"
    )


@dataclass(eq=False, repr=False)
class ContentEqualModel(_ContentBase):
    name = "content-equal"
    summary = "Like content, with every feature block (audio, genres, era, popularity) weighted 1."
    score_meaning = ContentModel.score_meaning

    genre_weight: float = 1.0
    era_weight: float = 1.0
    popularity_weight: float = 1.0
