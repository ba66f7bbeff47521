from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from mixtape.catalog import open_catalog
from mixtape.catalog.schema import engine_specific, metadata


def test_migrations_build_exactly_the_declared_schema(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    try:
        with catalog.engine.connect() as conn:
            # The search index's engine-specific objects are not in the metadata.
            skip = {"include_name": lambda name, type_, parents: not engine_specific(name)}
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, **skip})
            assert compare_metadata(ctx, metadata) == []
            assert ctx.get_current_revision() is not None
        tables = set(inspect(catalog.engine).get_table_names())
        assert {
            "artists",
            "albums",
            "tracks",
            "audio_features",
            "artist_album",
            "artist_track",
            "genres",
            "artist_genres",
            "playlists",
            "playlist_tracks",
            "ingests",
            "track_search",
        } <= tables
    finally:
        catalog.dispose()


def test_opening_twice_is_a_no_op(sqlite_url: str) -> None:
    open_catalog(sqlite_url).dispose()
    open_catalog(sqlite_url).dispose()
