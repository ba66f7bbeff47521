"""Batched, idempotent writes into the catalog.

One :class:`BatchWriter` lives inside one transaction (one MPD slice, one CSV
file).  It resolves natural keys to surrogate ids in chunks, inserts what is
missing with driver-level ``executemany`` and updates existing rows only with
values the source provides (``COALESCE(new, old)``), so a later file never
erases what an earlier one said.

Ids learned inside the transaction are kept in ``pending`` and merged into the
shared :class:`IdCache` only after the transaction commits, so a rolled-back
batch never leaves stale ids behind.
"""

from __future__ import annotations

import contextlib
import gc
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table, bindparam, func, select

from mixtape.catalog import schema as s
from mixtape.catalog.search_docs import mark_stale
from mixtape.keys import LOCAL_PREFIX
from mixtape.records import AlbumRef, ArtistRecord, ArtistRef, PlaylistRecord, TrackRecord

CHUNK = 500
LOOKUP_CHUNK = 5000  # keys per IN (...) look-up; under every engine's bind limit

TRACK_COLUMNS = (
    "name",
    "album_id",
    "duration_ms",
    "explicit",
    "popularity",
    "release_date",
    "release_year",
    "track_number",
    "disc_number",
    "isrc",
)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one bounded bulk load.

    A slice creates a few hundred thousand short-lived, acyclic objects
    (records, tuples, row dicts) that reference counting frees anyway; the
    collector's passes over them were measured at ~40% of parsing time.
    Restored (and any cycles collected later as usual) on the way out.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) at once."""
    if not rows:
        return
    cols = list(rows[0].keys())
    get = operator.itemgetter(*cols)  # one C call per row (a generator per row costs 4x)
    tuples = [get(r) for r in rows] if len(cols) > 1 else [(get(r),) for r in rows]
    insert_tuples(conn, table, cols, tuples)


def insert_tuples(
    conn: Connection, table: Table, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows given as tuples in ``cols`` order, via the driver's executemany."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        conn.exec_driver_sql(sql, list(rows))
    else:
        conn.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])


def select_in(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    where: str,
    values: Sequence[Any],
) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM table WHERE where IN (values)``, chunked, through the driver.

    Compiling a large ``IN`` with SQLAlchemy costs more than running it, so
    this one portable statement is rendered once per chunk size as plain SQL.
    """
    if not values:
        return []
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    head = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} "
        f"WHERE {quote(where)} IN "
    )
    out: list[tuple[Any, ...]] = []
    for part in chunks(values, LOOKUP_CHUNK):
        sql = head + "(" + ", ".join([mark] * len(part)) + ")"
        out.extend(tuple(r) for r in conn.exec_driver_sql(sql, tuple(part)).all())
    return out


def coalesce_update(
    conn: Connection, table: Table, id_col: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``SET col = COALESCE(:new, col)`` for every column the rows carry."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != id_col]
    if not cols:
        return
    stmt = (
        table.update()
        .where(table.c[id_col] == bindparam("_id"))
        .values({c: func.coalesce(bindparam("_v_" + c), table.c[c]) for c in cols})
    )
    params = [{"_id": r[id_col], **{"_v_" + c: r[c] for c in cols}} for r in rows]
    conn.execute(stmt, params)


class IdCache:
    """Committed natural-key → id maps, shared by the batches of one run."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {
            "artists": {},
            "albums": {},
            "tracks": {},
            "genres": {},
            "playlists": {},
        }


#: Link-table column → the entity table its ids come from.
_LINKED = {"artist_id": "artists", "track_id": "tracks", "album_id": "albums"}


class BatchWriter:
    """Writes records inside one open transaction (``conn``)."""

    def __init__(self, conn: Connection, cache: IdCache | None = None) -> None:
        self.conn = conn
        self.cache = cache or IdCache()
        self.pending: dict[str, dict[str, int]] = {name: {} for name in self.cache.ids}
        # Ids created in this transaction: they cannot have link rows yet, except
        # the ones this writer inserted (kept per link table), so their links
        # need no existence look-up.
        self.created: dict[str, set[int]] = {name: set() for name in self.cache.ids}
        self.linked: dict[str, set[tuple[int, int]]] = {}

    # -- key resolution -------------------------------------------------------
    def commit_to_cache(self) -> None:
        """Call after the transaction committed."""
        for name, ids in self.pending.items():
            self.cache.ids[name].update(ids)
            ids.clear()

    def _split_known(self, table: str, keys: Iterable[str]) -> tuple[dict[str, int], list[str]]:
        """(key → id for keys already resolved, the keys still unknown)."""
        pending, cached = self.pending[table], self.cache.ids[table]
        out: dict[str, int] = {}
        unknown = []
        for key in keys:
            known = pending.get(key) or cached.get(key)
            if known is None:
                unknown.append(key)
            else:
                out[key] = known
        return out, unknown

    def _select_ids(self, table: Table, col: Column[Any], keys: Sequence[str]) -> dict[str, int]:
        return dict(select_in(self.conn, table, (col.name, "id"), col.name, keys))

    def _insert_ids(
        self, table: Table, key_col: str, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, int]:
        """Insert ``rows`` (all new) and return their key → id.

        On SQLite the ids are known without a look-up: one ``executemany``
        inside a transaction that holds the write lock gives consecutive
        rowids past the largest, in row order.  That is checked (count, lowest
        and highest new id) and any surprise falls back to selecting by key,
        as the other engines always do.
        """
        keys = [r[key_col] for r in rows]
        ids: dict[str, int] | None = None
        if self.conn.dialect.name == "sqlite":
            before = int(self.conn.execute(select(func.max(table.c.id))).scalar() or 0)
            bulk_insert(self.conn, table, rows)
            span = self.conn.execute(
                select(func.count(), func.min(table.c.id), func.max(table.c.id)).where(
                    table.c.id > before
                )
            ).one()
            if tuple(span) == (len(rows), before + 1, before + len(rows)):
                ids = {key: before + 1 + i for i, key in enumerate(keys)}
        else:
            bulk_insert(self.conn, table, rows)
        if ids is None:
            ids = self._select_ids(table, table.c[key_col], keys)
        self.created[table.name].update(ids.values())
        return ids

    def _ensure(
        self, table: Table, key_col: str, rows: Mapping[str, dict[str, Any]]
    ) -> dict[str, int]:
        """Ids for every key in ``rows``, inserting the missing rows."""
        return self._resolve(table, key_col, rows)[0]

    def _resolve(
        self, table: Table, key_col: str, rows: Mapping[str, dict[str, Any]]
    ) -> tuple[dict[str, int], set[str], set[str]]:
        """(key → id for every key in ``rows``, the keys this run already knew, the keys
        found in the database); the rest are inserted (and land in ``self.created``)."""
        name = table.name
        out, unknown = self._split_known(name, rows)
        known = set(out)
        in_db: set[str] = set()
        if unknown:
            found = self._select_ids(table, table.c[key_col], unknown)
            in_db = set(found)
            missing = [k for k in unknown if k not in found]
            if missing:
                found.update(self._insert_ids(table, key_col, [rows[k] for k in missing]))
            self.pending[name].update(found)
            out.update(found)
        return out, known, in_db

    # -- entities -------------------------------------------------------------
    def artist_ids(self, refs: Iterable[ArtistRef]) -> dict[str, int]:
        """Map each ref's key to an artist id, creating artists as needed.

        Artists known only by name are matched to an existing artist of the
        same normalized name (with or without Spotify id); an artist with a
        Spotify id adopts a name-only artist of the same name.
        """
        by_key: dict[str, ArtistRef] = {}
        for ref in refs:
            by_key.setdefault(ref.key, ref)
        out, todo = self._split_known("artists", by_key)
        if not todo:
            return out
        found = self._select_ids(s.artists, s.artists.c.key, todo)
        out.update(found)
        self.pending["artists"].update(found)
        missing = [k for k in todo if k not in found]
        if missing:
            by_name = self._by_name([by_key[k].name_norm for k in missing])
            inserts = []
            for key in missing:
                ref = by_key[key]
                match = by_name.get(ref.name_norm)
                if match is not None and (
                    ref.spotify_id is None or match[1].startswith(LOCAL_PREFIX)
                ):
                    artist_id, old_key = match
                    if ref.spotify_id is not None:  # adopt the name-only artist
                        self.conn.execute(
                            s.artists.update().where(s.artists.c.id == artist_id).values(key=key)
                        )
                        self.pending["artists"].pop(old_key, None)
                        self.cache.ids["artists"].pop(old_key, None)
                        by_name[ref.name_norm] = (artist_id, key)
                    out[key] = artist_id
                    self.pending["artists"][key] = artist_id
                else:
                    inserts.append({"key": key, "name": ref.name, "name_norm": ref.name_norm})
            if inserts:
                new = self._insert_ids(s.artists, "key", inserts)
                out.update(new)
                self.pending["artists"].update(new)
        return out

    def _by_name(self, names: Sequence[str]) -> dict[str, tuple[int, str]]:
        """name_norm → (id, key), preferring artists with a Spotify id."""
        result: dict[str, tuple[int, str]] = {}
        rows = select_in(
            self.conn, s.artists, ("name_norm", "id", "key"), "name_norm", sorted(set(names))
        )
        for name, artist_id, key in sorted(rows, key=lambda r: r[1]):
            current = result.get(name)
            if current is None or (
                current[1].startswith(LOCAL_PREFIX) and not key.startswith(LOCAL_PREFIX)
            ):
                result[name] = (artist_id, key)
        return result

    def genre_ids(self, names: Iterable[str]) -> dict[str, int]:
        rows = {n: {"name": n} for n in {g.strip().lower() for g in names} if n}
        return self._ensure(s.genres, "name", rows)

    def album_ids(
        self, albums: Iterable[AlbumRef], artist_ids: Mapping[str, int]
    ) -> dict[str, int]:
        rows: dict[str, dict[str, Any]] = {}
        by_key: dict[str, AlbumRef] = {}
        for album in albums:
            key = album.key
            if key in rows:
                continue
            by_key[key] = album
            rows[key] = {
                "key": key,
                "name": album.name,
                "release_date": album.release_date,
                "release_year": album.release_year,
            }
        ids = self._ensure(s.albums, "key", rows)
        pairs = {
            (artist_ids[a.key], ids[key])
            for key, album in by_key.items()
            for a in album.artists
            if a.key in artist_ids
        }
        self.insert_missing_pairs(s.artist_album, "artist_id", "album_id", pairs)
        return ids

    def upsert_tracks(
        self, records: Sequence[TrackRecord], *, update_existing: bool = True
    ) -> dict[str, int]:
        """Create or update tracks, their artists, albums, genres and features.

        Returns track key → id.  ``update_existing=False`` leaves the columns
        of tracks already in the catalog untouched (used by playlist loads,
        which only reference tracks).
        """
        by_key: dict[str, TrackRecord] = {}
        for rec in records:
            by_key[rec.key] = rec  # later rows of the same file win
        artist_ids = self.artist_ids(a for r in by_key.values() for a in r.artists)
        albums = [r.album for r in by_key.values() if r.album is not None]
        for album in albums:
            for a in album.artists:
                if a.key not in artist_ids:
                    artist_ids.update(self.artist_ids(album.artists))
                    break
        album_ids = self.album_ids(albums, artist_ids) if albums else {}

        rows: dict[str, dict[str, Any]] = {}
        for key, rec in by_key.items():
            rows[key] = {
                "key": key,
                "name": rec.name,
                "album_id": album_ids.get(rec.album.key) if rec.album else None,
                "duration_ms": rec.duration_ms,
                "explicit": rec.explicit,
                "popularity": rec.popularity,
                "release_date": rec.release_date,
                "release_year": rec.release_year,
                "track_number": rec.track_number,
                "disc_number": rec.disc_number,
                "isrc": rec.isrc,
            }
        ids, before, existing_db = self._resolve(s.tracks, "key", rows)
        if update_existing:
            stale = before | existing_db
            updates = []
            for key in stale:
                row = {c: v for c, v in rows[key].items() if c != "key" and v is not None}
                if row:
                    updates.append((tuple(sorted(row)), {"id": ids[key], **row}))
            self._grouped_update(s.tracks, updates)
            # A name a source gives may differ from the stored one.
            mark_stale(self.conn, (ids[k] for k in stale if rows[k]["name"] is not None))
        # Search documents to write at commit: new tracks (more below: new artist links).
        created = self.created["tracks"]
        mark_stale(self.conn, (i for i in ids.values() if i in created), new=True)

        # Links for tracks that were already in the catalog are only refreshed
        # when the source is allowed to update tracks (playlist loads are not).
        linked = by_key if update_existing else {k: by_key[k] for k in by_key if k not in before}
        artist_pairs = {
            (ids[key], artist_ids[a.key], pos)
            for key, rec in linked.items()
            for pos, a in enumerate(rec.artists)
        }
        self._insert_artist_track(artist_pairs)

        genre_names = {g for r in by_key.values() for g in r.genres}
        if genre_names:
            gids = self.genre_ids(genre_names)
            pairs = {
                (ids[key], gids[g.strip().lower()])
                for key, rec in by_key.items()
                for g in rec.genres
                if g.strip()
            }
            self.insert_missing_pairs(s.track_genres, "track_id", "genre_id", pairs)

        features = {ids[key]: rec.features for key, rec in by_key.items() if rec.features}
        if features:
            self.upsert_features(features)
        return ids

    def _grouped_update(
        self, table: Table, updates: list[tuple[tuple[str, ...], dict[str, Any]]]
    ) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for cols, row in updates:
            groups.setdefault(cols, []).append(row)
        for rows in groups.values():
            coalesce_update(self.conn, table, "id", rows)

    def upsert_features(self, features: Mapping[int, Mapping[str, Any]]) -> None:
        """Insert feature rows; for existing rows overwrite only the values given."""
        track_ids = list(features)
        af = s.audio_features
        existing = {r[0] for r in select_in(self.conn, af, ("track_id",), "track_id", track_ids)}
        inserts = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for tid, values in features.items():
            if tid in existing:
                given = {k: v for k, v in values.items() if v is not None}
                if given:
                    updates.setdefault(tuple(sorted(given)), []).append({"track_id": tid, **given})
            else:
                inserts.append({"track_id": tid, **{f: values.get(f) for f in s.AUDIO_FEATURES}})
        bulk_insert(self.conn, af, inserts)
        for rows in updates.values():
            coalesce_update(self.conn, af, "track_id", rows)

    def _existing_links(
        self, table: Table, left: str, right: str, lefts: Iterable[int]
    ) -> set[tuple[int, int]]:
        """(left, right) link rows already there for these lefts: in the database for
        ids older than this transaction, from this writer's own inserts for new ones."""
        created = self.created[_LINKED[left]]
        old = sorted({a for a in lefts if a not in created})
        found = {(a, b) for a, b in select_in(self.conn, table, (left, right), left, old)}
        return found | self.linked.get(table.name, set())

    def _insert_links(
        self, table: Table, rows: Sequence[Mapping[str, Any]], cols: Sequence[str]
    ) -> None:
        bulk_insert(self.conn, table, rows)
        left, right = cols
        self.linked.setdefault(table.name, set()).update((r[left], r[right]) for r in rows)

    def _insert_artist_track(self, triples: set[tuple[int, int, int]]) -> None:
        if not triples:
            return
        at = s.artist_track
        seen = self._existing_links(at, "track_id", "artist_id", (t for t, _, _ in triples))
        rows = []
        for t, a, pos in sorted(triples, key=lambda x: (x[0], x[2])):
            if (t, a) not in seen:
                seen.add((t, a))
                rows.append({"track_id": t, "artist_id": a, "position": pos})
        self._insert_links(at, rows, ("track_id", "artist_id"))
        mark_stale(self.conn, {r["track_id"] for r in rows})  # their documents' artists changed

    def insert_missing_pairs(
        self, table: Table, left: str, right: str, pairs: set[tuple[int, int]]
    ) -> int:
        """Insert (left, right) link rows that are not there yet."""
        if not pairs:
            return 0
        existing = self._existing_links(table, left, right, (p[0] for p in pairs))
        rows = [{left: a, right: b} for a, b in sorted(pairs - existing)]
        self._insert_links(table, rows, (left, right))
        return len(rows)

    def upsert_artists(self, records: Sequence[ArtistRecord]) -> dict[str, int]:
        """Artist popularity/followers (overwrite when given) and genres (added)."""
        ids = self.artist_ids(r.ref for r in records)
        updates = []
        for rec in records:
            row = {
                k: v
                for k, v in (("popularity", rec.popularity), ("followers", rec.followers))
                if v is not None
            }
            if row:
                updates.append((tuple(sorted(row)), {"id": ids[rec.ref.key], **row}))
        self._grouped_update(s.artists, updates)
        names = {g for r in records for g in r.genres}
        if names:
            gids = self.genre_ids(names)
            pairs = {
                (ids[r.ref.key], gids[g.strip().lower()])
                for r in records
                for g in r.genres
                if g.strip()
            }
            self.insert_missing_pairs(s.artist_genres, "artist_id", "genre_id", pairs)
        return ids

    def replace_playlists(
        self, records: Sequence[PlaylistRecord], *, ingest_id: int | None = None
    ) -> int:
        """Create or replace playlists (metadata and track list). Returns entries written."""
        track_ids = self.upsert_tracks(
            [t for p in records for t in p.tracks], update_existing=False
        )
        rows = {
            p.key: {
                "key": p.key,
                "name": p.name,
                "description": p.description,
                "collaborative": p.collaborative,
                "modified_at": p.modified_at,
                "num_followers": p.num_followers,
                "num_edits": p.num_edits,
                "ingest_id": ingest_id,
            }
            for p in records
        }
        keys = list(rows)
        existing = self._select_ids(s.playlists, s.playlists.c.key, keys)
        if existing:
            pt = s.playlist_tracks
            for part in chunks(list(existing.values())):
                self.conn.execute(pt.delete().where(pt.c.playlist_id.in_(part)))
            stmt = (
                s.playlists.update()
                .where(s.playlists.c.id == bindparam("_id"))
                .values(
                    {
                        c: bindparam("_v_" + c)
                        for c in rows[keys[0]]
                        if c not in ("key", "ingest_id")
                    }
                )
            )
            self.conn.execute(
                stmt,
                [
                    {
                        "_id": existing[k],
                        **{
                            "_v_" + c: v
                            for c, v in rows[k].items()
                            if c not in ("key", "ingest_id")
                        },
                    }
                    for k in existing
                ],
            )
        ids = self._ensure(s.playlists, "key", rows)
        entries = [
            (ids[p.key], pos, track_ids[t.key]) for p in records for pos, t in enumerate(p.tracks)
        ]
        insert_tuples(
            self.conn, s.playlist_tracks, ("playlist_id", "position", "track_id"), entries
        )
        return len(entries)


__all__ = ["BatchWriter", "IdCache", "bulk_insert", "coalesce_update", "paused_gc"]
