"""Feature blocks: hand-computed standardization, buckets, TF-IDF, and the weighted cosine."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from mixtape.errors import InputError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.blocks import (
    EQUAL,
    GENRE_WEIGHTED,
    audio_block,
    combine,
    content_blocks,
    era_block,
    era_codes,
    genre_block,
    key_mode_block,
    popularity_block,
    popularity_codes,
    standardize,
)


def test_standardize_hand_computed() -> None:
    values = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [np.nan, 5.0]])
    z, mean, std = standardize(values)
    assert mean == pytest.approx([2.0, 5.0])
    assert std == pytest.approx([np.sqrt(2 / 3), 1.0])  # a constant column keeps std 1
    expected = np.array([[-1.224745, 0], [0, 0], [1.224745, 0], [0, 0]])  # NaN -> the mean
    assert z == pytest.approx(expected, abs=1e-5)
    assert z.dtype == np.float32


def test_audio_block_rows_are_unit_or_zero(tiny_data: TrackArrays) -> None:
    block = audio_block(tiny_data)
    norms = np.linalg.norm(np.asarray(block.matrix), axis=1)
    assert norms[tiny_data.has_audio] == pytest.approx(1.0, abs=1e-5)
    assert (norms[~tiny_data.has_audio] == 0).all()
    assert block.columns == AUDIO_COLUMNS
    assert (block.present == tiny_data.has_audio).all()


def test_era_buckets_decades_and_wider() -> None:
    years = np.array([1994, 1999, 2000, np.nan, 1950], dtype=np.float32)
    codes, labels = era_codes(years)
    assert codes.tolist() == [1, 1, 2, -1, 0]
    assert labels == ("1950s", "1990s", "2000s")
    codes, labels = era_codes(years, width=50)
    assert codes.tolist() == [0, 0, 1, -1, 0]
    assert labels == ("1950–1999", "2000–2049")
    block = era_block(years)
    assert block.matrix.toarray().tolist()[3] == [0, 0, 0]
    with pytest.raises(InputError):
        era_codes(years, width=0)


def test_popularity_buckets() -> None:
    pop = np.array([0, 19.9, 20, 99, 100, np.nan], dtype=np.float32)
    codes, labels = popularity_codes(pop)
    assert codes.tolist() == [0, 0, 1, 4, 4, -1]
    assert labels[0] == "popularity 0–20"
    assert popularity_codes(pop, 2)[0].tolist() == [0, 0, 0, 1, 1, -1]
    block = popularity_block(pop)
    assert block.matrix.shape == (6, 5)
    assert block.matrix.sum() == 5


def test_genre_block_is_sklearn_tfidf_with_unit_rows(tiny_data: TrackArrays) -> None:
    block = genre_block(tiny_data)
    expected = TfidfTransformer().fit_transform(tiny_data.track_genres.astype(np.float64))
    assert np.allclose(block.matrix.toarray(), expected.toarray(), atol=1e-6)
    norms = sp.linalg.norm(block.matrix, axis=1)
    has = np.diff(tiny_data.track_genres.indptr) > 0
    assert norms[has] == pytest.approx(1.0, abs=1e-5)
    assert (norms[~has] == 0).all()
    assert block.columns[0] == "dance pop"


def test_key_mode_block_is_one_hot_and_normalized(tiny_data: TrackArrays) -> None:
    block = key_mode_block(tiny_data)
    dense = block.matrix.toarray()
    row = 0
    key = int(tiny_data.column("key")[row])
    mode = int(tiny_data.column("mode")[row])
    assert dense[row, key] == pytest.approx(1 / np.sqrt(2))
    assert dense[row, 12 + mode] == pytest.approx(1 / np.sqrt(2))
    assert (dense[~tiny_data.has_audio] == 0).all()


def test_cosine_of_the_concatenation_is_the_weighted_block_cosines(
    tiny_data: TrackArrays,
) -> None:
    blocks = content_blocks(tiny_data, GENRE_WEIGHTED)
    assert [b.name for b in blocks] == ["audio", "era", "popularity", "genres"]
    joined = combine(blocks).toarray()
    complete = np.flatnonzero(np.all([b.present for b in blocks], axis=0))
    rng = np.random.default_rng(0)
    total = sum(b.weight for b in blocks)
    for i, j in rng.choice(complete, (20, 2)):
        cos = joined[i] @ joined[j] / np.linalg.norm(joined[i]) / np.linalg.norm(joined[j])
        parts = [sp.csr_matrix(b.matrix)[[i, j]].toarray() for b in blocks]
        weighted = sum(b.weight * (p[0] @ p[1]) for b, p in zip(blocks, parts, strict=True))
        assert cos == pytest.approx(weighted / total, abs=1e-5)


def test_content_blocks_validate_and_skip_zero_weights(tiny_data: TrackArrays) -> None:
    assert [b.weight for b in content_blocks(tiny_data, EQUAL)] == [1.0] * 4
    only = content_blocks(tiny_data, {"genres": 1.0, "audio": 0.0, "key_mode": 1.0})
    assert [b.name for b in only] == ["key_mode", "genres"]
    with pytest.raises(InputError, match="unknown feature block"):
        content_blocks(tiny_data, {"lyrics": 1.0})
    with pytest.raises(InputError, match="negative"):
        content_blocks(tiny_data, {"audio": -1.0})
