"""``mixtape evaluate``: offline playlist-continuation metrics for every model."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mixtape import service
from mixtape.cli.context import print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.cli.recommend import _cache_dir, _status
from mixtape.evaluation.harness import Evaluation
from mixtape.evaluation.report import TABLE_COLUMNS, by_category, fmt, write_report
from mixtape.evaluation.runner import DEFAULT_MODELS, parse_models, run_evaluation

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


def evaluate(
    ctx: typer.Context,
    models: str = typer.Option(
        ",".join(DEFAULT_MODELS), "--models", metavar="M1,M2", help="Models to compare."
    ),
    playlists: int = typer.Option(
        200, "--playlists", metavar="N", help="Playlists evaluated per category."
    ),
    categories: str | None = typer.Option(
        None,
        "--categories",
        metavar="C1,C2",
        help="Seed categories: first-1, first-5, first-10, first-25, random-25, first-100, "
        "random-100 (default: all).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the playlist sample and random splits."),
    n: int = typer.Option(500, "-n", help="Recommendations per playlist (the challenge uses 500)."),
    test_playlists: list[Path] | None = typer.Option(
        None,
        "--test-playlists",
        metavar="PATH",
        help="Evaluate on the playlists of these MPD slice files or folders (repeatable) "
        "instead of the catalog's own; models are still fitted on the catalog.",
    ),
    report: Path | None = typer.Option(
        None, "--report", metavar="DIR", help="Write report.md and a PNG chart into DIR."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Hold out the end (or a random part) of playlists and measure how well each model
    recovers it: R-precision, NDCG and clicks as in the RecSys Challenge 2018, plus coverage,
    diversity and popularity bias. Every model is fitted without the evaluated playlists.
    """
    st = state(ctx)
    names = parse_models(models)
    catalog = st.catalog()
    data = service.load_arrays(catalog, _cache_dir(st), status=_status(st))
    with progress_bar(st.err) as bar:
        task = bar.add_task("evaluating", total=None)

        def progress(model: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"evaluating {model}")

        evaluation, info = run_evaluation(
            catalog,
            data,
            models=names,
            categories=categories,
            playlists=playlists,
            seed=seed,
            n=n,
            test_playlists=test_playlists or (),
            on_progress=progress,
        )
    report_path = None
    if report is not None:
        command = "mixtape " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        report_path = write_report(evaluation, report, command)
    if as_json:
        print_json(
            {
                **evaluation.as_dict(),
                "data": info,
                "report": str(report_path) if report_path else None,
            }
        )
        return
    show_tables(st.out, evaluation)
    st.out.print(
        f"{info['test_playlists']} playlists available ({info['source']}); "
        f"{data.n_tracks} tracks in the catalog. "
        "'feat.' columns count only held-out tracks with audio features.",
        highlight=False,
    )
    if report_path:
        st.out.print(f"report written to {report_path}", highlight=False)


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
