"""``mixtape ingest``: load playlists, track catalogs and artist files into the catalog."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import progress_bar
from mixtape.errors import IngestError, Interrupted
from mixtape.ingest.artists_csv import ARTISTS
from mixtape.ingest.csv_files import CsvKind, count_lines, ingest_csv_files
from mixtape.ingest.csv_layouts import parse_map_options
from mixtape.ingest.mpd import expand_paths, ingest_mpd
from mixtape.ingest.tracks_csv import TRACKS
from mixtape.records import IngestSummary

ingest_app = typer.Typer(help="Load data files into the catalog.", no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json", help="Print the summary as JSON.")
STRICT_OPT = typer.Option(False, "--strict", help="Stop at the first bad record or file.")


def report(
    st: AppState,
    summaries: list[IngestSummary],
    as_json: bool,
    title: str,
    *,
    stopped: bool = False,
) -> None:
    """Print per-source summaries (or JSON); exit 1 if a source failed (unless ``stopped``)."""
    failed = [s for s in summaries if s.status != "ok"]
    conflicts = sum(s.conflicts for s in summaries)
    if as_json:
        print_json(
            {
                "sources": [s.as_dict() for s in summaries],
                "ok": len(summaries) - len(failed),
                "failed": len(failed),
                "conflicts": conflicts,
                "stopped": stopped,
            }
        )
    else:
        table = Table(title=title)
        for col in ("source", "status", "read", "loaded", "skipped", "note"):
            table.add_column(
                col, justify="right" if col in ("read", "loaded", "skipped") else "left"
            )
        shown = (
            summaries if len(summaries) <= 20 else [*failed, *(s for s in summaries if s.conflicts)]
        )
        for s in shown:
            table.add_row(
                Path(s.source).name,
                s.status,
                str(s.records_read),
                str(s.records_loaded),
                str(s.records_skipped),
                _note(s),
            )
        if shown:
            st.out.print(table)
        read = sum(s.records_read for s in summaries)
        loaded = sum(s.records_loaded for s in summaries)
        skipped = sum(s.records_skipped for s in summaries)
        st.out.print(
            f"{len(summaries)} source(s): {len(summaries) - len(failed)} ok, {len(failed)} failed; "
            f"{read} records read, {loaded} loaded, {skipped} skipped"
            + (f"; {conflicts} conflict(s)" if conflicts else "")
        )
        for s in summaries:
            if s.skipped_lines:
                lines = ", ".join(map(str, s.skipped_lines[:20]))
                more = " …" if len(s.skipped_lines) > 20 else ""
                st.err.print(f"{Path(s.source).name}: skipped lines {lines}{more}", highlight=False)
    for s in summaries:
        for warning in s.warnings:
            st.err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if failed and not stopped:
        raise typer.Exit(1)


def _note(summary: IngestSummary) -> str:
    """One line for the table: why a source failed, or how many records were refused."""
    if summary.status != "ok":
        reason = summary.message or ""
        source = summary.source
        for prefix in (f"{source}: ", f"{source}, "):  # the table already names the file
            reason = reason.removeprefix(prefix)
        return reason.splitlines()[0] if reason else ""
    if summary.conflicts:
        return f"{summary.conflicts} refused: pid held by another source"
    return ""


@contextlib.contextmanager
def _reported_on_stop(
    st: AppState, summaries: list[IngestSummary], as_json: bool, title: str
) -> Iterator[None]:
    """What was committed is reported even when the run stops early (Ctrl-C, --strict)."""
    try:
        yield
    except Interrupted as exc:
        done = [s for s in exc.done if isinstance(s, IngestSummary)]
        report(st, done, as_json, title, stopped=True)
        ok = [s for s in done if s.status == "ok"]
        rows = sum(s.records_loaded for s in ok)
        st.err.print(
            f"interrupted: {len(ok)} files ({rows:,} rows) committed; "
            "re-run the same command to resume",
            highlight=False,
        )
        raise typer.Exit(130) from None
    except IngestError:  # --strict stopped at a bad file: the files before it are committed
        if summaries:
            report(st, summaries, as_json, title, stopped=True)
        raise


@ingest_app.command("mpd")
def mpd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="MPD slice files or folders of them."),
    strict: bool = STRICT_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load Million Playlist Dataset slices (full or reduced schema).

    Each slice is one transaction: a bad slice is reported with its file and
    playlist index and leaves nothing behind; the others still load.  Loading
    a slice again changes nothing; a playlist whose pid the catalog already
    holds from another file (with other content) is refused with a warning
    and the stored one kept.  Ctrl-C keeps the slices already loaded.  The
    MPD is licensed for research, non-commercial use only.
    """
    st = state(ctx)
    catalog = st.catalog()
    files = expand_paths(paths)
    summaries: list[IngestSummary] = []
    with _reported_on_stop(st, summaries, as_json, "MPD ingest"), progress_bar(st.err) as bar:
        task = bar.add_task("slices", total=len(files))
        for summary in ingest_mpd(catalog, files, strict=strict):
            summaries.append(summary)
            bar.advance(task)
    report(st, summaries, as_json, "MPD ingest")


MAP_OPT = typer.Option(
    None,
    "--map",
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (e.g. --map bpm=tempo; COLUMN= ignores a column). Repeatable.",
)


ENCODING_OPT = typer.Option(
    "utf-8",
    "--encoding",
    metavar="NAME",
    help="Text encoding of the files, e.g. latin-1 or cp1252 (default utf-8).",
)


def _ingest_csv(
    ctx: typer.Context,
    spec: CsvKind[Any],
    paths: list[Path],
    maps: list[str] | None,
    strict: bool,
    encoding: str,
    as_json: bool,
    title: str,
) -> None:
    st = state(ctx)
    mapping = parse_map_options(maps or [], spec.fields)
    catalog = st.catalog()
    summaries: list[IngestSummary] = []
    # Only on a terminal, and transient: an error mid-file then reads as one line.
    shown = st.err.is_terminal
    bar = progress_bar(st.err, transient=True)
    with (
        _reported_on_stop(st, summaries, as_json, title),
        bar if shown else contextlib.nullcontext(bar),
    ):
        tasks = {
            path: bar.add_task(
                path.name, total=count_lines(path) if shown and path.is_file() else None
            )
            for path in paths
        }

        def progress(path: Path, rows: int) -> None:
            bar.update(tasks[path], completed=rows)

        for summary in ingest_csv_files(
            catalog,
            spec,
            paths,
            mapping=mapping,
            strict=strict,
            encoding=encoding,
            on_progress=progress,
        ):
            summaries.append(summary)
    report(st, summaries, as_json, title)
    for s in summaries:
        if s.records_skipped:
            st.err.print(f"{Path(s.source).name}: {s.message}", highlight=False)


@ingest_app.command("tracks")
def tracks(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Track CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
    encoding: str = ENCODING_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load track catalogs with audio features from CSV files.

    The layout is recognised from the header: "30000 Spotify Songs", genre
    crawls (id, genre, name, artist, ...), the Kaggle data.csv (160k),
    tracks_features.csv (1.2M) and tracks.csv (600k) files, SpotifyFeatures.csv,
    or any CSV with a track id column (an id or spotify:track: URI) and
    feature columns; --map names what cannot be guessed.  Values are checked
    (fractions in [0, 1], key -1..11, mode 0/1, ...): a bad row is skipped and
    its line shown, or with --strict fails the file, which then leaves nothing.
    Genres on a row (seed genre, playlist genre) are kept as track genres.
    A bad file (another encoding, a wrong header, malformed CSV) is reported
    as failed and the other files still load; --strict stops at the first.
    """
    _ingest_csv(ctx, TRACKS, paths, maps, strict, encoding, as_json, "Tracks ingest")


@ingest_app.command("artists")
def artists(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Artist CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
    encoding: str = ENCODING_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load artist genres, popularity and followers from CSV files, one row per artist.

    Recognises artists_with_genres.csv / data_w_genres.csv (no ids: artists
    are matched by name; genres "a, b", "[]" or "['a', 'b']") and the Kaggle
    artists.csv (id, followers, genres, name, popularity), or any CSV with an
    artist name or id column.  Later files update popularity and add genres;
    nothing is deleted.  A bad file is reported as failed and the other files
    still load; --strict stops at the first.
    """
    _ingest_csv(ctx, ARTISTS, paths, maps, strict, encoding, as_json, "Artists ingest")
