"""CSV files for tests, in one place: the real datasets' headers, a writer, row ids.

The headers are copied from the public files (Kaggle, TidyTuesday, genre
crawls) rather than from the library, so the tests check that the library
recognises the real thing.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The eleven audio features every full track layout carries (not duration or bars).
FEATURES = [
    "danceability",
    "energy",
    "key",
    "loudness",
    "mode",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
]

#: Track files, by the layout name ``csv_layouts.TRACK_LAYOUTS`` gives them.
TRACK_HEADERS: dict[str, list[str]] = {
    "spotify-songs-30000": [
        "track_id",
        "track_name",
        "track_artist",
        "track_popularity",
        "track_album_id",
        "track_album_name",
        "track_album_release_date",
        "playlist_name",
        "playlist_id",
        "playlist_genre",
        "playlist_subgenre",
        *FEATURES,
        "duration_ms",
    ],
    "genre-crawl": [
        "id",
        "genre",
        "name",
        "artist",
        "album",
        "valence",
        "energy",
        "acousticness",
        "danceability",
        "duration_ms",
        "instrumentalness",
        "key",
        "liveness",
        "loudness",
        "mode",
        "speechiness",
        "tempo",
    ],
    "kaggle-160k": [
        "valence",
        "year",
        "acousticness",
        "artists",
        "danceability",
        "duration_ms",
        "energy",
        "explicit",
        "id",
        "instrumentalness",
        "key",
        "liveness",
        "loudness",
        "mode",
        "name",
        "popularity",
        "release_date",
        "speechiness",
        "tempo",
    ],
    "kaggle-1.2m": [
        "id",
        "name",
        "album",
        "album_id",
        "artists",
        "artist_ids",
        "track_number",
        "disc_number",
        "explicit",
        *FEATURES,
        "duration_ms",
        "time_signature",
        "year",
        "release_date",
    ],
    "kaggle-600k": [
        "id",
        "name",
        "popularity",
        "duration_ms",
        "explicit",
        "artists",
        "id_artists",
        "release_date",
        "danceability",
        "energy",
        "key",
        "loudness",
        "mode",
        "speechiness",
        "acousticness",
        "instrumentalness",
        "liveness",
        "valence",
        "tempo",
        "time_signature",
    ],
    "spotify-features": [
        "genre",
        "artist_name",
        "track_name",
        "track_id",
        "popularity",
        "acousticness",
        "danceability",
        "duration_ms",
        "energy",
        "instrumentalness",
        "key",
        "liveness",
        "loudness",
        "mode",
        "speechiness",
        "tempo",
        "time_signature",
        "valence",
    ],
}

#: The short genre crawl (``dataset_11k.csv``): only two features.
SHORT_GENRE_CRAWL = ["id", "genre", "name", "artist", "valence", "energy"]

#: Artist files, by layout name (``csv_layouts.ARTIST_LAYOUTS``).
ARTIST_HEADERS: dict[str, list[str]] = {
    "artists-with-genres": [
        "genres",
        "artists",
        "acousticness",
        "danceability",
        "duration_ms",
        "energy",
        "instrumentalness",
        "liveness",
        "loudness",
        "speechiness",
        "tempo",
        "valence",
        "popularity",
        "key",
        "mode",
        "count",
    ],
    "kaggle-artists-600k": ["id", "followers", "genres", "name", "popularity"],
}


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    """Write ``header`` and ``rows`` as a CSV file; returns ``path``."""
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def tid(n: int) -> str:
    """A 22-character track id for row ``n``."""
    return f"track{n:017d}"


def aid(n: int) -> str:
    """A 22-character artist id."""
    return f"artist{n:016d}"


def alid(n: int) -> str:
    """A 22-character album id."""
    return f"album{n:017d}"
