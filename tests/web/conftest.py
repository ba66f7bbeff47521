"""Shared fixtures: one small demo catalog and one app per session, a fresh client per test.

The catalog is the demo generator's (2,000 tracks, 300 playlists) plus the fake
Spotify server's first 60 tracks with audio features, so that a sign-in finds
most of the fake user's library. Tests that write to a catalog (sign-in
imports) copy the file first.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI

from mixtape.catalog import open_catalog
from mixtape.catalog.writes import BatchWriter
from mixtape.demo import generate, load_demo
from mixtape.library import Mixtape
from mixtape.settings import Settings
from mixtape.spotify.library import track_record
from mixtape.web.app import create_app
from tests.factories.web import KNOWN_FAKE_TRACKS, prepared
from tests.spotify.fake_server import CLIENT_ID, FakeSpotify, ServerThread
from tests.web.client import Client, client_for


def add_fake_tracks(url: str, fake: FakeSpotify, count: int) -> None:
    """The fake server's first ``count`` tracks, with audio features, into the catalog."""
    records = []
    for track_id in fake.data.order[:count]:
        features = {
            k: v for k, v in fake.data.features[track_id].items() if k not in ("id", "type")
        }
        records.append(replace(track_record(fake.data.tracks[track_id]), features=features))
    catalog = open_catalog(url)
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks(records)
    catalog.dispose()


@pytest.fixture(scope="session")
def fake_spotify() -> Iterator[FakeSpotify]:
    with ServerThread(FakeSpotify()) as fake:
        yield fake


@pytest.fixture(scope="session")
def catalog_file(tmp_path_factory: pytest.TempPathFactory, fake_spotify: FakeSpotify) -> Path:
    path = tmp_path_factory.mktemp("web-catalog") / "demo.db"
    url = f"sqlite:///{path}"
    catalog = open_catalog(url)
    load_demo(catalog, generate(seed=11, tracks=2_000, playlists=300))
    catalog.dispose()
    add_fake_tracks(url, fake_spotify, KNOWN_FAKE_TRACKS)
    return path


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-data")


@pytest.fixture(scope="session")
def mx(catalog_file: Path, data_dir: Path) -> Iterator[Mixtape]:
    with Mixtape(Settings(data_dir=data_dir, db_url=f"sqlite:///{catalog_file}")) as facade:
        yield facade


@pytest.fixture(scope="session")
def app(mx: Mixtape) -> FastAPI:
    return prepared(create_app(mx, warm=None))


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    """A new visitor (no cookies) of the shared app."""
    with client_for(app) as c:
        yield c


@pytest.fixture(scope="session")
def track_id(mx: Mixtape) -> str:
    """A demo track in several playlists (every model can start from it)."""
    result = mx.recommend("popular", tracks=(str(mx.arrays().keys[0]),), n=1)
    return result.recommendations[0].track_id


@pytest.fixture
def spotify_env(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> FakeSpotify:
    """Spotify settings pointing at the fake server (reset for this test)."""
    fake_spotify.reset()
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", CLIENT_ID)
    monkeypatch.delenv("SPOTIFY_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.url + "/v1")
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    return fake_spotify


@pytest.fixture
def own_catalog(catalog_file: Path, tmp_path: Path) -> Iterator[Mixtape]:
    """A facade over a private copy of the catalog, for tests that write to it."""
    copy = tmp_path / "catalog.db"
    shutil.copy(catalog_file, copy)
    with Mixtape(Settings(data_dir=tmp_path / "data", db_url=f"sqlite:///{copy}")) as facade:
        yield facade


# -- a real server, for the browser --------------------------------------------------------
