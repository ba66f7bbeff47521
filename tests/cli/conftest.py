"""Fixtures of the command tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.cli_catalog import write_cli_catalog


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One data folder for the recommend tests (fitted models are cached there), and no
    Spotify credentials: unknown seeds are never looked up from these tests."""
    folder = tmp_path_factory.getbasetemp() / "recommend-data"
    monkeypatch.setenv("MIXTAPE_DATA_DIR", str(folder))
    monkeypatch.delenv("MIXTAPE_DB", raising=False)
    monkeypatch.delenv("SPOTIFY_CLIENT_ID", raising=False)
    return folder


@pytest.fixture(scope="session")
def cli_catalog(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the command tests' catalog (``tests/factories/cli_catalog.py``); shared by
    every test that reads it: never write to it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-catalog') / 'catalog.db'}"
    write_cli_catalog(url)
    return url
