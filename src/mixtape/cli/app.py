"""The ``mixtape`` command: global options, the command groups, and the error boundary.

Every command module registers its commands with decorators on a typer app
of its own; :func:`build_app` is the one place that puts them together.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from mixtape import __version__
from mixtape.cli import (
    challenge,
    demo,
    evaluate,
    ingest,
    path,
    plot,
    recommend,
    serve,
    spotify,
    stats,
    tune,
)
from mixtape.cli.boundary import render
from mixtape.cli.context import AppState
from mixtape.errors import MixtapeError

#: What Ctrl-C in a command prints (an ingest says what it kept instead).
INTERRUPTED = "interrupted"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mixtape {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Catalog database (SQLAlchemy URL). Default: $MIXTAPE_DB or a SQLite file "
        "in the data directory.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """mixtape: five classic recommender designs, co-occurrence and hybrid models, on your data."""
    st = ctx.obj if isinstance(ctx.obj, AppState) else AppState()
    st.db_url, st.verbose = db, verbose
    ctx.obj = st
    ctx.call_on_close(st.close)


class _Root(TyperGroup):
    """The root group: Ctrl-C in a command says so (typer alone exits 130 in silence)."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click.Context
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            typer.echo(INTERRUPTED, err=True)
            raise typer.Exit(130) from None


def build_app() -> typer.Typer:
    """The root app with every command, in the order ``--help`` lists them."""
    app = typer.Typer(
        cls=_Root,
        name="mixtape",
        help="A music recommender you can run on your own data.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    for commands in (
        demo.app,
        stats.app,
        recommend.app,
        path.app,
        evaluate.app,
        tune.app,
        serve.app,
    ):
        app.add_typer(commands)
    app.add_typer(ingest.app, name="ingest")
    app.add_typer(plot.app, name="plot")
    app.add_typer(spotify.app, name="spotify")
    app.add_typer(challenge.app, name="challenge")
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every expected error into one line.

    Typer handles usage errors and exit codes itself (standalone mode) and
    lets every other exception through to here, the CLI's error boundary.
    """
    args = sys.argv[1:] if argv is None else argv
    st = AppState()
    verbose = "--verbose" in args or "-v" in args
    try:
        build_app()(args=args, prog_name="mixtape", obj=st)
    except MixtapeError as exc:
        if verbose:
            traceback.print_exc()
        typer.echo(render(exc, st.flags), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected bug: still one line unless --verbose
        if verbose:
            traceback.print_exc()
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run with --verbose for details)",
            err=True,
        )
        sys.exit(1)
