"""Local audio in the arrays: ``local_features`` fills the gaps of ``audio_features``
(never the other way round) with each track's provenance, ``sonic_embeddings``
becomes one analyser's ``(n, d)`` matrix, and ``audio_files`` says which tracks have
a file (their paths stay in the catalog: :mod:`mixtape.catalog.local_files`).

* provenance (``TrackArrays.feature_source``): the ``audio_features`` row's source
  (catalog file, Spotify, demo); "local" where only local analysis gave values;
  "mixed" where it filled columns of another source's row;
* the sonic matrix holds the analyser with the most vectors (the newest name on a
  tie); vectors of other analysers, or of another length, are left out: a rescan with
  the current analyser replaces them.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, case, func, select

from mixtape.catalog import schema
from mixtape.features.arrays import (
    AUDIO_COLUMNS,
    SOURCE_CATALOG,
    SOURCE_DEMO,
    SOURCE_LOCAL,
    SOURCE_MIXED,
    SOURCE_NONE,
    SOURCE_SPOTIFY,
)
from mixtape.features.fetch import RowMap, fetch_chunks, fetch_columns, fetch_ints

#: The ``local_features`` columns (all of them are ``audio_features`` columns too).
LOCAL_COLUMNS: tuple[str, ...] = (
    "danceability",
    "energy",
    "key",
    "loudness",
    "mode",
    "tempo",
    "duration_ms",
    "time_signature",
)


def audio_features(conn: Connection, track_row: RowMap, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(audio (n, 13) float32, feature source (n,) uint8): ``audio_features`` with its
    gaps filled from ``local_features``."""
    af, lf = schema.audio_features, schema.local_features
    source = case(
        (af.c.source == "spotify", SOURCE_SPOTIFY),
        (af.c.source == "demo", SOURCE_DEMO),
        else_=SOURCE_CATALOG,
    )
    cols = fetch_columns(
        conn,
        select(af.c.track_id, source, *(af.c[c] for c in AUDIO_COLUMNS)),
        ("int", "int") + ("float",) * len(AUDIO_COLUMNS),
    )
    audio = np.full((n, len(AUDIO_COLUMNS)), np.nan, dtype=np.float32)
    feature_source = np.full(n, SOURCE_NONE, dtype=np.uint8)
    rows = track_row(cols[0])
    ok = rows >= 0
    feature_source[rows[ok]] = cols[1][ok]
    for j, col in enumerate(cols[2:]):
        audio[rows[ok], j] = col[ok]

    local = fetch_columns(
        conn,
        select(lf.c.track_id, *(lf.c[c] for c in LOCAL_COLUMNS)),
        ("int",) + ("float",) * len(LOCAL_COLUMNS),
    )
    rows = track_row(local[0])
    ok = rows >= 0
    rows = rows[ok]
    filled = np.zeros(len(rows), dtype=bool)
    for name, col in zip(LOCAL_COLUMNS, local[1:], strict=True):
        j = AUDIO_COLUMNS.index(name)
        take = np.isnan(audio[rows, j]) & ~np.isnan(col[ok])  # a catalog value always wins
        audio[rows[take], j] = col[ok][take]
        filled |= take
    had = feature_source[rows[filled]]
    feature_source[rows[filled]] = np.where(had == SOURCE_NONE, SOURCE_LOCAL, SOURCE_MIXED)
    return audio, feature_source


def sonic_embeddings(conn: Connection, track_row: RowMap, n: int) -> tuple[str, np.ndarray]:
    """(analyser, (n, d) float32 with NaN rows where a track has no vector) for the
    analyser with the most vectors (the newest name on a tie); ``("", (n, 0))`` when no
    track has one.  Vectors of another length than that analyser's usual one are left out."""
    se = schema.sonic_embeddings
    counts = conn.execute(select(se.c.analyser, func.count()).group_by(se.c.analyser)).all()
    if not counts:
        return "", np.empty((n, 0), dtype=np.float32)
    analyser = max(counts, key=lambda c: (int(c[1]), str(c[0])))[0]
    ids: list[np.ndarray] = []
    blobs: list[bytes] = []
    stmt = select(se.c.track_id, se.c.vector).where(se.c.analyser == analyser)
    for chunk in fetch_chunks(conn, stmt):
        ids.append(np.fromiter((r[0] for r in chunk), dtype=np.int64, count=len(chunk)))
        blobs.extend(bytes(r[1]) for r in chunk)
    sizes = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    values, freq = np.unique(sizes[sizes > 0], return_counts=True)
    if not len(values) or int(values[np.argmax(freq)]) % 4:
        return "", np.empty((n, 0), dtype=np.float32)
    size = int(values[np.argmax(freq)])
    keep = sizes == size
    vectors = np.frombuffer(
        b"".join(b for b, k in zip(blobs, keep.tolist(), strict=True) if k), dtype="<f4"
    ).reshape(-1, size // 4)
    rows = track_row(np.concatenate(ids)[keep])
    ok = rows >= 0
    sonic = np.full((n, size // 4), np.nan, dtype=np.float32)
    sonic[rows[ok]] = vectors[ok]
    return str(analyser), sonic


def file_rows(conn: Connection, track_row: RowMap, n: int) -> np.ndarray:
    """(n,) bool: tracks with an audio file of status "ok"."""
    af = schema.audio_files
    ids = fetch_ints(
        conn, select(af.c.track_id).where(af.c.status == "ok", af.c.track_id.is_not(None))
    )
    rows = track_row(ids[:, 0])
    out = np.zeros(n, dtype=bool)
    out[rows[rows >= 0]] = True
    return out


__all__ = ["LOCAL_COLUMNS", "audio_features", "file_rows", "sonic_embeddings"]
