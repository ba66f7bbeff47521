"""Cluster-proportional curation: shares, descriptions, the JSON result."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mixtape.errors import InputError, SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.clusters import ClustersModel
from mixtape.models.controls import Controls
from mixtape.models.curate import curate
from tests.factories.arrays import track_arrays

PER = 20
LIBRARY = [0, 1, 2, 3, 4, 5, 20, 21, 22, 23, 40, 41]  # 6 dance, 4 acoustic, 2 rap


def library_arrays() -> TrackArrays:
    """60 tracks in three groups of 20 (dance, acoustic, rap); track 59 has no audio."""
    rng = np.random.default_rng(0)
    col = AUDIO_COLUMNS.index
    n = 3 * PER
    audio = np.zeros((n, len(AUDIO_COLUMNS)))
    audio[:, col("loudness")], audio[:, col("tempo")], audio[:, col("valence")] = -8, 120, 0.5
    profiles = [(0.9, 0.9, 0.05, 0.05), (0.3, 0.2, 0.95, 0.03), (0.7, 0.6, 0.2, 0.6)]
    for g, values in enumerate(profiles):
        for feature, value in zip(
            ("danceability", "energy", "acousticness", "speechiness"), values, strict=True
        ):
            audio[g * PER : (g + 1) * PER, col(feature)] = value
    signal = [col(f) for f in ("danceability", "energy", "acousticness", "speechiness")]
    audio[:, signal] += rng.normal(0, 0.02, (n, len(signal)))  # other columns stay constant
    audio[59] = np.nan
    return track_arrays(
        n,
        names=[f"Song {i}" if i % 2 else "" for i in range(n)],
        audio=audio,
        fingerprint="curate-test",
    )


@pytest.fixture(scope="module")
def model() -> ClustersModel:
    return ClustersModel(n_clusters=3).fit(library_arrays())


def test_playlist_follows_the_librarys_mix(model: ClustersModel) -> None:
    result = curate(model, LIBRARY, n=12)
    # Shares 6/12, 4/12, 2/12 of 12 seats: exactly 6, 4, 2.
    assert [(c.seeds, c.quota, c.drawn) for c in result.clusters] == [
        (6, 6, 6),
        (4, 4, 4),
        (2, 2, 2),
    ]
    assert [round(c.share, 3) for c in result.clusters] == [0.5, 0.333, 0.167]
    by_group = np.bincount([s.row // PER for s in result.playlist], minlength=3)
    assert by_group.tolist() == [6, 4, 2]
    assert not {s.row for s in result.playlist} & set(LIBRARY)
    assert result.clusters[0].description.startswith("high energy")
    assert result.track_clusters == [int(model.labels_[s.row]) for s in result.playlist]


def test_as_dict_is_json(model: ClustersModel) -> None:
    result = curate(model, Seeds.tracks([*LIBRARY, 59]), n=5)
    out = json.loads(json.dumps(result.as_dict()))
    assert out["seeds"] == 13
    assert out["ignored_seeds"] == ["t59"]
    assert len(out["playlist"]) == 5
    first = out["playlist"][0]
    assert set(first) == {"row", "key", "name", "cluster", "score", "reason"}
    assert first["key"] == f"t{first['row']}"
    assert sum(c["drawn"] for c in out["clusters"]) == 5
    assert set(out["clusters"][0]) == {"cluster", "seeds", "share", "quota", "drawn", "description"}


def test_curate_honours_controls_and_short_clusters(model: ClustersModel) -> None:
    # Every rap track but one excluded: the seat rap cannot fill goes to the others by 6:4.
    exclude = frozenset(range(43, 59))
    result = curate(model, LIBRARY, n=12, controls=Controls(exclude=exclude))
    drawn = {c.seeds: c.drawn for c in result.clusters}
    # 12 seats -> 6, 4, 2; rap has only track 42; its other seat by 6:4 -> 0.6, 0.4: dance.
    assert drawn == {6: 7, 4: 4, 2: 1}
    assert len(result.playlist) == 12


def test_curate_asked_for_more_than_any_number_draws_every_allowed_track(
    model: ClustersModel,
) -> None:
    # Any n of at least catalog size x seeds reads every list whole in one round, so a
    # huge n (beyond int64 once multiplied by a weight) gives the same playlist.
    enough = curate(model, LIBRARY, n=model.data_.n_tracks * len(LIBRARY))
    huge = curate(model, LIBRARY, n=10**23)
    assert huge.playlist == enough.playlist
    assert [c.quota for c in huge.clusters] == [10**23 // 2, 10**23 // 3, 10**23 // 6 + 1]
    json.dumps(huge.as_dict())


def test_curate_refuses_other_models_and_seeds_without_audio(model: ClustersModel) -> None:
    class Other(Recommender):
        name = "other"
        summary = "not a cluster model"

        def _fit(self, data: TrackArrays) -> None:
            pass

        def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
            return []

    with pytest.raises(InputError, match="clusters model"):
        curate(Other(), LIBRARY)
    with pytest.raises(SeedError, match="audio features"):
        curate(model, [59])
