"""Search index: per-track search documents and each engine's full-text index over them.

``track_search`` (declared in ``schema.py``) holds the folded name and artists of
each track; over it:

* SQLite: an FTS5 table with external content (``track_search_fts``, prefix
  indexes for 2 and 3 characters) and a trigger that removes deleted documents
  from it (new documents are indexed in bulk as they are written);
* MySQL/MariaDB: a FULLTEXT index over both columns, and B-tree indexes on each
  for prefixes shorter than InnoDB's smallest indexed word;
* PostgreSQL: a GIN index over ``setweight(to_tsvector('simple', name), 'A') ||
  setweight(to_tsvector('simple', artists), 'B')`` (the expression the queries use).

Then every existing track's document is written (a catalog of 1.2M tracks takes
a while, once).

Revision ID: 0003_search_index
Revises: 0001_initial_catalog
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from mixtape.catalog.schema import name_type
from mixtape.catalog.search_docs import rebuild

revision = "0003_search_index"
down_revision = "0001_initial_catalog"
branch_labels = None
depends_on = None

#: The document both PostgreSQL's index and its queries use (they must match exactly).
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, name), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, artists), 'B'))"
)

_SQLITE = (
    "CREATE VIRTUAL TABLE track_search_fts USING fts5("
    "name, artists, content='track_search', content_rowid='track_id', "
    "prefix='2 3', tokenize='unicode61 remove_diacritics 2')",
    # Deletes (a renamed track's old document, a deleted track's cascade) reach the
    # index by trigger; inserts are indexed in bulk by search_docs (a trigger per
    # inserted row cost 30 µs a document here, INSERT ... SELECT 6 µs).
    "CREATE TRIGGER track_search_ad AFTER DELETE ON track_search BEGIN "
    "INSERT INTO track_search_fts(track_search_fts, rowid, name, artists) "
    "VALUES ('delete', old.track_id, old.name, old.artists); END",
)
_MYSQL = (
    "CREATE FULLTEXT INDEX ft_track_search ON track_search (name, artists)",
    "CREATE INDEX ix_track_search_name ON track_search (name)",
    "CREATE INDEX ix_track_search_artists ON track_search (artists)",
)
_POSTGRESQL = (f"CREATE INDEX ix_track_search_tsv ON track_search USING gin ({PG_VECTOR})",)


def upgrade() -> None:
    op.create_table(
        "track_search",
        sa.Column(
            "track_id",
            sa.Integer,
            sa.ForeignKey("tracks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", name_type(), nullable=False),
        sa.Column("artists", name_type(), nullable=False),
    )
    conn = op.get_bind()
    dialect = conn.dialect.name
    statements = (
        _SQLITE if dialect == "sqlite" else _POSTGRESQL if dialect == "postgresql" else _MYSQL
    )
    for statement in statements:
        conn.exec_driver_sql(statement)
    rebuild(conn, primary=False)  # the primary artists: 0006


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TABLE track_search_fts")  # its triggers go with the table
    op.drop_table("track_search")
