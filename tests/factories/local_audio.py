"""Local-audio rows written straight into the catalog (what ``mixtape ingest audio`` writes):
measured features, sonic embeddings and audio files, for tracks already in the catalog.

The tests of the arrays, the ``sonic`` model and M3U8 export need these rows, not an
analysis of real audio; they name tracks by catalog key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select

from mixtape.catalog import Catalog, schema

ANALYSER = "test-1"


def _track_ids(catalog: Catalog, keys: Sequence[str]) -> dict[str, int]:
    t = schema.tracks
    with catalog.connect() as conn:
        found = conn.execute(select(t.c.key, t.c.id).where(t.c.key.in_(list(keys)))).all()
    ids = {str(k): int(i) for k, i in found}
    missing = set(keys) - set(ids)
    assert not missing, f"no such tracks in the catalog: {sorted(missing)}"
    return ids


def vector_bytes(vector: Sequence[float] | np.ndarray) -> bytes:
    """A vector as the catalog stores it: float32, little-endian."""
    return np.asarray(vector, dtype="<f4").tobytes()


def add_local_features(
    catalog: Catalog, features: Mapping[str, Mapping[str, float]], analyser: str = ANALYSER
) -> None:
    """``local_features`` rows: track key -> {column: value} (other columns NULL)."""
    ids = _track_ids(catalog, list(features))
    with catalog.begin() as conn:
        conn.execute(
            schema.local_features.insert(),
            [{"track_id": ids[k], "analyser": analyser, **dict(v)} for k, v in features.items()],
        )


def add_embeddings(
    catalog: Catalog,
    vectors: Mapping[str, Sequence[float] | np.ndarray],
    analyser: str = ANALYSER,
) -> None:
    """``sonic_embeddings`` rows: track key -> vector."""
    ids = _track_ids(catalog, list(vectors))
    with catalog.begin() as conn:
        conn.execute(
            schema.sonic_embeddings.insert(),
            [
                {"track_id": ids[k], "analyser": analyser, "vector": vector_bytes(v)}
                for k, v in vectors.items()
            ],
        )


def add_audio_files(
    catalog: Catalog, root: str, paths: Mapping[str, str], status: str = "ok"
) -> None:
    """``audio_files`` rows under ``root``: track key -> path relative to it (``/``)."""
    ids = _track_ids(catalog, list(paths))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with catalog.begin() as conn:
        conn.execute(
            schema.audio_files.insert(),
            [
                {
                    "key": hashlib.sha256(f"{root}/{path}".encode()).hexdigest(),
                    "track_id": ids[k],
                    "root": root,
                    "path": path,
                    "size": 1000,
                    "mtime_ns": 1,
                    "status": status,
                    "analyser": ANALYSER,
                    "analysed_at": now,
                }
                for k, path in paths.items()
            ],
        )
