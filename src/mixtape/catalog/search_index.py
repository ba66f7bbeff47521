"""Search as you type over track and artist names, on each engine's full-text index.

``search_tracks(catalog, "beyon halo")`` finds tracks whose name or artists
hold words starting with every word typed (each word is a prefix: the user
is still typing), best first.  "artist - title" (split on `` - ``) matches
each side against its own column (then "title - artist", after those hits).
A Spotify id, ``spotify:track:`` URI, open.spotify.com URL or ``local:`` key
is looked up exactly.

The documents are the folded names in ``track_search``
(:mod:`mixtape.catalog.search_docs`); each engine matches them its own way:

* SQLite: FTS5 prefix queries over ``track_search_fts`` (prefix indexes for 2 to 6
  characters, migration 0004: a longer prefix matches few words);
* MySQL/MariaDB: ``MATCH … AGAINST`` in boolean mode (``+word*``); words
  InnoDB does not index (shorter than ``innodb_ft_min_token_size``, or
  stopwords) are matched with ``LIKE`` among those hits, and a query of only
  such words looks for names or artists starting with the first (the B-tree
  indexes on both columns);
* PostgreSQL: a prefix ``tsquery`` (``word:*``, weight A for the title side
  and B for the artist side) over the GIN-indexed tsvector.

Each engine returns the first ``CANDIDATES`` matches its index yields, each with
its primary artist (stored in the document, not indexed), and
:func:`~mixtape.catalog.search_rank.rank` orders them the same way everywhere.
One short prefix ("the") matches a third of a catalog: for such a query the
ranked matches are a sample, which the next keystroke narrows; nearly every
query of two words or more has fewer matches than that, all ranked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, text

from mixtape.catalog import schema
from mixtape.catalog.search_docs import fetch_rows
from mixtape.catalog.search_rank import Candidate, Query, parse_query, rank
from mixtape.errors import InputError
from mixtape.keys import LOCAL_PREFIX, parse_spotify_ref

if TYPE_CHECKING:
    from mixtape.catalog.db import Catalog

MAX_LIMIT = 100
#: Matches ranked at most: the first an engine's index yields.
CANDIDATES = 500
#: PostgreSQL's document: the expression of the GIN index (migration 0003), verbatim.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, name), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, artists), 'B'))"
)
#: InnoDB's default stopwords: never in its index, so matched with LIKE instead.
INNODB_STOPWORDS = frozenset(
    (
        "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from",
        "how", "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to",
        "was", "what", "when", "where", "who", "will", "with", "und", "www",
    )
)  # fmt: skip


@dataclass(frozen=True)
class SearchHit:
    """A track found by a search: its key (Spotify id or ``local:`` key) and labels."""

    key: str
    name: str
    artists: tuple[str, ...]
    album: str | None = None
    year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "track_id": self.key,
            "name": self.name,
            "artists": list(self.artists),
            "album": self.album,
            "year": self.year,
        }


def search_tracks(catalog: Catalog, query: str, limit: int = 20) -> list[SearchHit]:
    """Tracks matching ``query`` as it is typed, best first (at most ``limit``)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"a search returns 1 to {MAX_LIMIT} tracks, not {limit}")
    with catalog.connect() as conn:
        key = _exact_key(query)
        if key is not None:
            hits = _hits(conn, _ids_of_key(conn, key))
            if hits:
                return hits
        parsed = parse_query(query)
        if parsed.empty:
            return []
        ids = track_ids(conn, parsed, limit)
        if parsed.title and len(ids) < limit:  # maybe typed as "title - artist"
            swapped = dataclasses.replace(parsed, title=parsed.artist, artist=parsed.title)
            ids += [i for i in track_ids(conn, swapped, limit) if i not in ids][: limit - len(ids)]
        return _hits(conn, ids)


def _exact_key(query: str) -> str | None:
    stripped = query.strip()
    if stripped.startswith(LOCAL_PREFIX) and len(stripped) == 22:
        return stripped
    return parse_spotify_ref(stripped)


def _ids_of_key(conn: Connection, key: str) -> list[int]:
    row = conn.execute(select(schema.tracks.c.id).where(schema.tracks.c.key == key)).first()
    return [int(row[0])] if row else []


def track_ids(conn: Connection, query: Query, limit: int) -> list[int]:
    """Ids of the best ``limit`` tracks for a parsed query on this connection's engine."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        found = _sqlite(conn, query)
    elif dialect == "postgresql":
        found = _postgresql(conn, query)
    else:
        found = _mysql(conn, query)
    return rank(query, found, limit)


def _sqlite(conn: Connection, query: Query) -> list[Candidate]:
    # Words are letters and digits only (folded), safe inside FTS5 double quotes.
    star = "" if query.whole else "*"
    parts = [f'"{w}"{star}' for w in query.words]
    parts += [f'name : "{w}"{star}' for w in query.title]
    parts += [f'artists : "{w}"{star}' for w in query.artist]
    sql = (
        "SELECT d.track_id, d.name, d.artists, d.primary_artist FROM (SELECT rowid "
        "FROM track_search_fts WHERE track_search_fts MATCH ? LIMIT ?) AS f "
        "JOIN track_search AS d ON d.track_id = f.rowid"
    )
    return fetch_rows(conn, sql, (" AND ".join(parts), CANDIDATES))


def _postgresql(conn: Connection, query: Query) -> list[Candidate]:
    star = "" if query.whole else ":*"
    parts = [f"'{w}'{star}" for w in query.words]
    parts += [f"'{w}'{star or ':'}A" for w in query.title]
    parts += [f"'{w}'{star or ':'}B" for w in query.artist]
    sql = text(
        "SELECT track_id, name, artists, primary_artist FROM track_search "
        f"WHERE {PG_VECTOR} @@ to_tsquery('simple', :q) LIMIT :c"
    )
    rows = conn.execute(sql, {"q": " & ".join(parts), "c": CANDIDATES})
    return [(int(r[0]), r[1], r[2], r[3]) for r in rows]


def _min_token(conn: Connection) -> int:
    """InnoDB's shortest indexed word (read once per database connection)."""
    key = "mixtape.ft_min_token"
    if key not in conn.info:
        value = conn.execute(text("SELECT @@innodb_ft_min_token_size")).scalar()
        conn.info[key] = int(value or 3)
    return int(conn.info[key])


def _mysql(conn: Connection, query: Query) -> list[Candidate]:
    shortest = _min_token(conn)
    # Every word must start a word of its column: spaces in front make "% word%" match
    # at the start of any word (the documents are single-spaced).
    likes: list[tuple[str, str]] = []
    likes += [("CONCAT(' ', name, ' ', artists)", w) for w in query.words]
    likes += [("CONCAT(' ', name)", w) for w in query.title]
    likes += [("CONCAT(' ', artists)", w) for w in query.artist]
    params: dict[str, Any] = {"c": CANDIDATES}
    where = []
    for i, (column, word) in enumerate(likes):
        params[f"w{i}"] = f"% {word}%"
        where.append(f"{column} LIKE :w{i}")
    indexed = [w for _, w in likes if len(w) >= shortest and w not in INNODB_STOPWORDS]
    if indexed:
        params["q"] = " ".join(f"+{w}*" for w in indexed)
        where.append("MATCH(name, artists) AGAINST (:q IN BOOLEAN MODE)")
    else:  # no word InnoDB indexes: names or artists starting with the first one
        params["p"] = likes[0][1] + "%"
        where.append("(name LIKE :p OR artists LIKE :p)")
    sql = (
        "SELECT track_id, name, artists, primary_artist FROM track_search "
        f"WHERE {' AND '.join(where)} LIMIT :c"
    )
    return [(int(r[0]), r[1], r[2], r[3]) for r in conn.execute(text(sql), params)]


_TRACKS = (
    "SELECT tracks.id, tracks.key, tracks.name, albums.name, "
    "COALESCE(tracks.release_year, albums.release_year) FROM tracks "
    "LEFT JOIN albums ON albums.id = tracks.album_id WHERE tracks.id IN "
)
_ARTISTS = (
    "SELECT artist_track.track_id, artists.name FROM artist_track "
    "JOIN artists ON artists.id = artist_track.artist_id WHERE artist_track.track_id IN "
)


_BY_POSITION = " ORDER BY artist_track.track_id, artist_track.position"


def _marks(conn: Connection, n: int) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return "(" + ", ".join([mark] * n) + ")"


def _artists(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    """The credited artists' names of the tracks ``ids``, the primary first."""
    artists: dict[int, list[str]] = {}
    if ids:
        for track_id, name in fetch_rows(
            conn, _ARTISTS + _marks(conn, len(ids)) + _BY_POSITION, ids
        ):
            artists.setdefault(int(track_id), []).append(str(name))
    return artists


def _hits(conn: Connection, ids: list[int]) -> list[SearchHit]:
    """The tracks ``ids`` as hits, in that order."""
    if not ids:
        return []
    found = {int(r[0]): r for r in fetch_rows(conn, _TRACKS + _marks(conn, len(ids)), ids)}
    artists = _artists(conn, ids)
    return [
        SearchHit(
            key=str(found[i][1]),
            name=str(found[i][2] or ""),
            artists=tuple(artists.get(i, ())),
            album=found[i][3],
            year=None if found[i][4] is None else int(found[i][4]),
        )
        for i in ids
        if i in found
    ]


__all__ = ["Query", "SearchHit", "parse_query", "rank", "search_tracks", "track_ids"]
