"""A small demo catalog, built once and shared read-only by the demo tests."""

from __future__ import annotations

import pytest

from mixtape.demo import DemoCatalog, generate

SMALL_TRACKS = 2_000
SMALL_PLAYLISTS = 300


@pytest.fixture(scope="session")
def small() -> DemoCatalog:
    return generate(seed=11, tracks=SMALL_TRACKS, playlists=SMALL_PLAYLISTS)
