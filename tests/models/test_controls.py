"""Controls shared by every model: one version of a song, per-artist caps, exclusions."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.features.arrays import TrackArrays
from mixtape.features.songs import NO_SONG
from mixtape.keys import song_title_key
from mixtape.models import registry
from mixtape.models.base import Seeds
from mixtape.models.candidates import select_candidates
from mixtape.models.controls import Bound, Controls, allowed_mask, select, song_of
from tests.factories.arrays import track_arrays

# Rows 0-2 are one song by artist 0 (a single, an album cut with a featured
# artist, a remaster); row 3 is its remix; rows 4-5 share a title across artists.
NAMES = [
    "One Dance",
    "One Dance (feat. Wizkid & Kyla)",
    "One Dance - 2016 Remastered",
    "One Dance (Lucky Rose Remix)",
    "Home",
    "Home",
    "Other",
    "Another",
]
ARTISTS = np.array([0, 0, 0, 0, 1, 2, 1, 2])
# Tracks that are no song: rows 0-1 share a title but have no artist, rows 2-3 have an
# artist but no name; rows 4-5 are one song of artist 0.
LOOSE_NAMES = ["Home", "Home", "", "", "Home", "Home (feat. X)"]
LOOSE_ARTISTS: list[list[int]] = [[], [], [0], [0], [0], [0]]


@pytest.fixture(scope="module")
def data() -> TrackArrays:
    n = len(NAMES)
    return track_arrays(
        n,
        names=NAMES,
        year=2016,
        popularity=np.linspace(100, 30, n),  # row order = popularity order
        artists=ARTISTS,
        artist_names=["Drake", "A", "B"],
        playlists=np.ones((2, n)),
        fingerprint="controls-test",
    )


@pytest.fixture(scope="module")
def loose() -> TrackArrays:
    n = len(LOOSE_NAMES)
    return track_arrays(n, names=LOOSE_NAMES, artists=LOOSE_ARTISTS, artist_names=["A"])


def ranked(data: TrackArrays, controls: Controls, seeds: tuple[int, ...] = ()) -> list[int]:
    rows = np.arange(data.n_tracks)
    scores = -rows.astype(np.float32)  # best first in row order
    mask = allowed_mask(data, controls, seeds)
    return [r for r, _ in select(rows, scores, data.n_tracks, data, controls, mask)]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("One Dance (feat. Wizkid & Kyla)", "one dance"),
        ("One Dance [with Someone]", "one dance"),
        ("Yesterday - Remastered 2009", "yesterday"),
        ("Yesterday - 2009 Digital Remaster", "yesterday"),
        ("One Dance (Lucky Rose Remix)", "one dance (lucky rose remix)"),
        ("Live - Remastered Live", "live - remastered live"),
    ],
)
def test_song_title_keys(title: str, key: str) -> None:
    assert song_title_key(title) == key


def test_a_list_holds_one_version_of_each_song(data: TrackArrays) -> None:
    assert ranked(data, Controls()) == [0, 3, 4, 5, 6, 7]  # same title, other artist: kept


def test_other_versions_of_a_seed_or_an_excluded_track_are_left_out(data: TrackArrays) -> None:
    assert ranked(data, Controls(), seeds=(1,)) == [3, 4, 5, 6, 7]
    assert ranked(data, Controls(exclude=frozenset({2}), exclude_seeds=False)) == [3, 4, 5, 6, 7]
    # Candidate-only masks (the fast path of the vector models) agree.
    rows = np.arange(data.n_tracks)
    assert allowed_mask(data, Controls(), (1,), rows=rows).tolist() == (
        allowed_mask(data, Controls(), (1,)).tolist()
    )


def test_versions_can_be_kept(data: TrackArrays) -> None:
    assert ranked(data, Controls(one_per_song=False)) == list(range(data.n_tracks))
    assert ranked(data, Controls(one_per_song=False), seeds=(1,)) == [0, 2, 3, 4, 5, 6, 7]


def test_the_per_artist_cap_counts_admitted_tracks_only(data: TrackArrays) -> None:
    assert ranked(data, Controls(max_per_artist=1)) == [0, 4, 5]


def test_a_model_recommends_no_other_release_of_its_seed(data: TrackArrays) -> None:
    model = registry.create("popular").fit(data)
    recs = model.recommend(Seeds.tracks([1]), 5)
    assert [r.row for r in recs] == [3, 4, 5, 6, 7]


def test_a_track_without_an_artist_or_a_name_is_no_version_of_another(loose: TrackArrays) -> None:
    assert ranked(loose, Controls()) == [0, 1, 2, 3, 4]
    assert ranked(loose, Controls(), seeds=(0,)) == [1, 2, 3, 4]
    assert ranked(loose, Controls(), seeds=(2,)) == [0, 1, 3, 4]
    assert ranked(loose, Controls(), seeds=(5,)) == [0, 1, 2, 3]
    # Without an artist a track counts towards no artist's cap.
    assert ranked(loose, Controls(max_per_artist=1)) == [0, 1, 2]


def test_song_ids_are_equal_exactly_where_songs_are(data: TrackArrays, loose: TrackArrays) -> None:
    for arrays in (data, loose):
        rows = list(range(arrays.n_tracks))
        ids = arrays.songs.of_rows(rows[::-1])[::-1]  # assigned in another order than rows
        assert ids == [arrays.songs.of(r) for r in rows]
        for i in rows:
            assert (ids[i] == NO_SONG) == (song_of(arrays, i) is None)
            for j in rows:
                same = song_of(arrays, i) is not None and song_of(arrays, i) == song_of(arrays, j)
                assert (ids[i] != NO_SONG and ids[i] == ids[j]) == same


@pytest.mark.parametrize(
    "controls",
    [
        Controls(),
        Controls(max_per_artist=1),
        Controls(one_per_song=False),
        Controls(exclude=frozenset({2, 4}), exclude_seeds=False),
        Controls(exclude=frozenset({3}), max_per_artist=2),
        Controls(bounds={"popularity": Bound(min=40)}),
    ],
)
def test_candidates_are_selected_as_from_the_whole_catalog(
    data: TrackArrays, loose: TrackArrays, controls: Controls
) -> None:
    for arrays in (data, loose):
        everything = np.arange(arrays.n_tracks)[::-1]
        scores = np.array([1.0, 0.5, 0.5, 0.5] * 2, dtype=np.float32)[: arrays.n_tracks]
        for seeds in [(), (0,), (1,), (2, 5)]:
            mask = allowed_mask(arrays, controls, seeds)
            for rows in (everything, everything[1::2]):
                got = select_candidates(rows, scores[rows], 4, arrays, controls, seeds)
                assert got == select(rows, scores[rows], 4, arrays, controls, mask)
                assert allowed_mask(arrays, controls, seeds, rows=rows).tolist() == (
                    mask[rows].tolist()
                )
