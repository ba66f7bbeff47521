"""Track references → rows: ids, URIs, URLs, "artist - title", and helpful failures."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import scipy.sparse as sp

from mixtape.errors import InputError, UnknownTrackError
from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.index import TrackIndex
from tests.ingest.mpd_fixtures import fake_id


def hand_arrays(
    tracks: Sequence[tuple[str, str, Sequence[str]]],
    playlists: Sequence[tuple[str, Sequence[int]]] = (),
    *,
    audio: np.ndarray | None = None,
    popularity: Sequence[float] | None = None,
) -> TrackArrays:
    """TrackArrays from (key, name, artist names) triples; the first artist is primary."""
    artists = list(dict.fromkeys(a for _, _, names in tracks for a in names))
    col = {a: i for i, a in enumerate(artists)}
    rows = [r for r, (_, _, names) in enumerate(tracks) for _ in names]
    cols = [col[a] for _, _, names in tracks for a in names]
    n = len(tracks)
    ta = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(artists))
    )
    pl_rows = [p for p, (_, members) in enumerate(playlists) for _ in members]
    pl_cols = [r for _, members in playlists for r in members]
    pl = sp.csr_matrix(
        (np.ones(len(pl_rows), dtype=np.float32), (pl_rows, pl_cols)), shape=(len(playlists), n)
    )
    pl.sum_duplicates()
    pl.data[:] = 1.0
    return TrackArrays(
        keys=np.array([k for k, _, _ in tracks], dtype=object),
        names=np.array([t for _, t, _ in tracks], dtype=object),
        audio=(
            audio
            if audio is not None
            else np.full((n, len(AUDIO_COLUMNS)), np.nan, dtype=np.float32)
        ),
        year=np.full(n, np.nan, dtype=np.float32),
        popularity=np.array(popularity if popularity is not None else [np.nan] * n, np.float32),
        track_artists=ta,
        artist_names=np.array(artists, dtype=object),
        primary_artist=np.array(
            [col[names[0]] if names else -1 for _, _, names in tracks], np.int32
        ),
        track_genres=sp.csr_matrix((n, 0), dtype=np.float32),
        genre_names=np.array([], dtype=object),
        playlists=pl,
        playlist_keys=np.array([k for k, _ in playlists], dtype=object),
    )


ID = [fake_id("track", i) for i in range(8)]
TRACKS = [
    (ID[0], "One Dance", ["Drake", "Wizkid", "Kyla"]),
    (ID[1], "Hotline Bling", ["Drake"]),
    (ID[2], "Bennie And The Jets - Remastered 2014", ["Elton John"]),
    (ID[3], "Closer", ["The Chainsmokers", "Halsey"]),
    (ID[4], "Closer", ["Nine Inch Nails"]),
    (ID[5], "Ünïcode  Song", ["Sigur Rós"]),
    (ID[6], "Hotline Bling", ["Drake"]),  # the same song again (a compilation)
    ("local:0123456789abcdef", "Demo", ["Nobody"]),
]


@pytest.fixture(scope="module")
def index() -> TrackIndex:
    data = hand_arrays(
        TRACKS,
        playlists=[("mpd:7", [6, 0]), ("mpd:8", [6]), ("37i9dQZF1DXcBWIGoYBM5M", [1, 2])],
    )
    return TrackIndex(data)


@pytest.mark.parametrize(
    "ref",
    [
        ID[1],
        f"spotify:track:{ID[1]}",
        f"https://open.spotify.com/track/{ID[1]}",
        f"https://open.spotify.com/intl-de/track/{ID[1]}?si=abc123",
        f"  {ID[1]}  ",
    ],
)
def test_ids_uris_and_urls(index: TrackIndex, ref: str) -> None:
    assert index.row(ref) == 1


def test_local_keys(index: TrackIndex) -> None:
    assert index.row("local:0123456789abcdef") == 7


@pytest.mark.parametrize(
    ("ref", "row"),
    [
        ("Drake - One Dance", 0),
        ("  drake   -   ONE DANCE ", 0),  # normalized: case and spaces
        ("drake  -  one dance", 0),
        ("Wizkid - One Dance", 0),  # any credited artist
        ("Elton John - Bennie and the Jets - Remastered 2014", 2),  # " - " in the title
        ("Halsey - Closer", 3),
        ("Nine Inch Nails - Closer", 4),
        ("SIGUR RÓS - ünïcode song", 5),
        ("Bennie And The Jets - Remastered 2014", 2),  # a bare title one artist owns
        ("Drake - Hotline Bling", 6),  # duplicates: the one in most playlists
    ],
)
def test_artist_and_title(index: TrackIndex, ref: str, row: int) -> None:
    assert index.row(ref) == row


def test_duplicates_prefer_playlists_then_popularity() -> None:
    tracks = [(ID[0], "Song", ["A"]), (ID[1], "Song", ["A"]), (ID[2], "Song", ["A"])]
    data = hand_arrays(tracks, popularity=[10, 90, 50])
    assert TrackIndex(data).row("A - Song") == 1
    data = hand_arrays(tracks, playlists=[("p", [2])], popularity=[10, 90, 50])
    assert TrackIndex(data).row("A - Song") == 2


def test_unknown_id_says_it_is_not_in_the_catalog(index: TrackIndex) -> None:
    missing = fake_id("track", 99)
    with pytest.raises(UnknownTrackError) as err:
        index.row(f"spotify:track:{missing}")
    assert str(err.value).startswith(f"track {missing} is not in the catalog (")
    assert "\n" not in str(err.value)
    assert index.find(missing) is None


@pytest.mark.parametrize(
    "ref", ["spotify:album:" + ID[1], "https://open.spotify.com/artist/" + ID[1], "https://x.org/"]
)
def test_other_links_are_not_tracks(index: TrackIndex, ref: str) -> None:
    assert index.find(ref) is None
    with pytest.raises(UnknownTrackError, match="is not a Spotify track"):
        index.row(ref)


def test_misspelled_title_suggests_close_tracks(index: TrackIndex) -> None:
    with pytest.raises(UnknownTrackError) as err:
        index.row("Drake - One Dnce")
    message = str(err.value)
    assert message.startswith('no track "Drake - One Dnce" in the catalog')
    assert '"Drake - One Dance"' in message
    assert "\n" not in message


def test_unknown_artist_suggests_the_title(index: TrackIndex) -> None:
    with pytest.raises(UnknownTrackError) as err:
        index.row("Drakee - Hotline Bling")
    assert '"Drake - Hotline Bling"' in str(err.value)


def test_ambiguous_bare_title_lists_the_artists(index: TrackIndex) -> None:
    with pytest.raises(UnknownTrackError) as err:
        index.row("Closer")
    assert '"The Chainsmokers - Closer"' in str(err.value)
    assert '"Nine Inch Nails - Closer"' in str(err.value)


def test_nothing_close_gives_a_hint_on_the_forms(index: TrackIndex) -> None:
    with pytest.raises(UnknownTrackError, match="artist - title"):
        index.row("qqqqqq zzzzzz")
    with pytest.raises(UnknownTrackError):
        index.row("")


def test_artists_primary_first_and_labels(index: TrackIndex) -> None:
    assert index.artists(0)[0] == "Drake"
    assert set(index.artists(0)) == {"Drake", "Wizkid", "Kyla"}
    assert index.label(3) == "The Chainsmokers - Closer"
    assert index.key(7) == "local:0123456789abcdef"


@pytest.mark.parametrize(
    ("ref", "rows"),
    [
        ("7", [0, 6]),  # an MPD pid
        ("mpd:8", [6]),
        ("spotify:playlist:37i9dQZF1DXcBWIGoYBM5M", [1, 2]),
        ("https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M", [1, 2]),
    ],
)
def test_playlists(index: TrackIndex, ref: str, rows: list[int]) -> None:
    assert index.playlist_rows(ref) == rows


def test_unknown_playlist(index: TrackIndex) -> None:
    with pytest.raises(InputError, match="playlist 12345 is not in the catalog"):
        index.playlist_row("12345")


def test_numbered_playlists_of_other_sources() -> None:
    data = hand_arrays(TRACKS, playlists=[("demo:3", [1]), ("a:4", [2]), ("b:4", [3])])
    index = TrackIndex(data)
    assert index.playlist_rows("3") == [1]
    with pytest.raises(InputError, match=r"ambiguous.*give one of a:4, b:4"):
        index.playlist_row("4")
