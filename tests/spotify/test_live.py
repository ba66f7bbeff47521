"""Opt-in: the real Spotify API (skipped unless real credentials are in the environment)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mixtape.spotify import session
from mixtape.spotify.config import load_config

pytestmark = pytest.mark.live


@pytest.fixture
def live_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not (os.environ.get("SPOTIFY_CLIENT_ID") and os.environ.get("SPOTIFY_CLIENT_SECRET")):
        pytest.skip("no real Spotify credentials (SPOTIFY_CLIENT_ID/SECRET) in the environment")
    if "SPOTIFY_API_URL" in os.environ or "SPOTIFY_ACCOUNTS_URL" in os.environ:
        pytest.skip("SPOTIFY_*_URL point elsewhere: not a live run")
    return load_config(tmp_path)


def test_client_credentials_and_a_single_track_look_up(live_config) -> None:  # type: ignore[no-untyped-def]
    with session.app_client(live_config) as client:
        found = client.tracks(["4uLU6hMCjMI75M1A2tKUQC"])
    assert found == {} or "4uLU6hMCjMI75M1A2tKUQC" in found
