"""Fixtures of the command tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One data folder for the recommend tests (fitted models are cached there), and no
    Spotify credentials: unknown seeds are never looked up from these tests."""
    folder = tmp_path_factory.getbasetemp() / "recommend-data"
    monkeypatch.setenv("MIXTAPE_DATA_DIR", str(folder))
    monkeypatch.delenv("MIXTAPE_DB", raising=False)
    monkeypatch.delenv("SPOTIFY_CLIENT_ID", raising=False)
    return folder
