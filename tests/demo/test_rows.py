"""The demo keeps to itself: refused on a catalog with other data, removable to the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mixtape.catalog import Catalog, open_catalog, schema
from mixtape.catalog.writes import BatchWriter
from mixtape.demo import DemoCatalog, generate, load_demo, remove_demo
from mixtape.demo.rows import TABLES, other_data
from mixtape.errors import InputError
from mixtape.records import AlbumRef, ArtistRecord, ArtistRef, PlaylistRecord, TrackRecord

REAL_ARTIST = ArtistRef("The Real Band", "0OdUWJ0sBjDrqHygGUXeCF")
REAL_TRACKS = [
    TrackRecord(
        name=f"Real song {i}",
        spotify_id=f"{i}uLU6hMCjMI75M1A2tKUQC",  # real ids start with 0-7
        artists=(REAL_ARTIST,),
        album=AlbumRef("Real album", "2noRn2Aes5aoNVsU6iWThc", artists=(REAL_ARTIST,)),
        features={"energy": 0.5, "valence": 0.5},
        genres=("rock",),  # a genre the demo uses too
    )
    for i in range(3)
]


@pytest.fixture(scope="module")
def tiny() -> DemoCatalog:
    return generate(seed=5, tracks=100, playlists=12)


def counts(catalog: Catalog) -> dict[str, int]:
    with catalog.connect() as conn:
        return {
            t: conn.execute(
                select(func.count()).select_from(schema.metadata.tables[t])
            ).scalar_one()
            for t in TABLES
        }


def add_real_data(catalog: Catalog) -> None:
    with catalog.begin() as conn:
        writer = BatchWriter(conn)
        writer.upsert_tracks(REAL_TRACKS)
        writer.upsert_artists(
            [ArtistRecord(REAL_ARTIST, genres=("rock", "indie")), ArtistRecord(ArtistRef("Solo"))]
        )
        writer.replace_playlists([PlaylistRecord("mpd:7", "road trip", tuple(REAL_TRACKS[:2]))])


def test_a_catalog_with_other_data_is_refused_unless_asked(
    tiny: DemoCatalog, sqlite_url: str
) -> None:
    catalog = open_catalog(sqlite_url)
    try:
        add_real_data(catalog)
        before = counts(catalog)
        with pytest.raises(InputError) as err:
            load_demo(catalog, tiny)
        assert err.value.field == "into_existing"
        assert str(err.value) == (
            f"the catalog at {sqlite_url} already holds data that is not the demo's "
            "(2 artists, 1 albums, 3 tracks, 1 playlists); the demo would be mixed into it "
            "(use an empty catalog database, or ask explicitly to load into this one)"
        )
        assert counts(catalog) == before
        with catalog.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.ingests)).scalar_one() == 0
        load_demo(catalog, tiny, into_existing=True)
        assert counts(catalog)["tracks"] == 3 + tiny.n_tracks
    finally:
        catalog.dispose()


def test_a_demo_catalog_takes_the_demo_again(tiny: DemoCatalog, sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    try:
        load_demo(catalog, tiny)
        first = counts(catalog)
        load_demo(catalog, tiny)
        assert counts(catalog) == first
        with catalog.connect() as conn:
            assert other_data(conn) == {}
    finally:
        catalog.dispose()


def test_remove_deletes_exactly_the_demo_rows(tiny: DemoCatalog, any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        add_real_data(catalog)
        real = counts(catalog)
        with catalog.connect() as conn:
            rock = conn.execute(
                select(schema.genres.c.id).where(schema.genres.c.name == "rock")
            ).one()
        load_demo(catalog, tiny, into_existing=True)
        mixed = counts(catalog)
        removal = remove_demo(catalog)
        assert counts(catalog) == real
        assert removal.removed == {t: mixed[t] - real[t] for t in TABLES if mixed[t] != real[t]}
        assert removal.removed["tracks"] == tiny.n_tracks
        assert removal.removed["playlists"] == 12
        with catalog.connect() as conn:
            assert (
                conn.execute(select(schema.genres.c.id).where(schema.genres.c.name == "rock")).one()
                == rock
            )
            kinds = list(
                conn.execute(select(schema.ingests.c.kind).order_by(schema.ingests.c.id)).scalars()
            )
        assert kinds == ["demo", "demo-removal"]
        assert remove_demo(catalog).total == 0  # nothing left to remove
    finally:
        catalog.dispose()


def test_remove_empties_a_demo_only_catalog(tiny: DemoCatalog, tmp_path: Path) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        load_demo(catalog, tiny)
        removal = remove_demo(catalog)
        assert counts(catalog) == dict.fromkeys(TABLES, 0)
        assert removal.total > 0 and removal.as_dict()["removed"]["tracks"] == tiny.n_tracks
    finally:
        catalog.dispose()
