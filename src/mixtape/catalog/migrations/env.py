"""Alembic environment: mixtape always passes an open connection in."""

from alembic import context

from mixtape.catalog.schema import engine_specific, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand
    raise SystemExit("run migrations through mixtape (open_catalog), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # The search index's engine-specific objects (FTS5 tables, FULLTEXT and GIN
    # indexes) are created by hand in their migration, not declared in the metadata.
    include_name=lambda name, type_, parents: not engine_specific(name),
)
with context.begin_transaction():
    context.run_migrations()
