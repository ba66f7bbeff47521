"""Catalog databases for tests, made fast without skipping what a test checks.

Migrating a new catalog takes ~60 ms on SQLite and a few hundred on a
server (create a database, run the DDL, drop it): over the suite that was
most of the time of the catalog, ingest and Spotify tests, which want an
*empty* catalog, not a migration.  So:

- :class:`SqliteTemplate` migrates one SQLite catalog per session and copies
  the file for each test (a copy takes well under a millisecond);
- :class:`ServerCatalogs` creates and migrates one database per server per
  session and empties its tables before each test that asks for it.

The migrations themselves are tested on a database nobody opened before
(``fresh_db_url`` in ``tests/conftest.py``, :func:`server_database`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, pool, text
from sqlalchemy.engine import make_url

from mixtape.catalog import open_catalog
from mixtape.catalog.schema import metadata

SERVERS = {
    # TLS is off: PyMySQL otherwise builds an SSL context (~40 ms) for every connection
    # to a server on this machine.
    "mariadb": os.environ.get(
        "MIXTAPE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test?ssl_disabled=true"
    ),
    "postgresql": os.environ.get(
        "MIXTAPE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
}


#: ``new_catalog(path) -> url``: the ``new_catalog`` fixture of ``tests/conftest.py``.
NewCatalog = Callable[[Path], str]


class SqliteTemplate:
    """One migrated, empty SQLite catalog, copied wherever a test wants a new one."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        open_catalog(f"sqlite:///{self.path}").dispose()
        # The last connection's close checkpoints the write-ahead log into the file.
        assert not self.path.with_name("template.db-wal").exists()

    def copy(self, path: Path) -> str:
        """An empty, migrated catalog at ``path``; returns its URL."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path)
        return f"sqlite:///{path}"


def _admin(kind: str) -> Engine:
    return create_engine(
        make_url(SERVERS[kind]),
        isolation_level="AUTOCOMMIT",
        poolclass=pool.NullPool,
        connect_args={"connect_timeout": 3},
    )


def create_database(kind: str) -> str:
    """A new, empty database on the ``kind`` server; its URL (skips when unreachable)."""
    base = make_url(SERVERS[kind])
    name = f"mixtape_t_{uuid.uuid4().hex[:10]}"
    try:
        admin = _admin(kind)
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # no server here: skip with the reason (CI starts both: fail)
        why = f"{kind} server not reachable at {base.render_as_string()}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(kind: str, url: str) -> None:
    name = make_url(url).database
    admin = _admin(kind)
    with admin.connect() as conn:
        force = " WITH (FORCE)" if kind == "postgresql" else ""
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
    admin.dispose()


def server_database(kind: str) -> Iterator[str]:
    """A throw-away database nobody opened before: yield its URL, then drop it."""
    url = create_database(kind)
    try:
        yield url
    finally:
        drop_database(kind, url)


class ServerCatalogs:
    """One migrated catalog per server for the session, emptied for each test."""

    def __init__(self) -> None:
        self._created: list[tuple[str, str]] = []  # (kind, url): dropped at close
        self._engines: dict[str, tuple[str, Engine]] = {}

    def empty(self, kind: str) -> str:
        """The URL of the ``kind`` server's catalog, every table emptied."""
        if kind not in self._engines:
            url = create_database(kind)
            self._created.append((kind, url))
            open_catalog(url).dispose()
            self._engines[kind] = (url, create_engine(url, poolclass=pool.NullPool))
        url, engine = self._engines[kind]
        with engine.begin() as conn:
            # A test that left a transaction open must fail here, not hang the run.
            if kind == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            else:
                conn.execute(text("SET SESSION innodb_lock_wait_timeout = 10"))
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        return url

    def close(self) -> None:
        for _, engine in self._engines.values():
            engine.dispose()
        for kind, url in self._created:
            drop_database(kind, url)
