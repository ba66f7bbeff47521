"""``mixtape tune``: a grid search of one model's parameters on the validation playlists."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from mixtape.cli.context import print_json, state
from mixtape.cli.evaluate import CATEGORIES_OPT, SEED_OPT
from mixtape.cli.progress import LazyBar
from mixtape.library import TUNING_METRICS, Tuning, parse_grid, parse_params

app = typer.Typer()


@app.command("tune")
def tune(
    ctx: typer.Context,
    model: str = typer.Argument(..., metavar="MODEL", help="The model to tune."),
    grid: list[str] | None = typer.Option(
        None,
        "--grid",
        metavar="KEY=V1,V2,...",
        help="Values to try for one parameter (repeatable); every combination is scored.",
    ),
    param: list[str] | None = typer.Option(
        None,
        "--param",
        metavar="KEY=VALUE",
        help="A parameter fixed for every combination (repeatable).",
    ),
    metric: str = typer.Option(
        "r-precision",
        "--metric",
        metavar="METRIC",
        help="What picks the best combination, over all categories: "
        + " or ".join(TUNING_METRICS)
        + ".",
    ),
    playlists: int = typer.Option(
        200, "--playlists", metavar="N", help="Validation playlists scored per category."
    ),
    categories: str | None = CATEGORIES_OPT,
    seed: int = SEED_OPT,
    n: int = typer.Option(500, "-n", help="Recommendations per playlist."),
    test_playlists: list[Path] | None = typer.Option(
        None,
        "--test-playlists",
        metavar="PATH",
        help="MPD slice files you will evaluate on: catalog playlists that are also in them "
        "are neither scored nor fitted on. Repeatable.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print every trial as JSON."),
) -> None:
    """Score every combination of the given parameter values on the catalog's validation
    playlists (a tenth of them, by a hash of their keys) with models fitted without the
    validation and test playlists, and mark the best. `mixtape evaluate` reports on the
    test playlists, which tuning never sees.

    Example: mixtape tune hybrid --grid alpha=0.5,0.7,0.85,1.0
    """
    st = state(ctx)
    st.flags["model"] = "MODEL"
    with LazyBar(st.err, "tuning") as bar:

        def progress(what: str, done: int, total: int) -> None:
            bar.update(done, total, what)

        run = st.mx.tune(
            model,
            parse_grid(grid or []),
            params=parse_params(param or []),
            metric=metric,
            categories=[c.strip() for c in (categories or "").split(",") if c.strip()] or None,
            playlists=playlists,
            seed=seed,
            n=n,
            test_playlists=test_playlists or (),
            progress=progress,
            status=st.status,
        )
    if as_json:
        print_json(run.as_dict())
        return
    st.out.print(trials_table(run.tuning))
    info = run.data
    best = ", ".join(f"{k}={v}" for k, v in run.tuning.best_params.items()) or "the defaults"
    st.line(
        f"best by {run.tuning.metric}: {best}. {run.tuning.splits} splits of "
        f"{info['validation_playlists']} validation playlists; fitted on "
        f"{info['training_playlists']} playlists ({run.tuning.fits} fits)."
    )


def trials_table(tuning: Tuning) -> Table:
    """One row per combination, in grid order; the best is marked."""
    table = Table(title=f"tuning {tuning.model} (validation playlists)", title_justify="left")
    keys = list(tuning.grid)
    for key in keys:
        table.add_column(key)
    for label in ("R-prec", "NDCG", "clicks", "unserved", "fit s", "best"):
        table.add_column(label, justify="right")
    for i, trial in enumerate(tuning.trials):
        row = trial.overall
        table.add_row(
            *[str(trial.params[k]) for k in keys],
            f"{row.r_precision:.4f}",
            f"{row.ndcg:.4f}",
            f"{row.clicks:.2f}",
            str(row.unserved),
            f"{trial.fit_seconds:.1f}" if trial.fit_seconds else "reused",
            "*" if i == tuning.best else "",
        )
    return table
