"""clusters and genre-clusters: quotas, redistribution, in-cluster ranking, genre routing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mixtape.errors import InputError, NotFittedError, SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.families import family_of
from mixtape.models import registry
from mixtape.models.base import Seeds
from mixtape.models.clusters import (
    CLUSTER_FEATURES,
    ClustersModel,
    draw_by_quota,
    largest_remainder,
)
from mixtape.models.controls import Bound, Controls
from mixtape.models.genre_clusters import GenreClustersModel, display
from tests.factories.arrays import track_arrays

PROFILES = {
    # danceability, energy, acousticness, speechiness
    "dance": (0.9, 0.9, 0.05, 0.05),
    "acoustic": (0.3, 0.2, 0.95, 0.03),
    "rap": (0.7, 0.6, 0.2, 0.6),
}
PER = 20  # tracks per group: rows 0-19 dance, 20-39 acoustic, 40-59 rap


def audio_rows(groups: list[str], per: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.zeros((len(groups) * per, len(AUDIO_COLUMNS)))
    col = AUDIO_COLUMNS.index
    signal = [col(f) for f in ("danceability", "energy", "acousticness", "speechiness")]
    out[:, col("loudness")], out[:, col("tempo")], out[:, col("valence")] = -8, 120, 0.5
    for g, name in enumerate(groups):
        out[g * per : (g + 1) * per, signal] = PROFILES[name]
    out[:, signal] += rng.normal(0, 0.02, (len(out), len(signal)))  # other columns constant
    return out


def make_arrays(
    audio: np.ndarray,
    genres: np.ndarray | None = None,
    genre_names: tuple[str, ...] = (),
    artists: np.ndarray | None = None,
) -> TrackArrays:
    return track_arrays(
        len(audio),
        audio=audio,
        artists=artists,
        genres=genres,
        genre_names=genre_names,
        fingerprint="clusters-test",
    )


@pytest.fixture(scope="module")
def groups() -> TrackArrays:
    return make_arrays(audio_rows(["dance", "acoustic", "rap"], PER))


@pytest.fixture(scope="module")
def model(groups: TrackArrays) -> ClustersModel:
    return ClustersModel(n_clusters=3, random_state=0).fit(groups)


def group_of(row: int) -> int:
    return row // PER


# -- quotas ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("weights", "n", "expected"),
    [
        # 10·3/7 = 4.29, 10·2/7 = 2.86 twice: floors 4, 2, 2 (8 seats); the two
        # seats left go to the largest remainders, 0.86 and 0.86.
        ([3, 2, 2], 10, [4, 3, 3]),
        # 10/3 = 3.33 each: one seat left, equal remainders and weights -> the first.
        ([1, 1, 1], 10, [4, 3, 3]),
        # 4·5/8 = 2.5, 4·3/8 = 1.5: one seat left, equal remainders -> the larger weight.
        ([5, 3], 4, [3, 1]),
        # 7·6/10 = 4.2, 7·3/10 = 2.1, 7·1/10 = 0.7: floors 4, 2, 0; the seat left -> 0.7.
        ([6, 3, 1], 7, [4, 2, 1]),
        ([0, 4], 3, [0, 3]),
        ([0, 0], 3, [0, 0]),
        ([2, 1], 0, [0, 0]),
    ],
)
def test_largest_remainder_hand_computed(weights: list[int], n: int, expected: list[int]) -> None:
    assert largest_remainder(weights, n).tolist() == expected


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=20), st.integers(0, 500))
def test_largest_remainder_sums_to_n_and_stays_within_one_seat(weights: list[int], n: int) -> None:
    seats = largest_remainder(weights, n)
    total = sum(weights)
    if total == 0:
        assert seats.sum() == 0
        return
    assert seats.sum() == n
    exact = np.array(weights) * n / total
    assert np.all(np.abs(seats - exact) < 1)


def test_largest_remainder_is_exact_beyond_int64() -> None:
    # 10**23 = 5 (mod 7): remainders 15 % 7 = 1 and 10 % 7 = 3 twice; the seat left goes
    # to the first of the two equal largest remainders (equal weights too).
    third, two_sevenths = 10**23 * 3 // 7, 10**23 * 2 // 7
    assert largest_remainder([3, 2, 2, 0], 10**23).tolist() == [
        third,
        two_sevenths + 1,
        two_sevenths,
        0,
    ]
    for n in (2**62, 2**63, 7 * 10**40 + 3):
        seats = largest_remainder([5, 1, 0, 9], n).tolist()
        assert sum(seats) == n
        assert all(abs(s * 15 - n * w) < 15 for s, w in zip(seats, [5, 1, 0, 9], strict=True))


def test_short_list_passes_its_seats_on_by_share(groups: TrackArrays) -> None:
    # Weights 2:1:1 of 8 -> 4, 2, 2; list 0 has one row, so 3 seats are shared
    # again by 1:1 -> 2 (the earlier list wins the tie), 1.  Totals 1, 4, 3.
    ranked = [np.array([0]), np.arange(10, 20), np.arange(20, 30)]
    taken = draw_by_quota(ranked, [2, 1, 1], 8, groups, Controls())
    assert [len(t) for t in taken.positions] == [1, 4, 3]
    assert taken.positions[1] == [0, 1, 2, 3]  # best first
    assert taken.exhausted == [True, False, False]


def test_draw_skips_repeats_and_capped_artists() -> None:
    artists = np.array([0, 0, 0, 1, 2, 3])
    data = make_arrays(audio_rows(["dance"], 6), artists=artists)
    ranked = [np.array([0, 1, 3]), np.array([0, 2, 4, 5])]
    taken = draw_by_quota(ranked, [1, 1], 4, data, Controls(max_per_artist=1))
    rows = [int(ranked[i][p]) for i, pos in enumerate(taken.positions) for p in pos]
    assert sorted(rows) == [0, 3, 4, 5]  # 1 and 2 share artist 0 with row 0


# -- clusters -------------------------------------------------------------------------
def test_kmeans_recovers_the_three_groups(model: ClustersModel) -> None:
    labels = model.labels_.reshape(3, PER)
    assert all(len(set(g)) == 1 for g in labels.tolist())
    assert len({g[0] for g in labels.tolist()}) == 3


def test_seed_shares_decide_the_counts(model: ClustersModel, groups: TrackArrays) -> None:
    seeds = Seeds.tracks([0, 1, 2, 20, 21, 40, 41])  # 3 dance, 2 acoustic, 2 rap
    recs = model.recommend(seeds, 10)
    per_group = np.bincount([group_of(r.row) for r in recs], minlength=3)
    assert per_group.tolist() == [4, 3, 3]
    assert not {r.row for r in recs} & set(seeds.rows)
    dance = next(r for r in recs if group_of(r.row) == 0)
    label = model.labels_[0]
    assert "danceable" in model.descriptions_[label]  # what the cluster sounds like
    assert dance.reason.startswith(
        f"cluster {label} ({model.descriptions_[label]}; 43% of your seeds): close to "
    )


def test_short_cluster_gives_its_seats_to_the_others(model: ClustersModel) -> None:
    # Only one acoustic track is allowed: its 3 seats go to dance and rap by their 3:2 share.
    seeds = Seeds.tracks([0, 1, 2, 20, 21, 40, 41])
    exclude = frozenset(range(20, 39))
    draw = model.draw(seeds, 10, Controls(exclude=exclude))
    per_group = np.bincount([group_of(r.row) for r in draw.playlist], minlength=3)
    # Second round: 2 seats by 3:2 -> 1.2, 0.8: floors 1, 0, the seat left to rap (0.8).
    assert per_group.tolist() == [5, 1, 4]
    drawn = {c.cluster: (c.quota, c.drawn) for c in draw.clusters}
    assert drawn[int(model.labels_[20])] == (3, 1)


def test_in_cluster_ranking_uses_that_clusters_seeds() -> None:
    audio = audio_rows(["dance", "rap"], PER)
    col = AUDIO_COLUMNS.index
    audio[5] = audio[0]  # a twin of the dance seed
    # A dance track leaning towards rap: closest to the mean of both seeds.
    audio[6] = audio[0]
    audio[6, [col("danceability"), col("energy"), col("speechiness")]] = (0.85, 0.85, 0.2)
    data = make_arrays(audio)
    model = ClustersModel(n_clusters=2).fit(data)
    recs = model.recommend(Seeds.tracks([0, PER]), 2)
    assert [r.row for r in recs if group_of(r.row) == 0] == [5]
    assert "close to 'Song 0'" in next(r.reason for r in recs if r.row == 5)


def test_max_aggregate_follows_each_seed(groups: TrackArrays) -> None:
    audio = groups.audio.copy()
    audio[10] = audio[0]
    audio[11] = audio[1]
    data = make_arrays(audio)
    fitted = ClustersModel(n_clusters=3, aggregate="max").fit(data)
    recs = fitted.recommend(Seeds.tracks([0, 1]), 2)
    assert {r.row for r in recs} == {10, 11}


def test_controls_filters_targets_and_more_than_exists(model: ClustersModel) -> None:
    seeds = Seeds.tracks([0, 20])
    recs = model.recommend(seeds, 500)
    assert len(recs) == 2 * PER - 2  # every track of the two seeded clusters
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    low = model.recommend(seeds, 10, Controls(bounds={"energy": Bound(max=0.5)}))
    assert {group_of(r.row) for r in low} == {1}


def test_ranking_goes_deeper_when_the_artist_cap_empties_the_first_candidates() -> None:
    # One cluster of 150 tracks: 140 dance tracks by one artist, then 10 acoustic
    # ones (least like the seed) by ten others.  Only the best 2n + 100 = 106
    # are ranked at first, and the cap leaves one of them.
    audio = audio_rows(["dance", "acoustic"], 140)[:150]
    artists = np.concatenate([np.zeros(140, dtype=np.int64), np.arange(1, 11)])
    model = ClustersModel(n_clusters=1).fit(make_arrays(audio, artists=artists))
    recs = model.recommend(Seeds.tracks([0]), 3, Controls(max_per_artist=1))
    assert len(recs) == 3
    assert len({int(artists[r.row]) for r in recs}) == 3


def test_seeds_without_audio_are_ignored_or_refused(groups: TrackArrays) -> None:
    audio = groups.audio.copy()
    audio[59] = np.nan
    data = make_arrays(audio)
    fitted = ClustersModel(n_clusters=3).fit(data)
    draw = fitted.draw(Seeds.tracks([0, 59]), 5)
    assert draw.ignored_seeds == (59,)
    assert all(c.share == 1.0 for c in draw.clusters)
    with pytest.raises(SeedError, match="audio features"):
        fitted.recommend(Seeds.tracks([59]), 5)


def test_not_fitted_and_bad_parameters(groups: TrackArrays) -> None:
    with pytest.raises(NotFittedError):
        ClustersModel().recommend(Seeds.tracks([0]))
    with pytest.raises(InputError, match="n_clusters"):
        ClustersModel(n_clusters="many").fit(groups)
    with pytest.raises(InputError, match="aggregate"):
        ClustersModel(aggregate="median").fit(groups)


def test_auto_k_finds_three_groups() -> None:
    # Three groups equally far apart on every feature (in `groups` dance and rap
    # are closer to each other than to acoustic, and k = 2 has the best silhouette).
    rng = np.random.default_rng(3)
    centres = rng.uniform(0, 1, (3, len(AUDIO_COLUMNS)))
    audio = np.repeat(centres, PER, axis=0) + rng.normal(0, 0.01, (3 * PER, len(AUDIO_COLUMNS)))
    fitted = ClustersModel(n_clusters="auto", k_min=2, k_max=6).fit(make_arrays(audio))
    assert fitted.k_ == 3


def test_fit_is_reproducible_and_save_load_round_trips(
    model: ClustersModel, groups: TrackArrays, tmp_path: Path
) -> None:
    again = ClustersModel(n_clusters=3, random_state=0).fit(groups)
    assert np.array_equal(again.labels_, model.labels_)
    model.save(tmp_path / "clusters.npz")
    loaded = ClustersModel.load(tmp_path / "clusters.npz", groups)
    seeds = Seeds.tracks([0, 1, 20])
    assert loaded.recommend(seeds, 8) == model.recommend(seeds, 8)
    assert model.recommend_batch([seeds], 8) == [model.recommend(seeds, 8)]


def test_registered() -> None:
    assert isinstance(registry.create("clusters"), ClustersModel)
    assert isinstance(registry.create("genre-clusters"), GenreClustersModel)


# -- genre-clusters -------------------------------------------------------------------
GENRES = ("house", "punk")  # two families (checked below); rap tracks have no genre


@pytest.fixture(scope="module")
def genre_data() -> TrackArrays:
    assert family_of("house") != family_of("punk")
    genres = np.zeros((3 * PER, 2))
    genres[:PER, 0] = 1  # dance: house
    genres[PER : 2 * PER, 1] = 1  # acoustic: punk
    genres[:5, 1] = 1  # five dance tracks are also punk
    return make_arrays(audio_rows(["dance", "acoustic", "rap"], PER), genres, GENRES)


def test_tracks_route_to_every_family_of_their_genres(genre_data: TrackArrays) -> None:
    fitted = GenreClustersModel(min_cluster_size=5).fit(genre_data)
    assert [f for f, _ in fitted.family_clusters(30)] == [family_of("punk")]
    assert {f for f, _ in fitted.family_clusters(0)} == {family_of("house"), family_of("punk")}
    assert [f for f, _ in fitted.family_clusters(50)] == ["other"]
    recs = fitted.recommend(Seeds.tracks([30]), 5)
    assert all(r.reason.startswith(f"{display(family_of('punk'))} family, cluster ") for r in recs)
    assert all(r.reason.endswith("like 'Song 30'") for r in recs)
    assert all(genre_data.track_genres[r.row, 1] for r in recs)


def test_small_families_get_fewer_clusters(genre_data: TrackArrays) -> None:
    fitted = GenreClustersModel(n_clusters=8, min_cluster_size=10).fit(genre_data)
    sizes = dict(
        zip(fitted.families_.tolist(), np.diff(fitted.centre_offsets_).tolist(), strict=True)
    )
    assert sizes[family_of("house")] == 2  # 20 tracks // 10
    assert sizes[family_of("punk")] == 2  # 25 tracks // 10
    assert sizes["other"] == 2


def test_random_order_is_reproducible(genre_data: TrackArrays) -> None:
    seeds = Seeds.tracks([0, 45])
    a = GenreClustersModel(min_cluster_size=5, random_state=1).fit(genre_data)
    b = GenreClustersModel(min_cluster_size=5, random_state=1).fit(genre_data)
    assert a.recommend(seeds, 6) == b.recommend(seeds, 6)
    assert a.recommend_batch([seeds, seeds], 6) == [a.recommend(seeds, 6)] * 2


def test_nearest_order_is_sorted_by_distance(genre_data: TrackArrays) -> None:
    audio = genre_data.audio.copy()
    audio[35] = audio[30]  # a twin of the seed
    data = make_arrays(audio, genre_data.track_genres.toarray(), GENRES)
    fitted = GenreClustersModel(min_cluster_size=20, order="nearest").fit(data)
    recs = fitted.recommend(Seeds.tracks([30]), 10)
    assert recs[0].row == 35
    # Distances in the punk family's own standardized space (its 25 tracks).
    cols = [AUDIO_COLUMNS.index(c) for c in CLUSTER_FEATURES]
    family = audio[np.flatnonzero(genre_data.track_genres[:, 1].toarray().ravel())][:, cols]
    std = np.where(family.std(0) > 0, family.std(0), 1.0)  # as StandardScaler: constant -> 1
    z = (audio[:, cols] - family.mean(0)) / std
    dist = np.array([np.linalg.norm(z[r.row] - z[30]) for r in recs])
    assert np.all(np.diff(dist) >= -1e-4)


def test_genre_clusters_save_load_and_refusals(genre_data: TrackArrays, tmp_path: Path) -> None:
    fitted = GenreClustersModel(min_cluster_size=5, order="nearest").fit(genre_data)
    fitted.save(tmp_path / "g.npz")
    loaded = GenreClustersModel.load(tmp_path / "g.npz", genre_data)
    seeds = Seeds.tracks([0, 30, 45])
    assert loaded.recommend(seeds, 9) == fitted.recommend(seeds, 9)
    audio = genre_data.audio.copy()
    audio[59] = np.nan
    blind = GenreClustersModel().fit(make_arrays(audio, genre_data.track_genres.toarray(), GENRES))
    with pytest.raises(SeedError, match="audio features"):
        blind.recommend(Seeds.tracks([59]))
    with pytest.raises(InputError, match="order"):
        GenreClustersModel(order="sideways").fit(genre_data)


@pytest.mark.parametrize(
    ("family", "shown"), [("edm", "EDM"), ("pop", "Pop"), ("hip hop", "Hip hop"), ("rock", "Rock")]
)
def test_family_names_as_people_read_them(family: str, shown: str) -> None:
    assert display(family) == shown
