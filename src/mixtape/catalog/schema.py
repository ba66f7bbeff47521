"""The catalog's tables, declared once with SQLAlchemy Core.

Design notes
------------
* Every entity has an integer surrogate primary key (joins and bulk loads
  are about 2x faster than with string keys) and a unique natural ``key``:
  the 22-character Spotify id, or for things known only by name a stable
  ``local:`` key derived from the normalized name (see ``mixtape.keys``).
* Key columns use a binary collation on MySQL/MariaDB: Spotify ids are
  case-sensitive base-62 strings and the default collation is not.
* The migrations in ``migrations/versions`` build exactly this schema; a test
  compares the migrated database with this metadata on every engine.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import mysql

from mixtape.vocab import AUDIO_FEATURES as AUDIO_FEATURES  # re-exported: the table's columns

KEY_LENGTH = 22
NAME_LENGTH = 255


def key_type(length: int = KEY_LENGTH) -> String:
    """A case-sensitive string type for natural keys on every engine."""
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def name_type() -> String:
    """An indexed, normalized name (case-folded by us, so compared binary)."""
    return key_type(NAME_LENGTH)


metadata = MetaData()

artists = Table(
    "artists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", key_type(), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("name_norm", name_type(), nullable=False, index=True),
    Column("popularity", SmallInteger),
    Column("followers", BigInteger),
)

albums = Table(
    "albums",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", key_type(), nullable=False, unique=True),
    Column("name", Text),
    Column("release_date", String(10)),
    Column("release_year", SmallInteger),
)

tracks = Table(
    "tracks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", key_type(), nullable=False, unique=True),
    Column("name", Text),
    Column("album_id", Integer, ForeignKey("albums.id", ondelete="SET NULL"), index=True),
    Column("duration_ms", Integer),
    Column("explicit", Boolean),
    Column("popularity", SmallInteger),
    Column("release_date", String(10)),
    Column("release_year", SmallInteger, index=True),
    Column("track_number", SmallInteger),
    Column("disc_number", SmallInteger),
    Column("isrc", String(12), index=True),
    # The MusicBrainz recording id from a local file's tags (migration 0005).
    Column("musicbrainz_id", String(36), index=True),
)

audio_features = Table(
    "audio_features",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("danceability", Float),
    Column("energy", Float),
    Column("key", SmallInteger),
    Column("loudness", Float),
    Column("mode", SmallInteger),
    Column("speechiness", Float),
    Column("acousticness", Float),
    Column("instrumentalness", Float),
    Column("liveness", Float),
    Column("valence", Float),
    Column("tempo", Float),
    Column("duration_ms", Integer),
    Column("time_signature", SmallInteger),
    # Who supplied the row: "catalog" (a feature CSV), "spotify", "demo"; NULL for rows
    # written before this was recorded (catalog files).  Features measured from local
    # audio live in ``local_features``, never here.
    Column("source", String(16)),
)

artist_album = Table(
    "artist_album",
    metadata,
    Column("artist_id", Integer, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True),
    Column("album_id", Integer, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_artist_album_album", "album_id"),
)

artist_track = Table(
    "artist_track",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("artist_id", Integer, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, nullable=False),
    Index("ix_artist_track_artist", "artist_id"),
)

genres = Table(
    "genres",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", name_type(), nullable=False, unique=True),
)

artist_genres = Table(
    "artist_genres",
    metadata,
    Column("artist_id", Integer, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", Integer, ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_artist_genres_genre", "genre_id"),
)

# Genres a source attaches to a track rather than to its artist: the seed
# genre of a genre crawl, a playlist genre/subgenre of "30000 Spotify Songs".
track_genres = Table(
    "track_genres",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", Integer, ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_track_genres_genre", "genre_id"),
)

ingests = Table(
    "ingests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("source", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("records_read", Integer, nullable=False, default=0),
    Column("records_loaded", Integer, nullable=False, default=0),
    Column("records_skipped", Integer, nullable=False, default=0),
    Column("message", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

playlists = Table(
    "playlists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", key_type(64), nullable=False, unique=True),
    Column("name", Text),
    Column("description", Text),
    Column("collaborative", Boolean),
    Column("modified_at", BigInteger),
    Column("num_followers", Integer),
    Column("num_edits", Integer),
    Column("ingest_id", Integer, ForeignKey("ingests.id", ondelete="SET NULL")),
)

playlist_tracks = Table(
    "playlist_tracks",
    metadata,
    Column(
        "playlist_id", Integer, ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False),
    Index("ix_playlist_tracks_track", "track_id"),
)

# Local audio (migration 0005): the files found under a library root, the features
# measured from their signal (kept apart from ``audio_features``: nothing measured here
# passes for Spotify's values) and one sonic embedding per analysed track.
audio_files = Table(
    "audio_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # A hash of the file's absolute path (sha256 hex): unique on every engine.
    Column("key", key_type(64), nullable=False, unique=True),
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="SET NULL"), index=True),
    Column("root", Text, nullable=False),
    # Relative to ``root``, with forward slashes.
    Column("path", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    # "ok", "failed" (``message`` says why) or "missing" (gone since the last scan).
    Column("status", String(16), nullable=False),
    Column("message", Text),
    Column("analyser", String(32)),
    Column("analysed_at", DateTime(timezone=True)),
    Column("ingest_id", Integer, ForeignKey("ingests.id", ondelete="SET NULL")),
)

local_features = Table(
    "local_features",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("danceability", Float),
    Column("energy", Float),
    Column("key", SmallInteger),
    Column("loudness", Float),
    Column("mode", SmallInteger),
    Column("tempo", Float),
    Column("duration_ms", Integer),
    Column("time_signature", SmallInteger),
    Column("analyser", String(32), nullable=False),
)

sonic_embeddings = Table(
    "sonic_embeddings",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("analyser", String(32), nullable=False),
    # float32, little-endian, fixed length per analyser version.
    Column("vector", LargeBinary, nullable=False),
)

# What search-as-you-type matches (``catalog/search_index.py``): per track its name and
# its artists' names, folded (lower case, no accents or punctuation), and its primary
# artist's name folded the same way (what the ranking weighs, not indexed), kept in step
# with every write transaction.  Each engine indexes it its own way (SQLite: an FTS5 table
# over it; MySQL: FULLTEXT; PostgreSQL: a GIN index over tsvectors), created by the
# migration and left out of this metadata (see ``engine_specific``).
track_search = Table(
    "track_search",
    metadata,
    Column("track_id", Integer, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("name", name_type(), nullable=False),
    Column("artists", name_type(), nullable=False),
    Column("primary_artist", name_type(), nullable=False, server_default=""),
)

#: Names of engine-specific search objects (tables, indexes) the metadata does not declare.
SEARCH_OBJECT_PREFIXES = ("track_search_fts", "ft_track_search", "ix_track_search_")


def engine_specific(name: str | None) -> bool:
    """Whether a database object is one of the search index's engine-specific ones
    (skipped when the migrated schema is compared with this metadata)."""
    return bool(name) and str(name).startswith(SEARCH_OBJECT_PREFIXES)
