"""The ``title`` model on the tiny catalog (its playlist titles are in tests/factories/tiny.py)
and on hand-made arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixtape.errors import SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.base import Seeds
from mixtape.models.controls import Controls
from mixtape.models.title import TitleModel
from tests.factories.arrays import track_arrays
from tests.factories.tiny import TOGETHER_TITLE, Tiny


@pytest.fixture(scope="module")
def model(tiny_data: TrackArrays) -> TitleModel:
    return TitleModel().fit(tiny_data)


def rows(recs: list) -> list[int]:
    return [r.row for r in recs]


def test_a_title_finds_the_tracks_of_the_playlists_so_titled(model: TitleModel, tiny: Tiny) -> None:
    recs = model.recommend(Seeds.titled("Summer Hits"), 10)
    assert rows(recs)[:3] == list(tiny.together)
    assert recs[0].score == 1.0
    assert recs[0].reason == f"in 8 playlists titled like {TOGETHER_TITLE!r}"
    assert all(tiny.group[r] == 0 for r in rows(recs))


def test_titles_match_in_their_normal_form(model: TitleModel) -> None:
    plain = model.recommend(Seeds.titled("summer hits"), 20)
    loud = model.recommend(Seeds.titled("SUMMER   HITS ☀️!!"), 20)
    assert [(r.row, r.score) for r in plain] == [(r.row, r.score) for r in loud]


def test_a_title_word_finds_its_group(model: TitleModel, tiny: Tiny) -> None:
    recs = model.recommend(Seeds.titled("metal"), 30)
    metal = [r for r in rows(recs) if tiny.group[r] == 1]
    assert len(metal) >= 25  # six "pop and metal" playlists bring some pop too
    assert all(tiny.group[r] == 1 for r in rows(recs)[:10])


def test_an_exact_title_weighs_more_than_a_longer_one(tiny_data: TrackArrays) -> None:
    names = tiny_data.playlist_names
    exact = np.flatnonzero(names == "Dance Pop")
    longer = np.flatnonzero(names == "dance pop party!")
    plain, _ = TitleModel(exact_boost=0.0).fit(tiny_data).query(Seeds.titled("dance pop"))
    boosted, _ = TitleModel(exact_boost=1.0).fit(tiny_data).query(Seeds.titled("dance pop"))
    assert plain[exact].min() > plain[longer].max()  # BM25: a shorter title matches better
    np.testing.assert_allclose(boosted[exact], 2 * plain[exact])
    np.testing.assert_allclose(boosted[longer], plain[longer])


def test_a_title_nobody_used_gets_popular_tracks_that_say_so(model: TitleModel) -> None:
    recs = model.recommend(Seeds.titled("xyzzy plugh"), 5)
    assert len(recs) == 5
    assert all(r.score < 0 and "fills the list" in r.reason for r in recs)
    assert not TitleModel(backfill=False).fit(model.data_).recommend(Seeds.titled("xyzzy"), 5)


def test_seed_tracks_alone_stand_for_their_playlists_titles(model: TitleModel, tiny: Tiny) -> None:
    recs = model.recommend(Seeds.tracks([0]), 5)
    assert rows(recs)[:2] == [1, 2]
    assert f"titled like the seeds' playlists ({TOGETHER_TITLE!r})" in recs[0].reason


def test_without_track_weight_the_tracks_beside_a_title_are_only_excluded(
    tiny: Tiny,
) -> None:
    model = TitleModel(track_weight=0.0).fit(tiny.data)
    alone = rows(model.recommend(Seeds.titled("metal"), 11))
    seeds = Seeds.tracks([alone[0], tiny.no_history], title="metal")
    with_tracks = rows(model.recommend(seeds, 10))
    assert with_tracks == alone[1:]


def test_tracks_beside_a_title_add_their_playlists_titles(model: TitleModel, tiny: Tiny) -> None:
    recs = model.recommend(Seeds.tracks([0], title="metal"), 40)
    assert {1, 2} <= set(rows(recs))  # the seed's "summer hits" playlists count too
    assert any(tiny.group[r] == 1 for r in rows(recs))  # and so does the title
    assert "titled like 'metal' or the seeds' playlists" in recs[0].reason


def test_a_track_in_no_titled_playlist_needs_a_title(model: TitleModel, tiny: Tiny) -> None:
    with pytest.raises(SeedError, match="no titled playlist"):
        model.recommend(Seeds.tracks([tiny.no_history]), 5)
    assert model.recommend(Seeds.tracks([tiny.no_history], title="folk"), 5)


def test_controls_apply_to_title_queries(model: TitleModel, tiny: Tiny) -> None:
    recs = model.recommend(Seeds.titled("metal"), 8, Controls(max_per_artist=1))
    artists = [int(tiny.data.primary_artist[r]) for r in rows(recs)]
    assert len(set(artists)) == len(artists) == 8


def test_long_playlists_can_count_less() -> None:
    data = track_arrays(
        12, playlists=[list(range(10)), [10, 11]], playlist_names=["Road Trip", "road trip"]
    )
    even = TitleModel(length_power=0.0).fit(data).recommend(Seeds.titled("road trip"), 3)
    assert rows(even) == [0, 1, 2]  # equal votes: ties go to the lower row
    short_first = TitleModel(length_power=1.0).fit(data).recommend(Seeds.titled("road trip"), 3)
    assert rows(short_first) == [10, 11, 0]


def test_the_best_playlists_alone_vote() -> None:
    data = track_arrays(
        4, playlists=[[0], [1], [2], [3]], playlist_names=["rock", "rock", "soft rock", "rock"]
    )
    recs = TitleModel(neighbours=2, backfill=False).fit(data).recommend(Seeds.titled("rock"), 4)
    assert rows(recs) == [0, 1]  # the first two "rock" playlists (ties to the lower row)


def test_a_catalog_without_titles_serves_titles_with_popular_tracks(tmp_path: Path) -> None:
    data = track_arrays(5, playlists=[[0, 1], [1, 2]], fingerprint="untitled")
    model = TitleModel().fit(data)
    recs = model.recommend(Seeds.titled("anything"), 3)
    assert rows(recs)[0] == 1 and all("fills the list" in r.reason for r in recs)
    with pytest.raises(SeedError, match="no titled playlist"):
        model.recommend(Seeds.tracks([1]), 3)
    model.save(tmp_path / "m.npz")
    loaded = TitleModel.load(tmp_path / "m.npz", data)
    assert rows(loaded.recommend(Seeds.titled("anything"), 3)) == rows(recs)


def test_a_saved_model_keeps_its_words(model: TitleModel, tmp_path: Path) -> None:
    model.save(tmp_path / "title.npz")
    with np.load(tmp_path / "title.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
    loaded = TitleModel.load(tmp_path / "title.npz", model.data_)
    assert list(loaded.words_) == list(model.words_)
    for seeds in (Seeds.titled("Summer Hits"), Seeds.titled("sad folk"), Seeds.tracks([80])):
        a, b = model.recommend(seeds, 10), loaded.recommend(seeds, 10)
        assert [(r.row, r.score, r.reason) for r in a] == [(r.row, r.score, r.reason) for r in b]
