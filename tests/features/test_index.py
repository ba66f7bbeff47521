"""Track references → rows: ids, URIs, URLs, "artist - title", and helpful failures."""

from __future__ import annotations

import pytest

from mixtape.errors import InputError, UnknownTrackError
from mixtape.features.index import TrackIndex
from tests.factories.arrays import hand_arrays
from tests.factories.mpd import fake_id

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
