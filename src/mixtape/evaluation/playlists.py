"""Playlists as ordered lists of track rows, for the evaluation's held-out splits.

``TrackArrays.playlists`` is a set-like matrix; "first k tracks" needs the
order, which only the catalog (``playlist_tracks.position``) or the slice
files keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import select

from mixtape.catalog import Catalog, schema
from mixtape.features.arrays import TrackArrays
from mixtape.features.build import RowMap, fetch_ints
from mixtape.ingest.mpd import expand_paths, parse_slice


def catalog_playlists(catalog: Catalog) -> list[np.ndarray]:
    """One array of track rows per catalog playlist, in position order.

    The i-th array is row i of ``TrackArrays.playlists`` (both are in
    playlist-id order, as are tracks).
    """
    pt = schema.playlist_tracks
    with catalog.connect() as conn:
        track_ids = fetch_ints(conn, select(schema.tracks.c.id).order_by(schema.tracks.c.id))[:, 0]
        playlist_ids = fetch_ints(
            conn, select(schema.playlists.c.id).order_by(schema.playlists.c.id)
        )[:, 0]
        entries = fetch_ints(
            conn, select(pt.c.playlist_id, pt.c.track_id).order_by(pt.c.playlist_id, pt.c.position)
        )
    rows = RowMap(track_ids)(entries[:, 1]) if len(entries) else np.empty(0, dtype=np.int32)
    owners = RowMap(playlist_ids)(entries[:, 0]) if len(entries) else np.empty(0, dtype=np.int32)
    counts = np.bincount(owners, minlength=len(playlist_ids))
    return np.split(rows.astype(np.int64), np.cumsum(counts)[:-1]) if len(playlist_ids) else []


def file_playlists(
    paths: Sequence[Path], data: TrackArrays
) -> tuple[list[np.ndarray], list[str], int, list[str]]:
    """Playlists of MPD slice files as track rows of ``data``.

    Tracks the catalog does not hold get distinct negative numbers: they stay
    in the ground truth (no model can find them) and are dropped from seeds.
    Returns (playlists, their keys, number of entries not in the catalog, their
    titles ("" for none)).
    """
    row_of = data.row_of()
    unknown: dict[str, int] = {}
    out: list[np.ndarray] = []
    keys: list[str] = []
    titles: list[str] = []
    missing = 0
    for path in expand_paths(paths):
        for playlist in parse_slice(path):
            rows = []
            for track in playlist.tracks:
                row = row_of.get(track.key)
                if row is None:
                    missing += 1
                    row = unknown.setdefault(track.key, -1 - len(unknown))
                rows.append(row)
            out.append(np.asarray(rows, dtype=np.int64))
            keys.append(playlist.key)
            titles.append(playlist.name or "")
    return out, keys, missing, titles
