"""als: determinism by random_state, the planted pattern, and the query solved by hand."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.als import AlsModel
from mixtape.models.base import Seeds
from tests.factories.arrays import track_arrays

N_TRACKS = 16  # track 15 is in no playlist


def planted() -> list[list[int]]:
    """{0, 1, 2} together in ten playlists, {3, 4} in ten, each with one of 5-14."""
    return [[0, 1, 2, 5 + p] for p in range(10)] + [[3, 4, 5 + p] for p in range(10)]


@pytest.fixture(scope="module")
def data() -> TrackArrays:
    return track_arrays(N_TRACKS, playlists=planted(), fingerprint="als-test")


def fit(data: TrackArrays, **params: object) -> AlsModel:
    defaults: dict[str, object] = {"factors": 4, "iterations": 10, "threads": 1}
    return AlsModel(**(defaults | params)).fit(data)  # type: ignore[arg-type]


def test_the_same_random_state_gives_the_same_factors(data: TrackArrays) -> None:
    a, b, other = fit(data), fit(data), fit(data, random_state=7)
    assert np.array_equal(a.item_factors_, b.item_factors_)
    assert not np.allclose(a.item_factors_, other.item_factors_)
    assert a.recommend(Seeds.tracks([0, 3]), 5) == b.recommend(Seeds.tracks([0, 3]), 5)


@pytest.mark.parametrize("weighting", ["bm25", "confidence"])
def test_learns_the_planted_pattern(data: TrackArrays, weighting: str) -> None:
    alpha = 1.0 if weighting == "bm25" else 20.0
    model = fit(data, weighting=weighting, alpha=alpha)
    assert {r.row for r in model.recommend(Seeds.tracks([0]), 2)} == {1, 2}
    assert [r.row for r in model.recommend(Seeds.tracks([3]), 1)] == [4]
    first = model.recommend(Seeds.tracks([0]), 1)[0]
    assert first.reason == "in 10 playlists with 'Song 0'"
    assert first.score == pytest.approx(1.0)


def test_a_query_is_implicits_least_squares_solve_for_a_playlist_of_the_seeds(
    data: TrackArrays,
) -> None:
    model = fit(data, regularization=0.1, alpha=2.0)
    seeds = [0, 3]
    y = model.item_factors_.astype(np.float64)
    confidence = 2.0 * model.query_weights_[seeds].astype(np.float64)
    # (YᵀY + λI + Yᵀ(C − I)Y) u = YᵀCp over the seeds (Hu, Koren & Volinsky, eq. 4).
    a = y.T @ y + 0.1 * np.eye(4) + (y[seeds].T * (confidence - 1)) @ y[seeds]
    user = np.linalg.solve(a, y[seeds].T @ confidence)
    expected = y[model.items_] @ user
    assert model.item_scores(seeds) == pytest.approx(expected, rel=1e-3, abs=1e-4)


def test_refusals_and_bad_parameters(data: TrackArrays) -> None:
    model = fit(data)
    assert 15 not in model.items_
    with pytest.raises(SeedError, match="appears in no playlist, so the als model"):
        model.recommend(Seeds.tracks([15]))
    with pytest.raises(InputError, match="weighting"):
        AlsModel(weighting="tfidf").fit(data)
    with pytest.raises(InputError, match="at least 1"):
        AlsModel(factors=0).fit(data)
