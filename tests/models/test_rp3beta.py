"""rp3beta: the random walk worked by hand on three playlists, the popularity penalty, top-k."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Seeds
from mixtape.models.collaborative import check_format
from mixtape.models.rp3beta import RP3betaModel, _top_k_rows, rp3beta_similarity
from tests.factories.arrays import track_arrays

#: Three playlists over four tracks: {0, 1}, {0, 2}, {1, 2, 3}.
TOY = [[0, 1], [0, 2], [1, 2, 3]]

#: Track -> playlist -> track, each step uniform (tracks 0-2 are in two playlists, track 3
#: in one; the playlists hold 2, 2 and 3 tracks), the diagonal left out.
WALK = np.array(
    [
        [0, 1 / 4, 1 / 4, 0],  # 0: 1/2 (1/2 [0, 1]) + 1/2 (1/2 [0, 2])
        [1 / 4, 0, 1 / 6, 1 / 6],  # 1: 1/2 (1/2 [0, 1]) + 1/2 (1/3 [1, 2, 3])
        [1 / 4, 1 / 6, 0, 1 / 6],
        [0, 1 / 3, 1 / 3, 0],  # 3: only in the third playlist
    ]
)
PLAYLIST_COUNTS = np.array([2, 2, 2, 1])


@pytest.fixture(scope="module")
def toy() -> TrackArrays:
    return track_arrays(4, playlists=TOY, fingerprint="rp3beta-toy")


def baskets(data: TrackArrays) -> sp.csr_matrix:
    return sp.csr_matrix(data.playlists, dtype=np.float64)


def test_beta_zero_is_the_two_step_random_walk(toy: TrackArrays) -> None:
    similarity = rp3beta_similarity(baskets(toy), alpha=1.0, beta=0.0, neighbours=10)
    assert similarity.toarray() == pytest.approx(WALK)


def test_beta_divides_by_the_targets_playlist_count(toy: TrackArrays) -> None:
    similarity = rp3beta_similarity(baskets(toy), alpha=1.0, beta=0.5, neighbours=10)
    assert similarity.toarray() == pytest.approx(WALK / np.sqrt(PLAYLIST_COUNTS)[np.newaxis, :])
    # From track 1, beta = 1 lifts track 3 (in one playlist) above track 0 (in two).
    plain, penalty = (RP3betaModel(alpha=1.0, beta=b, backfill=False).fit(toy) for b in (0, 1))
    walk = plain.recommend(Seeds.tracks([1]), 3)
    penalised = penalty.recommend(Seeds.tracks([1]), 3)
    assert walk[0].row == 0
    assert [r.row for r in penalised] == [3, 0, 2]  # 1/6, 1/8, 1/12
    assert [r.score for r in penalised] == pytest.approx([1.0, 0.75, 0.5])


def test_alpha_raises_each_transition_to_its_power(toy: TrackArrays) -> None:
    similarity = rp3beta_similarity(baskets(toy), alpha=2.0, beta=0.0, neighbours=10)
    # 0 -> 1: (1/2)^2 to the first playlist, then (1/2)^2 to track 1.
    assert similarity[0, 1] == pytest.approx(1 / 16)
    # 1 -> 3: (1/2)^2 to the third playlist, then (1/3)^2 to track 3.
    assert similarity[1, 3] == pytest.approx(1 / 36)


def test_each_track_keeps_its_k_best_neighbours_ties_to_the_lower_row() -> None:
    rng = np.random.default_rng(0)
    dense = np.round(rng.random((30, 40)), 1) * (rng.random((30, 40)) < 0.5)
    kept = _top_k_rows(sp.csr_matrix(dense), first_row=5, k=3).toarray()
    for i, row in enumerate(dense):
        candidates = [(-v, j) for j, v in enumerate(row) if v > 0 and j != i + 5]
        expected = {j for _, j in sorted(candidates)[:3]}
        assert set(np.flatnonzero(kept[i])) == expected
        assert kept[i, list(expected)] == pytest.approx(row[list(expected)])


def test_recommends_the_seeds_neighbours_with_playlist_reasons(toy: TrackArrays) -> None:
    model = RP3betaModel(beta=0.0, backfill=False).fit(toy)
    recs = model.recommend(Seeds.tracks([3]), 5)
    assert [r.row for r in recs] == [1, 2]
    assert [r.score for r in recs] == pytest.approx([1.0, 1.0])
    assert [r.reason for r in recs] == ["in 1 playlist with 'Song 3'"] * 2
    filled = RP3betaModel(beta=0.0).fit(toy).recommend(Seeds.tracks([3]), 5)
    assert [r.row for r in filled] == [1, 2, 0]
    assert filled[-1].reason.endswith("(fills the list)")


def test_bad_parameters_and_saved_formats(toy: TrackArrays) -> None:
    with pytest.raises(InputError, match="alpha"):
        RP3betaModel(alpha=0).fit(toy)
    with pytest.raises(InputError, match="neighbours"):
        RP3betaModel(neighbours=0).fit(toy)
    check_format("rp3beta", {"format": np.array(1)}, 1)
    with pytest.raises(InputError, match="state format 0, not 1"):
        check_format("rp3beta", {}, 1)
