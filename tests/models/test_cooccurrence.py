"""cooccurrence and popular: a planted co-occurrence pattern, playlist counts, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models import registry
from mixtape.models.base import Seeds
from mixtape.models.controls import Bound, Controls
from mixtape.models.cooccurrence import CooccurrenceModel, item_similarity
from mixtape.models.popular import PopularModel
from tests.factories.arrays import track_arrays

N_TRACKS = 24  # rows 20-23 are in no playlist


def baskets(seed: int = 0) -> np.ndarray:
    """40 playlists: {0, 1, 2} together in 10, {3, 4} in 10, and 20 of random noise."""
    rng = np.random.default_rng(seed)
    out = np.zeros((40, N_TRACKS))
    out[:10, [0, 1, 2]] = 1
    out[10:20, [3, 4]] = 1
    for p in range(20, 40):
        out[p, rng.choice(np.arange(5, 20), 4, replace=False)] = 1
    out[np.arange(10), 5 + np.arange(10)] = 1  # and one noise track in each of the first ten
    return out


def make_arrays(playlists: np.ndarray, artists: np.ndarray | None = None) -> TrackArrays:
    n = playlists.shape[1]
    return track_arrays(
        n,
        popularity=np.linspace(0, 100, n),
        artists=artists,
        playlists=playlists,
        fingerprint="cooc-test",
    )


@pytest.fixture(scope="module")
def data() -> TrackArrays:
    return make_arrays(baskets())


@pytest.fixture(scope="module")
def model(data: TrackArrays) -> CooccurrenceModel:
    return CooccurrenceModel(weighting="bm25", backfill=False).fit(data)


def test_short_lists_are_completed_with_popular_tracks(data: TrackArrays) -> None:
    unfilled = CooccurrenceModel(neighbours=2, backfill=False).fit(data)
    plain = unfilled.recommend(Seeds.tracks([0]), 6)
    filled = CooccurrenceModel(neighbours=2).fit(data).recommend(Seeds.tracks([0]), 6)
    assert len(plain) == 2
    assert len(filled) == 6
    assert [r.row for r in filled[:2]] == [r.row for r in plain]
    assert all(r.reason.endswith("(fills the list)") for r in filled[2:])
    assert all(r.score < 0 < plain[-1].score for r in filled[2:])


@pytest.mark.parametrize("weighting", ["bm25", "tfidf", "cosine"])
def test_recovers_the_planted_pattern(data: TrackArrays, weighting: str) -> None:
    fitted = CooccurrenceModel(weighting=weighting, neighbours=10).fit(data)
    assert {r.row for r in fitted.recommend(Seeds.tracks([0]), 2)} == {1, 2}
    assert [r.row for r in fitted.recommend(Seeds.tracks([3]), 1)] == [4]
    both = fitted.recommend(Seeds.tracks([0, 3]), 3)
    assert {r.row for r in both} == {1, 2, 4}


def test_scores_are_implicits_recommend_normalized(model: CooccurrenceModel) -> None:
    from implicit.nearest_neighbours import ItemItemRecommender

    knn = ItemItemRecommender(K=model.neighbours)
    # implicit's own unpickling path: sets the similarity and builds its scorer.
    similarity = sp.csr_matrix(model.similarity_, dtype=np.float64)
    knn.__setstate__({"similarity": similarity, "K": model.neighbours, "num_threads": 0})
    user = sp.csr_matrix(([1.0, 1.0], ([0, 0], [0, 3])), shape=(1, N_TRACKS))
    ids, scores = knn.recommend(0, user, N=N_TRACKS, filter_already_liked_items=True)
    expected = {int(i): s / scores.max() for i, s in zip(ids, scores, strict=True) if s > 0}
    got = model.recommend(Seeds.tracks([0, 3]), N_TRACKS)
    assert {r.row for r in got} == set(expected)
    for r in got:
        assert r.score == pytest.approx(expected[r.row], rel=1e-5)
    assert got[0].score == pytest.approx(1.0)


def test_reason_counts_shared_playlists(model: CooccurrenceModel) -> None:
    recs = model.recommend(Seeds.tracks([0]), 2)
    assert all(r.reason == "in 10 playlists with 'Song 0'" for r in recs)


def test_controls_are_honoured(data: TrackArrays, model: CooccurrenceModel) -> None:
    recs = model.recommend(Seeds.tracks([0]), 5, Controls(exclude=frozenset({1})))
    assert 1 not in {r.row for r in recs} and 0 not in {r.row for r in recs}
    kept = model.recommend(Seeds.tracks([0]), 2, Controls(exclude_seeds=False))
    assert 0 in {r.row for r in kept}
    popular = model.recommend(Seeds.tracks([0]), 3, Controls(bounds={"popularity": Bound(min=8)}))
    assert all(data.popularity[r.row] >= 8 for r in popular)
    same_artist = make_arrays(baskets(), artists=np.array([0, 1, 1, *range(2, N_TRACKS - 1)]))
    capped = CooccurrenceModel(backfill=False).fit(same_artist)
    assert len({r.row for r in capped.recommend(Seeds.tracks([0]), 2)} & {1, 2}) == 2
    one = capped.recommend(Seeds.tracks([0]), 2, Controls(max_per_artist=1))
    assert len({r.row for r in one} & {1, 2}) == 1


def test_more_than_exists_returns_every_neighbour(model: CooccurrenceModel) -> None:
    recs = model.recommend(Seeds.tracks([3]), 1000)
    assert {r.row for r in recs} == {4}  # {3, 4} never meet another track


def test_seed_in_no_playlist(model: CooccurrenceModel) -> None:
    with pytest.raises(SeedError) as err:
        model.recommend(Seeds.tracks([20]))
    assert str(err.value) == (
        "track 'Song 20' appears in no playlist, so co-occurrence has nothing to go on "
        "(try the hybrid or content model)"
    )
    with pytest.raises(SeedError, match=r"none of the 2 seeds \('Song 20', 'Song 21'\)"):
        model.recommend(Seeds.tracks([20, 21]))
    # One seed with history is enough; the other is ignored.
    assert {r.row for r in model.recommend(Seeds.tracks([20, 0]), 2)} == {1, 2}


def test_batch_save_load_and_parameters(
    data: TrackArrays, model: CooccurrenceModel, tmp_path: Path
) -> None:
    queries = [Seeds.tracks([0]), Seeds.tracks([3, 5])]
    assert model.recommend_batch(queries, 4) == [model.recommend(q, 4) for q in queries]
    model.save(tmp_path / "cooc.npz")
    loaded = CooccurrenceModel.load(tmp_path / "cooc.npz", data)
    assert (loaded.similarity_ != model.similarity_).nnz == 0
    assert loaded.recommend(queries[1], 6) == model.recommend(queries[1], 6)
    with pytest.raises(InputError, match="weighting"):
        CooccurrenceModel(weighting="jaccard").fit(data)
    assert isinstance(registry.create("cooccurrence"), CooccurrenceModel)


def test_empty_playlist_matrix() -> None:
    similarity = item_similarity(sp.csr_matrix((0, 5)), "bm25", 10, 1.2, 0.75)
    assert similarity.shape == (5, 5) and similarity.nnz == 0


# -- popular --------------------------------------------------------------------------
def test_popular_ranks_by_playlist_count_then_popularity(data: TrackArrays) -> None:
    fitted = PopularModel().fit(data)
    counts = np.asarray((data.playlists != 0).sum(axis=0)).ravel()
    recs = fitted.recommend(Seeds.tracks([20]), N_TRACKS)  # any seed will do
    ranked = [r.row for r in recs]
    expected = sorted(
        (r for r in range(N_TRACKS) if r != 20), key=lambda r: (-counts[r], -data.popularity[r])
    )
    assert ranked == expected
    assert recs[0].reason == f"in {counts[ranked[0]]} playlists (most-playlisted baseline)"
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    assert recs[-1].score >= 0
    assert recs[0].score < 1


def test_popular_controls(data: TrackArrays) -> None:
    fitted = PopularModel().fit(data)
    top = fitted.recommend(Seeds.tracks([0]), 3)
    assert 0 not in {r.row for r in top}
    targeted = fitted.recommend(
        Seeds.tracks([0]), 1, Controls(bounds={"popularity": Bound(target=100)}, target_weight=5)
    )
    assert targeted[0].row == N_TRACKS - 1  # in no playlist, but exactly on target
    assert registry.create("popular").get_params() == {}
