"""The catalog side of local audio: ``audio_files``, ``local_features``, ``sonic_embeddings``.

What a rescan reads (one query for a root's rows, a keyed look-up for files first
seen under another root) and what the ingest writes inside its batch transactions:
file rows inserted or updated by key, a re-analysed track's measured features and
embedding replaced whole (a value the new analysis does not give is not kept from the
old one), vanished files marked ``missing`` (never deleted: their tracks and the
playlists holding them stay).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from mixtape.batches import chunks
from mixtape.catalog import schema
from mixtape.catalog.bulk import CHUNK, bulk_insert, select_in

#: The columns of ``local_features`` a measurement fills (besides track and analyser).
LOCAL_FEATURES = tuple(
    c.name for c in schema.local_features.columns if c.name not in ("track_id", "analyser")
)
_STORED = ("key", "path", "size", "mtime_ns", "status", "analyser", "track_id", "root")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An ``audio_files`` row as a rescan compares it with the file on disk."""

    key: str
    path: str
    size: int
    mtime_ns: int
    status: str
    analyser: str | None
    track_id: int | None
    root: str


def stored_files(conn: Connection, root: str) -> dict[str, StoredFile]:
    """key → row for every file recorded under ``root`` (one query)."""
    af = schema.audio_files
    rows = conn.execute(select(*(af.c[c] for c in _STORED)).where(af.c.root == root))
    return {r[0]: StoredFile(*r) for r in rows}


def files_by_key(conn: Connection, keys: Sequence[str]) -> dict[str, StoredFile]:
    """key → row for these keys, whatever their root (files first found under another one)."""
    rows = select_in(conn, schema.audio_files, _STORED, "key", keys)
    return {r[0]: StoredFile(*r) for r in rows}


def upsert_files(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert file rows by ``key`` or overwrite every column of the stored ones."""
    af = schema.audio_files
    existing = dict(select_in(conn, af, ("key", "id"), "key", [r["key"] for r in rows]))
    bulk_insert(conn, af, [r for r in rows if r["key"] not in existing])
    updates = [r for r in rows if r["key"] in existing]
    if updates:
        cols = [c for c in updates[0] if c != "key"]
        stmt = (
            af.update()
            .where(af.c.id == bindparam("_id"))
            .values({c: bindparam("_v_" + c) for c in cols})
        )
        conn.execute(
            stmt,
            [{"_id": existing[r["key"]], **{"_v_" + c: r[c] for c in cols}} for r in updates],
        )


def replace_measurements(
    conn: Connection,
    features: Mapping[int, Mapping[str, Any]],
    embeddings: Mapping[int, bytes],
    analyser: str,
) -> None:
    """Replace the local features and sonic embeddings of these tracks (track id → values)."""
    lf, se = schema.local_features, schema.sonic_embeddings
    _delete(conn, lf, features)
    bulk_insert(
        conn,
        lf,
        [
            {"track_id": tid, **{c: values.get(c) for c in LOCAL_FEATURES}, "analyser": analyser}
            for tid, values in features.items()
        ],
    )
    _delete(conn, se, embeddings)
    bulk_insert(
        conn,
        se,
        [{"track_id": tid, "analyser": analyser, "vector": v} for tid, v in embeddings.items()],
    )


def drop_orphan_measurements(conn: Connection, track_ids: Iterable[int]) -> None:
    """Delete the measurements of tracks no file row points to any more (a file retagged
    into another track); a track whose file is only missing keeps them."""
    candidates = sorted(set(track_ids))
    if not candidates:
        return
    af = schema.audio_files
    still = {r[0] for r in select_in(conn, af, ("track_id",), "track_id", candidates)}
    orphans = [t for t in candidates if t not in still]
    _delete(conn, schema.local_features, orphans)
    _delete(conn, schema.sonic_embeddings, orphans)


def mark_missing(conn: Connection, keys: Sequence[str], ingest_id: int) -> None:
    """Mark files gone from disk as ``missing`` (their rows, tracks and playlists stay)."""
    af = schema.audio_files
    for part in chunks(list(keys), CHUNK):
        conn.execute(
            af.update()
            .where(af.c.key.in_(part))
            .values(status="missing", message=None, ingest_id=ingest_id)
        )


def mark_ok(conn: Connection, keys: Sequence[str], ingest_id: int) -> None:
    """Files back where they were, unchanged since their analysis: ``ok`` again."""
    af = schema.audio_files
    for part in chunks(list(keys), CHUNK):
        conn.execute(af.update().where(af.c.key.in_(part)).values(status="ok", ingest_id=ingest_id))


def track_keys(conn: Connection, track_ids: Sequence[int]) -> dict[int, str]:
    """track id → the track's key."""
    return {
        int(i): str(k) for i, k in select_in(conn, schema.tracks, ("id", "key"), "id", track_ids)
    }


def file_row(
    key: str,
    root: str,
    path: str,
    size: int,
    mtime_ns: int,
    *,
    status: str,
    message: str | None,
    analyser: str | None,
    analysed_at: datetime | None,
    ingest_id: int,
    track_id: int | None,
) -> dict[str, Any]:
    """One ``audio_files`` row, every column given (an update overwrites them all)."""
    return {
        "key": key,
        "root": root,
        "path": path,
        "size": size,
        "mtime_ns": mtime_ns,
        "status": status,
        "message": message,
        "analyser": analyser,
        "analysed_at": analysed_at,
        "ingest_id": ingest_id,
        "track_id": track_id,
    }


def _delete(conn: Connection, table: Any, track_ids: Iterable[int]) -> None:
    ids = sorted(track_ids)
    for part in chunks(ids, CHUNK):
        conn.execute(table.delete().where(table.c.track_id.in_(part)))


def files_of_tracks(
    conn: Connection, track_ids: Sequence[int], exclude: Iterable[str]
) -> list[tuple[int, str, str, str]]:
    """(track id, root, path, key) of the ``ok`` files pointing to these tracks, but
    ``exclude`` (keys): another file that became the same track."""
    af = schema.audio_files
    skip = set(exclude)
    rows = select_in(conn, af, ("track_id", "root", "path", "status", "key"), "track_id", track_ids)
    return [
        (int(t), str(r), str(p), str(k)) for t, r, p, s, k in rows if s == "ok" and k not in skip
    ]


def update_ingest(conn: Connection, ingest_id: int, values: Mapping[str, Any]) -> None:
    """Bring the run's ``ingests`` row up to date (counts, status, message)."""
    i = schema.ingests
    conn.execute(i.update().where(i.c.id == ingest_id).values(**values))
