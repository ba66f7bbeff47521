"""The ``mixtape`` command: global options, command groups, and the error boundary."""

from __future__ import annotations

import sys
import traceback

import typer

from mixtape import __version__
from mixtape.cli.context import AppState
from mixtape.errors import MixtapeError

app = typer.Typer(
    name="mixtape",
    help="A music recommender you can run on your own data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mixtape {__version__}")
        raise typer.Exit()


@app.callback()
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
    ctx.obj = AppState(db_url=db, verbose=verbose)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    # Command modules register themselves on import; imported here, not at
    # module level of the library, so `import mixtape` stays side-effect free.
    from mixtape.cli import commands  # noqa: F401


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every expected error into one line.

    Typer handles usage errors and exit codes itself (standalone mode) and
    lets every other exception through to here, the CLI's error boundary.
    """
    _register()
    args = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in args or "-v" in args
    try:
        app(args=args, prog_name="mixtape")
    except MixtapeError as exc:
        if verbose:
            traceback.print_exc()
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected bug: still one line unless --verbose
        if verbose:
            traceback.print_exc()
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run with --verbose for details)",
            err=True,
        )
        sys.exit(1)
