"""Whether a catalog exists at a URL, found out without creating one.

Opening a catalog creates (and migrates) it; commands that only read must
not leave an empty database behind a mistyped ``sqlite:///`` path, so they
ask here first.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, pool
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from mixtape.catalog.db import translate_db_errors
from mixtape.errors import ConfigError

#: The table every migrated catalog has (Alembic's record of the schema version).
VERSION_TABLE = "alembic_version"


def display_url(url: str) -> str:
    """``url`` with any password hidden; safe to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError as exc:
        raise ConfigError(f"bad database URL {url!r}: {exc}") from exc


def catalog_exists(url: str) -> bool:
    """Whether ``url`` holds a mixtape catalog; creates nothing (no file, no folder).

    A SQLite file that does not exist is no catalog; a server database is
    asked for the schema-version table.  An unreachable server raises
    :class:`~mixtape.errors.CatalogError`, as opening it would.
    """
    parsed = make_url(url)
    safe = display_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            return False  # a new, empty database on every connection
        if not Path(database).expanduser().is_file():
            return False
    try:
        engine = create_engine(parsed, poolclass=pool.NullPool)
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"no database driver for {safe}: {exc}") from exc
    try:
        with translate_db_errors(safe), engine.connect() as conn:
            return bool(inspect(conn).has_table(VERSION_TABLE))
    finally:
        engine.dispose()
