from __future__ import annotations

import numpy as np

from mixtape.demo import DemoCatalog
from mixtape.demo.taxonomy import FAMILIES
from tests.factories.demo import SMALL_PLAYLISTS


def test_lengths_look_like_the_mpd(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None and len(pl) == SMALL_PLAYLISTS
    assert pl.lengths.min() >= 5 and pl.lengths.max() <= 250
    assert 25 <= np.median(pl.lengths) <= 70


def test_no_track_twice_in_a_playlist(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    for p in range(len(pl)):
        tracks = pl.tracks_of(p)
        assert len(np.unique(tracks)) == len(tracks)


def test_playlists_are_coherent(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    family = small.track_family
    dominant = [np.bincount(family[pl.tracks_of(p)]).max() / pl.lengths[p] for p in range(len(pl))]
    chance = np.bincount(family).max() / small.n_tracks
    assert np.mean(dominant) > 0.6
    assert np.mean(dominant) > 3 * chance


def test_artists_recur_within_a_playlist(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    ratio = [
        len(np.unique(small.track_artist[pl.tracks_of(p)])) / pl.lengths[p] for p in range(len(pl))
    ]
    assert np.mean(ratio) < 0.8


def test_popular_tracks_appear_more_often(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    count = np.bincount(pl.entries, minlength=small.n_tracks)
    assert np.corrcoef(small.popularity, count)[0, 1] > 0.3


def test_titles_follow_themes(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    rap = [p for p, name in enumerate(pl.names) if name.lower() in ("rap", "hip hop", "trap")]
    assert rap
    tracks = np.concatenate([pl.tracks_of(p) for p in rap])
    assert (small.track_family[tracks] == FAMILIES.index("hip hop")).mean() > 0.6
    assert len(set(pl.names)) < len(pl.names)  # titles recur, as in the MPD


def test_playlist_metadata(small: DemoCatalog) -> None:
    pl = small.playlists
    assert pl is not None
    assert (pl.num_followers >= 1).all() and (pl.num_edits >= 1).all()
    assert (pl.modified_at >= 1262304000).all() and (pl.modified_at <= 1735689600).all()
