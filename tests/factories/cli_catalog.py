"""The command tests' catalog: 48 tracks by 8 artists with genres, 12 playlists.

Tracks ``i`` and ``i + 2`` sound alike (even: loud and happy, odd: quiet and
sad; so do their sonic embeddings); every twelfth track has no audio features
and no embedding; track ``i`` is by artist ``i % 8`` and came out in ``1970 + i``.
"""

from __future__ import annotations

import numpy as np

from mixtape.catalog import open_catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.records import ArtistRecord, ArtistRef, PlaylistRecord, TrackRecord
from tests.factories.local_audio import add_embeddings
from tests.factories.mpd import fake_id

N_TRACKS = 48
GENRES = ("rock", "pop", "jazz", "hip hop", "folk", "house")
TRACK_IDS = [fake_id("cli", i) for i in range(N_TRACKS)]


def _features(rng: np.random.Generator, i: int) -> dict[str, float] | None:
    if i % 12 == 11:
        return None  # a few tracks without audio features
    loud = i % 2 == 0
    values = {
        "danceability": 0.8 if loud else 0.3,
        "energy": 0.85 if loud else 0.2,
        "key": float(i % 12),
        "loudness": -5.0 if loud else -18.0,
        "mode": float(i % 2),
        "speechiness": 0.05,
        "acousticness": 0.1 if loud else 0.85,
        "instrumentalness": 0.05,
        "liveness": 0.1,
        "valence": 0.75 if loud else 0.3,
        "tempo": 124.0 if loud else 85.0,
        "duration_ms": 200_000.0,
        "time_signature": 4.0,
    }
    return {
        k: (v if k in ("key", "mode", "duration_ms", "time_signature") else v + rng.normal(0, 0.03))
        for k, v in values.items()
    }


def write_cli_catalog(url: str) -> None:
    """48 tracks by 8 artists (with genres), audio features for most, 12 playlists."""
    rng = np.random.default_rng(7)
    artists = [ArtistRef(f"Artist {a}", fake_id("cli-artist", a)) for a in range(8)]
    tracks = [
        TrackRecord(
            f"Track {i}",
            TRACK_IDS[i],
            (artists[i % 8],),
            popularity=int(rng.integers(0, 100)),
            release_year=1970 + i,
            features=_features(rng, i),
        )
        for i in range(N_TRACKS)
    ]
    playlists = [
        PlaylistRecord(
            f"mpd:{p}", f"mix {p}", tuple(tracks[(3 * p + 2 * k) % N_TRACKS] for k in range(8))
        )
        for p in range(12)
    ]
    catalog = open_catalog(url)
    with catalog.begin() as conn:
        writer = BatchWriter(conn)
        writer.upsert_tracks(tracks)
        writer.upsert_artists(
            [
                ArtistRecord(a, genres=(GENRES[i % 6], GENRES[(i + 1) % 6]))
                for i, a in enumerate(artists)
            ]
        )
        writer.replace_playlists(playlists)
    centres = rng.standard_normal((2, 12))
    add_embeddings(
        catalog,
        {
            TRACK_IDS[i]: centres[i % 2] + 0.3 * rng.standard_normal(12)
            for i in range(N_TRACKS)
            if i % 12 != 11
        },
    )
    catalog.dispose()
