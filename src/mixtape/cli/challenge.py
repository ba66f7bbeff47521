"""``mixtape challenge [run] SET.json | make | score``: the RecSys Challenge 2018's own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from mixtape.cli.context import print_json, state
from mixtape.cli.lists import JSON_OPT
from mixtape.cli.progress import LazyBar
from mixtape.cli.recommend import PARAM_OPT
from mixtape.library import parse_params


class _RunByDefault(TyperGroup):
    """``mixtape challenge SET.json ...`` is ``mixtape challenge run SET.json ...``: a first
    argument that names no subcommand but a file (an existing path, or a name with a
    suffix or a folder) is the challenge set to write a submission for; a bare word that
    names neither (``mixtape challenge maek``) is an unknown subcommand."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and _names_a_file(args[0]):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


def _names_a_file(arg: str) -> bool:
    path = Path(arg)
    return not arg.startswith("-") and (path.exists() or bool(path.suffix) or path.name != arg)


app = typer.Typer(
    cls=_RunByDefault,
    help="The RecSys Challenge 2018's formats: write a submission for a challenge set "
    "(`mixtape challenge SET.json -m MODEL --out sub.csv`, the same as `challenge run`), make "
    "a challenge set from MPD slices, score a submission.",
    no_args_is_help=True,
)


@app.command("make")
def make(
    ctx: typer.Context,
    slices: list[Path] = typer.Argument(
        ..., metavar="MPD_SLICES...", help="MPD slice files or folders of them."
    ),
    out: Path = typer.Option(
        ..., "--out", metavar="FILE", help="Where to write the challenge set (JSON)."
    ),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        metavar="FILE",
        help="Where to write the held-out tracks (default: OUT with .truth.json).",
    ),
    per_category: int = typer.Option(
        100, "--per-category", metavar="N", help="Playlists per category (the challenge: 1000)."
    ),
    seed: int = typer.Option(
        0, "--seed", help="Seed for the choice of playlists and of random seed tracks."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Build a challenge-like set from MPD slices by the official rules: the ten categories
    (title only, title + first 1, ... title + 100 random), each category's playlist lengths,
    every track also in a playlist left for training. Deterministic by --seed. The MPD is for
    research, non-commercial use only.

    Example: mixtape challenge make data/mpd-slices --out challenge_set.json --per-category 50
    """
    st = state(ctx)
    truth = truth or out.with_name(out.name.removesuffix(".json") + ".truth.json")
    with LazyBar(st.err, "reading slices") as bar:
        made = st.mx.challenge_make(
            slices, out, truth, per_category=per_category, seed=seed, progress=bar.update
        )
    if as_json:
        print_json(made.as_dict())
        return
    total = sum(made.per_category.values())
    st.line(f"wrote {total:,} playlists to {made.challenge_path}")
    st.line(f"held-out tracks: {made.truth_path}")
    for category, count in made.per_category.items():
        st.line(f"  {category:<18} {count:>6,}")
    st.warn(made.warnings)
    for note in made.notes:
        st.note(note)


@app.command("run")
def run(
    ctx: typer.Context,
    challenge_set: Path = typer.Argument(
        ..., metavar="CHALLENGE_SET.json", help="A challenge set in the official JSON format."
    ),
    model: str = typer.Option(..., "--model", "-m", help="Which model (see `mixtape models`)."),
    out: Path = typer.Option(
        ..., "--out", metavar="FILE", help="Where to write the submission (CSV)."
    ),
    team: str = typer.Option("mixtape", "--team", metavar="NAME", help="The team name."),
    email: str = typer.Option(
        "mixtape@example.com", "--email", metavar="ADDRESS", help="The contact email."
    ),
    challenge_track: str | None = typer.Option(
        None,
        "--challenge-track",
        metavar="main|creative",
        help="Write 2018's team line (team_info,main,NAME,EMAIL) instead of today's "
        "(team_info,NAME,EMAIL).",
    ),
    param: list[str] | None = PARAM_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Recommend 500 tracks for every playlist of a challenge set and write the submission
    CSV, checked first (500 distinct tracks, none of the seeds, every playlist once). Titles
    are seeds for a model that uses them; short lists are completed with popular tracks.

    Example: mixtape challenge run challenge_set.json --model title --out submission.csv
    """
    st = state(ctx)
    with LazyBar(st.err, "recommending") as bar:
        result = st.mx.challenge_run(
            challenge_set,
            model,
            out,
            team=team,
            email=email,
            challenge_track=challenge_track,
            params=parse_params(param or []),
            progress=bar.update,
            status=st.status,
        )
    if as_json:
        print_json(result.as_dict())
        return
    st.line(f"wrote {result.playlists:,} playlists × 500 tracks ({result.model}) to {result.out}")
    st.warn(result.notes)


@app.command("score")
def score(
    ctx: typer.Context,
    submission: Path = typer.Argument(..., metavar="SUBMISSION.csv", help="A submission CSV."),
    truth: Path = typer.Option(
        ..., "--truth", metavar="FILE", help="The held-out tracks `challenge make` wrote."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Score a submission against the held-out tracks of a set `challenge make` built:
    R-precision, NDCG and clicks per category and overall.

    Example: mixtape challenge score submission.csv --truth challenge_set.truth.json
    """
    st = state(ctx)
    scores = st.mx.challenge_score(submission, truth)
    if as_json:
        print_json({"scores": [s.as_dict() for s in scores]})
        return
    table = Table(title="challenge score", title_justify="left")
    for name in ("category", "playlists", "R-prec", "NDCG", "clicks"):
        table.add_column(name, justify="left" if name == "category" else "right")
    for s in scores:
        values = (f"{s.r_precision:.4f}", f"{s.ndcg:.4f}", f"{s.clicks:.2f}")
        table.add_row(s.category, f"{s.playlists:,}", *values)
    st.out.print(table)
