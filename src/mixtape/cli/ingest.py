"""``mixtape ingest``: load playlists, track catalogs and artist files into the catalog."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.progress import TaskID
from rich.table import Table

from mixtape.cli.context import AppState, print_json, state
from mixtape.cli.progress import LazyBar, progress_bar
from mixtape.records import IngestSummary

app = typer.Typer(help="Load data files into the catalog.", no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json", help="Print the summary as JSON.")
STRICT_OPT = typer.Option(False, "--strict", help="Stop at the first bad record or file.")


def report(st: AppState, summaries: list[IngestSummary], as_json: bool, title: str) -> None:
    """Print per-source summaries (or JSON) and exit non-zero if any source failed."""
    failed = [s for s in summaries if s.status != "ok"]
    if as_json:
        print_json(
            {
                "sources": [s.as_dict() for s in summaries],
                "ok": len(summaries) - len(failed),
                "failed": len(failed),
            }
        )
    else:
        table = Table(title=title)
        for col in ("source", "status", "read", "loaded", "skipped"):
            table.add_column(
                col, justify="right" if col in ("read", "loaded", "skipped") else "left"
            )
        shown = summaries if len(summaries) <= 20 else failed
        for s in shown:
            table.add_row(
                Path(s.source).name,
                s.status,
                str(s.records_read),
                str(s.records_loaded),
                str(s.records_skipped),
            )
        if shown:
            st.out.print(table)
        read = sum(s.records_read for s in summaries)
        loaded = sum(s.records_loaded for s in summaries)
        skipped = sum(s.records_skipped for s in summaries)
        st.out.print(
            f"{len(summaries)} source(s): {len(summaries) - len(failed)} ok, {len(failed)} failed; "
            f"{read} records read, {loaded} loaded, {skipped} skipped"
        )
        for s in failed:
            st.err.print(f"[red]failed:[/red] {s.message}", highlight=False)
        for s in summaries:
            if s.skipped_lines:
                lines = ", ".join(map(str, s.skipped_lines[:20]))
                more = " …" if len(s.skipped_lines) > 20 else ""
                st.err.print(f"{Path(s.source).name}: skipped lines {lines}{more}", highlight=False)
    if failed:
        raise typer.Exit(1)


def stopped_line(summaries: list[IngestSummary]) -> str:
    """What an interrupted ingest kept: each source is committed whole or not at all."""
    ok = [s for s in summaries if s.status == "ok"]
    loaded = sum(s.records_loaded for s in ok)
    return (
        f"interrupted: {len(ok)} source(s) committed ({loaded} records loaded) before the stop; "
        "the source being read was rolled back. Running the same command again resumes: "
        "what was committed is replaced, not duplicated."
    )


@contextlib.contextmanager
def committed(st: AppState) -> Iterator[Callable[[IngestSummary], None]]:
    """``on_summary`` for the facade; on Ctrl-C, says what was kept and exits 130."""
    summaries: list[IngestSummary] = []
    try:
        yield summaries.append
    except KeyboardInterrupt:
        st.err.print(stopped_line(summaries), markup=False, highlight=False)
        raise typer.Exit(130) from None


@app.command("mpd")
def mpd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="MPD slice files or folders of them."),
    strict: bool = STRICT_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load Million Playlist Dataset slices (full or reduced schema).

    Each slice is one transaction: a bad slice is reported with its file and
    playlist index and leaves nothing behind; the others still load.  The MPD
    is licensed for research, non-commercial use only.
    """
    st = state(ctx)
    with LazyBar(st.err, "slices") as bar, committed(st) as on_summary:
        summaries = st.mx.ingest_mpd(
            paths, strict=strict, on_summary=on_summary, progress=bar.update
        )
    report(st, summaries, as_json, "MPD ingest")


MAP_OPT = typer.Option(
    None,
    "--map",
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (e.g. --map bpm=tempo; COLUMN= ignores a column). Repeatable.",
)


def _ingest_csv(
    ctx: typer.Context,
    kind: str,
    paths: list[Path],
    maps: list[str] | None,
    strict: bool,
    as_json: bool,
    title: str,
) -> None:
    st = state(ctx)
    ingest = st.mx.ingest_tracks if kind == "tracks" else st.mx.ingest_artists
    # Only on a terminal, and transient: an error mid-file then reads as one line.
    shown = st.err.is_terminal
    bar = progress_bar(st.err, transient=True)
    with bar if shown else contextlib.nullcontext(bar), committed(st) as on_summary:
        tasks: dict[Path, TaskID] = {}

        def progress(path: Path, rows: int, total: int | None) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path.name, total=total)
            bar.update(tasks[path], completed=rows)

        summaries = ingest(
            paths,
            maps=maps or (),
            strict=strict,
            on_summary=on_summary,
            progress=progress,
            count_rows=shown,
        )
    report(st, summaries, as_json, title)
    for s in summaries:
        if s.records_skipped:
            st.err.print(f"{Path(s.source).name}: {s.message}", highlight=False)


@app.command("tracks")
def tracks(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Track CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
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
    """
    _ingest_csv(ctx, "tracks", paths, maps, strict, as_json, "Tracks ingest")


@app.command("artists")
def artists(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Artist CSV files; each is one transaction."),
    maps: list[str] | None = MAP_OPT,
    strict: bool = STRICT_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Load artist genres, popularity and followers from CSV files, one row per artist.

    Recognises artists_with_genres.csv / data_w_genres.csv (no ids: artists
    are matched by name; genres "a, b", "[]" or "['a', 'b']") and the Kaggle
    artists.csv (id, followers, genres, name, popularity), or any CSV with an
    artist name or id column.  Later files update popularity and add genres;
    nothing is deleted.
    """
    _ingest_csv(ctx, "artists", paths, maps, strict, as_json, "Artists ingest")
