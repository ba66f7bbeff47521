"""``mixtape plot``: pictures of the catalog written to image files."""

from __future__ import annotations

from pathlib import Path

import typer

from mixtape.cli.context import print_json, state
from mixtape.library import PlotResult

app = typer.Typer(
    help="Draw the catalog: feature histograms and the valence–energy mood map.",
    no_args_is_help=True,
)

JSON_OPT = typer.Option(False, "--json", help="Print the written path and track count as JSON.")
SEED_OPT = typer.Option(
    0, "--seed", metavar="N", help="Seed of the sample (same seed, same tracks)."
)


def _report(ctx: typer.Context, result: PlotResult, as_json: bool) -> None:
    if as_json:
        print_json(result.as_dict())
        return
    of = f" (sampled from {result.eligible:,})" if result.plotted < result.eligible else ""
    state(ctx).line(f"wrote {result.path}: {result.plotted:,} tracks{of}")


@app.command("features")
def features(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("features.png"),
        "--out",
        "-o",
        metavar="FILE",
        help="Image file to write (.png, .svg or .pdf); missing folders are created.",
    ),
    sample: int = typer.Option(
        100_000,
        "--sample",
        min=0,
        metavar="N",
        help="Plot a seeded sample of about N tracks; 0 plots every track.",
    ),
    seed: int = SEED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Histograms of every audio feature, release year and popularity.

    Only tracks with at least one audio feature are counted; each panel says
    how many of them have a value for its column.  Open-ended columns
    (loudness, tempo, duration) show their central 99% of values.
    """
    result = state(ctx).mx.plot_features(out, sample=sample, seed=seed)
    _report(ctx, result, as_json)


@app.command("mood")
def mood(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("mood.png"),
        "--out",
        "-o",
        metavar="FILE",
        help="Image file to write (.png, .svg or .pdf); missing folders are created.",
    ),
    sample: int = typer.Option(
        20_000,
        "--sample",
        min=0,
        metavar="N",
        help="Plot a seeded sample of about N tracks; 0 plots every track.",
    ),
    seed: int = SEED_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """The catalog on the valence–energy plane, split into four moods.

    Valence runs left (sad) to right (happy), energy bottom (calm) to top
    (intense); the lines at 0.5 cut the plane into happy (high valence, high
    energy), angry (low valence, high energy), sad (both low) and calm (high
    valence, low energy).
    """
    result = state(ctx).mx.plot_mood(out, sample=sample, seed=seed)
    _report(ctx, result, as_json)
