"""``mixtape plot``: pictures of the catalog written to image files."""

from __future__ import annotations

from pathlib import Path

import typer

from mixtape.catalog.reads import FRAME_COLUMNS, FeatureSample, feature_frame
from mixtape.cli.context import print_json, state
from mixtape.plots import feature_histograms, mood_map

plot_app = typer.Typer(
    help="Draw the catalog: feature histograms and the valence–energy mood map.",
    no_args_is_help=True,
)

JSON_OPT = typer.Option(False, "--json", help="Print the written path and track count as JSON.")
SEED_OPT = typer.Option(
    0, "--seed", metavar="N", help="Seed of the sample (same seed, same tracks)."
)


def _read(
    ctx: typer.Context, columns: tuple[str, ...], sample: int, seed: int, *, require: bool = False
) -> FeatureSample:
    with state(ctx).catalog().connect() as conn:
        return feature_frame(
            conn, columns, sample=sample or None, seed=seed, require=columns if require else ()
        )


def _report(ctx: typer.Context, path: Path, plotted: int, eligible: int, as_json: bool) -> None:
    if as_json:
        print_json({"path": str(path), "tracks_plotted": plotted})
        return
    of = f" (sampled from {eligible:,})" if plotted < eligible else ""
    state(ctx).out.print(f"wrote {path}: {plotted:,} tracks{of}", markup=False, highlight=False)


def _title(what: str, data: FeatureSample) -> str:
    n = len(data.frame)
    if data.sampled:
        return f"{what}: a sample of {n:,} of {data.eligible:,} tracks"
    return f"{what}: {n:,} tracks"


@plot_app.command("features")
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
    data = _read(ctx, FRAME_COLUMNS, sample, seed)
    path = feature_histograms(data.frame, out, title=_title("Audio features", data))
    _report(ctx, path, len(data.frame), data.eligible, as_json)


@plot_app.command("mood")
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
    data = _read(ctx, ("valence", "energy"), sample, seed, require=True)
    frame = data.frame
    path = mood_map(
        frame["valence"].to_numpy(),
        frame["energy"].to_numpy(),
        out,
        title=_title("Mood map", data),
    )
    _report(ctx, path, len(frame), data.eligible, as_json)
