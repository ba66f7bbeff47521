"""Which catalog rows are the demo's: telling them apart, refusing to mix, removing them.

Demo rows are recognised by their keys, with no column of their own:

* demo artists, albums and tracks have 22-character base-62 ids whose first
  character is a letter (:func:`mixtape.demo.sampling.demo_ids`).  A real
  Spotify id encodes 128 bits, so its first character is a digit (0-7), and
  keys of things known only by name start with ``local:``;
* demo playlists have the keys ``demo:<n>``;
* demo genres are the demo taxonomy's names, removed only when nothing else
  links to them any more.

So the demo is loaded only into a catalog that holds nothing else (or when
the caller says so explicitly), and ``remove_demo`` deletes exactly the
demo's rows: its playlists, then its tracks, albums and artists that no other
data uses (their features and links go with them), then the demo genres left
without any link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, not_, select

from mixtape.catalog import schema
from mixtape.catalog.db import Catalog, record_ingest
from mixtape.demo.taxonomy import GENRES
from mixtape.errors import InputError
from mixtape.records import IngestSummary

PLAYLIST_PREFIX = "demo:"
_DIGITS = tuple("0123456789")
#: Tables whose rows the demo owns (counted before and after a removal).
TABLES = (
    "playlists",
    "playlist_tracks",
    "tracks",
    "audio_features",
    "albums",
    "artists",
    "artist_track",
    "artist_album",
    "genres",
    "artist_genres",
    "track_genres",
)


def demo_key(column: Any) -> Any:
    """A clause true for keys of the shape only demo ids have."""
    return and_(
        func.length(column) == 22,
        func.substr(column, 1, 1).not_in(_DIGITS),
        column.not_like("%:%"),
    )


def other_data(conn: Connection) -> dict[str, int]:
    """Rows that are not the demo's, per table (artists, albums, tracks, playlists)."""
    out = {
        t.name: conn.execute(select(func.count()).where(not_(demo_key(t.c.key)))).scalar_one()
        for t in (schema.artists, schema.albums, schema.tracks)
    }
    p = schema.playlists
    out["playlists"] = conn.execute(
        select(func.count()).where(p.c.key.not_like(PLAYLIST_PREFIX + "%"))
    ).scalar_one()
    return {name: int(n) for name, n in out.items() if n}


def refuse_other_data(conn: Connection, url: str) -> None:
    """Raise :class:`InputError` (field ``into_existing``) if the catalog holds other data."""
    other = other_data(conn)
    if other:
        found = ", ".join(f"{n:,} {name}" for name, n in other.items())
        raise InputError(
            f"the catalog at {url} already holds data that is not the demo's ({found}); "
            "the demo would be mixed into it",
            hint="use an empty catalog database, or ask explicitly to load into this one",
            field="into_existing",
        )


def check_demo_target(catalog: Catalog) -> None:
    """Refuse a catalog with non-demo data before minutes of generation (see ``load_demo``)."""
    with catalog.connect() as conn:
        refuse_other_data(conn, catalog.url)


@dataclass(frozen=True)
class DemoRemoval:
    """Rows deleted per table by :func:`remove_demo` (tables with none left out)."""

    removed: Mapping[str, int]
    target: str

    @property
    def total(self) -> int:
        return sum(self.removed.values())

    def as_dict(self) -> dict[str, Any]:
        return {"removed": dict(self.removed), "target": self.target}


def remove_demo(catalog: Catalog) -> DemoRemoval:
    """Delete the demo's rows that no other data uses, in one transaction.

    Recorded in ``ingests`` (kind ``demo-removal``) when anything was removed.
    """
    started = datetime.now(UTC)
    with catalog.begin() as conn:
        before = _counts(conn)
        _delete_demo_rows(conn)
        after = _counts(conn)
        removed = {t: before[t] - after[t] for t in TABLES if before[t] != after[t]}
        if removed:
            summary = IngestSummary(
                kind="demo-removal",
                source="demo data",
                status="ok",
                records_loaded=0,
                message="removed " + ", ".join(f"{n} {t}" for t, n in removed.items()),
            )
            record_ingest(conn, summary, started)
    return DemoRemoval(removed=removed, target=catalog.url)


def _counts(conn: Connection) -> dict[str, int]:
    return {
        t: int(
            conn.execute(select(func.count()).select_from(schema.metadata.tables[t])).scalar_one()
        )
        for t in TABLES
    }


def _delete_demo_rows(conn: Connection) -> None:
    p, pt, t, al, ar = (
        schema.playlists,
        schema.playlist_tracks,
        schema.tracks,
        schema.albums,
        schema.artists,
    )
    at, aa, g = schema.artist_track, schema.artist_album, schema.genres
    # Features and links go with their rows (ON DELETE CASCADE; SQLite enforces foreign
    # keys on every catalog connection).
    conn.execute(p.delete().where(p.c.key.like(PLAYLIST_PREFIX + "%")))
    # Each entity goes only when no remaining row of other data points at it
    # (a track in someone's playlist, an artist matched by name to a real track).
    conn.execute(t.delete().where(demo_key(t.c.key), ~exists().where(pt.c.track_id == t.c.id)))
    conn.execute(al.delete().where(demo_key(al.c.key), ~exists().where(t.c.album_id == al.c.id)))
    conn.execute(
        ar.delete().where(
            demo_key(ar.c.key),
            ~exists().where(at.c.artist_id == ar.c.id),
            ~exists().where(aa.c.artist_id == ar.c.id),
        )
    )
    names = sorted({genre.name.strip().lower() for genre in GENRES})
    conn.execute(
        g.delete().where(
            g.c.name.in_(names),
            ~exists().where(schema.artist_genres.c.genre_id == g.c.id),
            ~exists().where(schema.track_genres.c.genre_id == g.c.id),
        )
    )
