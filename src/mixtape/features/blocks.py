"""Feature blocks for similarity: standardized audio, era and popularity buckets, genre TF-IDF.

A *block* is one kind of evidence about a track, a matrix with one row per
track whose rows are L2-normalized (a zero row where the track has nothing for
that block).  Multiplying each block by ``sqrt(weight)`` and concatenating
gives vectors whose dot product is ``sum_b weight_b * cos_b(x, y)``, so the
cosine of the concatenation is the weighted combination of the block cosines
(divided by ``sum_b weight_b`` when both tracks have every block).

The ``content`` model weighs genres above audio (genres 2, audio 1, era 0.5,
popularity 0.5); ``content-equal`` gives every block weight 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays

#: Block weights of the ``content`` model (genres above audio).
GENRE_WEIGHTED: Mapping[str, float] = {"audio": 1.0, "genres": 2.0, "era": 0.5, "popularity": 0.5}
#: Block weights of the ``content-equal`` model.
EQUAL: Mapping[str, float] = {"audio": 1.0, "genres": 1.0, "era": 1.0, "popularity": 1.0}
#: Every block name, in the order the blocks are concatenated.
BLOCK_NAMES: tuple[str, ...] = ("audio", "key_mode", "era", "popularity", "genres")

KEY_MODE_COLUMNS: tuple[str, ...] = (*(f"key {k}" for k in range(12)), "minor", "major")


@dataclass(frozen=True, eq=False)
class Block:
    """One block: rows unit length (or zero), with what its columns mean."""

    name: str
    matrix: np.ndarray | sp.csr_matrix  # (n, d) float32
    columns: tuple[str, ...]
    weight: float = 1.0
    #: For one-hot blocks: each row's column, -1 where the track has no value.
    codes: np.ndarray | None = None

    @property
    def present(self) -> np.ndarray:
        """Rows with a non-zero vector in this block."""
        if self.codes is not None:
            return self.codes >= 0
        if isinstance(self.matrix, np.ndarray):
            return np.any(self.matrix != 0, axis=1)
        return np.diff(sp.csr_matrix(self.matrix).indptr) > 0


def column_stats(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column over its known values.

    A column that is constant or entirely unknown gets mean 0 and std 1.
    """
    d = values.shape[1]
    mean, std = np.zeros(d), np.ones(d)
    for j in range(d):  # a column at a time keeps temporaries small
        col = np.asarray(values[:, j], dtype=np.float64)
        col = col[~np.isnan(col)]
        if len(col):
            mean[j] = col.mean()
            spread = col.std()
            std[j] = spread if spread > 1e-12 else 1.0
    return mean, std


def standardize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z-score each column; NaN becomes 0 (the column mean).

    Returns ``(z, mean, std)`` with ``z`` float32 (see :func:`column_stats`).
    """
    mean, std = column_stats(values)
    z = np.empty(values.shape, dtype=np.float32)
    for j in range(values.shape[1]):
        col = (np.asarray(values[:, j], dtype=np.float64) - mean[j]) / std[j]
        z[:, j] = np.nan_to_num(col, nan=0.0)
    return z, mean, std


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 length, in place when float32; zero rows stay zero."""
    out = np.asarray(matrix, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))
    norms[norms == 0] = 1.0
    out /= norms[:, None]
    return out


def audio_block(data: TrackArrays, weight: float = 1.0) -> Block:
    """Standardized audio features (all 13 columns), zero rows for tracks without audio."""
    z, _, _ = standardize(data.audio)
    z[~data.has_audio] = 0.0
    return Block("audio", normalize_rows(z), AUDIO_COLUMNS, weight)


def one_hot(codes: np.ndarray, n_columns: int) -> sp.csr_matrix:
    """(n, n_columns) float32 CSR with a 1 at ``codes[i]`` (an empty row where it is -1)."""
    codes = np.asarray(codes, dtype=np.int64)
    has = codes >= 0
    indptr = np.concatenate([[0], np.cumsum(has)])
    data = np.ones(int(has.sum()), dtype=np.float32)
    return sp.csr_matrix((data, codes[has], indptr), shape=(len(codes), n_columns))


def era_codes(year: np.ndarray, width: int = 10) -> tuple[np.ndarray, tuple[str, ...]]:
    """Bucket of each year (``floor(year / width) * width``) and the buckets' labels."""
    if width < 1:
        raise InputError(f"era width must be a positive number of years, got {width}")
    known = ~np.isnan(year)
    starts = np.zeros(len(year), dtype=np.int64)
    starts[known] = (np.floor(year[known] / width) * width).astype(np.int64)
    buckets = np.unique(starts[known])
    codes = np.full(len(year), -1, dtype=np.int64)
    codes[known] = np.searchsorted(buckets, starts[known])
    if width == 10:
        labels = tuple(f"{b}s" for b in buckets)
    else:
        labels = tuple(f"{b}–{b + width - 1}" for b in buckets)
    return codes, labels


def era_block(year: np.ndarray, width: int = 10, weight: float = 1.0) -> Block:
    """One-hot of the release era (decades by default; the original design used 50 years)."""
    codes, labels = era_codes(year, width)
    return Block("era", one_hot(codes, len(labels)), labels, weight, codes)


def popularity_codes(
    popularity: np.ndarray, n_buckets: int = 5
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Which of ``n_buckets`` equal slices of 0..100 each popularity falls in (-1 if unknown)."""
    if n_buckets < 1:
        raise InputError(f"popularity buckets must be at least 1, got {n_buckets}")
    known = ~np.isnan(popularity)
    codes = np.full(len(popularity), -1, dtype=np.int64)
    scaled = np.floor(np.clip(popularity[known], 0, 100) * n_buckets / 100.0)
    codes[known] = np.minimum(scaled, n_buckets - 1).astype(np.int64)
    edges = np.linspace(0, 100, n_buckets + 1)
    labels = tuple(f"popularity {edges[b]:.0f}–{edges[b + 1]:.0f}" for b in range(n_buckets))
    return codes, labels


def popularity_block(popularity: np.ndarray, n_buckets: int = 5, weight: float = 1.0) -> Block:
    """One-hot of the popularity bucket (five buckets by default)."""
    codes, labels = popularity_codes(popularity, n_buckets)
    return Block("popularity", one_hot(codes, n_buckets), labels, weight, codes)


def genre_block(data: TrackArrays, weight: float = 1.0) -> Block:
    """TF-IDF over each track's genres (its own and its artists'), rows L2-normalized."""
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = sp.csr_matrix(data.track_genres, dtype=np.float64)
    names = tuple(str(g) for g in data.genre_names)
    if counts.shape[1] == 0:
        return Block("genres", sp.csr_matrix(counts.shape, dtype=np.float32), names, weight)
    tfidf = TfidfTransformer(norm="l2", smooth_idf=True).fit_transform(counts)
    matrix = sp.csr_matrix(tfidf, dtype=np.float32)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return Block("genres", matrix, names, weight)


def key_mode_block(data: TrackArrays, weight: float = 1.0) -> Block:
    """One-hot of key (12 columns) and mode (minor, major), rows L2-normalized."""
    key = data.column("key")
    mode = data.column("mode")
    key_codes = np.where(np.isnan(key), -1, np.nan_to_num(key, nan=0)).astype(np.int64)
    key_codes[(key_codes < 0) | (key_codes > 11)] = -1
    mode_codes = np.where(np.isnan(mode), -1, np.nan_to_num(mode, nan=0)).astype(np.int64)
    mode_codes[(mode_codes < 0) | (mode_codes > 1)] = -1
    both = sp.hstack([one_hot(key_codes, 12), one_hot(mode_codes, 2)]).tocsr()
    norms = np.sqrt(np.asarray(both.multiply(both).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    matrix = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ both, dtype=np.float32)
    return Block("key_mode", matrix, KEY_MODE_COLUMNS, weight)


def content_blocks(
    data: TrackArrays,
    weights: Mapping[str, float] = GENRE_WEIGHTED,
    *,
    era_width: int = 10,
    popularity_buckets: int = 5,
) -> list[Block]:
    """The blocks with a positive weight, in :data:`BLOCK_NAMES` order."""
    unknown = set(weights) - set(BLOCK_NAMES)
    if unknown:
        raise InputError(
            f"unknown feature block {sorted(unknown)[0]!r}", hint="use " + ", ".join(BLOCK_NAMES)
        )
    for name, w in weights.items():
        if w < 0:
            raise InputError(f"the weight of the {name} block must not be negative, got {w}")
    builders = {
        "audio": lambda w: audio_block(data, w),
        "key_mode": lambda w: key_mode_block(data, w),
        "era": lambda w: era_block(data.year, era_width, w),
        "popularity": lambda w: popularity_block(data.popularity, popularity_buckets, w),
        "genres": lambda w: genre_block(data, w),
    }
    return [builders[name](weights[name]) for name in BLOCK_NAMES if weights.get(name, 0) > 0]


def combine(blocks: list[Block]) -> sp.csr_matrix:
    """The concatenation of ``sqrt(weight) * block`` (rows not re-normalized), float32 CSR."""
    parts = [
        sp.csr_matrix(b.matrix, dtype=np.float32) * np.float32(np.sqrt(b.weight)) for b in blocks
    ]
    return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)
