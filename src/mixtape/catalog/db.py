"""Opening a catalog: engine, migrations, and database errors made actionable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from mixtape.catalog import schema, search_docs
from mixtape.errors import CatalogError, ConfigError
from mixtape.records import IngestSummary

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-131072")  # 128 MiB page cache: bulk loads touch many pages
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


@contextlib.contextmanager
def translate_db_errors(url: str) -> Iterator[None]:
    """Turn driver errors into one actionable :class:`CatalogError`."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if exc.connection_invalidated or "connect" in reason.lower():
            raise CatalogError(
                f"cannot reach the catalog database {url}: {reason}",
                hint="check that the server is running and the URL, user and database are right",
            ) from exc
        raise CatalogError(f"catalog database error on {url}: {reason}") from exc
    except SQLAlchemyError as exc:
        raise CatalogError(f"catalog database error on {url}: {exc}") from exc


def migration_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, url: str) -> None:
    """Apply every pending migration, in one transaction where the engine allows."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with translate_db_errors(url), engine.begin() as conn:
        cfg = migration_config(conn)
        scripts = ScriptDirectory.from_config(cfg)
        head = scripts.get_current_head()
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
            # A newer mixtape migrated it (or another program owns the version table):
            # nothing here can read it, and nothing may be written to it.
            raise CatalogError(
                f"the catalog {url} is at schema revision {current!r}, which this version "
                f"of mixtape does not know (its newest is {head!r}): a newer mixtape wrote it",
                hint="upgrade mixtape (pip install -U mixtape), or give another catalog with --db",
            )
        command.upgrade(cfg, "head")


@dataclass
class Catalog:
    """An open, migrated catalog database."""

    engine: Engine
    url: str  # with any password hidden; safe to print

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction; driver errors come out as :class:`CatalogError`.

        Before it commits, the search documents of the tracks it wrote are brought
        up to date (:mod:`mixtape.catalog.search_docs`), in the same transaction.
        """
        with translate_db_errors(self.url), self.engine.begin() as conn:
            search_docs.forget_pending(conn)  # notes of a transaction rolled back here
            yield conn
            search_docs.refresh_pending(conn)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with translate_db_errors(self.url), self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def record_ingest(conn: Connection, summary: IngestSummary, started_at: datetime) -> int:
    """Write one row of provenance (inside the caller's transaction); returns its id."""
    result = conn.execute(
        insert(schema.ingests).values(
            kind=summary.kind,
            source=summary.source,
            status=summary.status,
            records_read=summary.records_read,
            records_loaded=summary.records_loaded,
            records_skipped=summary.records_skipped,
            message=summary.message,
            started_at=started_at,
            finished_at=datetime.now(UTC),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def open_catalog(url: str, *, migrate: bool = True) -> Catalog:
    """Connect to ``url`` (any SQLAlchemy URL) and bring its schema up to date."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"bad database URL {url!r}: {exc}") from exc
    safe = parsed.render_as_string(hide_password=True)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database).expanduser()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CatalogError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    elif parsed.get_backend_name() in ("mysql", "mariadb"):
        kwargs["pool_recycle"] = 3600
    try:
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError as exc:
        raise ConfigError(f"no SQLAlchemy dialect for {safe}: {exc}") from exc
    except ImportError as exc:
        raise ConfigError(
            f"the database driver for {safe} is not installed: {exc}",
            hint="use mysql+pymysql:// or postgresql+psycopg:// (both installed with mixtape)",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        try:
            upgrade(engine, safe)
        except BaseException:
            engine.dispose()  # no connection left open behind the error
            raise
    return Catalog(engine=engine, url=safe)


def record_failure(catalog: Catalog, summary: IngestSummary, started_at: datetime) -> None:
    """Record a failed ingest in its own transaction (the data one was rolled back)."""
    with catalog.begin() as conn:
        record_ingest(conn, summary, started_at)
