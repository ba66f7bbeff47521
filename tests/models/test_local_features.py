"""Tracks known only by local analysis (danceability, energy, tempo, key, mode, loudness,
duration, time signature; no valence or acousticness) in the audio, content and mood
models."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.errors import SeedError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.moodmap import mood_map
from mixtape.models.audio import AudioModel
from mixtape.models.base import Seeds
from mixtape.models.content import ContentModel
from mixtape.models.mood import MoodModel
from tests.factories.arrays import track_arrays

NEVER_LOCAL = ("valence", "acousticness", "speechiness", "instrumentalness", "liveness")


def local_only(rows: slice, audio: np.ndarray) -> None:
    for name in NEVER_LOCAL:
        audio[rows, AUDIO_COLUMNS.index(name)] = np.nan


@pytest.fixture(scope="module")
def mixed() -> TrackArrays:
    """40 catalog tracks with every feature, then 20 analysed locally (rows 40-59)."""
    rng = np.random.default_rng(7)
    audio = rng.uniform(0, 1, (60, len(AUDIO_COLUMNS))).astype(np.float32)
    audio[:, AUDIO_COLUMNS.index("tempo")] = rng.uniform(60, 180, 60)
    local_only(slice(40, 60), audio)
    return track_arrays(60, audio=audio, fingerprint="mixed")


def test_locally_analysed_tracks_take_part_in_the_audio_models(mixed: TrackArrays) -> None:
    assert mixed.has_audio.all()
    for model in (AudioModel(index="exact"), ContentModel(index="exact")):
        model.fit(mixed)
        recs = model.recommend(Seeds.tracks([45]), 59)  # a local-only seed
        assert {r.row for r in recs} >= {0, 59}  # both kinds are recommended
        assert all(np.isfinite(r.score) for r in recs)


def test_a_locally_analysed_seed_is_off_the_mood_plane_and_told_so(mixed: TrackArrays) -> None:
    mood = MoodModel().fit(mixed)
    with pytest.raises(SeedError, match="has energy but no valence") as err:
        mood.recommend(Seeds.tracks([45]), 5)
    assert "local audio analysis measures no valence" in str(err.value)
    assert "sonic" in (err.value.hint or "")
    assert all(r.row < 40 for r in mood.recommend(Seeds.tracks([3]), 30))
    assert mood_map(mixed).energy_only == 20
    assert mood_map(mixed).as_dict()["note"].startswith("20 tracks have energy but no valence")


def test_a_catalog_of_local_tracks_only_has_no_mood_plane_and_says_why() -> None:
    audio = np.full((5, len(AUDIO_COLUMNS)), 0.5, dtype=np.float32)
    local_only(slice(0, 5), audio)
    mood = MoodModel().fit(track_arrays(5, audio=audio))
    with pytest.raises(SeedError, match="no track in the catalog has valence and energy") as err:
        mood.recommend(Seeds.at(0.5, 0.5), 3)
    assert "5 tracks have energy but no valence" in str(err.value)
