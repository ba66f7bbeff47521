"""Catalogs written through the library's own writer: small, with every value known.

``write_small_catalog`` (five tracks: what the array build is checked against) and
``write_counted_catalog`` (five tracks whose stats, top lists and coverage are
known) serve the tests of more than one area.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mixtape.catalog import Catalog, open_catalog
from mixtape.catalog.db import record_ingest
from mixtape.catalog.writes import BatchWriter
from mixtape.records import (
    AlbumRef,
    ArtistRecord,
    ArtistRef,
    IngestSummary,
    PlaylistRecord,
    TrackRecord,
)
from tests.factories.mpd import fake_id

# The small catalog: five tracks, four artists, three playlists (features/test_build.py
# checks the arrays built from it value by value).
ALPHA = ArtistRef("Alpha", fake_id("artist", 0))
BETA = ArtistRef("Beta", fake_id("artist", 1))
GAMMA = ArtistRef("Gamma", fake_id("artist", 2))
DELTA = ArtistRef("Delta")  # known by name only: a local: key

FULL = {
    "danceability": 0.5,
    "energy": 0.8,
    "key": 5,
    "loudness": -5.0,
    "mode": 1,
    "speechiness": 0.05,
    "acousticness": 0.1,
    "instrumentalness": 0.0,
    "liveness": 0.125,
    "valence": 0.9,
    "tempo": 120.0,
    "duration_ms": 200000,
    "time_signature": 4,
}

SMALL_TRACKS = (
    TrackRecord(
        "Song One",
        fake_id("track", 0),
        (ALPHA,),
        album=AlbumRef("First", fake_id("album", 0), release_year=1999, artists=(ALPHA,)),
        popularity=50,
        features=FULL,
        genres=("garage",),
    ),
    TrackRecord(
        "Song Two", fake_id("track", 1), (BETA, ALPHA), release_year=2005, features={"energy": 0.3}
    ),
    TrackRecord("Hello - Live", fake_id("track", 2), (GAMMA,), popularity=10),
    TrackRecord("Quiet", None, (DELTA,)),
    TrackRecord("Song One", fake_id("track", 4), (GAMMA,), popularity=70),
)
SMALL_PLAYLISTS = (
    PlaylistRecord("mpd:0", "first", (SMALL_TRACKS[0], SMALL_TRACKS[1], SMALL_TRACKS[0])),
    PlaylistRecord("mpd:1", "second", (SMALL_TRACKS[2], SMALL_TRACKS[3])),
    PlaylistRecord("mpd:2", "third", (SMALL_TRACKS[1], SMALL_TRACKS[4])),
)
SMALL_ARTISTS = (
    ArtistRecord(ALPHA, genres=("rock", "indie")),
    ArtistRecord(BETA, genres=("pop",)),
)


def write_small_catalog(catalog: Catalog) -> None:
    """Five tracks, four artists, three playlists: what the build test checks."""
    with catalog.begin() as conn:
        writer = BatchWriter(conn)
        writer.upsert_tracks(SMALL_TRACKS)
        writer.upsert_artists(SMALL_ARTISTS)
        writer.replace_playlists(SMALL_PLAYLISTS)


def add_track(catalog: Catalog, n: int) -> None:
    """One more track (``Extra n`` by Beta): changes the catalog's fingerprint."""
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks([TrackRecord(f"Extra {n}", fake_id("extra", n), (BETA,))])


A, B, C = ArtistRef("Alpha"), ArtistRef("Beta"), ArtistRef("Gamma")


def _features(**values: float | None) -> dict[str, float | None]:
    return dict(values)


# The counted catalog: every count in catalog/test_reads.py is known.
# Five tracks; features on three (t4 has a feature row with nothing in it).
T1 = TrackRecord(
    "One",
    artists=(A,),
    album=AlbumRef("First Album", artists=(A,)),
    release_year=1999,
    features=_features(valence=0.9, energy=0.8, danceability=0.7, tempo=120.0, key=5, mode=1),
)
T2 = TrackRecord("Two", artists=(B,), popularity=40, features=_features(valence=0.2, energy=0.9))
T3 = TrackRecord(
    "Three", artists=(C, B), genres=("rock",), features=_features(valence=0.1, energy=0.1)
)
T4 = TrackRecord("Four", artists=(C, A), features=_features(valence=None))
T5 = TrackRecord("Five", artists=(A,), release_year=2020)

# Three playlists, seven entries: t1 ×3, t2 ×2, t3 ×1, t4 ×1 (t5 is in no playlist).
COUNTED_PLAYLISTS = (
    PlaylistRecord("p1", "Chill ", (T1, T2, T3), description="for sundays"),
    PlaylistRecord("p2", "chill", (T1, T2, T1)),
    PlaylistRecord("p3", "Rock", (T4,)),
)


def write_counted_catalog(url: str) -> None:
    """Write the counted catalog (and two ingest records) into ``url``."""
    catalog = open_catalog(url)
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    try:
        with catalog.begin() as conn:
            writer = BatchWriter(conn)
            writer.upsert_tracks([T1, T2, T3, T4, T5])
            writer.upsert_artists([ArtistRecord(A, genres=("pop", "dance pop"))])
            writer.replace_playlists(list(COUNTED_PLAYLISTS))
            record_ingest(conn, IngestSummary("tracks", "a.csv", "ok", 5, 5), start)
            record_ingest(
                conn,
                IngestSummary("mpd", "b.json", "failed", 3, 0, message="bad"),
                start + timedelta(hours=1),
            )
    finally:
        catalog.dispose()
