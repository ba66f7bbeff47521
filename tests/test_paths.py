"""Song paths on the tiny catalog: endpoints, steady progress, no repeats, the controls."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from mixtape import paths
from mixtape.errors import InputError, NotFittedError, SeedError
from mixtape.features.arrays import TrackArrays
from mixtape.models.audio import AudioModel
from mixtape.models.content import ContentModel
from mixtape.models.controls import Bound, Controls, song_of
from mixtape.models.mood import MoodModel
from mixtape.models.sonic import SonicModel
from mixtape.paths import MAX_STEPS, progress, song_path
from tests.factories.tiny import GROUP_SIZE, Tiny, make_tiny

DANCE, METAL, FOLK, AMBIENT = (g * GROUP_SIZE for g in range(4))


@pytest.fixture(scope="module")
def tiny() -> Tiny:
    return make_tiny()


@pytest.fixture(scope="module")
def audio(tiny: Tiny) -> AudioModel:
    return AudioModel(index="exact").fit(tiny.data)


@pytest.fixture(scope="module")
def content(tiny: Tiny) -> ContentModel:
    return ContentModel(index="exact").fit(tiny.data)


@pytest.fixture(scope="module")
def sonic(tiny: Tiny) -> SonicModel:
    return SonicModel(index="exact").fit(tiny.data)


def _twins(data: TrackArrays) -> TrackArrays:
    """The catalog with row i + 10 a remaster of row i (same artist, title, sound) for the
    first rows of each group: a path may hold only one of each pair."""
    names, audio = data.names.copy(), data.audio.copy()
    for group in range(4):
        for i in range(group * GROUP_SIZE, group * GROUP_SIZE + 50, 20):
            for j in range(i, i + 10):
                names[j + 10] = f"{names[j]} - 2011 Remaster"
                audio[j + 10] = audio[j]
    return dataclasses.replace(data, names=names, audio=audio, fingerprint="twins")


@pytest.mark.parametrize("model_name", ["audio", "content", "sonic"])
def test_a_path_walks_from_a_to_b(model_name: str, request: pytest.FixtureRequest) -> None:
    model = request.getfixturevalue(model_name)
    start, end = DANCE + 3, AMBIENT + 4
    path = song_path(model, start, end, n=12)
    rows = [s.row for s in path]
    assert len(rows) == 12 and rows[0] == start and rows[-1] == end
    assert len(set(rows)) == 12
    to_b = model.similarities(end)[rows]
    assert np.all(np.diff(to_b[1:]) >= 0)  # after the first step, never walks back
    assert not np.isnan(to_b).any()
    assert path[0].reason == "step 1 of 12: the start, on the way to 'Ambient Song 229'"
    assert path[-1].reason == "step 12 of 12: 'Ambient Song 229', the end"
    shares = []
    for step, scored in enumerate(path[1:-1], start=2):
        found = re.fullmatch(
            rf"step {step} of 12: (?:(\d+)% of the way to|(just setting out for)|(almost at)) "
            "'Ambient Song 229'",
            scored.reason,
        )
        assert found, scored.reason
        share, setting_out, almost = found.groups()
        shares.append(0 if setting_out else 100 if almost else int(share))
        assert share is None or 0 < int(share) < 100  # never "0%" or "100% of the way"
    assert shares == sorted(shares)
    assert shares[-1] > 50


def test_a_step_says_how_far_along_it_is_in_words() -> None:
    assert progress(0.0, "'Halo'") == "just setting out for 'Halo'"
    assert progress(-0.2, "'Halo'") == "just setting out for 'Halo'"
    assert progress(0.004, "'Halo'") == "just setting out for 'Halo'"
    assert progress(0.006, "'Halo'") == "1% of the way to 'Halo'"
    assert progress(0.35, "'Halo'") == "35% of the way to 'Halo'"
    assert progress(0.996, "'Halo'") == "almost at 'Halo'"


def test_the_path_leaves_a_for_b_once(audio: AudioModel, tiny: Tiny) -> None:
    rows = [s.row for s in song_path(audio, DANCE + 3, AMBIENT + 4, n=10)]
    groups = tiny.group[rows].tolist()
    assert groups[1] == 0 and groups[-2] == 3  # starts near A, ends near B
    arrived = groups.index(3)
    assert groups[arrived:] == [3] * (10 - arrived)  # once near B, it stays there


def test_two_steps_are_the_endpoints(audio: AudioModel) -> None:
    assert [s.row for s in song_path(audio, FOLK + 1, METAL + 2, n=2)] == [FOLK + 1, METAL + 2]


def test_the_artist_cap_counts_the_endpoints(audio: AudioModel, tiny: Tiny) -> None:
    controls = Controls(max_per_artist=1)
    rows = [s.row for s in song_path(audio, DANCE + 3, AMBIENT + 4, n=14, controls=controls)]
    artists = tiny.data.primary_artist[rows].tolist()
    assert len(set(artists)) == len(artists)
    uncapped = [s.row for s in song_path(audio, DANCE + 3, AMBIENT + 4, n=14)]
    assert len(set(tiny.data.primary_artist[uncapped].tolist())) < 14  # the cap did something


def test_one_version_of_each_song(tiny: Tiny) -> None:
    data = _twins(tiny.data)
    model = AudioModel(index="exact").fit(data)
    rows = [s.row for s in song_path(model, DANCE + 3, AMBIENT + 4, n=20)]
    songs = [song_of(data, r) for r in rows]
    assert len(set(songs)) == len(songs)
    everything = Controls(one_per_song=False)
    loose = [s.row for s in song_path(model, DANCE + 3, AMBIENT + 4, n=20, controls=everything)]
    assert len({song_of(data, r) for r in loose}) < 20  # twins do get in when allowed


def test_filters_and_exclusions_hold(audio: AudioModel, tiny: Tiny) -> None:
    excluded = frozenset(range(DANCE, DANCE + 30))
    controls = Controls(exclude=excluded, bounds={"energy": Bound(min=0.1)})
    rows = [s.row for s in song_path(audio, DANCE + 40, AMBIENT + 4, n=10, controls=controls)]
    assert not set(rows[1:-1]) & excluded
    assert np.all(tiny.data.column("energy")[rows[1:-1]] >= 0.1)


def test_a_to_a_is_an_input_error(audio: AudioModel) -> None:
    with pytest.raises(InputError, match="two different tracks"):
        song_path(audio, 5, 5)


@pytest.mark.parametrize("n", [1, 0, MAX_STEPS + 1])
def test_step_counts_out_of_range(audio: AudioModel, n: int) -> None:
    with pytest.raises(InputError, match=f"2 to {MAX_STEPS} tracks, not {n}"):
        song_path(audio, 1, 2, n=n)


def test_a_model_without_vectors_is_refused(tiny: Tiny) -> None:
    mood = MoodModel().fit(tiny.data)
    with pytest.raises(
        InputError, match=r"mood model has no track vectors.*audio, content or sonic"
    ):
        song_path(mood, 1, 2)


def test_an_unfitted_model_or_a_track_without_features(tiny: Tiny, audio: AudioModel) -> None:
    with pytest.raises(NotFittedError):
        song_path(AudioModel(index="exact"), 1, 2)
    with pytest.raises(SeedError, match="no audio features"):
        song_path(audio, 1, int(tiny.no_features[0]))


def test_too_few_tracks_under_the_rules(audio: AudioModel) -> None:
    # 40 primary artists in all: 50 tracks cannot have one each.
    with pytest.raises(InputError, match="tracks fit between the two under these rules"):
        song_path(audio, DANCE + 3, AMBIENT + 4, n=50, controls=Controls(max_per_artist=1))


def test_endpoints_breaking_the_rules_themselves(audio: AudioModel) -> None:
    same_artist = (DANCE + 1, DANCE + 11)  # both by dance pop artist 1
    with pytest.raises(InputError, match="versions of one song, or by one artist"):
        song_path(audio, *same_artist, controls=Controls(max_per_artist=1))


@pytest.mark.parametrize(
    "controls",
    [Controls(), Controls(max_per_artist=1), Controls(bounds={"tempo": Bound(target=100.0)})],
)
def test_walking_a_small_pool_near_the_arc_changes_nothing(
    audio: AudioModel, controls: Controls, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = song_path(audio, DANCE + 3, FOLK + 4, n=16, controls=controls)
    monkeypatch.setattr(paths, "_POOL", 3 - 8 * 16)  # 3 tracks: the pool must grow twice
    assert song_path(audio, DANCE + 3, FOLK + 4, n=16, controls=controls) == whole
