"""Initial catalog: artists, albums, tracks, audio features, genres, playlists, ingests.

Revision ID: 0001_initial_catalog
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from mixtape.catalog.schema import key_type, name_type

revision = "0001_initial_catalog"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artists",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", key_type(), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_norm", name_type(), nullable=False, index=True),
        sa.Column("popularity", sa.SmallInteger),
        sa.Column("followers", sa.BigInteger),
    )
    op.create_table(
        "albums",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", key_type(), nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("release_date", sa.String(10)),
        sa.Column("release_year", sa.SmallInteger),
    )
    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", key_type(), nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column(
            "album_id", sa.Integer, sa.ForeignKey("albums.id", ondelete="SET NULL"), index=True
        ),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("explicit", sa.Boolean),
        sa.Column("popularity", sa.SmallInteger),
        sa.Column("release_date", sa.String(10)),
        sa.Column("release_year", sa.SmallInteger, index=True),
        sa.Column("track_number", sa.SmallInteger),
        sa.Column("disc_number", sa.SmallInteger),
        sa.Column("isrc", sa.String(12), index=True),
    )
    op.create_table(
        "audio_features",
        sa.Column(
            "track_id",
            sa.Integer,
            sa.ForeignKey("tracks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("danceability", sa.Float),
        sa.Column("energy", sa.Float),
        sa.Column("key", sa.SmallInteger),
        sa.Column("loudness", sa.Float),
        sa.Column("mode", sa.SmallInteger),
        sa.Column("speechiness", sa.Float),
        sa.Column("acousticness", sa.Float),
        sa.Column("instrumentalness", sa.Float),
        sa.Column("liveness", sa.Float),
        sa.Column("valence", sa.Float),
        sa.Column("tempo", sa.Float),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("time_signature", sa.SmallInteger),
    )
    op.create_table(
        "artist_album",
        sa.Column(
            "artist_id",
            sa.Integer,
            sa.ForeignKey("artists.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "album_id", sa.Integer, sa.ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_artist_album_album", "artist_album", ["album_id"])
    op.create_table(
        "artist_track",
        sa.Column(
            "track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "artist_id",
            sa.Integer,
            sa.ForeignKey("artists.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.SmallInteger, nullable=False),
    )
    op.create_index("ix_artist_track_artist", "artist_track", ["artist_id"])
    op.create_table(
        "genres",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", name_type(), nullable=False, unique=True),
    )
    op.create_table(
        "artist_genres",
        sa.Column(
            "artist_id",
            sa.Integer,
            sa.ForeignKey("artists.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "genre_id", sa.Integer, sa.ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_artist_genres_genre", "artist_genres", ["genre_id"])
    op.create_table(
        "track_genres",
        sa.Column(
            "track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "genre_id", sa.Integer, sa.ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_track_genres_genre", "track_genres", ["genre_id"])
    op.create_table(
        "ingests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("records_read", sa.Integer, nullable=False),
        sa.Column("records_loaded", sa.Integer, nullable=False),
        sa.Column("records_skipped", sa.Integer, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "playlists",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", key_type(64), nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("collaborative", sa.Boolean),
        sa.Column("modified_at", sa.BigInteger),
        sa.Column("num_followers", sa.Integer),
        sa.Column("num_edits", sa.Integer),
        sa.Column("ingest_id", sa.Integer, sa.ForeignKey("ingests.id", ondelete="SET NULL")),
    )
    op.create_table(
        "playlist_tracks",
        sa.Column(
            "playlist_id",
            sa.Integer,
            sa.ForeignKey("playlists.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(
            "track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False
        ),
    )
    op.create_index("ix_playlist_tracks_track", "playlist_tracks", ["track_id"])


def downgrade() -> None:
    for table in (
        "playlist_tracks",
        "playlists",
        "ingests",
        "track_genres",
        "artist_genres",
        "genres",
        "artist_track",
        "artist_album",
        "audio_features",
        "tracks",
        "albums",
        "artists",
    ):
        op.drop_table(table)
