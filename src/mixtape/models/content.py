"""``content`` and ``content-equal``: cosine over feature blocks (audio, genres, era, popularity).

Each track is the concatenation of its blocks, each L2-normalized and scaled
by ``sqrt(weight)`` (see :mod:`mixtape.features.blocks`), so the cosine is the
weighted combination of the block cosines.  ``content`` weighs genres above
audio (2 : 1, era and popularity 0.5); ``content-equal`` weighs every block 1.

How the blocks are searched (see :mod:`mixtape.models.exact`): the audio
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

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.blocks import Block, content_blocks
from mixtape.models.base import Seeds
from mixtape.models.controls import Controls, allowed_mask
from mixtape.models.exact import ExactIndex, Query
from mixtape.models.registry import register
from mixtape.models.search import best_allowed, select_candidates
from mixtape.models.signatures import distinct_rows
from mixtape.models.topk import top_k
from mixtape.models.vector import VectorModel

AGGREGATES = ("mean", "agreement")
#: Genre columns the HNSW embedding holds as they are; above this many genres they
#: are projected to this many dimensions (Gaussian random projection).
ANN_GENRE_DIMS = 64


class _ContentBase(VectorModel):
    needs = "audio features, genres, year or popularity"

    audio_weight: float
    genre_weight: float
    era_weight: float
    popularity_weight: float
    key_mode_weight: float
    era_width: int
    popularity_buckets: int
    aggregate: str
    neighbours: int

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

    def _build(self, data: TrackArrays) -> tuple[ExactIndex, np.ndarray]:
        blocks = content_blocks(
            data,
            self._weights(),
            era_width=self.era_width,
            popularity_buckets=self.popularity_buckets,
        )
        if not blocks:
            raise InputError("every feature block has weight 0", hint="give some block a weight")
        return _block_index(blocks, self._threads())

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
        depth: int,
        controls: Controls,
    ) -> list[list[tuple[int, float]]]:
        if self.aggregate == "mean":
            return super()._rank(seeds, positions, queries, n, depth, controls)
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
    def _reasons(
        self, seed_positions: np.ndarray, query: Query, rows: np.ndarray, scores: list[float]
    ) -> list[str]:
        seed_rows = self.rows_[seed_positions]
        genre_words = self._shared_genres(query, rows)
        seeds_have_audio = self.has_audio_[seed_rows]
        feature_words = [""] * len(rows)
        if self.audio_weight > 0 and seeds_have_audio.any():
            feature_words = self._feature_words(seed_rows[seeds_have_audio], rows, top=2)
        era = self._era_words(seed_rows, rows)
        reasons = []
        for genres, features, era_word, score in zip(
            genre_words, feature_words, era, scores, strict=True
        ):
            parts = []
            if genres:
                parts.append(
                    f"shares genres {genres}" if "," in genres else f"shares genre {genres}"
                )
            if features:
                parts.append(f"similar {features}")
            if len(parts) < 2 and era_word:
                parts.append(f"also from the {era_word}")
            if not parts:
                parts.append(f"similar overall (cosine {score:.2f})")
            reasons.append("; ".join(parts))
        return reasons

    def _shared_genres(self, query: Query, rows: np.ndarray, top: int = 2) -> list[str]:
        data = self.data_
        if query.sparse is None or len(query.sparse[0]) == 0:
            return [""] * len(rows)
        # Plain Python: a few genres per row, where numpy's per-call cost would dominate.
        weight = dict(zip(query.sparse[0].tolist(), query.sparse[1].tolist(), strict=True))
        genres, indptr = data.track_genres.indices, data.track_genres.indptr
        out = []
        for row in rows.tolist():
            shared = [c for c in genres[indptr[row] : indptr[row + 1]].tolist() if c in weight]
            best = sorted(shared, key=lambda c: -weight[c])[:top]
            out.append(", ".join(str(data.genre_names[c]) for c in best))
        return out

    def _era_words(self, seed_rows: np.ndarray, rows: np.ndarray) -> list[str]:
        """The seeds' most common era, for the candidates from that era ("" otherwise)."""
        year = self.data_.year
        width = self.era_width
        seeds = year[seed_rows]
        seeds = seeds[~np.isnan(seeds)]
        if self.era_weight <= 0 or len(seeds) == 0:
            return [""] * len(rows)
        if len(seeds) == 1:
            start = int(seeds[0] // width * width)
        else:
            starts, counts = np.unique(np.floor(seeds / width) * width, return_counts=True)
            start = int(starts[np.argmax(counts)])
        label = f"{start}s" if width == 10 else f"{start}–{start + width - 1}"
        theirs = (np.floor(year[rows] / width) * width).tolist()
        return [label if t == start else "" for t in theirs]


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


def _block_index(blocks: list[Block], n_threads: int) -> tuple[ExactIndex, np.ndarray]:
    """Lay blocks out for :class:`ExactIndex`: dense, grouped one-hots, sparse genres."""
    present = {b.name: b.present for b in blocks}
    norm2 = sum(b.weight * present[b.name].astype(np.float64) for b in blocks)
    rows = np.flatnonzero(np.asarray(norm2) > 0)
    inv = 1.0 / np.sqrt(np.asarray(norm2)[rows])

    categorical = [b for b in blocks if b.codes is not None]
    others = [b for b in blocks if b.codes is None]
    # One group per (bucket of each one-hot block, which other blocks are present):
    # a mixed-radix code, so every track of a group has the same norm.
    code = np.zeros(len(rows), dtype=np.int64)
    for b in categorical:
        assert b.codes is not None
        code = code * (len(b.columns) + 1) + (b.codes[rows] + 1)
    for b in others:
        code = code * 2 + present[b.name][rows]
    unique, group = np.unique(code, return_inverse=True)
    # Genre signatures: a track's genre row is its distinct TF-IDF row (its "genre set")
    # times sqrt(weight) / norm, and the norm depends only on the track's group, so a
    # signature is a (genre set, norm) pair.  Within a group, a signature's tracks sit
    # together: the signatures a query scores are runs of neighbouring positions.
    genres = next((b for b in blocks if b.name == "genres"), None)
    genre_set = np.zeros(len(rows), dtype=np.int64)
    if genres is not None:
        distinct, genre_set = distinct_rows(sp.csr_matrix(genres.matrix)[rows])
    order = np.lexsort((genre_set, group))
    rows, group, inv, genre_set = rows[order], group[order], inv[order], genre_set[order]
    bounds = np.searchsorted(group, np.arange(len(unique) + 1))
    firsts = rows[bounds[:-1]]
    inv_first = inv[bounds[:-1]]

    group_buckets = (
        np.stack([b.codes[firsts] for b in categorical if b.codes is not None], axis=1)
        if categorical
        else np.zeros((len(unique), 0), dtype=np.int64)
    )
    group_scale = (
        np.stack(
            [
                np.sqrt(b.weight) * inv_first * (b.codes[firsts] >= 0)
                for b in categorical
                if b.codes is not None
            ],
            axis=1,
        ).astype(np.float32)
        if categorical
        else np.zeros((len(unique), 0), dtype=np.float32)
    )

    dense_blocks = [b for b in others if b.name != "genres"]
    dim = sum(len(b.columns) for b in dense_blocks)
    # Stored track by track (a transposed row-major array): the branch and bound reads
    # a few hundred scattered tracks a query, each then one cache line instead of one
    # line per dimension (a full scan, which a track-major layout slows, is the rare
    # case here; measured at 1.2M tracks: 0.54 -> 0.48 ms a single-seed query).
    dense_t = np.empty((len(rows), dim), dtype=np.float32).T
    at = 0
    for b in dense_blocks:  # column by column: no full-size temporaries
        matrix = b.matrix if isinstance(b.matrix, np.ndarray) else sp.csc_matrix(b.matrix)
        scale = (np.sqrt(b.weight) * inv).astype(np.float32)
        for j in range(len(b.columns)):
            col = matrix[:, j] if isinstance(matrix, np.ndarray) else matrix[:, [j]].toarray()[:, 0]
            dense_t[at + j] = col[rows] * scale
        at += len(b.columns)

    signatures = None
    if genres is not None:
        norms, norm_of = np.unique(inv, return_inverse=True)
        pairs, sig_of = np.unique(genre_set * len(norms) + norm_of, return_inverse=True)
        scale = (np.sqrt(genres.weight) * norms[pairs % len(norms)]).astype(np.float32)
        matrix = sp.csr_matrix(sp.diags(scale) @ distinct[pairs // len(norms)], dtype=np.float32)
        signatures = (matrix, sig_of)
    exact = ExactIndex(
        dense_t,
        group_bounds=bounds,
        group_buckets=group_buckets.astype(np.int64),
        group_scale=group_scale,
        n_buckets=[len(b.columns) for b in categorical],
        signatures=signatures,
        n_threads=n_threads,
    )
    return exact, rows


@register
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

    def __init__(
        self,
        audio_weight: float = 1.0,
        genre_weight: float = 2.0,
        era_weight: float = 0.5,
        popularity_weight: float = 0.5,
        key_mode_weight: float = 0.0,
        era_width: int = 10,
        popularity_buckets: int = 5,
        aggregate: str = "mean",
        neighbours: int = 100,
        index: str = "auto",
        n_threads: int = 0,
        random_state: int = 0,
    ) -> None:
        self.audio_weight = audio_weight
        self.genre_weight = genre_weight
        self.era_weight = era_weight
        self.popularity_weight = popularity_weight
        self.key_mode_weight = key_mode_weight
        self.era_width = era_width
        self.popularity_buckets = popularity_buckets
        self.aggregate = aggregate
        self.neighbours = neighbours
        self.index = index
        self.n_threads = n_threads
        self.random_state = random_state


@register
class ContentEqualModel(_ContentBase):
    name = "content-equal"
    summary = "Like content, with every feature block (audio, genres, era, popularity) weighted 1."
    score_meaning = ContentModel.score_meaning

    def __init__(
        self,
        audio_weight: float = 1.0,
        genre_weight: float = 1.0,
        era_weight: float = 1.0,
        popularity_weight: float = 1.0,
        key_mode_weight: float = 0.0,
        era_width: int = 10,
        popularity_buckets: int = 5,
        aggregate: str = "mean",
        neighbours: int = 100,
        index: str = "auto",
        n_threads: int = 0,
        random_state: int = 0,
    ) -> None:
        self.audio_weight = audio_weight
        self.genre_weight = genre_weight
        self.era_weight = era_weight
        self.popularity_weight = popularity_weight
        self.key_mode_weight = key_mode_weight
        self.era_width = era_width
        self.popularity_buckets = popularity_buckets
        self.aggregate = aggregate
        self.neighbours = neighbours
        self.index = index
        self.n_threads = n_threads
        self.random_state = random_state
