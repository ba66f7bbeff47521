"""Every command group, attached to the root app. One module per group."""

from mixtape.cli.app import app
from mixtape.cli.ingest import ingest_app

app.add_typer(ingest_app, name="ingest")
