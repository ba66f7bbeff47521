"""ease: the closed form against a direct inverse, the planted pattern, pruning and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Seeds
from mixtape.models.controls import Controls
from mixtape.models.ease import EaseModel, ease_weights, kept_items
from tests.factories.arrays import track_arrays

N_TRACKS = 12  # tracks 10 and 11 are in one playlist each, track 9 in none


def planted() -> list[list[int]]:
    """{0, 1, 2} together in six playlists, {3, 4} in six, 5-8 in pairs, 10 and 11 once."""
    lists = [[0, 1, 2, 5 + p % 4] for p in range(6)] + [[3, 4, 5 + p % 4] for p in range(6)]
    return [*lists, [5, 6, 10], [7, 8, 11]]


@pytest.fixture(scope="module")
def data() -> TrackArrays:
    return track_arrays(N_TRACKS, playlists=planted(), fingerprint="ease-test")


@pytest.fixture(scope="module")
def model(data: TrackArrays) -> EaseModel:
    return EaseModel(l2=1.0, min_count=2).fit(data)


def test_the_weights_are_the_closed_form_of_a_direct_inverse(data: TrackArrays) -> None:
    x = data.playlists.toarray().astype(np.float64)
    p = np.linalg.inv(x.T @ x + 3.0 * np.eye(N_TRACKS))
    expected = np.eye(N_TRACKS) - p / np.diag(p)[np.newaxis, :]
    got = ease_weights((x.T @ x).astype(np.float32), 3.0)
    assert got == pytest.approx(expected, abs=1e-5)
    assert np.all(np.diag(got) == 0)
    assert got.flags.c_contiguous


def test_learns_the_planted_co_occurrence(model: EaseModel) -> None:
    assert {r.row for r in model.recommend(Seeds.tracks([0]), 2)} == {1, 2}
    assert [r.row for r in model.recommend(Seeds.tracks([3]), 1)] == [4]
    assert {r.row for r in model.recommend(Seeds.tracks([0, 3]), 3)} == {1, 2, 4}
    top = model.recommend(Seeds.tracks([0]), 1)[0]
    assert top.score == pytest.approx(1.0)
    assert top.reason == "in 6 playlists with 'Song 0'"
    # {0, 1, 2} never meets {3, 4}: what 0 says of 3 is no more than what it says of 4.
    weights = model.weights_[np.searchsorted(model.items_, 0)]
    assert weights[np.searchsorted(model.items_, 1)] > 0.1 > abs(weights[model.items_ == 3][0])


def test_pruning_keeps_the_most_playlisted_tracks() -> None:
    counts = np.array([5, 1, 3, 3, 0, 7, 3])
    assert kept_items(counts, 2, 10).tolist() == [0, 2, 3, 5, 6]
    assert kept_items(counts, 2, 3).tolist() == [0, 2, 5]  # ties to the lower row
    assert kept_items(counts, 0, 10).tolist() == [0, 1, 2, 3, 5, 6]  # never a track in none


def test_tracks_outside_the_kept_set_are_never_seeds_or_recommendations(
    model: EaseModel, data: TrackArrays
) -> None:
    assert model.items_.tolist() == list(range(9))
    with pytest.raises(SeedError) as err:
        model.recommend(Seeds.tracks([10]))
    assert str(err.value) == (
        "track 'Song 10' is not among the 9 most-playlisted tracks the ease model keeps "
        "(in at least 2 playlists) (try the rp3beta, cooccurrence or hybrid model)"
    )
    with pytest.raises(SeedError, match=r"none of the 2 seeds \('Song 10', 'Song 11'\) is among"):
        model.recommend(Seeds.tracks([10, 11]))
    assert model.recommend(Seeds.tracks([10, 0]), 2) == model.recommend(Seeds.tracks([0]), 2)
    everything = model.recommend(Seeds.tracks([0]), N_TRACKS, Controls())
    assert {r.row for r in everything} == set(range(1, 9))


def test_bad_parameters(data: TrackArrays) -> None:
    with pytest.raises(InputError, match="l2"):
        EaseModel(l2=0).fit(data)
    with pytest.raises(InputError, match="max_items"):
        EaseModel(max_items=0).fit(data)
