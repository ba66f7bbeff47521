"""Shared fixtures: database URLs on three engines, shared-data location, the tiny catalog,
the CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from mixtape.features.arrays import TrackArrays
from tests.factories.cli import Cli, run_cli
from tests.factories.databases import (
    NewCatalog,
    ServerCatalogs,
    SqliteTemplate,
    server_database,
)
from tests.factories.tiny import Tiny, make_tiny

# No time limit per generated example: a timed assertion by another name, which fails on
# a loaded machine (the suite runs one process per core) without anything being wrong.
settings.register_profile("mixtape", deadline=None)
settings.load_profile("mixtape")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def _session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mixtape-data")


@pytest.fixture(autouse=True)
def _isolated_data_dir(_session_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's own data directory or database."""
    monkeypatch.setenv("MIXTAPE_DATA_DIR", str(_session_data_dir))
    monkeypatch.delenv("MIXTAPE_DB", raising=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip: a user's fresh clone will not have it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def _server_catalogs() -> Iterator[ServerCatalogs]:
    servers = ServerCatalogs()
    yield servers
    servers.close()


@pytest.fixture(scope="session")
def new_catalog(_sqlite_template: SqliteTemplate) -> NewCatalog:
    """``new_catalog(path)``: an empty, migrated SQLite catalog at ``path``; returns its URL."""
    return _sqlite_template.copy


@pytest.fixture(params=["sqlite", "mariadb", "postgresql"])
def any_db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    new_catalog: NewCatalog,
    _server_catalogs: ServerCatalogs,
) -> str:
    """An empty, migrated catalog database on each engine (servers: emptied, not new)."""
    if request.param == "sqlite":
        return new_catalog(tmp_path / "catalog.db")
    return _server_catalogs.empty(request.param)


@pytest.fixture(params=["sqlite", "mariadb", "postgresql"])
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody opened before, on each engine: for the migrations' own tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
    else:
        yield from server_database(request.param)


@pytest.fixture
def sqlite_url(tmp_path: Path, new_catalog: NewCatalog) -> str:
    """An empty, migrated SQLite catalog of this test's own."""
    return new_catalog(tmp_path / "catalog.db")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``mixtape ARGS`` through ``main()``: ``cli(args) -> (code, stdout, stderr)``."""
    return lambda args: run_cli(args, capsys)


@pytest.fixture(scope="session")
def tiny() -> Tiny:
    """The tiny catalog with its known facts (session scope: never modify it)."""
    return make_tiny()


@pytest.fixture(scope="session")
def tiny_data(tiny: Tiny) -> TrackArrays:
    """Just the arrays of :func:`tiny`."""
    return tiny.data
