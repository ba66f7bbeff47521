"""Every command group, attached to the root app. One module per group."""

from mixtape.cli.app import app
from mixtape.cli.demo import demo_data
from mixtape.cli.evaluate import evaluate
from mixtape.cli.ingest import ingest_app
from mixtape.cli.plot import plot_app
from mixtape.cli.recommend import curate, models, recommend
from mixtape.cli.stats import stats

app.command("demo-data")(demo_data)
app.add_typer(ingest_app, name="ingest")
app.command("stats")(stats)
app.add_typer(plot_app, name="plot")
app.command("models")(models)
app.command("recommend")(recommend)
app.command("curate")(curate)
app.command("evaluate")(evaluate)
from mixtape.cli.spotify import spotify_app  # noqa: E402

app.add_typer(spotify_app, name="spotify")
