"""BatchWriter's id resolution and link de-duplication, on every engine."""

from __future__ import annotations

from sqlalchemy import select

from mixtape.catalog import open_catalog, schema
from mixtape.catalog.writes import BatchWriter
from mixtape.records import AlbumRef, ArtistRef, TrackRecord

#: The largest rowid SQLite allows: past it, new rows get random unused rowids.
SQLITE_MAX_ROWID = 2**63 - 1


def _track(n: int, artist: ArtistRef) -> TrackRecord:
    return TrackRecord(
        f"Song {n}",
        spotify_id=f"{n:022d}",
        artists=(artist,),
        album=AlbumRef(f"Album {n % 3}", artists=(artist,)),
    )


def _ids_in_db(url: str, table, column: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    catalog = open_catalog(url)
    try:
        with catalog.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(table.c[column], table.c.id))}
    finally:
        catalog.dispose()


def test_ids_returned_for_new_rows_are_the_ones_stored(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    artist = ArtistRef("Someone", "A" * 22)
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks([_track(1, artist)])  # some rows before
    with catalog.begin() as conn:
        returned = BatchWriter(conn).upsert_tracks([_track(n, artist) for n in range(2, 40)])
    catalog.dispose()
    stored = _ids_in_db(any_db_url, schema.tracks, "key")
    assert returned == {k: stored[k] for k in returned}


def test_non_consecutive_sqlite_rowids_fall_back_to_a_look_up(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    with catalog.begin() as conn:
        row = {"id": SQLITE_MAX_ROWID, "key": "B" * 22, "name": "Max", "name_norm": "Max"}
        conn.execute(schema.artists.insert().values(**row))
    with catalog.begin() as conn:
        returned = BatchWriter(conn).artist_ids(ArtistRef(f"Artist {n}") for n in range(20))
    catalog.dispose()
    stored = _ids_in_db(sqlite_url, schema.artists, "key")
    assert len(returned) == 20
    ids = sorted(returned.values())
    assert ids != list(range(ids[0], ids[0] + 20))  # random rowids: the look-up was needed
    assert returned == {k: stored[k] for k in returned}


def test_a_new_track_written_twice_in_one_transaction_is_linked_once(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    artist = ArtistRef("Twice", "C" * 22)
    track = TrackRecord("Again", spotify_id="D" * 22, artists=(artist,), genres=("rock",))
    with catalog.begin() as conn:
        writer = BatchWriter(conn)
        writer.upsert_tracks([track])
        writer.upsert_tracks([track])  # links of a track created in this transaction
    with catalog.connect() as conn:
        links = conn.execute(
            select(schema.artist_track.c.track_id, schema.artist_track.c.artist_id)
        ).all()
        genres = conn.execute(select(schema.track_genres.c.track_id)).all()
    catalog.dispose()
    assert len(links) == 1 and len(genres) == 1
