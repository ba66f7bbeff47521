"""Batched, idempotent writes into the catalog.

One :class:`BatchWriter` lives inside one transaction (one MPD slice, one CSV
file).  It resolves natural keys to surrogate ids in chunks (see
:mod:`mixtape.catalog.ids`), inserts what is missing with driver-level
``executemany`` (:mod:`mixtape.catalog.bulk`) and updates existing rows only
with values the source provides (``COALESCE(new, old)``), so a later file never
erases what an earlier one said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam

from mixtape.batches import chunks
from mixtape.catalog import schema
from mixtape.catalog.bulk import (
    CHUNK,
    bulk_insert,
    coalesce_update,
    insert_tuples,
    paused_gc,
    select_in,
)
from mixtape.catalog.ids import IdCache, KeyResolver
from mixtape.catalog.search_docs import mark_stale
from mixtape.keys import LOCAL_PREFIX
from mixtape.records import AlbumRef, ArtistRecord, ArtistRef, PlaylistRecord, TrackRecord


class BatchWriter(KeyResolver):
    """Writes records inside one open transaction (``conn``).

    ``feature_source`` is written to ``audio_features.source`` with every feature
    row this writer inserts or updates: "catalog" (a feature CSV), "spotify" or
    "demo"; None leaves it unset (a source that writes no features).
    """

    def __init__(
        self, conn: Connection, cache: IdCache | None = None, *, feature_source: str | None = None
    ) -> None:
        super().__init__(conn, cache)
        self.feature_source = feature_source

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
        found = self._select_ids(schema.artists, schema.artists.c.key, todo)
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
                            schema.artists.update()
                            .where(schema.artists.c.id == artist_id)
                            .values(key=key)
                        )
                        self.pending["artists"].pop(old_key, None)
                        self.cache.ids["artists"].pop(old_key, None)
                        by_name[ref.name_norm] = (artist_id, key)
                    out[key] = artist_id
                    self.pending["artists"][key] = artist_id
                else:
                    inserts.append({"key": key, "name": ref.name, "name_norm": ref.name_norm})
            if inserts:
                new = self._insert_ids(schema.artists, "key", inserts)
                out.update(new)
                self.pending["artists"].update(new)
        return out

    def _by_name(self, names: Sequence[str]) -> dict[str, tuple[int, str]]:
        """name_norm → (id, key), preferring artists with a Spotify id."""
        result: dict[str, tuple[int, str]] = {}
        rows = select_in(
            self.conn, schema.artists, ("name_norm", "id", "key"), "name_norm", sorted(set(names))
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
        return self._ensure(schema.genres, "name", rows)

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
        ids = self._ensure(schema.albums, "key", rows)
        pairs = {
            (artist_ids[a.key], ids[key])
            for key, album in by_key.items()
            for a in album.artists
            if a.key in artist_ids
        }
        self.insert_missing_pairs(schema.artist_album, "artist_id", "album_id", pairs)
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
        with_mbid = any(rec.musicbrainz_id for rec in by_key.values())
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
            if with_mbid:  # only local audio gives one: other sources leave the column be
                rows[key]["musicbrainz_id"] = rec.musicbrainz_id
        ids, before, existing_db = self._resolve(schema.tracks, "key", rows)
        if update_existing:
            stale = before | existing_db
            updates = []
            for key in stale:
                row = {c: v for c, v in rows[key].items() if c != "key" and v is not None}
                if row:
                    updates.append((tuple(sorted(row)), {"id": ids[key], **row}))
            self._grouped_update(schema.tracks, updates)
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
            self.insert_missing_pairs(schema.track_genres, "track_id", "genre_id", pairs)

        features = {ids[key]: rec.features for key, rec in by_key.items() if rec.features}
        if features:
            self.upsert_features(features)
        return ids

    def upsert_features(self, features: Mapping[int, Mapping[str, Any]]) -> None:
        """Insert feature rows; for existing rows overwrite only the values given.

        ``source`` becomes the writer's ``feature_source`` when it has one: the last
        source that wrote values into the row."""
        track_ids = list(features)
        af = schema.audio_features
        existing = {r[0] for r in select_in(self.conn, af, ("track_id",), "track_id", track_ids)}
        inserts = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        source = {"source": self.feature_source} if self.feature_source else {}
        for tid, values in features.items():
            if tid in existing:
                given = {k: v for k, v in values.items() if v is not None} | source
                if given:
                    updates.setdefault(tuple(sorted(given)), []).append({"track_id": tid, **given})
            else:
                inserts.append(
                    {
                        "track_id": tid,
                        **{f: values.get(f) for f in schema.AUDIO_FEATURES},
                        "source": self.feature_source,
                    }
                )
        bulk_insert(self.conn, af, inserts)
        for rows in updates.values():
            coalesce_update(self.conn, af, "track_id", rows)

    def _insert_artist_track(self, triples: set[tuple[int, int, int]]) -> None:
        if not triples:
            return
        at = schema.artist_track
        seen = self._existing_links(at, "track_id", "artist_id", (t for t, _, _ in triples))
        rows = []
        for t, a, pos in sorted(triples, key=lambda x: (x[0], x[2])):
            if (t, a) not in seen:
                seen.add((t, a))
                rows.append({"track_id": t, "artist_id": a, "position": pos})
        self._insert_links(at, rows, ("track_id", "artist_id"))
        mark_stale(self.conn, {r["track_id"] for r in rows})  # their documents' artists changed

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
        self._grouped_update(schema.artists, updates)
        names = {g for r in records for g in r.genres}
        if names:
            gids = self.genre_ids(names)
            pairs = {
                (ids[r.ref.key], gids[g.strip().lower()])
                for r in records
                for g in r.genres
                if g.strip()
            }
            self.insert_missing_pairs(schema.artist_genres, "artist_id", "genre_id", pairs)
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
        existing = self._select_ids(schema.playlists, schema.playlists.c.key, keys)
        if existing:
            pt = schema.playlist_tracks
            for part in chunks(list(existing.values()), CHUNK):
                self.conn.execute(pt.delete().where(pt.c.playlist_id.in_(part)))
            stmt = (
                schema.playlists.update()
                .where(schema.playlists.c.id == bindparam("_id"))
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
        ids = self._ensure(schema.playlists, "key", rows)
        entries = [
            (ids[p.key], pos, track_ids[t.key]) for p in records for pos, t in enumerate(p.tracks)
        ]
        insert_tuples(
            self.conn, schema.playlist_tracks, ("playlist_id", "position", "track_id"), entries
        )
        return len(entries)


__all__ = [
    "BatchWriter",
    "IdCache",
    "bulk_insert",
    "coalesce_update",
    "paused_gc",
    "select_in",
]
