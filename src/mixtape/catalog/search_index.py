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

Each engine returns the first ``CANDIDATES`` matches its index yields, and
:func:`rank` orders them the same way everywhere.  One short prefix ("the")
matches a third of a catalog: for such a query the ranked matches are a sample,
which the next keystroke narrows; nearly every query of two words or more has
fewer matches than that, all ranked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, text

from mixtape.catalog import schema
from mixtape.catalog.search_docs import fetch_rows, fold
from mixtape.errors import InputError
from mixtape.keys import LOCAL_PREFIX, parse_spotify_ref

if TYPE_CHECKING:
    from mixtape.catalog.db import Catalog

MAX_LIMIT = 100
#: Words of a query that count (more narrow the search no further in practice).
MAX_TERMS = 8
#: Characters of a query that are read.
MAX_QUERY = 200
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


@dataclass(frozen=True)
class Query:
    """Folded words to match: anywhere (``words``), or, for "artist - title", in the
    name (``title``) and in the artists (``artist``); each a prefix unless ``whole``."""

    words: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    artist: tuple[str, ...] = ()
    whole: bool = False

    @property
    def empty(self) -> bool:
        return not (self.words or self.title or self.artist)


def _words(text: str, most: int) -> list[str]:
    """Folded words; one-character ones are left out when longer ones are there (as a
    prefix, "r" alone would merge the index entries of every word starting with r)."""
    words = fold(text).split()
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:most]


def parse_query(raw: str) -> Query:
    """The words of a typed query (folded like the documents, at most ``MAX_TERMS``).

    A query of one-character words only ("x", "m 2") matches them as whole words.
    """
    raw = raw[:MAX_QUERY]
    if " - " in raw:
        half = MAX_TERMS // 2
        artist, title = (_words(part, half) for part in raw.split(" - ", 1))
        if artist and title:
            whole = max(map(len, artist + title)) == 1
            return Query(title=tuple(title), artist=tuple(artist), whole=whole)
    words = _words(raw, MAX_TERMS)
    return Query(words=tuple(words), whole=bool(words) and max(map(len, words)) == 1)


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
    # The primary artist only changes the score of a track whose credit answers a word
    # its title does not: the others (most, for a title typed) need no read of it.
    credited = [c[0] for c in found if _credit_matters(query, c[1], c[2])]
    return rank(query, found, limit, _primary_artists(conn, credited))


#: A candidate: (track id, folded name, folded artists).
Candidate = tuple[int, str, str]


def _word_score(word: str, tokens: list[str], whole: bool) -> float:
    """1 for a word of the document, 0.5 to 0.8 for the start of one (the more of it
    typed, the more), 0 when it is neither."""
    if word in tokens:
        return 1.0
    if whole:
        return 0.0
    shortest = 0
    for token in tokens:
        if token.startswith(word) and (not shortest or len(token) < shortest):
            shortest = len(token)
    return 0.5 + 0.3 * len(word) / shortest if shortest else 0.0


_COLUMNS = ((True, True), (True, False), (False, True))  # words, title, artist: name? artists?


#: What a word found only in a featured artist's name counts, against the primary's.
FEATURED = 0.9


def _credit_matters(query: Query, name: str, artists: str) -> bool:
    """Whether :func:`_score` would weigh a word against the artist credit and find it
    there (only then does the primary artist make a difference)."""
    title, credit = name.split(), artists.split()
    for words, (in_name, in_artists) in zip(
        (query.words, query.title, query.artist), _COLUMNS, strict=True
    ):
        if not in_artists:
            continue
        for word in words:
            if in_name and _word_score(word, title, query.whole) == 1.0:
                continue
            if _word_score(word, credit, query.whole) > 0.0:
                return True
    return False


def _score(query: Query, name: str, artists: str, primary: list[str] | None = None) -> float | None:
    """How well a document answers the query; None when a word is missing from it.

    ``primary``: the words of the track's primary artist (None: unknown, every credited
    artist counts alike)."""
    title, credit = name.split(), artists.split()
    total = 0.0
    for words, (in_name, in_artists) in zip(
        (query.words, query.title, query.artist), _COLUMNS, strict=True
    ):
        for word in words:
            best = _word_score(word, title, query.whole) if in_name else 0.0
            if in_artists and best < 1.0:  # a title word counts a little more
                found = _word_score(word, credit, query.whole)
                if primary is not None and found > _word_score(word, primary, query.whole):
                    found *= FEATURED  # the artist's own tracks before those they feature on
                best = max(best, 0.9 * found)
            if best == 0.0:
                return None
            total += best
    first = (query.words or query.title or ("",))[0]
    if title and title[0].startswith(first):
        total += 0.05  # the title starts with what was typed first
    return total - 0.01 * (len(title) + len(credit))  # shorter documents first


def rank(
    query: Query,
    found: list[Candidate],
    limit: int,
    primary: Mapping[int, list[str]] | None = None,
) -> list[int]:
    """The best ``limit`` candidates' ids: exact words before prefixes, title before
    artists, the primary artist before a featured one (with ``primary``: track id → the
    words of its primary artist), a title that starts with the query, shorter
    documents; then track id.

    The same on every engine (each engine's own relevance differs, and bm25 needs
    every query word's document frequency: for a common prefix, "the", a read of a
    third of the index, 15-25 ms at 1.2M tracks, against 1 ms for the candidates).
    Candidates that miss a word (an engine matching more loosely) are dropped.
    """
    scored = []
    for track_id, name, artists in found:
        score = _score(
            query, name, artists, None if primary is None else primary.get(int(track_id), [])
        )
        if score is not None:
            scored.append((-score, int(track_id)))
    scored.sort()
    return [track_id for _, track_id in scored[:limit]]


def _sqlite(conn: Connection, query: Query) -> list[Candidate]:
    # Words are letters and digits only (folded), safe inside FTS5 double quotes.
    star = "" if query.whole else "*"
    parts = [f'"{w}"{star}' for w in query.words]
    parts += [f'name : "{w}"{star}' for w in query.title]
    parts += [f'artists : "{w}"{star}' for w in query.artist]
    sql = (
        "SELECT d.track_id, d.name, d.artists FROM (SELECT rowid FROM track_search_fts "
        "WHERE track_search_fts MATCH ? LIMIT ?) AS f "
        "JOIN track_search AS d ON d.track_id = f.rowid"
    )
    return fetch_rows(conn, sql, (" AND ".join(parts), CANDIDATES))


def _postgresql(conn: Connection, query: Query) -> list[Candidate]:
    star = "" if query.whole else ":*"
    parts = [f"'{w}'{star}" for w in query.words]
    parts += [f"'{w}'{star or ':'}A" for w in query.title]
    parts += [f"'{w}'{star or ':'}B" for w in query.artist]
    sql = text(
        "SELECT track_id, name, artists FROM track_search "
        f"WHERE {PG_VECTOR} @@ to_tsquery('simple', :q) LIMIT :c"
    )
    rows = conn.execute(sql, {"q": " & ".join(parts), "c": CANDIDATES})
    return [(int(r[0]), r[1], r[2]) for r in rows]


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
    sql = f"SELECT track_id, name, artists FROM track_search WHERE {' AND '.join(where)} LIMIT :c"
    return [(int(r[0]), r[1], r[2]) for r in conn.execute(text(sql), params)]


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


def _primary_artists(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    """Track id → the folded words of its primary artist (one read for the candidates:
    their documents hold every credited artist's words without saying whose)."""
    return {t: fold(names[0]).split() for t, names in _artists(conn, ids).items()}


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
