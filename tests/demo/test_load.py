from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mixtape.catalog import open_catalog, schema
from mixtape.demo import DemoCatalog, load_demo

TABLES = (
    "artists",
    "albums",
    "tracks",
    "audio_features",
    "genres",
    "artist_genres",
    "artist_album",
    "artist_track",
    "playlists",
    "playlist_tracks",
)


def counts(url: str) -> dict[str, int]:
    catalog = open_catalog(url)
    try:
        with catalog.connect() as conn:
            return {
                t: conn.execute(
                    select(func.count()).select_from(schema.metadata.tables[t])
                ).scalar_one()
                for t in (*TABLES, "ingests")
            }
    finally:
        catalog.dispose()


def load(url: str, cat: DemoCatalog) -> None:
    catalog = open_catalog(url)
    try:
        load_demo(catalog, cat)
    finally:
        catalog.dispose()


@pytest.fixture(scope="module")
def loaded(small: DemoCatalog, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'catalog.db'}"
    load(url, small)
    return url


def test_load_gives_the_expected_counts(small: DemoCatalog, loaded: str) -> None:
    c = counts(loaded)
    pl = small.playlists
    assert pl is not None
    assert c["artists"] == len(small.artist_ids)
    assert c["albums"] == len(small.album_ids)
    assert c["tracks"] == c["audio_features"] == small.n_tracks
    assert c["genres"] == len(small.genres)
    assert c["artist_genres"] == int((small.artist_genres >= 0).sum())
    assert c["artist_track"] == small.n_tracks + int((small.track_featured >= 0).sum())
    assert c["playlists"] == len(pl)
    assert c["playlist_tracks"] == len(pl.entries)
    assert c["ingests"] == 1


def test_values_arrive_intact(small: DemoCatalog, loaded: str) -> None:
    catalog = open_catalog(loaded)
    try:
        with catalog.connect() as conn:
            row = conn.execute(
                select(
                    schema.tracks.c.name,
                    schema.tracks.c.release_year,
                    schema.audio_features.c.energy,
                )
                .join(schema.audio_features, schema.audio_features.c.track_id == schema.tracks.c.id)
                .where(schema.tracks.c.key == str(small.track_ids[7]))
            ).one()
            kind = conn.execute(select(schema.ingests.c.kind)).scalar_one()
            first = conn.execute(
                select(schema.tracks.c.key)
                .join(
                    schema.playlist_tracks, schema.playlist_tracks.c.track_id == schema.tracks.c.id
                )
                .join(
                    schema.playlists, schema.playlists.c.id == schema.playlist_tracks.c.playlist_id
                )
                .where(schema.playlists.c.key == "demo:0", schema.playlist_tracks.c.position == 0)
            ).scalar_one()
    finally:
        catalog.dispose()
    assert row == (small.track_names[7], small.track_year[7], small.audio["energy"][7])
    assert kind == "demo"
    assert small.playlists is not None
    assert first == small.track_ids[small.playlists.tracks_of(0)[0]]


def test_loading_again_changes_no_counts(small: DemoCatalog, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    load(url, small)
    first = counts(url)
    load(url, small)
    second = counts(url)
    assert second["ingests"] == first["ingests"] + 1
    assert {t: second[t] for t in TABLES} == {t: first[t] for t in TABLES}
