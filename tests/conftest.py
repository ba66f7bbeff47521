"""Shared fixtures: database URLs on three engines, shared-data location, the tiny catalog,
the CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mixtape.features.arrays import TrackArrays
from tests.factories.cli import Cli, run_cli
from tests.factories.tiny import Tiny, make_tiny

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

SERVERS = {
    "mariadb": os.environ.get("MIXTAPE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test"),
    "postgresql": os.environ.get(
        "MIXTAPE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
}


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


def _server_database(kind: str) -> Iterator[str]:
    """Create a throw-away database on a real server; yield its URL; drop it."""
    base = make_url(SERVERS[kind])
    name = f"mixtape_t_{uuid.uuid4().hex[:10]}"
    connect_args = {"connect_timeout": 3}
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args=connect_args)
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # no server here: skip with the reason
        pytest.skip(f"{kind} server not reachable at {base.render_as_string()}: {exc}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        from sqlalchemy import pool

        admin.dispose()
        admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
        with admin.connect() as conn:
            if kind == "postgresql":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "mariadb", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty catalog database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
    else:
        yield from _server_database(request.param)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.db'}"


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
