"""Where feature values came from: ``audio_features.source`` as each writer sets it."""

from __future__ import annotations

from pathlib import Path

from mixtape.catalog import open_catalog
from mixtape.catalog.reads import catalog_stats
from mixtape.catalog.writes import BatchWriter
from mixtape.demo import generate, load_demo
from mixtape.ingest.tracks_csv import ingest_tracks_csv
from mixtape.records import ArtistRef, TrackRecord
from tests.factories.csv_files import SHORT_GENRE_CRAWL, tid, write_csv

A, B, C = "A" * 22, "B" * 22, "C" * 22


def _track(spotify_id: str, **features: float) -> TrackRecord:
    return TrackRecord("Song", spotify_id=spotify_id, artists=(ArtistRef("X"),), features=features)


def test_each_writer_names_its_source_and_stats_count_them(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    try:
        with catalog.begin() as conn:
            BatchWriter(conn, feature_source="catalog").upsert_tracks(
                [_track(A, energy=0.5), _track(B, energy=0.2)]
            )
            BatchWriter(conn).upsert_tracks([_track(C, valence=0.1)])  # an older writer
        with catalog.begin() as conn:  # Spotify fills a value later: the row is Spotify's now
            BatchWriter(conn, feature_source="spotify").upsert_tracks([_track(B, tempo=120.0)])
        with catalog.connect() as conn:
            sources = catalog_stats(conn).coverage.feature_sources
    finally:
        catalog.dispose()
    assert sources == {"catalog": 1, "spotify": 1, "unrecorded": 1}


def test_loaders_record_their_source(sqlite_url: str, tmp_path: Path) -> None:
    crawl = write_csv(
        tmp_path / "dataset_11k.csv",
        SHORT_GENRE_CRAWL,
        [[tid(1), "acoustic", "Lego House", "Ed Sheeran", 0.565, 0.637]],
    )
    catalog = open_catalog(sqlite_url)
    try:
        load_demo(catalog, generate(seed=1, tracks=100, playlists=5))
        ingest_tracks_csv(catalog, crawl)
        with catalog.connect() as conn:
            sources = catalog_stats(conn).coverage.feature_sources
    finally:
        catalog.dispose()
    assert sources == {"catalog": 1, "demo": 100}
