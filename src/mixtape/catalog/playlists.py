"""Whose playlist is it: finding incoming playlists that would replace another source's.

A playlist's natural key (``mpd:<pid>``) is only as unique as its source
makes it.  Loading a playlist whose key is stored replaces the stored one, which
is right when the same source is loaded again (re-ingest is idempotent) and
wrong when another file reuses the key: it would erase the stored playlist
without a word.  :func:`clashing_playlists` tells the two apart.

"The same source" is recognised in two ways, either one enough:

* the stored playlist's ingest record (``playlists.ingest_id`` → ``ingests.source``)
  names a file with the same name as the incoming one (the folder may differ:
  a slice moved or copied elsewhere is still that slice);
* or the stored playlist has the same name and the same tracks in the same
  order (loading identical content again changes nothing, whatever the file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from sqlalchemy import Connection, select

from mixtape.catalog import schema
from mixtape.catalog.bulk import select_in
from mixtape.records import PlaylistRecord


def clashing_playlists(
    conn: Connection, records: Sequence[PlaylistRecord], source: str
) -> dict[str, str | None]:
    """Key → the stored playlist's source, for each record that another source already holds.

    ``source`` is the incoming file (as given; only its name is compared).  A
    stored playlist without an ingest record counts as another source unless its
    content is identical.  Read-only; call it inside the loading transaction.
    """
    keys = [p.key for p in records]
    stored = select_in(conn, schema.playlists, ("key", "id", "ingest_id", "name"), "key", keys)
    if not stored:
        return {}
    ingest_ids = sorted({ingest_id for _, _, ingest_id, _ in stored if ingest_id is not None})
    sources = dict(select_in(conn, schema.ingests, ("id", "source"), "id", ingest_ids))
    name = PurePath(source).name
    others: dict[str, tuple[int, str | None, str | None]] = {}
    for key, playlist_id, ingest_id, title in stored:
        from_source = sources.get(ingest_id) if ingest_id is not None else None
        if from_source is None or PurePath(from_source).name != name:
            others[key] = (playlist_id, title, from_source)
    if not others:
        return {}
    by_key = {p.key: p for p in records}
    track_keys = _track_keys(conn, [playlist_id for playlist_id, _, _ in others.values()])
    return {
        key: from_source
        for key, (playlist_id, title, from_source) in others.items()
        if title != by_key[key].name
        or track_keys.get(playlist_id, []) != [t.key for t in by_key[key].tracks]
    }


def _track_keys(conn: Connection, playlist_ids: Sequence[int]) -> Mapping[int, list[str]]:
    """Playlist id → its tracks' keys in position order."""
    pt, t = schema.playlist_tracks, schema.tracks
    out: dict[int, list[str]] = {}
    stmt = (
        select(pt.c.playlist_id, t.c.key)
        .join(t, t.c.id == pt.c.track_id)
        .where(pt.c.playlist_id.in_(list(playlist_ids)))
        .order_by(pt.c.playlist_id, pt.c.position)
    )
    for playlist_id, key in conn.execute(stmt):
        out.setdefault(int(playlist_id), []).append(str(key))
    return out
