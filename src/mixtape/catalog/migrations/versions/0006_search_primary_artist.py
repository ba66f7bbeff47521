"""Search documents: the primary artist's folded name beside each document.

The ranking puts an artist's own tracks before those it features on, so it needs
each candidate's primary artist; the documents hold every credited artist's words
without saying whose, and reading the primary artists of the candidates took a
second query per keystroke (a few milliseconds at 1.2M tracks).  Stored in the
document (``track_search.primary_artist``, folded like the rest, not indexed), it
comes with the candidates on every engine: their full-text indexes (SQLite's FTS5
table, MySQL's FULLTEXT index, PostgreSQL's GIN expression) cover ``name`` and
``artists`` only and are left as they are; nothing is re-indexed.

The back-fill writes the column of every existing document once (7 s at 1.2M
tracks on SQLite, the file 783 -> 805 MB; one UPDATE per track on the servers: 50,000
took 2.1 s on MariaDB and 0.6 s on PostgreSQL here, so about a minute and 15 s at 1.2M);
the writes keep it in step from then on
(:mod:`mixtape.catalog.search_docs`).

Revision ID: 0006_search_primary_artist
Revises: 0005_local_audio
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from mixtape.catalog.schema import name_type
from mixtape.catalog.search_docs import fill_primary

revision = "0006_search_primary_artist"
down_revision = "0005_local_audio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with a constant default on every engine: no table is copied
    # (SQLite), and the FTS5 table reads only the columns it indexes.
    op.add_column(
        "track_search",
        sa.Column("primary_artist", name_type(), nullable=False, server_default=""),
    )
    fill_primary(op.get_bind())


def downgrade() -> None:
    op.drop_column("track_search", "primary_artist")
