"""audio, content, content-equal and mood against brute-force answers; their indexes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics.pairwise import cosine_similarity

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.blocks import audio_block, combine, content_blocks
from mixtape.models import cosine
from mixtape.models.audio import AudioModel
from mixtape.models.base import Seeds
from mixtape.models.content import ContentEqualModel, ContentModel
from mixtape.models.controls import Bound, Controls, allowed_mask
from mixtape.models.mood import MOODS, MoodModel, parse_mood
from mixtape.search.hnsw import HNSWIndex
from mixtape.search.ivf import IVFIndex
from tests.factories.arrays import track_arrays
from tests.factories.tiny import Tiny


@pytest.fixture(scope="module")
def audio(tiny_data: TrackArrays) -> AudioModel:
    return AudioModel(index="exact").fit(tiny_data)


@pytest.fixture(scope="module")
def content(tiny_data: TrackArrays) -> ContentModel:
    return ContentModel(index="exact").fit(tiny_data)


@pytest.fixture(scope="module")
def mood(tiny_data: TrackArrays) -> MoodModel:
    return MoodModel().fit(tiny_data)


def brute_force(
    matrix: np.ndarray | sp.spmatrix, query_rows: list[int], allowed: np.ndarray, n: int
) -> list[int]:
    """Allowed rows by cosine to the mean unit vector of ``query_rows`` (ties by row)."""
    dense = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    units = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    query = units[query_rows].mean(axis=0)
    scores = units @ query / np.linalg.norm(query)
    candidates = np.flatnonzero(allowed & (norms[:, 0] > 0))
    rounded = np.round(scores[candidates], 5)  # equal up to float error: ties go by row
    order = np.lexsort((candidates, -rounded))
    return candidates[order][:n].tolist()


# -- content -------------------------------------------------------------------------------
def test_content_neighbours_share_the_seeds_genres(content: ContentModel, tiny: Tiny) -> None:
    for group in range(4):
        seed = int(tiny.with_features(group)[3])
        recs = content.recommend(Seeds.tracks([seed]), 15)
        assert {int(tiny.group[r.row]) for r in recs} == {group}
    cold = int(tiny.no_features[0])  # genres, year and popularity but no audio
    recs = content.recommend(Seeds.tracks([cold]), 10)
    assert {int(tiny.group[r.row]) for r in recs} == {int(tiny.group[cold])}


@pytest.mark.parametrize("model_class", [ContentModel, ContentEqualModel])
def test_content_scores_are_the_cosine_of_the_weighted_blocks(
    model_class: type[ContentModel], tiny: Tiny
) -> None:
    model = model_class(index="exact").fit(tiny.data)
    matrix = combine(content_blocks(tiny.data, model._weights()))
    allowed = np.ones(tiny.data.n_tracks, dtype=bool)
    for seeds in ([5], [0, 100, 200], [int(tiny.no_features[2])]):
        allowed[:] = True
        allowed[seeds] = False
        recs = model.recommend(Seeds.tracks(seeds), 12)
        assert [r.row for r in recs] == brute_force(matrix, seeds, allowed, 12)
        if len(seeds) == 1:
            expected = cosine_similarity(matrix[seeds], matrix[[r.row for r in recs]]).ravel()
            assert [r.score for r in recs] == pytest.approx(expected, abs=1e-5)


def test_content_weighs_genres_above_audio_and_content_equal_does_not() -> None:
    # Seed 0; track 1 shares its genre but sounds unlike it (audio cosine -0.4);
    # track 2 sounds like it (0.996) with another genre.  Era and popularity agree.
    audio = np.array([[0.9, 0.9], [0.75, 0.2], [0.9, 0.85], [0.5, 0.5], [0.2, 0.8], [0.3, 0.3]])
    data = small_arrays(audio, genres=[[0], [0], [1], [2], [3], [2]])
    seed = Seeds.tracks([0])
    assert ContentModel(index="exact").fit(data).recommend(seed, 1)[0].row == 1
    assert ContentEqualModel(index="exact").fit(data).recommend(seed, 1)[0].row == 2


def test_content_reasons_name_shared_genres_and_distinctive_traits(content: ContentModel) -> None:
    reason = content.recommend(Seeds.tracks([0]), 1)[0].reason
    assert reason.startswith("shares genre")
    assert "dance pop" in reason or "electropop" in reason or "pop" in reason
    assert "; both " in reason


def agreement_arrays() -> TrackArrays:
    """Genre a (rows 0-29), genre b (30-59), both a and b (60-89): a 'generic middle'."""
    genres = [[0]] * 30 + [[1]] * 30 + [[0, 1]] * 30
    audio = np.full((90, 2), 0.5)
    return small_arrays(audio, genres=genres)


def test_agreement_keeps_to_the_seeds_neighbourhoods_where_the_mean_drifts_to_the_middle() -> None:
    data = agreement_arrays()
    only_genres = {
        "audio_weight": 0.0,
        "era_weight": 0.0,
        "popularity_weight": 0.0,
        "index": "exact",
    }
    seeds = Seeds.tracks([0, 1, 30, 31])  # two from a, two from b
    mean = ContentModel(**only_genres).fit(data).recommend(seeds, 10)
    assert all(60 <= r.row < 90 for r in mean)  # the middle: cosine 1 with the mean
    agree = ContentModel(aggregate="agreement", neighbours=10, **only_genres).fit(data)
    recs = agree.recommend(seeds, 16)
    assert len(recs) == 16
    assert all(r.row < 60 for r in recs)
    assert {r.row < 30 for r in recs} == {True, False}  # both halves of the playlist
    assert agree.recommend_batch([seeds], 16)[0] == recs


def test_cosine_models_say_when_fitting_will_compile_the_kernels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mixtape.models import kernels
    from mixtape.models.hybrid import HybridModel

    monkeypatch.setattr(kernels, "cache_is_warm", lambda: False)
    assert (
        ContentModel.fit_note()
        == HybridModel.fit_note()
        == AudioModel.fit_note()  # its reasons call compiled kernels
        == "compiling kernels (first run only)"
    )
    monkeypatch.setattr(kernels, "cache_is_warm", lambda: True)
    assert ContentModel.fit_note() == AudioModel.fit_note() == ""


def test_bad_parameters_are_reported_at_fit(tiny_data: TrackArrays) -> None:
    with pytest.raises(InputError, match="aggregate"):
        ContentModel(aggregate="median").fit(tiny_data)
    with pytest.raises(InputError, match="index"):
        AudioModel(index="annoy").fit(tiny_data)
    with pytest.raises(InputError, match="weight"):
        ContentModel(audio_weight=0, genre_weight=0, era_weight=0, popularity_weight=0).fit(
            tiny_data
        )


# -- audio ---------------------------------------------------------------------------------
def test_audio_neighbours_are_the_nearest_in_standardized_feature_space(
    audio: AudioModel, tiny: Tiny
) -> None:
    matrix = np.asarray(audio_block(tiny.data).matrix)
    for seeds in ([3], [0, 80], [int(tiny.partial[0])]):
        allowed = tiny.data.has_audio.copy()
        allowed[seeds] = False
        recs = audio.recommend(Seeds.tracks(seeds), 10)
        assert [r.row for r in recs] == brute_force(matrix, seeds, allowed, 10)
    assert all(tiny.data.has_audio[r.row] for r in audio.recommend(Seeds.tracks([0]), 300))


def test_a_track_without_audio_features_is_refused_with_what_to_do(
    audio: AudioModel, tiny: Tiny
) -> None:
    with pytest.raises(SeedError, match="no audio features") as err:
        audio.recommend(Seeds.tracks([int(tiny.no_features[0])]))
    assert "mixtape ingest tracks" in str(err.value)
    assert "cooccurrence" in str(err.value)
    # A playlist with some usable seeds uses those.
    assert audio.recommend(Seeds.tracks([int(tiny.no_features[0]), 3]), 5)


def test_filters_that_empty_the_candidates_fall_back_to_every_track(
    audio: AudioModel, tiny: Tiny
) -> None:
    folk = int(tiny.with_features(2)[0])  # low energy; its neighbours are all low energy
    controls = Controls(bounds={"energy": Bound(min=0.75)})
    recs = audio.recommend(Seeds.tracks([folk]), 10, controls)
    assert len(recs) == 10
    energy = tiny.data.column("energy")
    allowed = tiny.data.has_audio & (energy >= 0.75)
    expected = brute_force(np.asarray(audio_block(tiny.data).matrix), [folk], allowed, 10)
    assert [r.row for r in recs] == expected


def test_targets_move_results_toward_the_target(audio: AudioModel, tiny: Tiny) -> None:
    valence = tiny.data.column("valence")
    seed = Seeds.tracks([int(tiny.with_features(1)[0])])  # metal: low valence
    plain = audio.recommend(seed, 10)
    pulled = audio.recommend(
        seed, 10, Controls(bounds={"valence": Bound(target=0.9)}, target_weight=2)
    )
    assert (
        np.mean([valence[r.row] for r in pulled]) > np.mean([valence[r.row] for r in plain]) + 0.2
    )


# -- mood ------------------------------------------------------------------------------------
def test_mood_returns_the_nearest_points(mood: MoodModel, tiny: Tiny) -> None:
    v, e = tiny.data.column("valence"), tiny.data.column("energy")
    dist = np.hypot(v - 0.5, e - 0.5)
    rows = np.flatnonzero(tiny.data.has_mood)
    expected = rows[np.lexsort((rows, dist[rows]))][:8].tolist()
    recs = mood.recommend(Seeds.at(0.5, 0.5), 8)
    assert [r.row for r in recs] == expected
    # A similarity: 1 at the seed point, 0 at the opposite corner of the plane.
    assert [r.score for r in recs] == pytest.approx(1 - dist[expected] / np.sqrt(2), abs=1e-6)
    assert "from the seed point" in recs[0].reason


def test_mood_words_land_in_their_quadrant(mood: MoodModel, tiny: Tiny) -> None:
    quadrant = {"happy": 0, "angry": 1, "sad": 2, "calm": 3}
    for word, group in quadrant.items():
        recs = mood.recommend(Seeds.at(*parse_mood(word)), 10)
        assert {int(tiny.group[r.row]) for r in recs} == {group}


def test_mood_seeds_use_their_mean_point(mood: MoodModel, tiny: Tiny) -> None:
    rows = [0, 160]  # happy and sad: the mean is near the centre of the plane
    v = tiny.data.column("valence")[rows].mean()
    e = tiny.data.column("energy")[rows].mean()
    assert mood.seed_point(Seeds.tracks(rows)) == pytest.approx((v, e))
    assert [r.row for r in mood.recommend(Seeds.tracks(rows), 5)] == [
        r.row for r in mood.recommend(Seeds.at(v, e), 5, Controls(exclude=frozenset(rows)))
    ]


def test_parse_mood() -> None:
    assert parse_mood("0.7,0.4") == (0.7, 0.4)
    assert parse_mood(" Calm ") == MOODS["calm"] == (0.8, 0.2)
    assert parse_mood("angry") == (0.2, 0.8)
    with pytest.raises(InputError, match="happy, energetic"):
        parse_mood("gloomy")
    with pytest.raises(InputError, match="between 0 and 1"):
        parse_mood("1.5,0.2")


def test_allowed_mask_of_some_rows_is_the_full_mask_at_those_rows(tiny: Tiny) -> None:
    controls = Controls(
        exclude=frozenset({3, 4}), bounds={"energy": Bound(min=0.5), "year": Bound(max=2015)}
    )
    rows = np.array([0, 3, 4, 10, 80, 160, 299])
    full = allowed_mask(tiny.data, controls, [10])
    assert np.array_equal(allowed_mask(tiny.data, controls, [10], rows=rows), full[rows])


def large_arrays(n: int = 20_000, n_genres: int = 60, seed: int = 0) -> TrackArrays:
    rng = np.random.default_rng(seed)
    audio = rng.random((n, len(AUDIO_COLUMNS))).astype(np.float32)
    audio[:50] = np.nan
    genres = [list(rng.choice(n_genres, rng.integers(1, 4), replace=False)) for _ in range(n)]
    data = small_arrays(audio, genres=genres, n_genres=n_genres)
    data.year[:] = rng.integers(1960, 2020, n)
    data.popularity[:] = rng.integers(0, 100, n)
    return data


@pytest.mark.parametrize("model_class", [AudioModel, ContentModel])
def test_hnsw_models_reach_the_recall_target_and_load_without_rebuilding(
    model_class: type[AudioModel], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = large_arrays(n=3_000)
    approx = model_class(index="hnsw", n_threads=2).fit(data)
    assert isinstance(approx.ann_, HNSWIndex)
    assert approx.ann_recall_ is not None and approx.ann_recall_ >= 0.99
    exact = model_class(index="exact").fit(data)
    queries = [
        Seeds.tracks([int(r)]) for r in np.random.default_rng(1).choice(np.arange(50, 3_000), 50)
    ]
    hits = [
        len({r.row for r in a} & {r.row for r in e}) / 10
        for a, e in zip(
            approx.recommend_batch(queries, 10), exact.recommend_batch(queries, 10), strict=True
        )
    ]
    assert np.mean(hits) >= 0.97

    # Filters that empty the graph's candidates fall back to exact scoring of every track.
    narrow = Controls(bounds={"energy": Bound(min=0.99)})
    got, want = approx.recommend(queries[0], 10, narrow), exact.recommend(queries[0], 10, narrow)
    assert [r.row for r in got] == [r.row for r in want]
    assert [r.score for r in got] == pytest.approx([r.score for r in want], abs=1e-5)

    path = tmp_path / "model.npz"
    approx.save(path)
    if model_class is AudioModel:  # the graph's vectors are the index's: stored once
        assert not approx.exact_.dense_t.flags.owndata
        with np.load(path) as saved:
            assert "dense_t" not in saved.files

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the graph was rebuilt on load")

    monkeypatch.setattr(HNSWIndex, "build", no_build)
    loaded = model_class.load(path, data)
    assert isinstance(loaded.ann_, HNSWIndex) and loaded.ann_.width == approx.ann_.width
    assert loaded.recommend_batch(queries, 10) == approx.recommend_batch(queries, 10)


def small_arrays(
    audio: np.ndarray, genres: list[list[int]], n_genres: int | None = None
) -> TrackArrays:
    """Arrays from a few audio columns (the rest 0.5) and genre lists; one artist per track."""
    n = len(audio)
    n_genres = n_genres or (max(g for gs in genres for g in gs) + 1)
    return track_arrays(
        n,
        key_prefix="s",
        audio=audio,
        genres=genres,
        genre_names=[f"genre {g}" for g in range(n_genres)],
        playlists=np.zeros((1, n)),
        fingerprint=f"small-{n}",
    )


# -- inverted lists -------------------------------------------------------------------------
def test_audio_ivf_reaches_the_recall_target_in_the_exact_index_memory_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = large_arrays(n=3_000)
    approx = AudioModel(index="ivf", n_threads=2).fit(data)
    assert isinstance(approx.ann_, IVFIndex)
    assert approx.ann_recall_ is not None and approx.ann_recall_ >= 0.99
    assert approx.ann_.width < approx.ann_.n_lists  # it does not just read everything
    assert approx.ann_.vectors_t is approx.exact_.dense_t  # one copy of the vectors
    exact = AudioModel(index="exact").fit(data)
    queries = [
        Seeds.tracks([int(r)]) for r in np.random.default_rng(1).choice(np.arange(50, 3_000), 50)
    ]
    got, want = approx.recommend_batch(queries, 10), exact.recommend_batch(queries, 10)
    hits = [
        len({r.row for r in a} & {r.row for r in e}) / 10 for a, e in zip(got, want, strict=True)
    ]
    assert np.mean(hits) >= 0.97
    for a, e in zip(got, want, strict=True):  # scores are exact, whatever was found
        exact_score = {r.row: r.score for r in e}
        for r in a:
            if r.row in exact_score:
                assert r.score == pytest.approx(exact_score[r.row], abs=1e-5)
    narrow = Controls(bounds={"energy": Bound(min=0.99)})
    assert approx.recommend(queries[0], 10, narrow) == exact.recommend(queries[0], 10, narrow)

    path = tmp_path / "model.npz"
    approx.save(path)

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lists were trained again on load")

    monkeypatch.setattr(IVFIndex, "train", no_training)
    loaded = AudioModel.load(path, data)
    assert isinstance(loaded.ann_, IVFIndex) and loaded.ann_.width == approx.ann_.width
    assert loaded.ann_recall_ == approx.ann_recall_
    assert loaded.recommend_batch(queries, 10) == got


def test_auto_index_adds_inverted_lists_to_audio_above_the_threshold_but_not_to_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = large_arrays(n=3_000)
    monkeypatch.setattr(cosine, "AUTO_ANN_ABOVE", 1_000)
    assert isinstance(AudioModel(n_threads=2).fit(data).ann_, IVFIndex)
    assert ContentModel(n_threads=2).fit(data).ann_ is None
    monkeypatch.setattr(cosine, "AUTO_ANN_ABOVE", 5_000)
    assert AudioModel(n_threads=2).fit(data).ann_ is None


def test_content_refuses_inverted_lists_with_what_to_use(tiny_data: TrackArrays) -> None:
    with pytest.raises(InputError, match="inverted-list") as err:
        ContentModel(index="ivf").fit(tiny_data)
    assert "index=auto" in (err.value.hint or "")


@pytest.mark.parametrize("index", ["ivf", "hnsw"])
def test_an_approximate_index_over_no_tracks_leaves_the_usual_seed_error(index: str) -> None:
    data = large_arrays(n=40)  # large_arrays leaves the first 50 tracks without audio
    model = AudioModel(index=index).fit(data)
    assert model.ann_ is None
    with pytest.raises(SeedError, match="no audio features"):
        model.recommend(Seeds.tracks([0]), 3)


def test_a_model_saved_in_an_older_format_is_refitted_not_misread(tmp_path: Path) -> None:
    from mixtape import fitting

    data = large_arrays(n=600)
    model = ContentModel(index="exact").fit(data)
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path) as saved:  # the previous format: genres per track, no version
        old = {k: saved[k] for k in saved.files if k != "format" and not k.startswith("sig_")}
    old["sparse_data"] = np.ones(3, dtype=np.float32)
    np.savez(path, **old)
    with pytest.raises(InputError, match="state format 1"):
        ContentModel.load(path, data)

    cache = tmp_path / "cache"
    cache.mkdir()
    stale = fitting._model_file(
        cache, "content", fitting._params_key("content", {"index": "exact"}), data.fingerprint
    )
    np.savez(stale, **old)
    fitted = fitting.FittedModels(cache).get(data, "content", {"index": "exact"})
    seed = Seeds.tracks([100])
    assert fitted.recommend(seed, 10) == model.recommend(seed, 10)
    assert ContentModel.load(stale, data).recommend(seed, 10) == model.recommend(seed, 10)
