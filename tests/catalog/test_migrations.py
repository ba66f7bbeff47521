from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, insert, inspect, select, text

from mixtape.catalog import open_catalog
from mixtape.catalog.schema import artists, engine_specific, metadata


def test_migrations_build_exactly_the_declared_schema(fresh_db_url: str) -> None:
    catalog = open_catalog(fresh_db_url)
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


def test_opening_twice_is_a_no_op(tmp_path: Path) -> None:
    """A second open of an up-to-date catalog changes nothing: no DDL, no write, data kept."""
    sqlite_url = f"sqlite:///{tmp_path / 'catalog.db'}"  # new: the first open migrates
    first = open_catalog(sqlite_url)
    try:
        with first.begin() as conn:
            conn.execute(insert(artists).values(key="k" * 22, name="Kept", name_norm="kept"))
            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        first.dispose()
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        again = open_catalog(sqlite_url)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    try:
        assert statements  # the revision was read...
        assert set(statements) <= {"SELECT", "PRAGMA"}  # ...and nothing else done
        with again.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == revision
            assert conn.execute(select(artists.c.name)).scalars().all() == ["Kept"]
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        again.dispose()
