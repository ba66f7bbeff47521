"""``mixtape evaluate``: offline playlist-continuation metrics for every model."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mixtape.cli.context import print_json, state
from mixtape.cli.progress import LazyBar
from mixtape.library import (
    DEFAULT_EVALUATION_MODELS,
    TABLE_COLUMNS,
    Evaluation,
    by_category,
    fmt,
    parse_model_params,
)

app = typer.Typer()

SHOWN = (
    "playlists",
    "r_precision",
    "r_precision_with_features",
    "artist_r_precision",
    "ndcg",
    "clicks",
    "coverage",
    "mean_popularity",
)


#: Options ``tune`` shares.
CATEGORIES_OPT = typer.Option(
    None,
    "--categories",
    metavar="C1,C2",
    help="Seed categories: first-1, first-5, first-10, first-25, random-25, first-100, "
    "random-100 (the default), with the playlist's title as a seed too: title-only, "
    "title-first-1, title-first-5, title-first-10, title-first-25, title-random-25, "
    "title-first-100, title-random-100; or a group: challenge (the RecSys Challenge's "
    "ten), all.",
)
SEED_OPT = typer.Option(0, "--seed", help="Seed for the playlist sample and random splits.")


def _names(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    models: str = typer.Option(
        ",".join(DEFAULT_EVALUATION_MODELS), "--models", metavar="M1,M2", help="Models to compare."
    ),
    playlists: int = typer.Option(
        200, "--playlists", metavar="N", help="Playlists evaluated per category."
    ),
    categories: str | None = CATEGORIES_OPT,
    seed: int = SEED_OPT,
    n: int = typer.Option(500, "-n", help="Recommendations per playlist (the challenge uses 500)."),
    test_playlists: list[Path] | None = typer.Option(
        None,
        "--test-playlists",
        metavar="PATH",
        help="Evaluate on the playlists of these MPD slice files or folders instead of the "
        "catalog's own; models are still fitted on the catalog. Repeatable; paths given after "
        "the options (a shell glob) count too.",
    ),
    param: list[str] | None = typer.Option(
        None,
        "--param",
        metavar="MODEL.KEY=VALUE",
        help="A parameter of one of the models (repeatable), e.g. --param hybrid.alpha=0.7; "
        "see `mixtape tune` to choose them on the validation playlists.",
    ),
    report: Path | None = typer.Option(
        None, "--report", metavar="DIR", help="Write report.md and a PNG chart into DIR."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    paths: list[Path] | None = typer.Argument(
        None, metavar="PATH", help="More MPD slice files or folders to evaluate on."
    ),
) -> None:
    """Hold out the end (or a random part) of playlists and measure how well each model
    recovers it: R-precision, NDCG and clicks as in the RecSys Challenge 2018, plus coverage,
    diversity and popularity bias. The playlists come from the catalog's test pool (a tenth
    of them, by a hash of their keys; `mixtape tune` never sees them) or from MPD files;
    every model is fitted without the evaluated playlists.

    Example: mixtape evaluate --test-playlists data/mpd.slice.*.json
    """
    st = state(ctx)
    with LazyBar(st.err, "evaluating") as bar:

        def progress(model: str, done: int, total: int) -> None:
            bar.update(done, total, f"evaluating {model}")

        run = st.mx.evaluate(
            _names(models),
            categories=_names(categories) or None,
            playlists=playlists,
            seed=seed,
            n=n,
            test_playlists=[*(test_playlists or ()), *(paths or ())],
            params=parse_model_params(param or []),
            report=report,
            command="mixtape " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
            progress=progress,
            status=st.status,
        )
    if as_json:
        print_json(run.as_dict())
        return
    show_tables(st.out, run.evaluation)
    info = run.data
    st.out.print(
        f"{info['test_playlists']} playlists available ({info['source']}); "
        f"{info['tracks']} tracks in the catalog. "
        "'feat.' columns count only held-out tracks with audio features.",
        highlight=False,
    )
    if run.report:
        st.out.print(f"report written to {run.report}", highlight=False)


def show_tables(console: Console, evaluation: Evaluation) -> None:
    labels = {key: (label, pattern) for key, label, pattern in TABLE_COLUMNS}
    groups = by_category(evaluation)
    for cat in [*[c for c in evaluation.categories if c in groups], "all"]:
        table = Table(title=f"category: {cat}", title_justify="left")
        table.add_column("model")
        for key in SHOWN:
            table.add_column(labels[key][0], justify="right")
        for row in groups.get(cat, []):
            table.add_row(row.model, *[fmt(getattr(row, k), labels[k][1]) for k in SHOWN])
        console.print(table)
