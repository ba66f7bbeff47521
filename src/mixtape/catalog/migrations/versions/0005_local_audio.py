"""Local audio: files analysed from a music folder, features measured from their
signal, a sonic embedding per track, and where each feature value came from.

* ``audio_features.source``: who supplied the row ("catalog": a feature CSV,
  "spotify": Spotify's audio-features endpoint, "demo": the synthetic demo; NULL
  for rows written before this was recorded, which came from catalog files).
* ``tracks.musicbrainz_id``: the MusicBrainz recording id from a file's tags, so a
  later import can match the same recording (ISRC already has ``tracks.isrc``).
* ``audio_files``: one row per audio file found under a library root (``key``:
  a hash of its absolute path), its size and modification time (an unchanged file
  is skipped on a rescan), its status (ok, failed, missing) and the track it became.
* ``local_features``: the features mixtape measured or estimated from the signal
  itself, kept apart from ``audio_features`` so nothing measured here passes for
  Spotify's values (``analyser`` names the analysis version).
* ``sonic_embeddings``: one fixed-length float32 vector per analysed track
  (little-endian bytes), the ``sonic`` model's input.

Revision ID: 0005_local_audio
Revises: 0004_search_prefixes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from mixtape.catalog.schema import key_type

revision = "0005_local_audio"
down_revision = "0004_search_prefixes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN everywhere (SQLite included): no table is copied.
    op.add_column("audio_features", sa.Column("source", sa.String(16)))
    op.add_column("tracks", sa.Column("musicbrainz_id", sa.String(36)))
    op.create_index("ix_tracks_musicbrainz_id", "tracks", ["musicbrainz_id"])
    op.create_table(
        "audio_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", key_type(64), nullable=False, unique=True),
        sa.Column(
            "track_id",
            sa.Integer,
            sa.ForeignKey("tracks.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("analyser", sa.String(32)),
        sa.Column("analysed_at", sa.DateTime(timezone=True)),
        sa.Column("ingest_id", sa.Integer, sa.ForeignKey("ingests.id", ondelete="SET NULL")),
    )
    op.create_table(
        "local_features",
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
        sa.Column("tempo", sa.Float),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("time_signature", sa.SmallInteger),
        sa.Column("analyser", sa.String(32), nullable=False),
    )
    op.create_table(
        "sonic_embeddings",
        sa.Column(
            "track_id",
            sa.Integer,
            sa.ForeignKey("tracks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("analyser", sa.String(32), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sonic_embeddings")
    op.drop_table("local_features")
    op.drop_table("audio_files")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): no table is copied.
    op.drop_index("ix_tracks_musicbrainz_id", "tracks")
    op.drop_column("tracks", "musicbrainz_id")
    op.drop_column("audio_features", "source")
