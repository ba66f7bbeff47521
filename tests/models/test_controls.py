"""Controls shared by every model: one version of a song, per-artist caps, exclusions."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.features.arrays import TrackArrays
from mixtape.keys import song_title_key
from mixtape.models import registry
from mixtape.models.base import Seeds
from mixtape.models.controls import Controls, allowed_mask, select
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
