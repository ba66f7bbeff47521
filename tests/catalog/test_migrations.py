from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, insert, inspect, select, text

from mixtape.catalog import open_catalog
from mixtape.catalog.schema import artists, engine_specific, metadata
from mixtape.errors import CatalogError


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


def test_a_catalog_from_a_newer_mixtape_is_refused_untouched(
    fresh_db_url: str, cli: Callable[[list[str]], tuple[int, str, str]]
) -> None:
    """A schema revision this version does not know: one error line naming it, and the
    catalog left exactly as it was (no migration attempted, nothing written)."""
    catalog = open_catalog(fresh_db_url)
    try:
        with catalog.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099_newer'"))
            conn.execute(insert(artists).values(key="k" * 22, name="Kept", name_norm="kept"))
    finally:
        catalog.dispose()
    with pytest.raises(CatalogError, match=r"'0099_newer'.*a newer mixtape wrote it") as caught:
        open_catalog(fresh_db_url)
    assert "upgrade mixtape" in (caught.value.hint or "")
    code, out, err = cli(["--db", fresh_db_url, "stats", "--json"])
    assert (code, out) == (1, "")
    [line] = err.strip().splitlines()
    assert "schema revision '0099_newer'" in line and "Traceback" not in err
    plain = open_catalog(fresh_db_url, migrate=False)
    try:
        with plain.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == (
                "0099_newer"
            )
            assert conn.execute(select(artists.c.name)).scalars().all() == ["Kept"]
    finally:
        plain.dispose()
