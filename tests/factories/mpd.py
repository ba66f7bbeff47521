"""Tiny MPD slices written by the tests themselves (full and reduced schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def fake_id(kind: str, n: int) -> str:
    """A deterministic 22-character base-62 id."""
    digits = []
    value = n * 7919 + sum(map(ord, kind)) * 104729
    for _ in range(22):
        value, rem = divmod(value * 31 + 17, 62)
        digits.append(ALPHABET[rem])
    return "".join(digits)


def track(n: int, *, full: bool = True, pos: int | None = None) -> dict[str, Any]:
    artist = n % 5
    album = n % 7
    t: dict[str, Any] = {
        "artist_name": f"Artist {artist}",
        "track_uri": f"spotify:track:{fake_id('track', n)}",
        "track_name": f"Song {n}",
    }
    if full:
        t.update(
            {
                "pos": pos,
                "artist_uri": f"spotify:artist:{fake_id('artist', artist)}",
                "album_uri": f"spotify:album:{fake_id('album', album)}",
                "album_name": f"Album {album}",
                "duration_ms": 180000 + n,
            }
        )
    return t


def playlist(pid: int, track_numbers: list[int], *, full: bool = True) -> dict[str, Any]:
    tracks = [track(n, full=full, pos=i) for i, n in enumerate(track_numbers)]
    p: dict[str, Any] = {
        "name": f"playlist {pid}",
        "pid": pid,
        "num_tracks": len(tracks),
        "num_followers": 1 + pid,
        "num_edits": 2,
        "duration_ms": 180000 * len(tracks),
        "num_artists": len({t["artist_name"] for t in tracks}),
        "tracks": tracks,
    }
    if full:
        p.update({"collaborative": "false", "modified_at": 1500000000 + pid, "num_albums": 3})
    return p


def write_slice(folder: Path, first_pid: int, playlists: list[dict[str, Any]]) -> Path:
    last = first_pid + len(playlists) - 1
    path = folder / f"mpd.slice.{first_pid}-{last}.json"
    doc = {
        "info": {
            "generated_on": "2017-12-03 08:41:42.057563",
            "slice": f"{first_pid}-{last}",
            "version": "v1",
        },
        "playlists": playlists,
    }
    path.write_text(json.dumps(doc))
    return path
