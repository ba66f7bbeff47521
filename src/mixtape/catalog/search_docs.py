"""The search documents: per track its folded name and artists, kept in step with writes.

``track_search`` holds one row per track with a name or an artist: the text
folded here in Python (lower case, accents and punctuation gone), so the three
engines' indexes see the same words and ``beyonce`` finds "Beyoncé".  Beside
them, not indexed, its primary artist's name folded the same way: the ranking
puts an artist's own tracks before those it features on, and reading it with
the candidates spares a second query (migration 0006).

Keeping it in step: :class:`~mixtape.catalog.writes.BatchWriter` notes the
tracks a transaction creates, the existing tracks it gives a name and those it
links to new artists (:func:`mark_stale`, on the connection's ``info``), and
:meth:`Catalog.begin` refreshes their documents just before it commits
(:func:`refresh_pending`): their names and artists read back, folded, compared
with the stored documents, and only those that changed rewritten (a re-ingest
writes nothing).  Artist names never change once written (an artist with a
Spotify id adopts a name-only one of the same name), so nothing else can change
a document.  Deleted tracks take their documents with them (``ON DELETE
CASCADE``).  Cost, measured here: about 10 µs a new track (reading back 3,
folding 3, the document 1, FTS5 3), 12 µs a track compared on a re-ingest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence, Set
from typing import Any

from sqlalchemy import Connection, func, select

from mixtape.catalog import schema
from mixtape.errors import CatalogError

#: Keys of the sets of stale track ids (and of new ones) in ``Connection.info``.
PENDING = "mixtape.search_pending"
PENDING_NEW = "mixtape.search_pending_new"
#: Track ids per look-up; under every engine's bind-parameter limit.
_CHUNK = 5000
#: Track ids per slice when the whole index is rebuilt.
_REBUILD_SLICE = 50_000

_APOSTROPHES = re.compile(r"['\u2019\u02bc`´]")
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


# ASCII text (most names) folds with one C-level translate: punctuation to spaces,
# apostrophes gone.
_ASCII = {c: " " for c in range(128) if not chr(c).isalnum()} | {ord("'"): None, ord("`"): None}


def fold(text: str | None) -> str:
    """Text as the index sees it: case-folded, without accents, apostrophes or
    punctuation, words separated by single spaces, at most 255 characters."""
    if not text:
        return ""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII).split())[:255].rstrip()
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _APOSTROPHES.sub("", text.casefold())
    return " ".join(_NON_WORD.sub(" ", text).split())[:255].rstrip()


#: Artists' names come back track after track: folded once each.
_fold_artists = functools.lru_cache(maxsize=1 << 16)(fold)


def mark_stale(conn: Connection, track_ids: Iterable[int], *, new: bool = False) -> None:
    """Note tracks whose document this transaction may have changed (``new``: tracks it
    created, which have no document yet)."""
    conn.info.setdefault(PENDING_NEW if new else PENDING, set()).update(track_ids)


def forget_pending(conn: Connection) -> None:
    """Drop notes left by a transaction that did not commit on this connection."""
    conn.info.pop(PENDING, None)
    conn.info.pop(PENDING_NEW, None)


def refresh_pending(conn: Connection) -> int:
    """Bring the documents of the noted tracks up to date; returns how many changed."""
    stale = conn.info.pop(PENDING, set())
    new = conn.info.pop(PENDING_NEW, set())
    return refresh(conn, sorted(stale | new), new=new) if stale or new else 0


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def fetch_rows(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of plain SQL, straight from the driver's cursor: no statement to compile, no
    result rows to wrap (both cost more than the query here)."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:
        raise CatalogError(f"cannot read the catalog's search index: {exc}") from exc
    finally:
        cursor.close()


_NAMES = "SELECT id, name FROM tracks WHERE "
_STORED = "SELECT track_id, name, artists, primary_artist FROM track_search WHERE track_id IN "
_FTS_INSERT = (
    "INSERT INTO track_search_fts (rowid, name, artists) "
    "SELECT track_id, name, artists FROM track_search WHERE track_id IN "
)
_ARTISTS = (
    "SELECT artist_track.track_id, artists.name FROM artist_track "
    "JOIN artists ON artists.id = artist_track.artist_id WHERE "
)
_ORDER = " ORDER BY artist_track.track_id, artist_track.position"


#: A document: (folded name, folded artists' names, folded primary artist's name).
Document = tuple[str, str, str]


def _documents(
    names: Iterable[tuple[Any, ...]], artists: Iterable[tuple[Any, ...]]
) -> dict[int, Document]:
    """track id → its document, for tracks with a name or an artist."""
    by_track: dict[int, list[str]] = {}
    for track_id, name in artists:
        by_track.setdefault(track_id, []).append(name or "")
    out = {}
    for track_id, name in names:
        credited = by_track.get(track_id)
        if credited:
            doc = (fold(name), _fold_artists(" ".join(credited)), _fold_artists(credited[0]))
        else:
            doc = (fold(name), "", "")
        if doc[0] or doc[1]:
            out[int(track_id)] = doc
    return out


def refresh(conn: Connection, track_ids: Sequence[int], *, new: Set[int] = frozenset()) -> int:
    """Rewrite the documents of ``track_ids`` that differ from their tracks; returns how
    many were written or removed.  Tracks in ``new`` are known to have none yet."""
    changed = 0
    mark = _mark(conn)
    for start in range(0, len(track_ids), _CHUNK):
        part = track_ids[start : start + _CHUNK]
        marks = "(" + ", ".join([mark] * len(part)) + ")"
        names = fetch_rows(conn, _NAMES + "id IN " + marks, part)
        artists = fetch_rows(conn, _ARTISTS + "artist_track.track_id IN " + marks + _ORDER, part)
        docs = _documents(names, artists)
        existing = [t for t in part if t not in new]
        stored: dict[int, Document] = {}
        if existing:
            where = "(" + ", ".join([mark] * len(existing)) + ")"
            stored = {int(r[0]): tuple(r[1:]) for r in fetch_rows(conn, _STORED + where, existing)}
        gone = [t for t in part if t in stored and stored[t] != docs.get(t)]
        written = [(t, *docs[t]) for t in part if t in docs and stored.get(t) != docs[t]]
        if gone:
            conn.execute(
                schema.track_search.delete().where(schema.track_search.c.track_id.in_(gone))
            )
        _insert(conn, written, True)
        changed += len(gone) + len(written)
    return changed


def _insert(conn: Connection, rows: Sequence[tuple[int, str, str, str]], primary: bool) -> None:
    """Write new documents (and on SQLite index them: one INSERT ... SELECT); without
    their primary artists unless ``primary``."""
    if not rows:
        return
    mark = _mark(conn)
    if primary:
        sql = "INSERT INTO track_search (track_id, name, artists, primary_artist) VALUES "
        conn.exec_driver_sql(sql + f"({mark}, {mark}, {mark}, {mark})", list(rows))
    else:
        sql = "INSERT INTO track_search (track_id, name, artists) VALUES "
        conn.exec_driver_sql(sql + f"({mark}, {mark}, {mark})", [r[:3] for r in rows])
    if conn.dialect.name == "sqlite":
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            conn.exec_driver_sql(_FTS_INSERT + "(" + ", ".join("?" * len(part)) + ")", tuple(part))


def rebuild(conn: Connection, *, primary: bool = True) -> int:
    """Rebuild every document from the tracks (the migration's back-fill); returns how
    many documents there are.  ``primary=False``: without the primary artists' column
    (migration 0003, before 0006 adds it and fills it with :func:`fill_primary`)."""
    conn.execute(schema.track_search.delete())
    top = int(conn.execute(select(func.max(schema.tracks.c.id))).scalar() or 0)
    total = 0
    mark = _mark(conn)
    for lo in range(0, top, _REBUILD_SLICE):
        span = (lo, lo + _REBUILD_SLICE)
        names = fetch_rows(conn, _NAMES + f"id > {mark} AND id <= {mark}", span)
        where = f"artist_track.track_id > {mark} AND artist_track.track_id <= {mark}"
        docs = _documents(names, fetch_rows(conn, _ARTISTS + where + _ORDER, span))
        _insert(conn, [(t, *doc) for t, doc in docs.items()], primary)
        total += len(docs)
    if conn.dialect.name == "sqlite":  # one segment: queries read each word's list once
        conn.exec_driver_sql("INSERT INTO track_search_fts (track_search_fts) VALUES ('optimize')")
    return total


def fill_primary(conn: Connection) -> int:
    """Write every document's primary artist as :func:`refresh` would (the other columns
    are left as they are: migration 0006's back-fill); returns how many were written."""
    top = int(conn.execute(select(func.max(schema.tracks.c.id))).scalar() or 0)
    mark = _mark(conn)
    where = f"artist_track.track_id > {mark} AND artist_track.track_id <= {mark}"
    update = f"UPDATE track_search SET primary_artist = {mark} WHERE track_id = {mark}"
    total = 0
    for lo in range(0, top, _REBUILD_SLICE):
        first: dict[int, str] = {}
        for track_id, name in fetch_rows(
            conn, _ARTISTS + where + _ORDER, (lo, lo + _REBUILD_SLICE)
        ):
            first.setdefault(int(track_id), name or "")
        rows = [(folded, t) for t, name in first.items() if (folded := _fold_artists(name))]
        if rows:
            conn.exec_driver_sql(update, rows)
        total += len(rows)
    return total


__all__ = [
    "fetch_rows",
    "fill_primary",
    "fold",
    "mark_stale",
    "rebuild",
    "refresh",
    "refresh_pending",
]
