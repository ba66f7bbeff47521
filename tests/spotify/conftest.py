"""Fixtures: one fake Spotify server per session, reset before every test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mixtape.spotify import auth, session
from mixtape.spotify.config import SpotifyConfig, load_config
from tests.spotify.fake_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeSpotify,
    ServerThread,
    Sleeper,
    browser,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeSpotify]:
    with ServerThread(FakeSpotify()) as fake:
        yield fake


@pytest.fixture
def fake(fake_server: FakeSpotify) -> FakeSpotify:
    """The shared server with its faults, tokens and logs cleared."""
    fake_server.reset()
    return fake_server


@pytest.fixture
def env(fake: FakeSpotify, tmp_path: Path) -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": CLIENT_ID,
        "SPOTIFY_CLIENT_SECRET": CLIENT_SECRET,
        "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{free_port()}/callback",
        "SPOTIFY_API_URL": fake.url + "/v1",
        "SPOTIFY_ACCOUNTS_URL": fake.url,
        "SPOTIFY_MAX_WAIT": "30",
        "MIXTAPE_DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def config(env: dict[str, str], tmp_path: Path) -> SpotifyConfig:
    return load_config(tmp_path / "data", env)


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


@pytest.fixture
def signed_in(config: SpotifyConfig, sleeper: Sleeper) -> auth.Token:
    """Log in through the real PKCE flow and store the token."""
    return session.sign_in(config, browser, timeout=10, sleep=sleeper)
