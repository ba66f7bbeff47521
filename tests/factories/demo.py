"""A demo catalog small enough to build once per session and share read-only."""

from __future__ import annotations

from mixtape.demo import DemoCatalog, generate

SMALL_TRACKS = 2_000
SMALL_PLAYLISTS = 300


def small_demo() -> DemoCatalog:
    """``SMALL_TRACKS`` tracks and ``SMALL_PLAYLISTS`` playlists from a fixed seed."""
    return generate(seed=11, tracks=SMALL_TRACKS, playlists=SMALL_PLAYLISTS)
